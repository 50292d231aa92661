"""Writing generated files: only what changed, each replaced atomically, stale ones removed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def sync_tree(root: Path, files: Mapping[str, str | bytes]) -> dict[str, Path]:
    """Make `root` hold exactly `files`; unchanged files keep their mtime, for `mkdocs --dirty`."""
    root.mkdir(parents=True, exist_ok=True)
    written = {}
    for relative, content in files.items():
        target = root / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if not target.is_file() or target.read_bytes() != data:
            write_atomically(target, data)
        written[relative] = target
    wanted = {path.resolve() for path in written.values()}
    for existing in sorted(root.rglob("*"), reverse=True):
        if existing.is_file() and existing.resolve() not in wanted:
            existing.unlink()
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return written


def write_atomically(target: Path, data: bytes) -> None:
    """Replace `target` in one step, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
