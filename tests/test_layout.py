"""Moving claims between claims.yaml and included files: records and their text unchanged."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import cli, layout
from generator.load import load_catalog
from generator.site import Settings, Site, read_seed_texts, render_site
from tests.projects import REPO

# The repository's claims.yaml holds no date after the day it was last edited.
TODAY = date.today()
SETTINGS = Settings(site_url="https://factcheck.example.org/")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copy(REPO / "claims.yaml", tmp_path / "claims.yaml")
    return tmp_path / "claims.yaml"


def claim_texts(text: str) -> list[str]:
    """The text of every claim item, as written."""
    pieces = layout.storage.cut(text) or []
    return [piece for key, kind, piece in pieces if key == "claims" and kind == "item"]


def test_split_by_claim_moves_each_claim_as_written_and_join_brings_it_back(project: Path) -> None:
    original = project.read_bytes()
    before = load_catalog(project, today=TODAY)
    moved = layout.split(project, "claims", by="claim", today=TODAY)
    assert moved.records == len(before.claims)
    files = sorted((project.parent / "claims").glob("*.yaml"))
    assert sorted(path.stem for path in files) == sorted(claim.id for claim in before.claims)
    assert "include:\n  - claims/*.yaml\n" in project.read_text("utf-8")
    assert "\nclaims:" not in project.read_text("utf-8")
    after = load_catalog(project, today=TODAY)
    assert sorted(after.claims, key=lambda c: c.id) == sorted(before.claims, key=lambda c: c.id)
    assert after.sources == before.sources and after.claimants == before.claimants
    # Every claim's text moved as written: comments, quoting and line breaks included.
    moved_texts = sorted(text for path in files for text in claim_texts(path.read_text("utf-8")))
    assert moved_texts == sorted(claim_texts(original.decode("utf-8")))
    layout.join(project, today=TODAY)
    # Claims come back in the order of their files: each one's text, and the rest, unchanged.
    joined = project.read_text("utf-8")
    assert sorted(claim_texts(joined)) == sorted(claim_texts(original.decode("utf-8")))
    head = original.decode("utf-8").split("\nclaims:\n")[0]
    assert joined.split("\nclaims:\n")[0] == head
    assert not (project.parent / "claims").exists()


def published(project: Path) -> Site:
    catalog = load_catalog(project, today=TODAY)
    return render_site(catalog, read_seed_texts(catalog, project.parent), SETTINGS)


def assert_same_site(after: Site, before: Site) -> None:
    # Pages in the same order (MkDocs' order of files, and so the sitemap's), snippets and every
    # export (claims.json, claims.csv, the feeds), byte for byte.
    assert list(after.pages) == list(before.pages)
    assert after == before


@pytest.mark.parametrize("by", ["claim", "month"])
def test_moving_claims_into_files_changes_nothing_the_site_publishes(
    project: Path, by: layout.Grouping
) -> None:
    order = [claim.id for claim in load_catalog(project, today=TODAY).claims]
    before = published(project)
    layout.split(project, "claims", by=by, today=TODAY)
    if by == "claim":
        # Files are read by name: the claims are read in another order than claims.yaml's.
        assert [claim.id for claim in load_catalog(project, today=TODAY).claims] != order
    assert_same_site(published(project), before)


def test_sources_and_claimants_moved_by_hand_in_another_order_change_nothing_published(
    project: Path,
) -> None:
    order = [source.id for source in load_catalog(project, today=TODAY).sources]
    before = published(project)
    # Sources and claimants go to a file of their own, each list in reverse order.
    pieces = layout.storage.cut(project.read_text("utf-8")) or []
    moved = ("claimants", "sources")
    records = ""
    for section in moved:
        items = [text for key, kind, text in pieces if key == section and kind == "item"]
        records += f"{section}:\n" + "".join(reversed(items))
    (project.parent / "records.yaml").write_text(records, "utf-8")
    kept = "".join(text for key, _, text in pieces if key not in moved)
    project.write_text(kept.rstrip("\n") + "\ninclude:\n  - records.yaml\n", "utf-8")
    assert [source.id for source in load_catalog(project, today=TODAY).sources] == order[::-1]
    assert_same_site(published(project), before)


def test_split_by_month_then_join_gives_back_the_file_byte_for_byte(project: Path) -> None:
    original = project.read_bytes()
    layout.split(project, "claims", by="month", today=TODAY)
    layout.join(project, today=TODAY)
    assert project.read_bytes() == original


def test_split_by_month_groups_claims_by_the_month_they_were_made(project: Path) -> None:
    before = load_catalog(project, today=TODAY)
    layout.split(project, "archive", by="month", today=TODAY)
    months = {f"{claim.claimed:%Y-%m}" for claim in before.claims}
    names = {path.stem for path in (project.parent / "archive").glob("*.yaml")}
    assert names == months
    assert len(load_catalog(project, today=TODAY).claims) == len(before.claims)


def test_a_file_with_crlf_line_endings_keeps_them_through_split_and_join(project: Path) -> None:
    original = project.read_bytes().replace(b"\n", b"\r\n")
    project.write_bytes(original)
    layout.split(project, "claims", by="month", today=TODAY)
    for written in [project, *(project.parent / "claims").glob("*.yaml")]:
        assert b"\n" not in written.read_bytes().replace(b"\r\n", b""), written.name
    layout.join(project, today=TODAY)
    assert project.read_bytes() == original


def test_join_keeps_the_comments_above_an_included_files_list(project: Path) -> None:
    layout.split(project, "claims", by="month", today=TODAY)
    month = sorted((project.parent / "claims").glob("*.yaml"))[0]
    month.write_text("# Reviewed by the night desk.\n" + month.read_text("utf-8"), "utf-8")
    layout.join(project, today=TODAY)
    assert "# Reviewed by the night desk.\n" in project.read_text("utf-8")
    assert load_catalog(project, today=TODAY).claims


def test_split_refuses_a_folder_that_holds_files(project: Path) -> None:
    (project.parent / "claims").mkdir()
    (project.parent / "claims" / "notes.txt").write_text("keep me", "utf-8")
    original = project.read_bytes()
    with pytest.raises(layout.LayoutError, match="is not empty; give a new folder"):
        layout.split(project, "claims", today=TODAY)
    assert project.read_bytes() == original


@pytest.mark.parametrize("by", ["month", "claim"])
def test_split_refuses_text_that_looks_like_the_next_claim_and_names_its_line(
    project: Path, by: layout.Grouping
) -> None:
    # Valid YAML: a quoted note goes on over a line that starts like a list item.
    text = project.read_text("utf-8").replace(
        "        note: First publication.\n",
        '        note: "The NIS makes the claim, in two points:\n  - no independent source."\n',
        1,
    )
    project.write_text(text, "utf-8")
    line = text.splitlines().index('  - no independent source."') + 1
    with pytest.raises(layout.LayoutError, match=rf"claims.yaml:{line}: the claims cannot be cut"):
        layout.split(project, "claims", by=by, today=TODAY)
    assert project.read_text("utf-8") == text
    assert not (project.parent / "claims").exists()


@pytest.mark.parametrize("folder", ["*x", "cl[a]ims", "claims #1", "-claims", "claims/&a"])
def test_split_refuses_a_folder_name_that_an_include_pattern_would_misread(
    project: Path, folder: str
) -> None:
    original = project.read_bytes()
    with pytest.raises(layout.LayoutError, match="name the folder with letters, digits"):
        layout.split(project, folder, today=TODAY)
    assert project.read_bytes() == original
    assert sorted(project.parent.iterdir()) == [project, project.parent / "seeds"]


@pytest.mark.parametrize("folder", ["../outside", "/tmp/absolute", "claims/../.."])
def test_split_refuses_a_folder_outside_the_project_and_creates_none(
    project: Path, folder: str
) -> None:
    original = project.read_bytes()
    with pytest.raises(layout.LayoutError, match="must be a folder inside"):
        layout.split(project, folder, today=TODAY)
    assert project.read_bytes() == original
    assert not (project.parent.parent / "outside").exists()


def test_join_says_when_there_is_nothing_to_join(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["join", str(project)]) == 1
    assert (
        capsys.readouterr().err
        == f"error: {project} includes no other file; there is nothing to join\n"
    )


def test_split_and_join_from_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = len(load_catalog(project).claims)
    assert cli.main(["split", str(project), "--into", "claims", "--by", "month"]) == 0
    assert capsys.readouterr().out.startswith(f"moved {count} claims into ")
    assert cli.main(["join", str(project)]) == 0
    assert capsys.readouterr().out == f"moved {count} records back into {project}\n"
