"""Reading YAML safely: plain data only, with the line and column of every key and value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

# libyaml's parser when PyYAML was built with it: the same events, several times faster.
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 40 * 1024 * 1024
MAX_DEPTH = 32
PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "str", "timestamp")
)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in the source file."""

    line: int
    column: int


class SourceError(Exception):
    """The file is not readable as plain YAML data."""

    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


@dataclass
class Document:
    """The parsed data, and where each value and each mapping key starts."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def position_of(self, path: Path, *, key: bool = False) -> Position:
        """Where `path` starts, or where its nearest existing parent does."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Position(1, 1))


def read_text(raw: bytes) -> str:
    """Decode UTF-8, refusing a byte-order mark and naming the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise SourceError(
            Position(1, 1),
            "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SourceError(
            Position(line, column),
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8; save the file as UTF-8",
        ) from None


def parse(text: str) -> Document:
    """Parse one YAML document of mappings, sequences and plain scalars."""
    loader = Loader(text)
    try:
        return _Composer(loader).document()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        raise SourceError(position, _describe_syntax_error(error)) from None
    except yaml.YAMLError as error:  # a reader error: a character YAML does not allow
        position = Position(1, 1)
        if isinstance(error, yaml.reader.ReaderError):
            before = text[: error.position]
            position = Position(before.count("\n") + 1, len(before) - before.rfind("\n"))
        raise SourceError(position, f"YAML cannot read this file: {error}") from None
    finally:
        loader.dispose()


def _describe_syntax_error(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "syntax error"
    context = error.context or ""
    if "'\\t'" in problem:
        return "YAML syntax error: a tab character; indent with spaces only"
    if "end of stream" in problem and "quoted scalar" in context:
        return "YAML syntax error: a quoted string is never closed; add the closing quote"
    if "mapping values are not allowed" in problem:
        return (
            "YAML syntax error: a colon where none is allowed; check the indentation, "
            "or quote a value that contains ': '"
        )
    detail = f"{context}, {problem}" if context else problem
    return f"YAML syntax error: {detail}"


def _at(event: Any) -> Position:
    return Position(event.start_mark.line + 1, event.start_mark.column + 1)


class _Composer:
    """Builds Python values straight from parser events, so that nothing is shared or expanded."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.result = Document(data=None)

    def document(self) -> Document:
        self._expect(StreamStartEvent)
        if self.loader.check_event(StreamEndEvent):
            raise SourceError(Position(1, 1), "the file is empty; it must start with 'version: 1'")
        self._expect(DocumentStartEvent)
        self.result.data = self._value((), 0)
        self._expect(DocumentEndEvent)
        if not self.loader.check_event(StreamEndEvent):
            raise SourceError(
                _at(self.loader.peek_event()),
                "a second YAML document ('---'); keep everything in one document",
            )
        return self.result

    def _expect(self, kind: type) -> Any:
        event = self.loader.get_event()
        assert isinstance(event, kind), event
        return event

    def _value(self, path: Path, depth: int) -> Any:
        event = self.loader.get_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise SourceError(
                _at(event), "anchors and aliases (&name, *name) are not allowed; write values out"
            )
        if depth > MAX_DEPTH:
            raise SourceError(_at(event), f"data is nested more than {MAX_DEPTH} levels deep")
        self.result.values[path] = _at(event)
        if isinstance(event, ScalarEvent):
            return self._scalar(event)
        if isinstance(event, SequenceStartEvent):
            self._check_collection_tag(event, "tag:yaml.org,2002:seq")
            items: list[Any] = []
            while not self.loader.check_event(SequenceEndEvent):
                items.append(self._value((*path, len(items)), depth + 1))
            self.loader.get_event()
            return items
        if isinstance(event, MappingStartEvent):
            self._check_collection_tag(event, "tag:yaml.org,2002:map")
            return self._mapping(path, depth)
        raise SourceError(_at(event), "unexpected YAML content")

    def _mapping(self, path: Path, depth: int) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        while not self.loader.check_event(MappingEndEvent):
            key_event = self.loader.peek_event()
            if not isinstance(key_event, ScalarEvent):
                raise SourceError(_at(key_event), "a mapping key must be plain text")
            self.loader.get_event()
            key = self._scalar(key_event)
            if not isinstance(key, str):
                key = key_event.value
            if key in mapping:
                first = self.result.keys[(*path, key)]
                raise SourceError(
                    _at(key_event),
                    f"duplicate key '{key}' (first at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
            self.result.keys[(*path, key)] = _at(key_event)
            mapping[key] = self._value((*path, key), depth + 1)
        self.loader.get_event()
        return mapping

    def _check_collection_tag(self, event: Any, default: str) -> None:
        if event.tag not in (None, "!", default):
            raise SourceError(_at(event), f"YAML tag {event.tag!r} is not allowed; remove it")

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag in (None, "!"):
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        if tag not in PLAIN_TAGS:
            raise SourceError(_at(event), f"YAML tag {event.tag!r} is not allowed; remove it")
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            if tag == "tag:yaml.org,2002:timestamp":
                raise SourceError(
                    _at(event), f"{event.value} is not a real date; write an existing YYYY-MM-DD"
                ) from None
            raise SourceError(_at(event), f"cannot read {event.value!r} as {tag}") from None
