"""Moving claims between one claims file and a folder of included files, text unchanged.

`split` moves every claim of claims.yaml into files under a folder (one file per claim, or per
month the claim was made) and adds the folder to `include:`; `join` moves the claims, sources
and claimants of the included files back into claims.yaml and drops `include:`. Records move as
text, cut at their list items (generator/storage.py does the cutting), so comments, quoting and
line breaks inside each record stay as they were; only their indentation may change.

Both commands check their result: the catalog must read back with the same records as before,
or every file is put back as it was and the command fails.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Literal

import yaml

from generator import output, storage
from generator.load import load_located
from generator.model import Catalog
from generator.problems import CatalogError
from generator.textedit import encode_lines, line_ending

Grouping = Literal["claim", "month"]
MOVED = ("sources", "claimants", "claims")
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_INDENT = re.compile(r"^( *)-")


class LayoutError(Exception):
    """The files cannot be moved as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Moved:
    """What a command changed, for its report."""

    records: int
    files: list[Path]


def split(root: Path, folder: str, *, by: Grouping = "claim", today: date | None = None) -> Moved:
    """Move every claim of `root` into files under `folder`, beside `root`."""
    before = load_located(root, today=today)
    if before.files != [before.file]:
        raise LayoutError(f"{root} already includes other files; join them first")
    parts = PurePosixPath(folder).parts
    if not parts or folder.startswith("/") or "\\" in folder or ".." in parts:
        raise LayoutError(f"{folder} must be a folder inside {root.parent}, like claims")
    if not all(_FOLDER_NAME.fullmatch(part) for part in parts):
        # It becomes an include pattern: no character that patterns or YAML read otherwise.
        raise LayoutError(
            f"{folder}: name the folder with letters, digits, '-', '_' and '.', like claims"
        )
    text = root.read_text("utf-8")
    pieces = _pieces(root, text)
    claims = [piece for key, kind, piece in pieces if key == "claims" and kind == "item"]
    if not claims:
        raise LayoutError(f"{root} has no claims to move")
    target = root.parent / folder
    if target.exists() and any(target.iterdir()):
        raise LayoutError(f"{target} is not empty; give a new folder")
    groups: dict[str, list[str]] = defaultdict(list)
    for claim, piece in zip(before.catalog.claims, claims, strict=True):
        name = claim.id if by == "claim" else f"{claim.claimed:%Y-%m}"
        groups[name].append(_reindent(piece, 2))
    files = {target / f"{name}.yaml": _file_text(pieces_of) for name, pieces_of in groups.items()}
    kept = [piece for key, _, piece in pieces if key != "claims"]
    root_text = "".join(kept).rstrip("\n") + f"\ninclude:\n  - {folder}/*.yaml\n"
    _commit(root, root_text, files, [], before.catalog, today)
    return Moved(len(claims), sorted(files))


def join(root: Path, *, today: date | None = None) -> Moved:
    """Move the records of every file `root` includes back into `root`; drop `include:`."""
    before = load_located(root, today=today)
    included = [Path(name) for name in before.files[1:]]
    if not included:
        raise LayoutError(f"{root} includes no other file; there is nothing to join")
    text = root.read_text("utf-8")
    pieces = _pieces(root, text)
    moving: dict[str, list[str]] = defaultdict(list)
    for path in included:
        above = ""  # comments above a list's key line go with the list's first item
        for key, kind, piece in _pieces(path, path.read_text("utf-8")):
            if kind == "header" and key in MOVED:
                above = "".join(piece.splitlines(keepends=True)[:-1]).lstrip("\n")
            elif kind == "item" and key in MOVED:
                moving[key].append(above + piece)
                above = ""
    for key, kind, _ in pieces:
        if key in moving and kind == "value":
            raise LayoutError(
                f"{root} writes '{key}' on one line; write it as a list ('{key}:' and then "
                "'- ' items) and run the command again"
            )
    indent = {key: _item_indent(pieces, key) for key in MOVED}
    out: list[str] = []
    placed: set[str] = set()
    for number, (key, kind, piece) in enumerate(pieces):
        if key == "include":
            continue
        out.append(piece)
        is_last = number + 1 == len(pieces) or pieces[number + 1][0] != key
        if key in moving and is_last and kind != "value":
            out.extend(_reindent(item, indent[key]) for item in moving[key])
            placed.add(key)
    root_text = "".join(out).rstrip("\n") + "\n"
    for key in MOVED:
        if key in moving and key not in placed:
            items = "".join(_reindent(item, 2) for item in moving[key])
            root_text += f"{key}:\n{items}"
    count = sum(len(items) for items in moving.values())
    _commit(root, root_text, {}, included, before.catalog, today)
    for folder in sorted({path.parent for path in included}, reverse=True):
        if folder.resolve() != root.parent.resolve() and not any(folder.iterdir()):
            folder.rmdir()
    return Moved(count, [root])


