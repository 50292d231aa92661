"""Converting schema version 1 files to version 2: no value lost, comments kept, check passes."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import cli
from generator.load import parse_catalog
from generator.migrate import FIRST_PUBLICATION_NOTE, MigrationError, migrate_text
from generator.problems import CatalogError
from tests.conftest import REPO

V1 = REPO / "tests" / "fixtures" / "v1"
V1_VALID = REPO / "tests" / "fixtures" / "broken" / "version-1.yaml"
TODAY = date(2026, 1, 1)
# Fields that version 2 adds; everything else must come through unchanged.
NEW_FIELDS = {"published", "accuracy", "title_kind"}


def without_new_fields(value: Any) -> Any:
    """The data with version 2's added fields taken out, for comparison with version 1."""
    if isinstance(value, dict):
        return {k: without_new_fields(v) for k, v in value.items() if k not in NEW_FIELDS}
    if isinstance(value, list):
        return [without_new_fields(item) for item in value]
    return value


def load_v2(text: str, base_dir: Path) -> dict[str, Any]:
    """Validate the converted text as version 2 (raising on any problem) and return its data."""
    parse_catalog(text.encode("utf-8"), "claims.yaml", base_dir=base_dir, today=TODAY)
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_conversion_keeps_every_value_and_passes_check() -> None:
    original = (V1 / "claims.yaml").read_text("utf-8")
    result = migrate_text(original)
    assert not result.is_reserialised
    before, after = yaml.safe_load(original), load_v2(result.text, V1)
    assert after["version"] == 2
    assert without_new_fields({**after, "version": 1}) == before


def test_conversion_keeps_comments_and_lines() -> None:
    original = (V1 / "claims.yaml").read_text("utf-8")
    converted = migrate_text(original).text
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) == 4
    for comment in comments:
        assert comment in converted.splitlines()
    # Apart from the version line, every original line is still there, in order.
    kept = iter(converted.splitlines())
    for line in original.splitlines():
        if line != "version: 1":
            assert any(line == candidate for candidate in kept), line


def test_new_fields_say_what_version_1_showed() -> None:
    after = yaml.safe_load(migrate_text((V1 / "claims.yaml").read_text("utf-8")).text)
    for claim in after["claims"]:
        assert claim["published"] == claim["history"][0]["date"]
        assert {item["accuracy"] for item in claim["appearances"]} == {claim["rating"]}
    assert {source["title_kind"] for source in after["sources"]} == {"description"}


def test_published_date_turns_the_history_into_a_labelled_reconstruction() -> None:
    original = V1_VALID.read_text("utf-8")
    converted = migrate_text(original, published=date(2025, 6, 1)).text
    # No value is changed, so a `reviewed` date before the publication is left to the editor,
    # and check says what to set it to.
    with pytest.raises(CatalogError) as raised:
        load_v2(converted, V1_VALID.parent)
    assert [problem.message for problem in raised.value.problems] == [
        "2024-03-03 is before the latest history entry (2025-06-01); a claim is reviewed when "
        "its verdict changes: set it to 2025-06-01 or later"
    ]
    converted = converted.replace("reviewed: 2024-03-03", "reviewed: 2025-06-01")
    before, after = yaml.safe_load(original), load_v2(converted, V1_VALID.parent)
    before["claims"][0]["reviewed"] = date(2025, 6, 1)
    old, new = before["claims"][0], after["claims"][0]
    assert new["reconstruction"] == old["history"]
    assert new["published"] == date(2025, 6, 1)
    assert new["history"] == [
        {"date": date(2025, 6, 1), "rating": old["rating"], "note": FIRST_PUBLICATION_NOTE}
    ]
    moved = {**new, "history": new["reconstruction"]}
    del moved["reconstruction"]
    assert without_new_fields(moved) == old


def test_a_published_date_is_refused_when_the_history_holds_a_correction() -> None:
    with pytest.raises(MigrationError, match="holds a correction"):
        migrate_text((V1 / "claims.yaml").read_text("utf-8"), published=date(2025, 6, 1))


def test_a_published_date_before_the_history_is_refused() -> None:
    with pytest.raises(MigrationError, match="not before --published 2024-03-02"):
        migrate_text(V1_VALID.read_text("utf-8"), published=date(2024, 3, 2))


def test_an_inline_mapping_is_written_out_again_without_losing_data() -> None:
    original = V1_VALID.read_text("utf-8").replace(
        "  - id: operator\n    title: Ferry specifications\n    publisher: Harbour Ferries\n"
        "    date: 2024-03-03\n    kind: official-statement\n"
        "    url: https://ferries.example.org/specs\n",
        "  - {id: operator, title: Ferry specifications, publisher: Harbour Ferries, "
        "date: 2024-03-03, kind: official-statement, url: 'https://ferries.example.org/specs'}\n",
    )
    assert "{id: operator" in original
    result = migrate_text(original)
    assert result.is_reserialised
    before, after = yaml.safe_load(original), load_v2(result.text, V1_VALID.parent)
    assert without_new_fields({**after, "version": 1}) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\n", "already schema version 2"),
        ("publisher: {}\n", "does not start with 'version: 1'"),
        ("version: 1\nclaims: [\n", "3:1: YAML syntax error"),
        ("version: 1\nclaims:\n  - id: a\n    history: 5\n", "does not have the shape"),
        ("version: 1\nsources: 5\n", "does not have the shape"),
        ("version: 1\nclaims: [just text]\n", "does not have the shape"),
    ],
)
def test_what_cannot_be_converted_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(MigrationError, match=message):
        migrate_text(text)


def test_the_command_converts_in_place_and_check_then_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(V1, tmp_path / "project")
    path = tmp_path / "project" / "claims.yaml"
    assert cli.main(["check", str(path)]) == 1
    assert f"convert it to version 2 with 'python -m generator migrate {path}'" in (
        capsys.readouterr().err
    )
    assert cli.main(["migrate", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"{path}: converted to schema version 2; check it with: python -m generator check {path}\n"
    )
    assert cli.main(["check", str(path)]) == 0
    assert "2 claims, 2 sources: no problems" in capsys.readouterr().out


def test_the_command_keeps_crlf_line_endings(tmp_path: Path) -> None:
    shutil.copytree(V1, tmp_path / "project")
    path = tmp_path / "project" / "claims.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli.main(["migrate", str(path)]) == 0
    converted = path.read_bytes()
    assert b"published:" in converted
    assert b"\n" not in converted.replace(b"\r\n", b"")
    assert cli.main(["check", str(path)]) == 0


def test_the_command_reports_a_refusal_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("version: 2\n", "utf-8")
    assert cli.main(["migrate", str(path)]) == 1
    assert capsys.readouterr().err == f"{path}: the file is already schema version 2\n"
    assert path.read_text("utf-8") == "version: 2\n"


def test_the_command_reports_a_file_that_is_not_utf8_at_its_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"version: 1\nclaims:\n  - id: caf\xe9\n")
    assert cli.main(["migrate", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"{path}: 3:12: byte 0xe9 is not valid UTF-8; save the file as UTF-8; "
        "fix it, then convert the file\n"
    )
    assert path.read_bytes() == b"version: 1\nclaims:\n  - id: caf\xe9\n"
