"""Reading claim files fast: each file split into its records, each record parsed once per content.

A claims file is a mapping of sections; most of its bytes are list items (one claim, one source).
`read_records` cuts the text at the top-level keys and at the items of each section's list, parses
each piece on its own, and keeps the result in a cache keyed by the piece's bytes. After an edit
to one claim only that claim is parsed again, whatever the size of the file.

Cutting YAML by lines is only safe for plain block layouts, so the cut is conservative: any line
at column 0 that is not a `key:` line, any line indented less than the items of its list, a piece
that does not parse on its own as exactly one entry, or a piece with problems, makes the reader
give up and return None. The caller then reads the whole file the exact way, with positions, and
reports its problems; this module never reports anything itself. A cut that is wrong always leaves
a piece that does not parse (a quote, bracket or block left open), so it can only fall back.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from generator import yamlsource
from generator.output import write_atomically
from generator.version import code_digest

# A top-level `key:` line, optionally with a value or a comment after the colon.
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?")
# Lines at column 0 other than blank lines, comments and list items (`- ...`). The patterns that
# run over a whole file find a line by the newline before it, which Python's regular expressions
# find far faster than `^` in MULTILINE mode: 22 against 154 ms in a file of 36 MiB.
_COLUMN_ZERO = "(?!-[ \t\r\n]|-$)[^ \t\r\n#]"
_FIRST_COLUMN_ZERO = re.compile(_COLUMN_ZERO, re.MULTILINE)
_NEXT_COLUMN_ZERO = re.compile("\n" + _COLUMN_ZERO, re.MULTILINE)
_CONTENT_LINE = re.compile(r"^([ \t]*)([^ \t\r\n#])", re.MULTILINE)

Fingerprint = bytes


def fingerprint(value: Any) -> Fingerprint:
    """A digest of a parsed value: equal for equal data, whatever the layout of its text."""
    return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=16).digest()


class _Piece(NamedTuple):
    """A parsed piece of a file: its value, how many YAML values it holds, and its fingerprint."""

    value: Any
    size: int
    fingerprint: Fingerprint


@dataclass
class Records:
    """A claims file read without positions: its data, and a fingerprint of every list item."""

    data: Any
    fingerprints: dict[str, list[Fingerprint]] = field(default_factory=dict)
    """Per section, the fingerprint of each item, in order."""


class ParseCache:
    """Parsed pieces by the digest of their text, in memory and optionally in a folder.

    The folder holds one pickle per claims file; it is written only when new pieces were parsed,
    and holds only the pieces the file had when it was last read.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.pieces: dict[bytes, _Piece] = {}
        self.loaded: set[str] = set()
        self.saved: dict[str, bytes] = {}
        self.used: dict[str, dict[bytes, _Piece]] = {}
        self.is_saving = True
        """Whether new pieces are written to the folder; a long-running preview saves once."""
        self.validated: dict[Fingerprint, Any] = {}
        """Validated records of list items, by fingerprint; kept in memory only."""
        self.passed: set[bytes] = set()
        """Claims that passed the checks across records (generator/rules.py); in memory only."""

    def read_records(self, name: str, text: str) -> Records | None:
        """The records of the claims file `name` holding `text`, or None to read it exactly."""
        self._load(name)
        pieces = _split(text)
        if pieces is None:
            return self._read_whole(name, text)
        used: dict[bytes, _Piece] = {}
        data: dict[str, Any] = {}
        fingerprints: dict[str, list[Fingerprint]] = {}
        count = 1
        for key, is_item, piece_text in pieces:
            digest = _digest(piece_text, is_item)
            piece = self._parse(piece_text, is_item, digest)
            if piece is None:
                return None
            used[digest] = piece
            if not is_item:
                if key in data or not isinstance(piece.value, dict) or list(piece.value) != [key]:
                    return None
                data[key] = piece.value[key]
                if isinstance(data[key], list):
                    fingerprints[key] = [fingerprint(item) for item in data[key]]
                count += piece.size - 1
                continue
            if key not in data:
                data[key] = []
                fingerprints[key] = []
                count += 2
            elif not isinstance(data[key], list) or len(data[key]) != len(fingerprints[key]):
                return None
            data[key].append(piece.value)
            fingerprints[key].append(piece.fingerprint)
            count += piece.size - 1
        if count > yamlsource.MAX_VALUES:
            return None
        self._save(name, used)
        return Records(data, fingerprints)

    def keep_validated(self, fingerprints: set[Fingerprint]) -> None:
        """Forget the validated records of items that no file holds any more."""
        for stale in self.validated.keys() - fingerprints:
            del self.validated[stale]

    def _read_whole(self, name: str, text: str) -> Records | None:
        """A file whose layout cannot be cut, parsed and cached as one piece."""
        digest = _digest(text, False)
        piece = self._parse(text, False, digest)
        if piece is None:
            return None
        self._save(name, {digest: piece})
        data = piece.value
        if not isinstance(data, dict):
            return Records(data)
        fingerprints = {
            key: [fingerprint(item) for item in value]
            for key, value in data.items()
            if isinstance(value, list)
        }
        return Records(data, fingerprints)

    def _parse(self, text: str, is_item: bool, digest: bytes) -> _Piece | None:
        """The piece `text` (whose digest is `digest`), parsed or from the cache."""
        piece = self.pieces.get(digest)
        if piece is not None:
            return piece
        try:
            document = yamlsource.parse(text, depth=1 if is_item else 0)
        except yamlsource.SourceError:
            return None
        if document.issues:
            return None
        value = document.data
        if is_item:
            if not isinstance(value, list) or len(value) != 1:
                return None
            value = value[0]
        piece = _Piece(value, document.count, fingerprint(value))
        self.pieces[digest] = piece
        return piece

    def _path(self, name: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.blake2b(name.encode("utf-8"), digest_size=12).hexdigest()
        return self.folder / f"{key}.pickle"

    def _load(self, name: str) -> None:
        path = self._path(name)
        if path is None or name in self.loaded:
            return
        self.loaded.add(name)
        try:
            with path.open("rb") as stream:
                version, pieces = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return
        if version == _cache_version() and isinstance(pieces, dict):
            self.pieces.update(pieces)
            self.used[name] = pieces
            self.saved[name] = _stamp(pieces)

    def _save(self, name: str, used: dict[bytes, _Piece]) -> None:
        """Remember the pieces `name` has now; forget those no file has any more."""
        old = self.used.get(name, {})
        self.used[name] = used
        for digest in old.keys() - used.keys():
            if not any(digest in pieces for pieces in self.used.values()):
                del self.pieces[digest]
        path = self._path(name)
        if path is None or not self.is_saving:
            return
        stamp = _stamp(used)
        if self.saved.get(name) == stamp:
            return
        try:
            write_atomically(path, pickle.dumps((_cache_version(), used), protocol=5))
        except OSError:
            return  # a cache that cannot be written only costs time
        self.saved[name] = stamp


def _cache_version() -> str:
    """What the pieces in a cache folder were parsed by: the generator's code and PyYAML."""
    return f"{code_digest()} PyYAML {yaml.__version__}"


def _stamp(pieces: dict[bytes, _Piece]) -> bytes:
    return hashlib.blake2b(b"".join(sorted(pieces)), digest_size=16).digest()


def _digest(text: str, is_item: bool) -> bytes:
    prefix = b"item\0" if is_item else b"key\0"
    return hashlib.blake2b(prefix + text.encode("utf-8"), digest_size=20).digest()


Piece = tuple[str, str, str]
"""(top-level key, kind, text): kind is "value" (a whole `key: value` entry), "header" (the
`key:` line of a list and what precedes it) or "item" (one list item)."""


def cut(text: str) -> list[Piece] | None:
    """Every piece of `text` in order, together exactly `text`; None when it cannot be cut."""
    starts = [0] if _FIRST_COLUMN_ZERO.match(text) else []
    starts.extend(match.start() + 1 for match in _NEXT_COLUMN_ZERO.finditer(text))
    if not starts or _has_content(text, 0, starts[0]):
        return None
    pieces: list[Piece] = []
    keys: set[str] = set()
    for number, start in enumerate(starts):
        begin = 0 if number == 0 else start  # the first piece keeps the comments above it
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        line_end = text.find("\n", start, end)
        line_end = end if line_end == -1 else line_end + 1
        match = _KEY_LINE.fullmatch(text[start:line_end].rstrip("\r\n"))
        if match is None:
            return None
        key, value = match.groups()
        if key in keys:
            return None  # a repeated key: reading the whole file reports it
        keys.add(key)
        items = None
        if not value or value.lstrip().startswith("#"):
            items = _items(text, line_end, end)
        if items is None:
            pieces.append((key, "value", text[begin:end]))
        else:
            pieces.append((key, "header", text[begin:line_end]))
            pieces.extend((key, "item", item) for item in items)
    return pieces


def _split(text: str) -> list[tuple[str, bool, str]] | None:
    """The pieces that hold values: (top-level key, whether it is a list item, text)."""
    pieces = cut(text)
    if pieces is None:
        return None
    # Header lines (and the comments above them) hold no value, so no piece parses them:
    # check here that they hold no character YAML refuses.
    if any(kind == "header" and _unprintable(piece, 0, len(piece)) for _, kind, piece in pieces):
        return None
    return [(key, kind == "item", piece) for key, kind, piece in pieces if kind != "header"]


def _has_content(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds anything but blank and comment lines."""
    return _CONTENT_LINE.search(text, start, end) is not None


def _unprintable(text: str, start: int, end: int) -> bool:
    return yamlsource.NOT_PRINTABLE.search(text, start, end) is not None


def _items(text: str, start: int, end: int) -> list[str] | None:
    """The items of a block list in text[start:end], or None when it is not one.

    The items must start with '-' at one column, and no line may start left of it.
    """
    first = _CONTENT_LINE.search(text, start, end)
    if first is None:
        return None
    indent = first.group(1)
    if first.group(2) != "-" or "\t" in indent:
        return None
    # `start` begins a line, after the newline that the patterns start with.
    item_start = re.compile(rf"\n{indent}-(?:[ \t]|\r?$)", re.MULTILINE)
    if indent:
        shallower = re.compile(rf"\n {{0,{len(indent) - 1}}}[^ \r\n#]")
        if shallower.search(text, start - 1, end):
            return None
    bounds = [match.start() + 1 for match in item_start.finditer(text, start - 1, end)]
    if not bounds or bounds[0] != first.start():
        return None
    bounds[0] = start  # blank and comment lines before the first item go with it
    return [
        text[begin : bounds[number + 1] if number + 1 < len(bounds) else end]
        for number, begin in enumerate(bounds)
    ]