def _pieces(path: Path, text: str) -> list[storage.Piece]:
    pieces = storage.cut(text)
    if pieces is None:
        raise LayoutError(
            f"{path} is not written as plain top-level sections with '- ' lists, so its "
            "records cannot be cut out safely; move them by hand"
        )
    _check_items(path, pieces)
    return pieces


def _check_items(path: Path, pieces: list[storage.Piece]) -> None:
    """Refuse a cut that does not give one whole record a piece: a line of a record's text that
    starts with '- ' at the list's column looks like the next item. Then the record before it
    does not read alone, and neither does the piece that line starts, which the message names."""
    line, bad = 1, []
    for key, kind, piece in pieces:
        if kind == "item" and key in MOVED:
            try:
                value = yaml.safe_load(piece)
            except yaml.YAMLError:
                value = None
            if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)):
                bad.append((line, key))
        line += piece.count("\n")
    if bad:
        at, key = bad[1] if len(bad) > 1 else bad[0]
        raise LayoutError(
            f"{path}:{at}: the {key} cannot be cut out one by one: this line of a record's "
            "text starts with '- ' where the list's items do; indent it further, then run the "
            "command again"
        )


def _item_indent(pieces: list[storage.Piece], key: str) -> int:
    for piece_key, kind, piece in pieces:
        if piece_key == key and kind == "item":
            for line in piece.splitlines():
                match = _INDENT.match(line)
                if match:
                    return len(match.group(1))
    return 2


def _reindent(item: str, indent: int) -> str:
    """A list item's text with its '- ' at column `indent`; deeper lines move with it."""
    lines = item.splitlines(keepends=True)
    current = next(
        (len(match.group(1)) for line in lines if (match := _INDENT.match(line))), indent
    )
    shift = indent - current
    if shift == 0:
        return item
    moved = []
    for line in lines:
        if not line.strip():
            moved.append(line)
        elif shift > 0:
            moved.append(" " * shift + line)
        else:
            moved.append(line[min(-shift, len(line) - len(line.lstrip(" "))) :])
    text = "".join(moved)
    return text if text.endswith("\n") else text + "\n"


def _file_text(items: Iterable[str]) -> str:
    return "claims:\n" + "".join(item if item.endswith("\n") else item + "\n" for item in items)


def _commit(
    root: Path,
    root_text: str,
    files: dict[Path, str],
    removed: list[Path],
    expected: Catalog,
    today: date | None,
) -> None:
    """Write the new layout; keep it only if it reads back as the same records."""
    saved = {path: path.read_bytes() for path in [root, *removed]}
    created = [path for path in files if not path.exists()]
    ending = line_ending(saved[root])  # every file is written as the claims file is
    try:
        for path, text in files.items():
            output.write_atomically(path, encode_lines(text, ending))
        output.write_atomically(root, encode_lines(root_text, ending))
        for path in removed:
            path.unlink()
        after = load_located(root, today=today).catalog
        if _records(after) != _records(expected):
            raise LayoutError("the moved records did not read back the same; nothing was moved")
    except (CatalogError, LayoutError, OSError, yaml.YAMLError):
        for path in created:
            path.unlink(missing_ok=True)
        for path, data in saved.items():
            output.write_atomically(path, data)
        raise


def _records(catalog: Catalog) -> dict[str, object]:
    """The catalog's records by section and id: what a move must keep, whatever their order."""
    data = catalog.model_dump(mode="json", exclude={"include"})
    for section in MOVED:
        data[section] = {record["id"]: record for record in data[section]}
    return data
