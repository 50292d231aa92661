"""The search index: Pagefind indexes the built HTML and readers fetch only the chunks they need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Index the article only (not the sidebar), and not the charts or the filter form.
PAGEFIND_ARGUMENTS = [
    "--root-selector",
    "article",
    "--exclude-selectors",
    "svg",
    "--exclude-selectors",
    ".fc-filters",
    "--quiet",
]


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


def index_site(site_dir: Path) -> None:
    """Write the Pagefind index into `site_dir`/pagefind."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), *PAGEFIND_ARGUMENTS],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed:\n{result.stdout}{result.stderr}")
