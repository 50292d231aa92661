"""The JSON Schema for editors' YAML tools: current, and judging real files as the checks do.

Editors' tools (the YAML language server) read YAML 1.2, where `2024-03-02` is text, not a
date, and `yes` is text, not true. These tests read the files the same way, so that dates are
judged as the tools judge them: as text that must match `format: date`.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from generator import hygiene, schema, yamlsource
from generator.model import Catalog, Claim
from tests.projects import REPO, VALID

BROKEN = REPO / "tests" / "fixtures" / "broken"
COMMITTED = REPO / schema.SCHEMA_PATH
TIMESTAMP = "tag:yaml.org,2002:timestamp"
BOOL = "tag:yaml.org,2002:bool"


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reading as YAML 1.2's core schema does: no timestamps, and only true/false."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (TIMESTAMP, BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def as_editors_tools_read(path: Path) -> Any:
    return yaml.load(path.read_text("utf-8"), Loader=Yaml12Loader)


def schema_errors(data: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(
        schema.claims_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(data)]


def test_the_committed_schema_is_current() -> None:
    assert COMMITTED.read_text("utf-8") == schema.schema_text(), (
        "schema/claims.schema.json is stale: run `make schema` and commit it"
    )


def test_the_schema_is_valid_draft_7() -> None:
    jsonschema.Draft7Validator.check_schema(schema.claims_schema())


def test_claims_yaml_points_editors_tools_at_the_schema() -> None:
    first_line = (REPO / "claims.yaml").read_text("utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=schema/claims.schema.json"
    # The language server resolves a relative path from the YAML file's own folder.
    assert (REPO / first_line.split("$schema=")[1]).is_file()


@pytest.mark.parametrize("path", [REPO / "claims.yaml", VALID / "claims.yaml"], ids=str)
def test_real_files_pass(path: Path) -> None:
    assert schema_errors(as_editors_tools_read(path)) == []


def test_a_misspelt_field_fails() -> None:
    data = as_editors_tools_read(REPO / "claims.yaml")
    data["claims"][0]["sumary"] = data["claims"][0].pop("summary")
    assert sorted(schema_errors(data)) == [
        "'summary' is a required property",
        "Additional properties are not allowed ('sumary' was unexpected)",
    ]


def test_descriptions_come_from_the_field_docstrings() -> None:
    claim = schema.claims_schema()["definitions"]["Claim"]["properties"]
    assert claim["short"]["description"] == Claim.model_fields["short"].description
    assert claim["short"]["maxLength"] == 74
    assert claim["claimed"] == {
        "description": "When the claim was made.",
        "format": "date",
        "title": "Claimed",
        "type": "string",
    }


# A broken fixture fails the schema when the model refuses it for a reason the schema states:
# a missing or unknown field, a wrong type, a value outside a list of choices, a list too short
# or a number out of range. Not selected: files that are not plain YAML data (syntax, tags,
# anchors, duplicate keys: editors' tools report those as YAML errors), problems across records
# (references, dates in the future, history order), and rules written as code (id, URL and
# length checks). Two type errors are invisible to any tool that reads YAML 1.2, so they are
# left out by rule, not by name:
# - a quoted date: YAML 1.2 reads an unquoted date as text too, so both are text that matches
#   `format: date`;
# - yes/no/on/off for text: the loader reads them as YAML 1.1 booleans, YAML 1.2 as text.
SCHEMA_LEVEL = {
    "missing",
    "extra_forbidden",
    "literal_error",
    "too_short",
    "greater_than_equal",
    "less_than_equal",
    "model_type",
    "list_type",
    "string_type",
    "int_type",
    "bool_type",
    "date_type",
}


def is_visible_to_yaml_12(error: Any) -> bool:
    value = error.get("input")
    if error["type"] == "date_type" and isinstance(value, str):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return True
        return not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    return not (error["type"] == "string_type" and isinstance(value, bool))


def refused_by_the_model_for_a_schema_reason(path: Path) -> bool:
    try:
        document = yamlsource.parse(yamlsource.read_text(path.read_bytes()))
    except yamlsource.SourceError:
        return False
    if document.issues:
        return False
    try:
        Catalog.model_validate(document.data)
    except ValidationError as error:
        return any(
            detail["type"] in SCHEMA_LEVEL and is_visible_to_yaml_12(detail)
            for detail in error.errors()
        )
    return False


SCHEMA_CASES = [
    path.stem
    for path in sorted(BROKEN.glob("*.yaml"))
    if refused_by_the_model_for_a_schema_reason(path)
]


def test_the_selection_covers_every_kind_of_schema_problem() -> None:
    # Guards the rule above against selecting nothing: one fixture of each kind at least.
    for case in [
        "missing-field",
        "misspelt-field",
        "unknown-field",
        "wrong-type-number",
        "wrong-type-list",
        "wrong-version",
        "too-few-ratings",
        "malformed-date",
    ]:
        assert case in SCHEMA_CASES
    assert "quoted-date" not in SCHEMA_CASES
    assert "wrong-type-yes" not in SCHEMA_CASES


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_a_fixture_the_model_refuses_for_a_schema_reason_fails_the_schema(case: str) -> None:
    assert schema_errors(as_editors_tools_read(BROKEN / f"{case}.yaml"))


def text_fields(node: Any, name: str = "") -> set[str]:
    """The fields whose values (or items) the schema gives as text: any string but blanks."""
    found = set()
    if isinstance(node, dict):
        if node.get("pattern") == r"\S" and name:
            found.add(name)
        for key, value in node.items():
            if key == "properties":
                for field, inner in value.items():
                    found |= text_fields(inner, field)
            elif key == "definitions":
                for inner in value.values():
                    found |= text_fields(inner)
            elif key in ("items", "anyOf"):
                found |= text_fields(value, name)
    elif isinstance(node, list):
        for item in node:
            found |= text_fields(item, name)
    return found


def test_the_warning_about_text_cut_by_a_comment_covers_every_text_field() -> None:
    # hygiene.PROSE lists the fields where a ' #' is text, not a comment: every text field.
    assert text_fields(schema.claims_schema()) == hygiene.PROSE
