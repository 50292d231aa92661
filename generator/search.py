"""The search index: Pagefind indexes the built HTML and readers fetch only the chunks they need."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

FOLDER = "pagefind"
"""Where the index goes in the built site."""

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


def index_site(site_dir: Path, cache: Path | None = None, *, is_background: bool = False) -> None:
    """Write the Pagefind index into `site_dir`/pagefind.

    With a `cache` folder, the index of the last build is kept there under a digest of every
    HTML page it indexed; a build whose pages are all the same reuses it instead of indexing
    again. Pagefind cannot update an index, so any change indexes the whole site. In the
    background (`is_background`), Pagefind runs at the lowest priority, so that it takes only
    the time that rebuilds leave.
    """
    target = site_dir / FOLDER
    digest = _pages_digest(site_dir) if cache is not None else ""
    kept = cache / digest if cache is not None else None
    if kept is not None and kept.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(kept, target, copy_function=_link_or_copy)
        return
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), *PAGEFIND_ARGUMENTS],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=(lambda: os.nice(19)) if is_background else None,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed:\n{result.stdout}{result.stderr}")
    if cache is not None and kept is not None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(target, kept, copy_function=_link_or_copy)


def _pages_digest(site_dir: Path) -> str:
    """A digest of every HTML page and of how Pagefind is asked to index them."""
    how = " ".join([importlib.metadata.version("pagefind"), *PAGEFIND_ARGUMENTS])
    hasher = hashlib.blake2b(how.encode("utf-8"), digest_size=16)
    for page in sorted(site_dir.rglob("*.html")):
        hasher.update(page.relative_to(site_dir).as_posix().encode("utf-8") + b"\0")
        hasher.update(page.read_bytes())
    return hasher.hexdigest()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
