"""Reading YAML safely: plain data only, with the line and column of every key and value."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from generator.model import SCHEMA_VERSION

# libyaml's parser when PyYAML was built with it: the same events, several times faster.
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Reading costs time and memory in proportion to the number of values, so both are capped per
# file, far below what would stall a build. A claim is about 110 values and 3.5 KB: the size
# limit comes first, at about 11,000 claims in one file; an archive past a few thousand claims
# is split over files that claims.yaml includes, and has no limit as a whole.
MAX_BYTES = 40 * 1024 * 1024
MAX_VALUES = 1_500_000
SPLIT_ADVICE = (
    "split the claims over more files: python -m generator split --into claims --by month"
)
MAX_DEPTH = 32
MAX_ISSUES = 100
TOO_MANY = f"stopped after {MAX_ISSUES} problems; fix the ones above and check again"
PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)
STR_TAG = "tag:yaml.org,2002:str"
TAG_NAMES = {
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}
# YAML's own printable set (YAML 1.1, section 5.1). Escapes in double-quoted strings can write
# any other character; none of them belongs on a page, and Python-Markdown uses \x02 and \x03
# as placeholders of its own.
NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\u2029\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# Line breaks to YAML, though not to editors or their tools: every line after one would be
# misnumbered. They come with text pasted from web pages and from mis-decoded files.
HIDDEN_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
# Characters that make text show in another order than it is stored ("Trojan Source",
# CVE-2021-42574): a page would show readers other words than the file says. The marks that
# right-to-left text needs (U+200E, U+200F, U+061C) stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A 1-based line and column in the source file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading: where, at which path (possibly empty), and what."""

    position: Position
    path: Path
    message: str


class SourceError(Exception):
    """The file is not readable as plain YAML data.

    `position` and `message` describe the problem that stopped reading; `issues` lists it
    together with every problem found before it.
    """

    def __init__(
        self, position: Position, message: str, *, earlier: list[Issue] | None = None
    ) -> None:
        super().__init__(message)
        self.position = position
        self.message = message
        self.issues = [*(earlier or []), Issue(position, (), message)]


class _Invalid:
    """Stands in for a value that was reported while reading, so that it is not reported again."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Final = _Invalid()


@dataclass
class Document:
    """The parsed data, and where each value and each mapping key starts.

    Values that YAML can read but no schema accepts (impossible dates, control characters,
    tags, repeated keys) are listed in `issues`; the data holds INVALID in their place.
    """

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    invalid: set[Path] = field(default_factory=set)
    comments: dict[Path, Position] = field(default_factory=dict)
    """Unquoted text values followed by a comment on their last line, where the comment
    starts: `summary: Figures #1 and #2` holds only "Figures"."""
    count: int = 0
    """How many values (scalars, lists and mappings, keys included) the text holds."""

    def position_of(self, path: Path, *, key: bool = False) -> Position:
        """Where `path` starts, or where its nearest existing parent does."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Position(1, 1))

    def is_reported(self, path: Path) -> bool:
        """Whether the value at `path`, or a value holding it, was reported while reading."""
        return any(path[:length] in self.invalid for length in range(len(path) + 1))


MAX_INT_BITS = 64
"""The largest whole number a file may hold: no field needs more, and a longer one could not
be written in decimal (Python refuses ints of more than 4,300 digits)."""


