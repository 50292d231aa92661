"""Broken claims files: every problem reported at once, exactly, with its line and column.

Each file in tests/fixtures/broken/ is the valid fixture with one kind of problem (or, for
many-problems.yaml, many). Its .expected file holds the exact stderr of

    python -m generator check tests/fixtures/broken/NAME.yaml

run from the repository root. After a deliberate change to a message, rewrite them all with
`python -m tests.test_load` and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator import cli, yamlsource
from generator.load import load_catalog, parse_catalog
from generator.model import PAGE_NAME, RESERVED_IDS
from generator.pages import read_meta
from generator.problems import CatalogError, Problem
from generator.rules import MAX_PROBLEMS
from generator.site import Settings, read_seed_texts, render_site
from tests.projects import REPO, VALID, dump_claims

BROKEN = REPO / "tests" / "fixtures" / "broken"
CASES = sorted(path.stem for path in BROKEN.glob("*.yaml"))
# Run as real subprocesses, the rest in-process: one of each family of problem.
SUBPROCESS_CASES = [
    "unclosed-quote",
    "duplicate-key",
    "alias-bomb",
    "python-tag",
    "invalid-utf8",
    "url-javascript",
    "many-problems",
]
PROBLEM_LINE = re.compile(r"(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): \S.*")
SUMMARY_LINE = re.compile(r"(?P<count>\d+) problems? found; nothing was written")


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def expected_stderr(case: str) -> str:
    return (BROKEN / f"{case}.expected").read_text("utf-8")


def run_in_process(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = cli.main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_well_formed(stderr: str, path: str) -> None:
    """Every line names the file, a line and a column from 1; the last one counts them."""
    assert "Traceback" not in stderr
    *problems, summary = stderr.splitlines()
    assert problems, stderr
    for line in problems:
        match = PROBLEM_LINE.fullmatch(line)
        assert match, line
        assert match["file"] == path
        assert int(match["line"]) >= 1 and int(match["column"]) >= 1, line
    counted = SUMMARY_LINE.fullmatch(summary)
    assert counted, summary
    assert int(counted["count"]) == len(problems)


def test_the_valid_fixture_passes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    status, out, err = run_in_process(capsys, "check", "tests/fixtures/valid/claims.yaml")
    assert status == 0
    # Its web source has no archived copy, and its claim was reviewed long ago: warnings only.
    assert [line.split(": ")[1] for line in err.splitlines()] == ["warning", "warning"]
    assert out == "tests/fixtures/valid/claims.yaml: 1 claims, 2 sources: no problems, 2 warnings\n"


@pytest.mark.parametrize("case", CASES)
def test_broken_file_reports_exactly_the_expected_problems(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    path = relative(BROKEN / f"{case}.yaml")
    started = time.perf_counter()
    status, out, err = run_in_process(capsys, "check", path)
    assert time.perf_counter() - started < 2
    assert (status, out) == (1, "")
    assert err == expected_stderr(case)
    assert_well_formed(err, path)


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_the_command_prints_the_same_as_a_subprocess(case: str) -> None:
    path = relative(BROKEN / f"{case}.yaml")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", path],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert time.perf_counter() - started < 5
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == expected_stderr(case)


def test_every_broken_case_has_its_expected_output() -> None:
    expected = sorted(path.stem for path in BROKEN.glob("*.expected"))
    assert expected == CASES
    assert len(CASES) >= 80


def test_a_file_full_of_problems_reports_all_of_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    status, _, err = run_in_process(capsys, "check", relative(BROKEN / "many-problems.yaml"))
    assert status == 1
    messages = [line.split(": ", 2)[-1] for line in err.splitlines()[:-1]]
    # Found while reading YAML, by validating each record, and by checking across records.
    for fragment in [
        "duplicate key 'value'",
        "2024-02-30 is not a real date",
        "YAML tag '!secret' is not allowed",
        "control character U+0002",
        "'javascript:alert(1)' is not an absolute http or https URL",
        "'Unproven' is not a valid id",
        "unknown field 'lable' (did you mean 'label'?)",
        "missing required field 'label'",
        "'official-statment' is not one of",
        "is not a Wikipedia article URL",
        "expected a list",
        "needs at least 1 entry",
        "unknown claimant 'mayr' (did you mean 'mayor'?)",
        "2999-01-01 is in the future",
        "unknown source 'operater' (did you mean 'operator'?)",
        "is not after the entry before it",
        "duplicate id 'ferry-300'",
    ]:
        assert [message for message in messages if fragment in message], fragment
    assert len(messages) == 20


def test_problems_are_listed_in_file_order() -> None:
    with pytest.raises(CatalogError) as raised:
        load_catalog(BROKEN / "many-problems.yaml")
    positions = [(p.position.line, p.position.column) for p in raised.value.problems]
    assert positions == sorted(positions)


def test_checking_stops_after_a_hundred_problems() -> None:
    fields = "".join(f"    extra-{number}: x\n" for number in range(300))
    text = (
        (VALID / "claims.yaml")
        .read_text("utf-8")
        .replace("    value: 3\n", "    value: 3\n" + fields, 1)
    )
    with pytest.raises(CatalogError) as raised:
        parse_catalog(text.encode("utf-8"), "claims.yaml", base_dir=VALID)
    problems = raised.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == (
        "stopped after 100 problems; fix the ones above and check again"
    )


def test_yaml_reading_stops_after_a_hundred_problems() -> None:
    text = "version: 1\n" + "".join(f'k{number}: "\\x01"\n' for number in range(300))
    with pytest.raises(CatalogError) as raised:
        parse_catalog(text.encode("utf-8"), "claims.yaml", base_dir=VALID)
    problems = raised.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert str(problems[-1]) == (
        "claims.yaml:102:7: stopped after 100 problems; fix the ones above and check again"
    )


def bounded(action: object, *, seconds: float, megabytes: float) -> CatalogError:
    """Run `action`, which must raise CatalogError, within a time and memory budget."""
    assert callable(action)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(CatalogError) as raised:
            action()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, elapsed
    assert peak < megabytes * 1024 * 1024, peak
    return raised.value


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        (b"[" * 100_000, "1:34"),
        (b"{a: " * 100_000, "1:130"),
        (b"".join(b" " * depth + b"- \n" for depth in range(2_000)), "34:34"),
        (b"".join(b" " * depth + b"a:\n" for depth in range(2_000)), "33:33"),
    ],
    ids=["brackets", "braces", "block-lists", "block-mappings"],
)
def test_deep_nesting_is_refused_in_bounded_time_and_memory(raw: bytes, position: str) -> None:
    error = bounded(
        lambda: parse_catalog(raw, "deep.yaml", base_dir=VALID), seconds=1, megabytes=20
    )
    assert [str(problem) for problem in error.problems] == [
        f"deep.yaml:{position}: data is nested more than 32 levels deep; no claims file needs that"
    ]


def test_an_alias_bomb_is_refused_in_bounded_time_and_memory() -> None:
    raw = (BROKEN / "alias-bomb.yaml").read_bytes()
    error = bounded(lambda: parse_catalog(raw, "bomb.yaml", base_dir=VALID), seconds=1, megabytes=5)
    assert len(error.problems) == 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "claims.yaml"
    with huge.open("wb") as stream:
        stream.write(b"version: 1\n" + b"#" * (50 * 1000 * 1000))

    def refuse(*arguments: object, **keywords: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", refuse)
    error = bounded(lambda: load_catalog(huge), seconds=0.5, megabytes=1)
    assert [str(problem) for problem in error.problems] == [
        f"{huge}:1:1: the file is 47.7 MiB, over the 40 MiB limit of one file; check that this "
        "is a claims file (`check` warns well before a claims file gets this large, so that "
        "its claims can be split over more files)"
    ]


def test_bytes_over_the_size_limit_are_refused_without_parsing() -> None:
    raw = b"version: 1\n" + b"#" * yamlsource.MAX_BYTES
    error = bounded(lambda: parse_catalog(raw, "c.yaml", base_dir=VALID), seconds=1, megabytes=1)
    message = error.problems[0].message
    assert message.startswith("the file is 40.0 MiB, over the 40 MiB limit of one file")


def test_too_many_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_VALUES", 1_000)
    raw = b"version: 1\nclaims: [" + b"x, " * 2_000 + b"]\n"
    with pytest.raises(CatalogError) as raised:
        parse_catalog(raw, "c.yaml", base_dir=VALID)
    assert [str(problem) for problem in raised.value.problems] == [
        "c.yaml:2:2995: the file holds more than 1,000 values, over the limit of one file; "
        "check that this is a claims file, or split the claims over more files: "
        "python -m generator split --into claims --by month"
    ]


def not_a_claims_file(kind: str, folder: Path) -> Path:
    if kind == "pipe":
        os.mkfifo(folder / "pipe")  # reading it would wait forever for a writer
        return folder / "pipe"
    return folder if kind == "folder" else folder / "missing.yaml"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("folder", "this is a folder; give the path of the claims file inside it"),
        ("missing", "no such file; give the path of the claims file (claims.yaml)"),
        ("pipe", "cannot read the file: not a regular file; give the path of the claims file"),
    ],
)
def test_a_path_that_is_no_claims_file_is_one_problem(
    kind: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = not_a_claims_file(kind, tmp_path)
    status, out, err = run_in_process(capsys, "check", str(path))
    assert (status, out) == (1, "")
    assert err == f"{path}:1:1: {message}\n1 problem found; nothing was written\n"


def test_an_unreadable_file_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("version: 1\n", "utf-8")

    def deny(*arguments: object, **keywords: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "open", deny)  # root may read anything: simulate the refusal
    status, _, err = run_in_process(capsys, "check", str(path))
    assert status == 1
    assert err == (
        f"{path}:1:1: permission denied; make the file readable\n"
        "1 problem found; nothing was written\n"
    )


def test_render_into_a_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder", "utf-8")
    status, _, err = run_in_process(
        capsys, "render", str(VALID / "claims.yaml"), "--out", str(target)
    )
    assert status == 1
    assert err == f"error: {target} is a file, not a folder; give the path of a folder to write\n"
    assert target.read_text("utf-8") == "not a folder"


def test_render_refuses_a_folder_of_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `render --out .` in the project would otherwise delete claims.yaml and everything else.
    (tmp_path / "claims.yaml").write_text("version: 1\n", "utf-8")
    status, _, err = run_in_process(
        capsys, "render", str(VALID / "claims.yaml"), "--out", str(tmp_path)
    )
    assert status == 1
    assert err == (
        f"error: {tmp_path} is not empty and was not written by this command, whose output "
        "replaces everything in the folder; give a new or empty folder\n"
    )
    assert (tmp_path / "claims.yaml").read_text("utf-8") == "version: 1\n"


def test_render_into_a_folder_it_cannot_create_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    status, _, err = run_in_process(
        capsys, "render", str(VALID / "claims.yaml"), "--out", str(blocker / "out")
    )
    assert status == 1
    assert err.startswith("error: ") and "Traceback" not in err
    assert err.endswith("; check the path and its permissions\n")


def test_render_takes_a_site_url_with_or_without_its_final_slash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = str(VALID / "claims.yaml")
    rendered = []
    for url in ("https://x.org/sub", "https://x.org/sub/"):
        out = tmp_path / str(len(rendered))
        status, _, _ = run_in_process(
            capsys, "render", claims, "--out", str(out), "--site-url", url
        )
        assert status == 0
        rendered.append({path.relative_to(out): path.read_bytes() for path in out.rglob("*.md")})
    assert rendered[0] == rendered[1]
    assert any(b"https://x.org/sub/claims/" in text for text in rendered[0].values())
    with pytest.raises(SystemExit) as raised:
        run_in_process(capsys, "render", claims, "--out", str(out), "--site-url", "x.org/sub")
    assert raised.value.code == 2
    assert "'x.org/sub' is not an absolute URL like https://" in capsys.readouterr().err


def test_render_of_a_broken_file_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status, _, err = run_in_process(
        capsys, "render", str(BROKEN / "unknown-rating.yaml"), "--out", str(out)
    )
    assert status == 1
    assert err.endswith("1 problem found; nothing was written\n")
    assert not out.exists()


def test_reserved_ids_cover_every_generated_page_beside_record_pages() -> None:
    catalog = load_catalog(VALID / "claims.yaml", today=date(2024, 12, 31))
    site = render_site(catalog, read_seed_texts(catalog, VALID), Settings("https://x.org/"))
    records = {f"claims/{c.id}.md" for c in catalog.claims}
    records |= {f"sources/{s.id}.md" for s in catalog.sources}
    for path in [*site.pages, *site.files]:
        folder, _, name = path.rpartition("/")
        if folder in ("claims", "sources") and path not in records:
            stem = name.split(".")[0]
            assert stem in RESERVED_IDS or PAGE_NAME.fullmatch(stem), path


def test_ids_named_like_top_level_pages_take_no_page_of_theirs() -> None:
    names = ["verdicts", "claimants", "scale", "corrections", "sources", "claims", "about"]
    data = yaml.safe_load((VALID / "claims.yaml").read_text("utf-8"))
    data["claims"] += [{**data["claims"][0], "id": name} for name in names]
    data["sources"] += [{**data["sources"][1], "id": name} for name in names]
    raw = dump_claims(data).encode("utf-8")
    catalog = parse_catalog(raw, "c.yaml", base_dir=VALID)
    site = render_site(catalog, read_seed_texts(catalog, VALID), Settings("https://x.org/"))
    before = render_site(
        load_catalog(VALID / "claims.yaml"),
        read_seed_texts(catalog, VALID),
        Settings("https://x.org/"),
    )
    assert len(site.pages) == len(before.pages) + 2 * len(names)
    for name in names:
        assert f"claims/{name}.md" in site.pages and f"sources/{name}.md" in site.pages
    assert read_meta(site.pages["verdicts.md"])[0]["title"] == "Claims by verdict"


def test_a_seed_link_out_of_the_seeds_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not an article", "utf-8")
    (tmp_path / "seeds" / "article.txt").symlink_to(secret)
    raw = (VALID / "claims.yaml").read_bytes()
    with pytest.raises(CatalogError) as raised:
        parse_catalog(raw, "c.yaml", base_dir=tmp_path)
    assert [str(problem) for problem in raised.value.problems] == [
        "c.yaml:43:11: sources[0].seed: 'seeds/article.txt' links to a file outside seeds/; "
        "copy the article into seeds/"
    ]


def test_values_yaml_reads_as_other_types_stay_text() -> None:
    text = (VALID / "claims.yaml").read_text("utf-8")
    text = text.replace("label: Accurate", "label: =", 1).replace("label: Wrong", "label: <<", 1)
    catalog = parse_catalog(text.encode("utf-8"), "c.yaml", base_dir=VALID)
    assert [rating.label for rating in catalog.ratings] == ["=", "Unproven", "<<"]


def test_the_loaded_catalog_round_trips_through_yaml() -> None:
    # The hostile and property tests write claims files with dump_claims: it must be faithful.
    catalog = load_catalog(VALID / "claims.yaml", today=date(2024, 12, 31))
    raw = dump_claims(catalog.model_dump(exclude_defaults=True)).encode("utf-8")
    assert parse_catalog(raw, "again.yaml", base_dir=VALID) == catalog


def test_check_warns_where_the_data_contradicts_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (VALID / "claims.yaml").read_text("utf-8")
    text = text.replace("  email: desk@fixture.example.org\n", "")
    text = text.replace(
        "        quote: The mayor said the new ferry carries 300 passengers.\n",
        "        quote: The mayor said the new ferry carries 300 passengers.\n"
        "        errors: [The mayor spoke of 300 seats, not passengers.]\n",
    )
    text = text.replace("stance: contradicts", "stance: supports")
    text = text.replace(
        "note: The operator lists 250 seats.", "note: The operator's list contradicts it."
    )
    text = text.replace(
        "definition: Only one source supports the claim.\n",
        "definition: Only one source supports the claim.\n    test: single-supporting-source\n",
    )
    path = tmp_path / "claims.yaml"
    path.write_text(text, "utf-8")
    shutil.copytree(VALID / "seeds", tmp_path / "seeds")
    # The review is not stale under this limit; the fixture's web source has no archived copy.
    status, out, err = run_in_process(capsys, "check", "--stale-days", "100000", str(path))
    assert status == 0
    assert out == f"{path}: 1 claims, 2 sources: no problems, 4 warnings\n"
    assert err.splitlines() == [
        f"{path}:7:3: warning: publisher: no email: readers cannot see who runs and pays for "
        "the desk or how to reach it; add them",
        f"{path}:50:10: warning: sources[1].url: no archived copy; add archive_url, a copy of "
        "the page in a web archive, in case the page changes or disappears",
        f"{path}:64:19: warning: claims[0].appearances[0].accuracy: 'accurate' says the source "
        "reported the claim accurately, but the appearance lists errors of fact; lower the "
        "accuracy or move the text to 'note:'",
        f"{path}:77:17: warning: claims[0].evidence[0].stance: the stance is 'supports' but the "
        "note speaks of contradicting the claim; check the stance",
    ]


def test_a_qualifier_whose_test_fails_is_a_warning() -> None:
    text = (VALID / "claims.yaml").read_text("utf-8")
    text = text.replace(
        "definition: Only one source supports the claim.\n",
        "definition: Only one source supports the claim.\n    test: single-supporting-source\n",
    )
    warnings: list[Problem] = []
    parse_catalog(text.encode("utf-8"), "c.yaml", base_dir=VALID, warnings=warnings)
    assert [str(warning) for warning in warnings] == [
        "c.yaml:69:18: warning: claims[0].qualifiers[0]: qualifier 'single-source' does not fit: "
        "0 evidence sources support the claim, not one; remove it or correct the data"
    ]


def write_expected() -> None:
    """Rewrite every .expected file from what the command prints now."""
    for case in CASES:
        result = subprocess.run(
            [sys.executable, "-m", "generator", "check", relative(BROKEN / f"{case}.yaml")],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        text = result.stderr
        (BROKEN / f"{case}.expected").write_text(text, "utf-8")
        print(f"{case}: {len(text.splitlines()) - 1} problems")


if __name__ == "__main__":
    write_expected()


def test_a_field_written_for_another_of_the_same_record_gets_that_one_suggested() -> None:
    # By spelling alone, a source's `published` would be taken for `publisher`.
    valid = (VALID / "claims.yaml").read_text("utf-8")
    title = "    title: Ferry specifications\n"
    text = valid.replace(title, title + "    published: 2024-03-03\n")
    assert text != valid
    with pytest.raises(CatalogError) as raised:
        parse_catalog(text.encode("utf-8"), "c.yaml", base_dir=VALID)
    assert [problem.message for problem in raised.value.problems] == [
        "unknown field 'published' (did you mean 'date'?)"
    ]


def test_the_file_is_refused_for_exactly_the_characters_yaml_refuses_and_hidden_breaks() -> None:
    # One pass over the file looks for both; it must find every code point that either set
    # holds, and no other.
    every = "".join(map(chr, range(0x110000)))
    found = {match.start() for match in yamlsource._REFUSED.finditer(every)}
    unprintable = {match.start() for match in yamlsource.NOT_PRINTABLE.finditer(every)}
    assert found == unprintable | {ord(character) for character in yamlsource.HIDDEN_BREAKS}


def test_the_reader_finds_where_a_comment_cuts_unquoted_text_short() -> None:
    document = yamlsource.parse(
        "a: été fini # ici\nb: 'kept # whole'\nc: no#comment\nd:\n  - item #2\ne: plain\n"
    )
    assert document.data == {
        "a": "été fini", "b": "kept # whole", "c": "no#comment", "d": ["item"], "e": "plain",
    }  # fmt: skip
    assert document.comments == {
        ("a",): yamlsource.Position(1, 13),
        ("d", 0): yamlsource.Position(5, 10),
    }
