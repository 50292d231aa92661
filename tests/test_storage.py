"""Claims split over several files, and the parse cache: the same records as reading it whole."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import storage, yamlsource
from generator.load import load_catalog, load_project
from generator.problems import CatalogError
from generator.storage import ParseCache
from tests.projects import REPO, VALID

# The repository's claims.yaml holds no date after the day it was last edited.
TODAY = date.today()
BROKEN = REPO / "tests" / "fixtures" / "broken"
EXAMPLES = [REPO / "claims.yaml", VALID / "claims.yaml", *sorted(BROKEN.glob("*.yaml"))]


def exact(text: str) -> object | None:
    """The data of `text` read whole, or None when reading it finds a problem."""
    try:
        document = yamlsource.parse(text)
    except yamlsource.SourceError:
        return None
    return None if document.issues else document.data


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_pieces_give_the_same_data_as_the_whole_file(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    records = ParseCache().read_records(path.name, text)
    expected = exact(text)
    if expected is None:
        assert records is None
    else:
        assert records is not None
        assert records.data == expected


def test_the_shipped_file_is_read_in_pieces() -> None:
    text = (REPO / "claims.yaml").read_text("utf-8")
    pieces = storage._split(text)
    assert pieces is not None
    claims = [piece for piece in pieces if piece[0] == "claims"]
    assert len(claims) == len(load_catalog(REPO / "claims.yaml").claims)


VALID_LINES = (VALID / "claims.yaml").read_text("utf-8").splitlines(keepends=True)
# Lines that a cut by lines could misread: open quotes and brackets, block scalars, markers.
AWKWARD = [
    '  - note: "open\n',
    "    quote: 'it\n",
    "claims: [\n",
    "  ]\n",
    "---\n",
    "...\n",
    "- id: x\n",
    "version: 1\n",
    "    analysis: |\n",
    "      - id: inside\n",
    "  - id: a\n",
    "\t- id: tab\n",
    " - id: one-space\n",
    "# comment\n",
    "\n",
    "claims: # note\n",
    "sources:\n",
    '"quoted key": 1\n',
    "? complex\n",
    "  - &anchor\n",
    "  - *alias\n",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_edit_reads_the_same_in_pieces_or_falls_back(data: st.DataObject) -> None:
    lines = list(VALID_LINES)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines)))
        action = data.draw(st.sampled_from(["insert", "delete", "repeat"]))
        if action == "insert":
            lines.insert(at, data.draw(st.sampled_from(AWKWARD)))
        elif lines and at < len(lines):
            line = lines.pop(at) if action == "delete" else lines[at]
            if action == "repeat":
                lines.insert(at, line)
    text = "".join(lines)
    records = ParseCache().read_records("claims.yaml", text)
    expected = exact(text)
    if expected is None:
        assert records is None
    elif records is not None:
        assert records.data == expected


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The YAML texts parsed from now on."""
    parsed: list[str] = []
    real_parse = yamlsource.parse

    def counting_parse(piece: str, **options: int) -> yamlsource.Document:
        parsed.append(piece)
        return real_parse(piece, **options)

    monkeypatch.setattr(yamlsource, "parse", counting_parse)
    return parsed


def test_an_edit_parses_only_the_changed_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "claims.yaml").read_text("utf-8")
    cache = ParseCache()
    assert cache.read_records("claims.yaml", text) is not None
    edited = text.replace("    summary: ", "    summary: Edited. ", 1)
    assert edited != text
    expected = exact(edited)
    parsed = count_parses(monkeypatch)
    records = cache.read_records("claims.yaml", edited)
    assert records is not None and records.data == expected
    assert len(parsed) == 1 and "Edited. " in parsed[0]


def test_the_cache_folder_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "claims.yaml").read_text("utf-8")
    expected = exact(text)
    assert ParseCache(tmp_path).read_records("claims.yaml", text) is not None

    def refuse(piece: str, **options: int) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlsource, "parse", refuse)
    records = ParseCache(tmp_path).read_records("claims.yaml", text)
    assert records is not None and records.data == expected


def test_a_cache_folder_written_by_other_code_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (REPO / "claims.yaml").read_text("utf-8")
    assert ParseCache(tmp_path).read_records("claims.yaml", text) is not None
    parsed = count_parses(monkeypatch)
    monkeypatch.setattr(storage, "code_digest", lambda: "another version of the generator")
    records = ParseCache(tmp_path).read_records("claims.yaml", text)
    assert records is not None and records.data == exact(text)
    assert len(parsed) > 1


