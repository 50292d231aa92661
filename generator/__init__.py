"""Static fact-check site generator: claims.yaml → validated records → Markdown pages."""