def clip(value: object, limit: int = 60) -> str:
    """A value as a message shows it: repr of text, cut short."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_text(raw: bytes) -> str:
    """Decode UTF-8, refusing a byte-order mark, bad bytes and characters YAML does not allow."""
    if len(raw) > MAX_BYTES:
        raise SourceError(Position(1, 1), too_big_message(len(raw)))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise SourceError(
            Position(1, 1),
            "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise SourceError(
            Position(line, column),
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8; save the file as UTF-8",
        ) from None
    _check_characters(text)
    return text


def too_big_message(size: int) -> str:
    """What to say about a file of `size` bytes, over MAX_BYTES."""
    limit = MAX_BYTES // (1024 * 1024)
    return (
        f"the file is {size / 1024 / 1024:.1f} MiB, over the {limit} MiB limit of one file; "
        "check that this is a claims file (`check` warns well before a claims file gets this "
        "large, so that its claims can be split over more files)"
    )


def _check_characters(text: str) -> None:
    issues: list[Issue] = []
    for match in _REFUSED.finditer(text):
        start = match.start()
        position = Position(text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start))
        if len(issues) == MAX_ISSUES:
            raise SourceError(position, TOO_MANY, earlier=issues)
        character = match.group()
        message = _unprintable(character, escaped=False)
        if character in HIDDEN_BREAKS:
            message = (
                f"U+{ord(character):04X} {HIDDEN_BREAKS[character]}, an invisible line break "
                "(often pasted from a web page); replace it with a space or a new line"
            )
        issues.append(Issue(position, (), message))
    if issues:
        last = issues.pop()
        raise SourceError(last.position, last.message, earlier=issues)


# NOT_PRINTABLE and HIDDEN_BREAKS in one pass over the file: a preview reads a changed claims
# file of tens of megabytes again after every edit, and each pass over it takes a tenth of a
# second.
_REFUSED = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _unprintable(character: str, *, escaped: bool) -> str:
    code = f"U+{ord(character):04X}"
    if character in BIDI_CONTROLS:
        return (
            f"{code} {unicodedata.name(character)}, an invisible character that shows the text "
            "around it in another order than it is written; remove it (for right-to-left "
            "text, U+200F RIGHT-TO-LEFT MARK is allowed)"
        )
    if escaped:
        return (
            f"the text holds the control character {code}, written by a backslash escape "
            "in \"double quotes\"; remove it, or put the text in 'single quotes' "
            "if the backslash is meant"
        )
    return f"the control character {code} is not allowed in YAML; remove it"


def parse(text: str, *, depth: int = 0) -> Document:
    """Parse one YAML document of mappings, sequences and plain scalars.

    `depth` is how deep the text's top value sits in a larger document, for the depth limit.
    """
    if len(text) > MAX_BYTES:
        raise SourceError(Position(1, 1), too_big_message(len(text.encode("utf-8", "replace"))))
    _check_characters(text)
    loader = Loader(text)
    composer = _Composer(loader, text, depth)
    try:
        return composer.document()
    except SourceError as error:
        raise SourceError(error.position, error.message, earlier=composer.result.issues) from None
    except yaml.MarkedYAMLError as error:
        position, message = _describe_syntax_error(error, text)
        raise SourceError(position, message, earlier=composer.result.issues) from None
    except yaml.YAMLError as error:  # a reader error; _check_characters finds these first
        raise SourceError(
            Position(1, 1), f"YAML cannot read this file: {error}", earlier=composer.result.issues
        ) from None
    finally:
        loader.dispose()


def _describe_syntax_error(error: yaml.MarkedYAMLError, text: str) -> tuple[Position, str]:
    """An editor's message for a YAML syntax error, at the most useful of its two marks."""
    problem = error.problem or "syntax error"
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    start = error.context_mark or mark
    found = ""
    if mark is not None and mark.index < len(text):
        found = text[mark.index]
    if "tab" in problem or found == "\t":
        return _mark(mark), "YAML syntax error: a tab character; indent with spaces only"
    if (space := _nearby(text, mark, _NO_BREAK_SPACE, 3)) is not None:
        return space, (
            "YAML syntax error: a no-break space (U+00A0), often pasted from a word processor, "
            "where YAML needs a plain space; replace it with a space"
        )
    if "end of stream" in problem and "quoted scalar" in context:
        return _mark(start), (
            "YAML syntax error: this quoted text is never closed; add the closing quote "
            "(inside 'single quotes' write an apostrophe twice: 'it''s')"
        )
    if "flow node" in context and mark is not None and not text[mark.index :].strip():
        return _mark(mark), (
            "YAML syntax error: the file ends inside a [ ... ] or { ... } that is never "
            "closed; close it, or quote the value if the bracket is text"
        )
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[ ... ]" if "sequence" in context else "{ ... }"
        return _mark(start), (
            f"YAML syntax error: this {bracket} is never closed, or an item in it is not "
            "separated by a comma; close it, or quote the value if the bracket is text"
        )
    if "escape" in problem:
        return _mark(mark), (
            'YAML syntax error: a backslash escape that "double quotes" do not allow here; write '
            "\\\\ for a backslash, or put the text in 'single quotes'"
        )
    if "expected <document start>" in problem:
        return _mark(mark), (
            "YAML syntax error: text after the end of the document ('...'); "
            "keep everything in one document"
        )
    if (dash := _nearby(text, mark, _DASH_WITHOUT_SPACE, 3)) is not None:
        return dash, (
            "YAML syntax error: a '-' without a space after it; start each list item with '- '"
        )
    late_block = _nearby(text, mark, _LATE_BLOCK, 4)
    if "mapping values are not allowed" in problem and late_block is not None:
        return late_block, (
            "YAML syntax error: text before a '|' or '>' that should start a block of text; "
            "put the '|' or '>' right after the colon, and the text on the lines below it"
        )
    if "mapping values are not allowed" in problem:
        return _mark(mark), (
            "YAML syntax error: a colon where none is allowed; check the indentation, "
            "or quote a value that contains ': '"
        )
    if ("alias" in context or "anchor" in context) and start is not None:
        sign = text[start.index] if start.index < len(text) else "*"
        return _mark(start), (
            f"YAML syntax error: a plain value cannot start with {sign!r}; quote the value, "
            'like - "claims/*.yaml"'
        )
    if "cannot start any token" in problem and found in "@`%|>!&*":
        return _mark(mark), (
            f"YAML syntax error: a plain value cannot start with {found!r}; quote the value"
        )
    if "block scalar" in context and "line break" in problem and start is not None:
        sign = text[start.index] if start.index < len(text) else "|"
        return _mark(start), (
            f"YAML syntax error: a value that starts with {sign!r} is text on the lines below "
            "it; quote the value, or move its text to the next lines, indented"
        )
    if "did not find expected key" in problem:
        column = mark.column if mark is not None else 0
        return _mark(mark), _unexpected_in_mapping(_line(text, mark), column)
    if "expected '-' indicator" in problem or "expected node content" in problem:
        return _mark(mark), (
            "YAML syntax error: this line does not continue the list above it; check its "
            "indentation: every item of a list starts with '- ' at the same column"
        )
    key = _KEY_WITHOUT_SPACE.match(_line(text, start))
    if "could not find expected ':'" in problem and key is not None:
        return _mark(start), (
            f"YAML syntax error: no space after the colon of '{key.group(1)}:' (if it is a "
            f"key); write '{key.group(1)}: value'"
        )
    if "could not find expected ':'" in problem:
        return _mark(start), (
            "YAML syntax error: a key without ':' (or a key over 1024 characters); "
            "write 'key: value', or quote the text"
        )
    detail = f"{context}, {problem}" if context else problem
    return _mark(mark), f"YAML syntax error: {detail}"


