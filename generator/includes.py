"""Claims files that include others: which files, and their lists joined into one catalog."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator.problems import Where
from generator.rules import TOP_LEVEL
from generator.yamlsource import Document, Position, clip


def find_includes(
    base_dir: Path, root: Path, patterns: object
) -> tuple[list[Path], list[tuple[Where, str]]]:
    """The files that the root file's `include:` names, in order, and what is wrong with it."""
    if patterns is None:
        return [], []
    if not isinstance(patterns, list):
        return [], [(("include",), INCLUDE_SHAPE)]
    found: dict[Path, None] = {}
    problems: list[tuple[Where, str]] = []
    top = base_dir.resolve()
    for number, pattern in enumerate(patterns):
        where: Where = ("include", number)
        if not isinstance(pattern, str):
            problems.append((where, INCLUDE_SHAPE))
            continue
        parts = PurePosixPath(pattern).parts
        if not parts or pattern.startswith("/") or "\\" in pattern or ".." in parts:
            problems.append(
                (where, f"{clip(pattern)} must be a path inside this folder, like claims/*.yaml")
            )
            continue
        if any("**" in part and part != "**" for part in parts):
            message = "'**' matches folders only as a part of its own, as in claims/**/*.yaml"
            problems.append((where, f"{clip(pattern)}: {message}"))
            continue
        matches = [
            path
            for path in sorted(base_dir.glob(pattern))
            if path.suffix in (".yaml", ".yml") and path.is_file()
        ]
        others = [path for path in matches if path.resolve() != root.resolve()]
        if not others:
            problem = "names this file itself" if matches else "matches no .yaml file"
            problems.append((where, f"{clip(pattern)} {problem}; correct it, or remove it"))
        matches = others
        if "**" in parts:
            problems.extend((where, message) for message in _skipped_links(base_dir, parts))
        for path in matches:
            if not path.resolve().is_relative_to(top):
                problems.append((where, f"{clip(str(path))} links to a file outside this folder"))
            else:
                found.setdefault(path)
    return list(found), problems


def _skipped_links(base_dir: Path, parts: tuple[str, ...]) -> list[str]:
    """What to say of each link to a folder where a pattern's '**' looks: it does not enter
    them, so their files would be left out without a word."""
    start = base_dir.joinpath(*parts[: parts.index("**")])
    messages = []
    for folder, names, _ in os.walk(start):
        for name in sorted(names):
            link = Path(folder, name)
            if link.is_symlink():
                shown = clip(link.relative_to(base_dir).as_posix())
                messages.append(
                    f"{shown} is a link to a folder, which '**' does not enter; include its "
                    "files with a pattern of their own, or put the folder itself there"
                )
    return messages


INCLUDE_SHAPE = "'include' must be a list of file patterns, like '- claims/*.yaml'"
INCLUDED_SECTIONS = ("sources", "claimants", "claims")


@dataclass
class Merged:
    """The data of every claims file as one catalog, remembering where each entry came from."""

    data: Any
    files: list[tuple[str, Document]]
    origin: dict[tuple[str, int], tuple[int, int]]
    """(section, index in the merged list) → (file number, index in that file's list)."""

    def locate(self, path: Where, *, key: bool = False) -> tuple[str, Position, Where]:
        """The file, position and path in that file of a merged path."""
        number, local = self._local(path)
        name, document = self.files[number]
        return name, document.position_of(local, key=key), local

    def is_reported(self, path: Where) -> bool:
        number, local = self._local(path)
        return self.files[number][1].is_reported(local)

    def _local(self, path: Where) -> tuple[int, Where]:
        if len(path) >= 2 and (origin := self.origin.get((path[0], path[1]))):  # type: ignore[arg-type]
            return origin[0], (path[0], origin[1], *path[2:])
        return 0, path


def merge(
    documents: list[tuple[str, Document]],
) -> tuple[Merged, list[tuple[str, Where, str, bool]]]:
    """The root file's data with the included files' lists appended to its own."""
    root = documents[0][1].data
    merged = Merged(dict(root) if isinstance(root, dict) else root, documents, {})
    problems: list[tuple[str, Where, str, bool]] = []
    if not isinstance(root, dict):
        return merged, problems
    for section in INCLUDED_SECTIONS:
        entries: list[Any] = []
        for number, (name, document) in enumerate(documents):
            data = document.data
            if number and not isinstance(data, dict):
                if section == INCLUDED_SECTIONS[0]:
                    problems.append((name, (), INCLUDED_SHAPE, False))
                continue
            items = data.get(section)
            if items is None or (number == 0 and not isinstance(items, list)):
                continue
            if not isinstance(items, list):
                problems.append((name, (section,), f"'{section}' must be a list of entries", False))
                continue
            for index, item in enumerate(items):
                merged.origin[(section, len(entries))] = (number, index)
                entries.append(item)
        if section in root and not isinstance(root[section], list):
            continue
        if section in root or entries:
            merged.data[section] = entries
    for name, document in documents[1:]:
        if isinstance(document.data, dict):
            for key in document.data:
                if key not in INCLUDED_SECTIONS:
                    problems.append((name, (key,), _misplaced(key), True))
    return merged, problems


INCLUDED_SHAPE = (
    "an included file must be a mapping of 'claims:', 'sources:' and 'claimants:' lists"
)


def _misplaced(key: object) -> str:
    if key in TOP_LEVEL:
        return f"'{key}' belongs in the root claims file; an included file holds only lists"
    return f"unknown section {clip(key)}; an included file holds only claims, sources and claimants"
