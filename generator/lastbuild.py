"""What a build records of its output, for the next dirty build into the same folder.

MkDocs' `--dirty` mode rebuilds a page when its source file is newer than its output. The
generator rewrites a generated page's file exactly when its text changes, so that holds for
generated pages. For the rest, each build records what its output depends on beyond each
page's own source (`state`). The next dirty build compares its own with the record of the last
build into the same folder, and removes the output that the record shows to be out of date, so
that MkDocs builds those pages again (`remove_stale`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator import output

# A marker fills in a snippet only on a line of its own: written inside a sentence (in a code
# span, say), it is text about the marker.
SNIPPET_MARKER = re.compile(r"^<!-- factcheck:([a-z0-9-]+) -->[ \t]*$", re.MULTILINE)


def state(
    layout: Sequence[object], snippets: Mapping[str, str], pages: Iterable[str]
) -> dict[str, Any]:
    """What a build's output depends on beyond each page's own source file: the `layout` that
    every page shows, the text of each snippet, and the output paths of the generated pages."""
    return {
        "layout": _digest(json.dumps(layout).encode("utf-8")),
        "snippets": {name: _digest(text.encode()) for name, text in snippets.items()},
        "pages": sorted(pages),
    }


def theme_digest(config_file: Path, theme_dirs: Iterable[str], version: bytes) -> str:
    """A digest of the configuration, the theme's files inside the project, and `version` (of
    the packages that convert and render pages)."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(version + config_file.read_bytes())
    for folder in theme_dirs:
        if Path(folder).resolve().is_relative_to(config_file.resolve().parent):
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    hasher.update(str(path).encode() + path.read_bytes())
    return hasher.hexdigest()


class Records:
    """The state each build recorded, by output folder, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, site: Path) -> dict[str, Any]:
        """What the last build into `site` recorded; nothing when it is missing or unreadable."""
        try:
            recorded = json.loads(self._path(site).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return recorded if isinstance(recorded, dict) else {}

    def save(self, site: Path, recorded: Mapping[str, Any]) -> None:
        output.write_atomically(self._path(site), json.dumps(recorded).encode("utf-8"))

    def _path(self, site: Path) -> Path:
        return self.folder / (_digest(str(site.resolve()).encode()) + ".json")


def is_layout_changed(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether the theme, the configuration or the navigation changed: every page shows them."""
    return bool(before.get("layout") != now["layout"])


def remove_stale(
    site: Path,
    before: Mapping[str, Any],
    now: Mapping[str, Any],
    handwritten: Iterable[tuple[Path, Path]],
) -> None:
    """Remove the output of hand-written pages (their source and output) that show a snippet
    whose text changed, and of generated pages that no longer exist."""
    snippets = now["snippets"]
    for source, built in handwritten:
        used = set(SNIPPET_MARKER.findall(source.read_text("utf-8")))
        if any(before["snippets"].get(name) != snippets.get(name) for name in used):
            built.unlink(missing_ok=True)
    for dest in set(before.get("pages", [])) - set(now["pages"]):
        target = site / dest
        target.unlink(missing_ok=True)
        if target.parent != site and target.parent.is_dir() and not any(target.parent.iterdir()):
            target.parent.rmdir()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
