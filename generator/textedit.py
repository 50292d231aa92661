"""Editing a claims file as text at the loader's positions, never re-serialising it.

Every byte outside an edit stays as it was: comments, quoting, folding and blank lines.
New records are YAML written in the file's block style, indented like their neighbours.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.yamlsource import Position

# A scalar on one line: quoted (with its escapes) or plain up to a comment or the line's end.
_SCALAR = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^\s#](?:[^\n#]*[^\s#])?""")


# Ids, which need no quotes unless YAML would read them as something else.
_PLAIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class EditError(Exception):
    """The edit cannot be made safely as text; the message says what to do instead."""


_LONE_LF = re.compile(r"(?<!\r)\n")


def line_ending(raw: bytes) -> str:
    """The line ending a file is written with: CRLF when its first line ends so, else LF."""
    end = raw.find(b"\n")
    return "\r\n" if end > 0 and raw[end - 1 : end] == b"\r" else "\n"


def encode_lines(text: str, ending: str) -> bytes:
    """`text` as UTF-8, every line ended with `ending`: new lines match the file's own."""
    if ending != "\n":
        text = _LONE_LF.sub(ending, text)
    return text.encode("utf-8")


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


def apply(text: str, edits: list[Edit]) -> str:
    """`text` with every edit made; edits must not overlap."""
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def offset_of(text: str, position: Position) -> int:
    """The index in `text` of a 1-based line and column."""
    start = 0
    for _ in range(position.line - 1):
        start = text.index("\n", start) + 1
    return start + position.column - 1


def scalar_text(value: str) -> str:
    """`value` as YAML text on one line: as it is when YAML reads it as that text (`wrong`,
    not `no` or `1`), else in double quotes.

    JSON's strings, with every non-ASCII character escaped, are valid YAML double-quoted text.
    """
    is_plain = _PLAIN.fullmatch(value) and isinstance(yaml.safe_load(value), str)
    return value if is_plain else json.dumps(value)


def replace_scalar(text: str, position: Position, value: str) -> Edit:
    """An edit that replaces the one-line scalar starting at `position` with `value`, YAML text."""
    start = offset_of(text, position)
    match = _SCALAR.match(text, start)
    if match is None or "\n" in match.group():
        raise EditError(f"line {position.line}: the value is not on one line; change it by hand")
    return Edit(start, match.end(), value)


def append_item(text: str, last_item: Position, record: dict[str, Any]) -> Edit:
    """An edit that adds `record` to a block list, after its last item (at `last_item`)."""
    start = offset_of(text, last_item)
    line_start = text.rfind("\n", 0, start) + 1
    lead = text[line_start:start]
    if not re.fullmatch(r" *- +", lead):
        raise EditError(
            f"line {last_item.line}: the list is not written one '- ' item a line "
            "(block style); add the entry by hand"
        )
    dash = lead.index("-")
    end = _end_of_item(text, line_start, dash)
    prefix = "" if text[:end].endswith("\n") else "\n"
    if text[:line_start].endswith("\n\n"):  # items set apart by blank lines: keep doing so
        prefix += "\n"
    return Edit(end, end, prefix + block_item(record, dash))


def append_section(text: str, name: str, record: dict[str, Any]) -> Edit:
    """An edit that adds a new top-level list `name` holding `record` at the end of the file."""
    prefix = "" if text.endswith("\n") or not text else "\n"
    return Edit(len(text), len(text), f"{prefix}{name}:\n{block_item(record, 2)}")


def _end_of_item(text: str, line_start: int, dash: int) -> int:
    """Where the list item whose '-' is at column `dash` (0-based) of this line ends.

    The item holds every following line indented beyond its dash, and blank lines between
    them; it ends before the first line that is not (a sibling, a comment above one, a key).
    """
    end = text.find("\n", line_start)
    if end == -1:
        return len(text)
    end += 1
    position = end
    while position < len(text):
        line_end = text.find("\n", position)
        line_end = len(text) if line_end == -1 else line_end + 1
        line = text[position:line_end]
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            if indent <= dash:
                break
            end = line_end
        position = line_end
    return end


class _BlockDumper(yaml.SafeDumper):
    """Lists inside mappings indented by two, as the claims file writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # the loader refuses anchors and aliases: write every value out


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # YAML reads U+0085, U+2028 and U+2029 as line breaks, which quotes other than double ones
    # would fold away; in double quotes they are written as escapes.
    style = '"' if any(character in value for character in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_text)


def block_item(record: dict[str, Any], dash: int) -> str:
    """`record` as a list item whose '-' is at column `dash` (0-based)."""
    dumped = yaml.dump(
        record,
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**16,
    )
    lines = dumped.splitlines()
    indent = " " * dash
    return "".join(
        f"{indent}{'- ' if number == 0 else '  '}{line}\n" for number, line in enumerate(lines)
    )