def split_project(tmp_path: Path) -> Path:
    """The repository's claims.yaml with its claims moved to claims.d/, one file per month."""
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    text = (REPO / "claims.yaml").read_text("utf-8")
    head, _, claims = text.partition("\nclaims:\n")
    items = claims.split("\n  - id: ")
    folder = tmp_path / "claims.d"
    folder.mkdir()
    for number, item in enumerate(items):
        body = item if number == 0 else "  - id: " + item
        (folder / f"{number:03d}.yaml").write_text(f"claims:\n{body.rstrip()}\n", "utf-8")
    (tmp_path / "claims.yaml").write_text(f"{head}\ninclude:\n  - claims.d/*.yaml\n", "utf-8")
    return tmp_path / "claims.yaml"


def test_claims_split_over_files_load_as_one_catalog(tmp_path: Path) -> None:
    whole = load_catalog(REPO / "claims.yaml", today=TODAY)
    project = load_project(split_project(tmp_path), today=TODAY)
    assert project.catalog.claims == whole.claims
    assert project.catalog.sources == whole.sources
    assert len(project.files) == len(whole.claims) + 1
    assert set(project.fingerprints["claims"]) == {claim.id for claim in whole.claims}


def test_a_problem_in_an_included_file_names_that_file(tmp_path: Path) -> None:
    root = split_project(tmp_path)
    target = tmp_path / "claims.d" / "002.yaml"
    text = target.read_text("utf-8")
    line = text[: text.index("    rating: ")].count("\n") + 1
    target.write_text(text.replace("    rating: ", "    rating: wrnog-", 1), "utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(root, today=TODAY)
    (problem,) = raised.value.problems
    assert problem.file == str(tmp_path / "claims.d" / "002.yaml")
    assert (problem.position.line, problem.position.column) == (line, 13)
    assert problem.where == "claims[0].rating"


def test_include_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    root = split_project(tmp_path)
    text = root.read_text("utf-8")
    root.write_text(
        text + "  - ../elsewhere/*.yaml\n  - missing/*.yaml\n  - claims.d/**x.yaml\n", "utf-8"
    )
    (tmp_path / "claims.d" / "zz.yaml").write_text("ratings: []\nclaims: []\n", "utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(root, today=TODAY)
    lines = [str(problem).replace(str(tmp_path) + "/", "") for problem in raised.value.problems]
    count = text.count("\n")
    assert lines == [
        f"claims.yaml:{count + 1}:5: include[1]: '../elsewhere/*.yaml' must be a path inside "
        "this folder, like claims/*.yaml",
        f"claims.yaml:{count + 2}:5: include[2]: 'missing/*.yaml' matches no .yaml file; "
        "correct it, or remove it",
        f"claims.yaml:{count + 3}:5: include[3]: 'claims.d/**x.yaml': '**' matches folders only "
        "as a part of its own, as in claims/**/*.yaml",
        "claims.d/zz.yaml:1:1: ratings: 'ratings' belongs in the root claims file; "
        "an included file holds only lists",
    ]


def test_a_pattern_that_names_the_root_file_or_skips_a_linked_folder_says_so(
    tmp_path: Path,
) -> None:
    root = split_project(tmp_path)
    text = root.read_text("utf-8").replace("claims.d/*.yaml", "claims.d/**/*.yaml")
    root.write_text(text + "  - claims.yaml\n", "utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "more.yaml").write_text("claims: []\n", "utf-8")
    (tmp_path / "claims.d" / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(CatalogError) as raised:
        load_catalog(root, today=TODAY)
    lines = [str(problem).replace(str(tmp_path) + "/", "") for problem in raised.value.problems]
    count = text.count("\n")
    assert lines == [
        f"claims.yaml:{count}:5: include[0]: 'claims.d/linked' is a link to a folder, which "
        "'**' does not enter; include its files with a pattern of their own, or put the folder "
        "itself there",
        f"claims.yaml:{count + 1}:5: include[1]: 'claims.yaml' names this file itself; correct "
        "it, or remove it",
    ]


def test_a_duplicate_id_across_files_names_the_first_file(tmp_path: Path) -> None:
    root = split_project(tmp_path)
    first = (tmp_path / "claims.d" / "001.yaml").read_text("utf-8")
    (tmp_path / "claims.d" / "999.yaml").write_text(first, "utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(root, today=TODAY)
    problem = raised.value.problems[0]
    assert problem.file.endswith("claims.d/999.yaml")
    assert "first used at " in problem.message and "claims.d/001.yaml:2" in problem.message
