"""Validation errors as editors' messages: what was expected, and what to write instead."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from generator.problems import suggest
from generator.yamlsource import clip

# Field names that editors write for another field of the same record, where spelling alone
# would suggest the wrong one (a source's `published` is not its `publisher`).
MEANT = {"published": "date", "headline": "title", "verdict": "rating"}


def hint(value: object, choices: Iterable[str], *, section: str = "") -> str:
    """A "did you mean", else what is allowed when that is a short list, else where to add it.

    With `section`, `choices` are ids written there; without, they are names from the schema.
    """
    choices = list(choices)
    meant = MEANT.get(str(value))
    if not section and meant in choices:
        return f" (did you mean '{meant}'?)"
    close = suggest(value, choices)
    if close:
        return close
    if choices and (len(choices) <= 10 or not section):
        return f"; use one of: {', '.join(choices)}"
    return f"; correct it, or add it under '{section}:'"


def field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields accepted at `loc` inside `model`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next(iter(_models_in(annotation)), None)
        if current is None:
            return []
    return list(current.model_fields)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()):
        yield from _models_in(argument)


def explain(kind: str, value: object, detail: Any) -> str:
    """A pydantic error as an editor's message."""
    message = _explain(kind, value, detail)
    if value is None and message.endswith(show(None)):
        return (
            f"{message}; write the value after the colon, or leave the field out if it is optional"
        )
    return message


def _explain(kind: str, value: object, detail: Any) -> str:
    shown = show(value)
    context = detail.get("ctx") or {}
    if kind == "value_error":
        return str(context.get("error", detail["msg"]))
    if kind == "string_type":
        if isinstance(value, bool):
            return f"expected text, got {shown}: YAML reads yes/no/on/off as true/false; quote it"
        if isinstance(value, date):
            return f"expected text, got the date {value}; quote it"
        if isinstance(value, int | float):
            return (
                f"expected text, got the number {shown}: YAML reads some unquoted text as a "
                "number (10:30, 1_000, .nan); put the text in quotes"
            )
        return f"expected text, got {shown}"
    if isinstance(value, datetime):
        return f"expected a date without a time, like {value.date()}, got {shown}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date written as YYYY-MM-DD without quotes, got {shown}"
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        choices = [choice.strip() for choice in expected.replace(" or ", ", ").split(",")]
        return f"{shown} is not one of: {', '.join(choices)}{suggest(value, choices)}"
    if kind in ("list_type", "too_short") and detail["loc"] and not isinstance(value, list):
        return f"expected a list (lines starting with '- '), got {shown}"
    if kind == "too_short":
        return f"needs at least {context.get('min_length')} entry; add one"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields (key: value lines), got {shown}"
    if kind == "int_type":
        return f"expected a whole number, got {shown}"
    if kind == "bool_type":
        return f"expected true or false, got {shown}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{shown} is out of range: {detail['msg'].lower()}"
    if kind == "literal_error" or kind.endswith("_type"):
        return f"{detail['msg']}, got {shown}"
    return str(detail["msg"])


def show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return clip(value)