_KEY_WITHOUT_SPACE = re.compile(r"\s*([A-Za-z_][\w-]*):[A-Za-z0-9]")
_NO_BREAK_SPACE = re.compile("(?:[ \u00a0]*|[^#\n]*?:[ ]*)(\u00a0)")
"""A no-break space in a line's indentation or after its key's colon, which YAML reads as text."""

_DASH_WITHOUT_SPACE = re.compile(r"\s*(-)[A-Za-z_][\w-]*:")
"""A list item written `-id: x`, which YAML reads as a key '-id'."""


def _unexpected_in_mapping(line: str, column: int) -> str:
    """The message for text that a mapping cannot continue with, at `column` of `line`: more
    precise when a quoted or bracketed value of that line's key ends before it."""
    value = _VALUE.match(line)
    end = _closing(line, value.start(1)) if value else None
    # After the value, a key means two lines were joined: the indentation message fits.
    if value and end is not None and end < column and not _KEY.match(line, end + 1):
        return _after_closing(value.group(1))
    return (
        "YAML syntax error: this line does not continue the mapping above it; check its "
        "indentation (or, if a value here begins with a quotation mark, quote it whole)"
    )


def _after_closing(first: str) -> str:
    if first == "'":
        return (
            "YAML syntax error: text after the closing ' of a quoted value; inside 'single "
            "quotes' write an apostrophe twice ('it''s'), or quote the value with double quotes"
        )
    if first == '"':
        return (
            'YAML syntax error: text after the closing " of a quoted value; inside "double '
            'quotes" write \\" for a quotation mark, or quote the value with single quotes'
        )
    return (
        f"YAML syntax error: a value that starts with {first!r} is read as a list or a "
        "mapping, and text follows it; quote the whole value"
    )


