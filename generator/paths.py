"""Where every generated page lives, relative to the docs folder; the one place paths are spelt."""

from __future__ import annotations

import posixpath

# Paginated lists put their later pages beside their first (`claims/page-2.md` after
# `claims/index.md`), or in the folder of its address (`claimants/page-2.md` after
# `claimants.md`). Ids may not take these names (generator/model.py refuses them).


def claim(claim_id: str) -> str:
    return f"claims/{claim_id}.md"


def source(source_id: str) -> str:
    return f"sources/{source_id}.md"


def claimant(claimant_id: str) -> str:
    return f"claimants/{claimant_id}/index.md"


def verdict(rating_id: str) -> str:
    return f"verdicts/{rating_id}/index.md"


def output(path: str) -> str:
    """Where MkDocs writes the page at `path`: `claims/a.md` to `claims/a/index.html`."""
    stem = path.removesuffix(".md")
    if posixpath.basename(stem) == "index":
        return f"{stem}.html"
    return f"{stem}/index.html"


def list_page(first: str, number: int) -> str:
    """Page `number` (from 1) of the paginated list whose first page is `first`."""
    if number == 1:
        return first
    stem = first.removesuffix(".md")
    folder = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem
    return posixpath.join(folder, f"page-{number}.md")


CLAIMS = "claims/index.md"
SOURCES = "sources/index.md"
VERDICTS = "verdicts.md"
CLAIMANTS = "claimants.md"
SCALE = "scale.md"
CORRECTIONS = "corrections.md"
WITHDRAWN = "corrections/withdrawn.md"
