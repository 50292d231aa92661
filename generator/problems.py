"""What is wrong with a claims file: problems at a line and column, and how to name a place."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from generator.yamlsource import Position

Where = tuple[str | int, ...]
"""A place in the data: keys and list indexes from the top, like ('claims', 3, 'rating')."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a claims file, at a line and column."""

    file: str
    position: Position
    where: str
    message: str
    is_warning: bool = False
    """A warning: the data may contradict itself, but the file is valid and builds."""
    group: str = ""
    """For a warning of a kind that may recur, what its kind is called in a count of them
    ("sources with no archived copy"); warnings with the same group are counted together."""

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        warning = " warning:" if self.is_warning else ""
        line, column = self.position.line, self.position.column
        return f"{self.file}:{line}:{column}:{warning}{where} {self.message}"


class CatalogError(Exception):
    """The claims files have problems; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def counted(number: int, noun: str) -> str:
    """`3 problems`, `1 problem`."""
    return f"{number} {noun}{'s' if number != 1 else ''}"


def dotted(path: tuple[str | int, ...]) -> str:
    """`('claims', 3, 'rating')` as `claims[3].rating`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def suggest(value: object, choices: Iterable[str]) -> str:
    """A "did you mean" hint, or nothing."""
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