def _closing(line: str, start: int) -> int | None:
    """Where the quoted or bracketed value that starts at `start` of `line` ends, if it does."""
    opening = line[start]
    if opening in "[{":
        depth = 0
        for index in range(start, len(line)):
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(line[index], 0)
            if depth == 0:
                return index
        return None
    if opening not in "'\"":
        return None
    index = start + 1
    while index < len(line):
        if opening == '"' and line[index] == "\\":
            index += 2
            continue
        if line[index] == opening:
            if opening == "'" and line[index + 1 : index + 2] == "'":
                index += 2  # '' is an apostrophe inside 'single quotes'
                continue
            return index
        index += 1
    return None


_VALUE = re.compile(r"\s*(?:-\s+|(?:-\s+)?[^\s'\"\[{#-][^:#]*:\s+)(['\"\[{])")
"""The first character of a quoted or bracketed value, on a `key: value` or `- value` line."""
_KEY = re.compile(r"\s+[A-Za-z_][\w-]*:(?:\s|$)")


def _line(text: str, mark: Any) -> str:
    """The line of `text` that `mark` is on."""
    lines = text.split("\n")
    return lines[mark.line] if mark is not None and mark.line < len(lines) else ""


def _nearby(text: str, mark: Any, pattern: re.Pattern[str], reach: int) -> Position | None:
    """Where the first group of `pattern` is, on the line of `mark` or one of the `reach` - 1
    lines above it: the slip that caused an error found further down."""
    if mark is None:
        return None
    lines = text.split("\n")
    for number in range(min(mark.line, len(lines) - 1), max(mark.line - reach, -1), -1):
        if found := pattern.match(lines[number]):
            return Position(number + 1, found.start(1) + 1)
    return None


_LATE_BLOCK = re.compile(r"\s*(?:-\s+)?[\w-]+:\s+[^:\[{'\"]*\s([|>][-+]?)\s*$")
"""A line like `summary: Some words >-`: text typed in front of a block indicator. Text that
holds a colon, a quote or a bracket is more likely two lines joined (`confidence: high
summary: >-`)."""


_TRAILING_COMMENT = re.compile(r"[ \t]+#")
"""After an unquoted value, the start of a comment: YAML ends the value there."""


def _mark(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1) if mark is not None else Position(1, 1)


def _at(event: Any) -> Position:
    return Position(event.start_mark.line + 1, event.start_mark.column + 1)


class _Composer:
    """Builds Python values straight from parser events, so that nothing is shared or expanded."""

    def __init__(self, loader: Any, text: str, depth: int = 0) -> None:
        self.loader = loader
        self.text = text
        self.result = Document(data=None)
        self.depth = depth

    def document(self) -> Document:
        self._expect(StreamStartEvent)
        if self.loader.check_event(StreamEndEvent):
            raise SourceError(
                Position(1, 1),
                f"the file is empty; a claims file starts with 'version: {SCHEMA_VERSION}', "
                "and a file that one includes with 'claims:'",
            )
        self._expect(DocumentStartEvent)
        self.result.data = self._value((), self.depth)
        self._expect(DocumentEndEvent)
        if not self.loader.check_event(StreamEndEvent):
            raise SourceError(
                _at(self.loader.peek_event()),
                "a second YAML document (after '---' or '...'); keep everything in one document",
            )
        return self.result

    def _expect(self, kind: type) -> Any:
        event = self.loader.get_event()
        assert isinstance(event, kind), event
        return event

    def _report(self, event: Any, path: Path, message: str, *, is_value: bool = True) -> None:
        """Note a problem and read on; `is_value` marks the value at `path` as reported."""
        if len(self.result.issues) == MAX_ISSUES:
            raise SourceError(_at(event), TOO_MANY)
        self.result.issues.append(Issue(_at(event), path, message))
        if is_value:
            self.result.invalid.add(path)

    def _value(self, path: Path | None, depth: int) -> Any:
        """The value that starts at the next event; with no path, it is read and dropped."""
        event = self.loader.get_event()
        self._check_event(event, depth)
        if path is not None:
            self.result.values[path] = _at(event)
        if isinstance(event, ScalarEvent):
            return self._scalar(event, path)
        if isinstance(event, SequenceStartEvent):
            is_tagged = self._is_tagged(event, "tag:yaml.org,2002:seq", path)
            items: list[Any] = []
            while not self.loader.check_event(SequenceEndEvent):
                items.append(self._value(None if path is None else (*path, len(items)), depth + 1))
            self.loader.get_event()
            return INVALID if is_tagged else items
        if isinstance(event, MappingStartEvent):
            is_tagged = self._is_tagged(event, "tag:yaml.org,2002:map", path)
            mapping = self._mapping(path, depth)
            return INVALID if is_tagged else mapping
        raise SourceError(_at(event), "unexpected YAML content")

    def _check_event(self, event: Any, depth: int) -> None:
        # Refused at the first one: without aliases nothing can expand ("billion laughs").
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise SourceError(
                _at(event), "anchors and aliases (&name, *name) are not allowed; write values out"
            )
        if depth > MAX_DEPTH:
            raise SourceError(
                _at(event),
                f"data is nested more than {MAX_DEPTH} levels deep; no claims file needs that",
            )
        self.result.count += 1
        if self.result.count > MAX_VALUES:
            raise SourceError(
                _at(event),
                f"the file holds more than {MAX_VALUES:,} values, over the limit of one file; "
                f"check that this is a claims file, or {SPLIT_ADVICE}",
            )

    def _mapping(self, path: Path | None, depth: int) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        while not self.loader.check_event(MappingEndEvent):
            key_event = self.loader.get_event()
            self._check_event(key_event, depth + 1)
            if not isinstance(key_event, ScalarEvent):
                raise SourceError(
                    _at(key_event), "a mapping key must be plain text, not a list or mapping"
                )
            key = self._scalar(key_event, path, is_key=True)
            if key is INVALID or path is None:
                self._value(None, depth + 1)
                continue
            if not isinstance(key, str):
                key = key_event.value
            if key in mapping:
                first = self.result.keys[(*path, key)]
                self._report(
                    key_event,
                    (*path, key),
                    f"duplicate key {clip(key)} (first at line {first.line}); "
                    "YAML would silently keep only the last one: remove one of them",
                    is_value=False,
                )
                self._value(None, depth + 1)
                continue
            self.result.keys[(*path, key)] = _at(key_event)
            mapping[key] = self._value((*path, key), depth + 1)
        self.loader.get_event()
        return mapping

    def _is_tagged(self, event: Any, default: str, path: Path | None) -> bool:
        if event.tag in (None, "!", default):
            return False
        if path is not None:
            self._report(event, path, f"YAML tag {clip(event.tag)} is not allowed; remove it")
        return True

    def _note_comment(self, event: Any, path: Path) -> None:
        """Record a comment after an unquoted text value, on the same line."""
        end = event.end_mark
        if found := _TRAILING_COMMENT.match(self.text, end.index):
            hash_column = end.column + found.end() - end.index
            self.result.comments[path] = Position(end.line + 1, hash_column)

    def _scalar(self, event: Any, path: Path | None, *, is_key: bool = False) -> Any:
        """The Python value of a scalar, or INVALID once its problem is reported."""
        value: str = event.value
        problem = None
        if event.tag in (None, "!"):
            tag = self.loader.resolve(ScalarNode, value, event.implicit)
            if tag not in PLAIN_TAGS:  # '=' and '<<' resolve to YAML 1.1 tags of their own
                tag = STR_TAG
        else:
            tag = event.tag
            implicit = self.loader.resolve(ScalarNode, value, (True, False))
            if tag not in PLAIN_TAGS:
                problem = f"YAML tag {clip(tag)} is not allowed; remove it"
            elif tag != STR_TAG and implicit != tag:
                problem = f"cannot read {clip(value)} as {TAG_NAMES[tag]}; remove the tag"
        if problem is None and tag == STR_TAG:
            bad = NOT_PRINTABLE.search(value)
            if bad is None:
                if not event.style and path is not None and not is_key:
                    self._note_comment(event, path)
                return value
            problem = _unprintable(bad.group(), escaped=True)
        if problem is None:
            node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            try:
                constructed = self.loader.construct_object(node, deep=True)
                if not (isinstance(constructed, int) and constructed.bit_length() > MAX_INT_BITS):
                    return constructed
                # Hexadecimal and octal digits have no length limit in Python, but the number
                # would have one as soon as a message or a page writes it in decimal.
                problem = f"{clip(value)} is too large a number; quote it if it is text"
            except (ValueError, OverflowError):
                if tag == "tag:yaml.org,2002:timestamp":
                    problem = f"{value} is not a real date; write an existing date as YYYY-MM-DD"
                else:
                    problem = (
                        f"cannot read {clip(value)} as {TAG_NAMES[tag]}; quote it if it is text"
                    )
        if path is not None:
            self._report(event, path, problem, is_value=not is_key)
        return INVALID
