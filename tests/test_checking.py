"""`check`: GitHub annotations, hygiene warnings, --strict, and the append-only rule with --base."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import changes, cli, clock, escape, load, rules, yamlsource
from generator.problems import Problem
from generator.report import Finding, escape_data, escape_property, github_annotation
from generator.yamlsource import Position
from tests.projects import REPO, VALID

VALID_TEXT = (VALID / "claims.yaml").read_text("utf-8")
ARCHIVED = VALID_TEXT.replace(
    "    url: https://ferries.example.org/specs\n",
    "    url: https://ferries.example.org/specs\n"
    "    archive_url: https://web.archive.org/web/2024/https://ferries.example.org/specs\n",
)


def write(folder: Path, text: str, name: str = "claims.yaml") -> Path:
    (folder / "seeds").mkdir(exist_ok=True)
    (folder / "seeds" / "article.txt").write_bytes((VALID / "seeds" / "article.txt").read_bytes())
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def check(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = cli.main(["check", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext%3A a%2C b"
    # '%' first, so that an escape is never escaped twice.
    assert escape_data("%0A") == "%250A"


def test_an_annotation_escapes_its_properties_and_its_message() -> None:
    problem = Problem("a,b:c.yaml", Position(3, 7), "claims[0].note", "50%, then\nmore: x")
    assert github_annotation(Finding(problem, "error")) == (
        "::error file=a%2Cb%3Ac.yaml,line=3,col=7,title=claims[0].note::50%25, then%0Amore: x"
    )


def test_errors_as_github_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ARCHIVED.replace("kind: official-statement", "kind: 'press, release: 100%'"))
    status, out, err = check(capsys, "--format", "github", "claims.yaml")
    assert status == 1
    assert out == (
        "::error file=claims.yaml,line=49,col=11,title=sources[1].kind::'press, release: 100%25' "
        "is not one of: seed-article, news-report, wire-report, official-statement, "
        "government-report, press-conference, interview, video, satellite-imagery, analysis, "
        "other\n"
    )
    assert err == "1 problem found; nothing was written\n"


def test_the_default_format_stays_compiler_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path, ARCHIVED.replace("rating: wrong\n    confidence", "rating: wrng\n    confidence")
    )
    status, out, err = check(capsys, "claims.yaml")
    assert (status, out) == (1, "")
    assert err == (
        "claims.yaml:67:13: claims[0].rating: unknown rating 'wrng' (did you mean 'wrong'?)\n"
        "1 problem found; nothing was written\n"
    )


HYGIENE = VALID_TEXT.replace(
    "claimants:\n",
    "  - id: unused-report\n    title: Unused\n    title_kind: description\n"
    "    kind: news-report\n"
    "    url: https://news.example.org/unused\n"
    "    archive_url: https://web.archive.org/web/2024/https://news.example.org/unused\n"
    "claimants:\n",
).replace(
    "claims:\n",
    "  - id: nobody\n    name: Nobody\n    kind: unattributed\nclaims:\n",
)
HYGIENE_WARNINGS = [
    "claims.yaml:50:10: warning: sources[1].url: no archived copy; add archive_url, a copy of "
    "the page in a web archive, in case the page changes or disappears",
    "claims.yaml:51:9: warning: sources[2].id: no claim cites source 'unused-report'; cite it "
    "in appearances or evidence, or remove it",
    "claims.yaml:62:9: warning: claimants[1].id: no claim names claimant 'nobody'; use it, "
    "or remove it",
    "claims.yaml:95:15: warning: claims[0].reviewed: last reviewed 31 days ago, more than 30: "
    "check the claim again, then set reviewed to the date you did",
]


def test_hygiene_warnings_point_at_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    reviewed = date.fromordinal(clock.latest_today().toordinal() - 31)
    write(tmp_path, HYGIENE.replace("reviewed: 2024-03-03", f"reviewed: {reviewed}"))
    status, out, err = check(capsys, "--stale-days", "30", "claims.yaml")
    assert status == 0
    assert err.splitlines() == HYGIENE_WARNINGS
    assert out == "claims.yaml: 1 claims, 3 sources: no problems, 4 warnings\n"
    # 31 days is within the default limit: that warning goes.
    status, out, err = check(capsys, "claims.yaml")
    assert (status, len(err.splitlines())) == (0, 3)


def test_a_warning_that_recurs_is_printed_three_times_then_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five sources without an archived copy, and five that no claim cites: each kind is
    # counted, although the second kind's messages differ by the source they name.
    monkeypatch.chdir(tmp_path)
    unarchived = "".join(
        f"  - id: report-{number}\n    title: Report\n    title_kind: description\n"
        f"    kind: news-report\n    url: https://news.example.org/{number}\n"
        for number in range(4)
    )
    text = HYGIENE.replace("claimants:\n", f"{unarchived}claimants:\n")
    write(tmp_path, text)
    status, out, err = check(capsys, "claims.yaml")
    assert status == 0
    lines = err.splitlines()
    assert len([line for line in lines if "warning: sources" in line and "archived" in line]) == 3
    assert len([line for line in lines if "no claim cites source" in line]) == 3
    assert lines[-2:] == [
        "note: 2 more warnings like those above (sources with no archived copy); "
        "`check --every-warning` prints each",
        "note: 2 more warnings like those above (sources that no claim cites); "
        "`check --every-warning` prints each",
    ]
    assert "no claim names claimant 'nobody'" in err, "the other warnings are all printed"
    assert out.endswith("no problems, 12 warnings\n"), "the count includes them all"

    status, out, err = check(capsys, "--every-warning", "claims.yaml")
    assert len([line for line in err.splitlines() if "no archived copy" in line]) == 5
    assert len([line for line in err.splitlines() if "no claim cites source" in line]) == 5
    assert "note:" not in err

    status, out, _ = check(capsys, "--format", "github", "claims.yaml")
    assert out.count("::warning ") == 3 + 3 + 2
    assert "::notice title=check::2 more warnings like those above (sources with no" in out

    # Against a base, a pull request's own records are never counted away: a source it
    # adds without an archived copy is named however many others lack one.
    write(tmp_path, text, "base.yaml")
    added = (
        "  - id: report-new\n    title: Report\n    title_kind: description\n"
        "    kind: news-report\n    url: https://news.example.org/new\n"
    )
    write(tmp_path, text.replace("claimants:\n", f"{added}claimants:\n"))
    status, out, err = check(capsys, "--base", "base.yaml", "claims.yaml")
    assert status == 0
    archived = [
        line for line in err.splitlines() if "warning: sources" in line and "archived" in line
    ]
    assert len(archived) == 4
    assert "sources[7].url: no archived copy" in archived[-1], "the added source, last"
    assert "note: 2 more warnings like those above (sources with no archived copy)" in err
    write(tmp_path, text)

    # Errors are never counted away: with --strict every warning is one.
    status, _, err = check(capsys, "--strict", "claims.yaml")
    assert status == 1
    assert len([line for line in err.splitlines() if "no archived copy" in line]) == 5


def test_an_analysis_that_loses_markup_when_published_gets_a_warning_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    analysis = "    analysis: |\n      The operator's specifications list **250** seats.\n"
    assert analysis in ARCHIVED
    lossy = (
        "    analysis: |\n"
        '      The operator\'s <span class="x">specifications</span> list **250** seats.\n'
        "      ![Seat plan](https://ferries.example.org/plan.png)\n"
        '      See [the plan](/plan) and <b onclick="steal()">this</b>.\n'
    )
    write(tmp_path, ARCHIVED.replace(analysis, lossy))
    status, _, err = check(capsys, "claims.yaml")
    assert status == 0  # the page still builds: nothing unsafe reaches it
    assert [line for line in err.splitlines() if "analysis" in line] == [
        "claims.yaml:71:15: warning: claims[0].analysis: the published page leaves out an "
        "image, an HTML <span> element, the onclick attribute of <b> and the address of a "
        "link; the editors' guide says what an analysis may hold: write the rest as text, or "
        "remove it"
    ]
    write(tmp_path, ARCHIVED)
    status, _, err = check(capsys, "claims.yaml")
    assert status == 0
    assert "analysis" not in err


def test_strict_turns_warnings_into_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, VALID_TEXT)
    status, out, err = check(capsys, "--strict", "--stale-days", "100000", "claims.yaml")
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "claims.yaml:50:10: sources[1].url: no archived copy; add archive_url, a copy of the "
        "page in a web archive, in case the page changes or disappears",
        "1 problem found; nothing was written",
    ]
    status, out, _ = check(capsys, "--strict", "--format", "github", "claims.yaml")
    assert status == 1
    assert [line.split(" ")[0] for line in out.splitlines()] == ["::error", "::error"]


def test_warnings_as_github_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, VALID_TEXT)
    status, out, _ = check(capsys, "--format", "github", "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert out.splitlines() == [
        "::warning file=claims.yaml,line=50,col=10,title=sources[1].url::no archived copy; add "
        "archive_url, a copy of the page in a web archive, in case the page changes or disappears",
        "claims.yaml: 1 claims, 2 sources: no problems, 1 warning",
    ]


def test_the_stale_limit_must_be_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "--stale-days", "soon"])
    assert exit_info.value.code == 2
    assert "invalid int value: 'soon'" in capsys.readouterr().err


# The append-only rule, against a base file.

HISTORY = """    history:
      - date: 2024-03-02
        rating: unproven
        note: No source yet.
      - date: 2024-03-03
        rating: wrong
        note: The operator publishes its specifications.
"""


def compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], base: str, current: str
) -> tuple[int, str]:
    write(tmp_path, base, "base.yaml")
    write(tmp_path, current)
    status, _, err = check(capsys, "--base", "base.yaml", "--stale-days", "100000", "claims.yaml")
    return status, "\n".join(line for line in err.splitlines() if ": warning: " not in line)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_appended_history_entry_passes(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    current = VALID_TEXT.replace(
        HISTORY,
        HISTORY + "      - date: 2024-03-04\n        rating: wrong\n        note: Checked again.\n",
    ).replace("reviewed: 2024-03-03", "reviewed: 2024-03-04")
    assert compare(in_tmp, capsys, VALID_TEXT, current) == (0, "")


def test_an_edited_history_entry_is_refused(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current = VALID_TEXT.replace("note: No source yet.", "note: No source at all.")
    assert compare(in_tmp, capsys, VALID_TEXT, current) == (
        1,
        "claims.yaml:82:15: claims[0].history[0].note: the history entry of 2024-03-02 was "
        "edited (note was 'No source yet.'); history is append-only: restore it, and add a new "
        "entry (correction: true if it corrects our error)\n"
        "1 problem found; nothing was written",
    )


def test_a_file_with_problems_says_its_history_was_not_compared(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The edited note would be refused too, but only a file that reads as a catalog can be
    # compared: the editor is told, so that a clean run later is no surprise.
    current = VALID_TEXT.replace("note: No source yet.", "note: No source at all.").replace(
        "confidence: high", "confidence: sky-high", 1
    )
    status, output = compare(in_tmp, capsys, VALID_TEXT, current)
    assert status == 1
    lines = output.splitlines()
    assert lines[0] == (
        "note: the history was not compared with base.yaml, because of the problems below; "
        "fix them and check again"
    )
    assert "sky-high" in output
    assert "append-only" not in output
    assert lines[-1] == "1 problem found; nothing was written"


def test_a_base_that_fails_todays_checks_is_still_compared(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A rule added since, or a broken target branch: the pull request that mends it must
    # pass, and its history is still held to what the base published.
    base = VALID_TEXT.replace("confidence: high", "confidence: sky-high", 1)
    note = (
        "note: base.yaml does not pass today's checks (1 problem, the first: base.yaml:67:17: "
        "claims[0].confidence: unknown confidence level 'sky-high' (did you mean 'high'?)); its "
        "history was compared wherever it passes them"
    )
    assert compare(in_tmp, capsys, base, VALID_TEXT) == (0, note)
    current = VALID_TEXT.replace("note: No source yet.", "note: No source at all.")
    status, output = compare(in_tmp, capsys, base, current)
    assert status == 1
    assert output.splitlines()[:2] == [
        note,
        "claims.yaml:82:15: claims[0].history[0].note: the history entry of 2024-03-02 was "
        "edited (note was 'No source yet.'); history is append-only: restore it, and add a new "
        "entry (correction: true if it corrects our error)",
    ]


def test_the_summary_says_why_a_base_that_fails_todays_checks_is_not_compared(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(in_tmp, VALID_TEXT.replace("confidence: high", "confidence: sky-high", 1), "base.yaml")
    write(in_tmp, VALID_TEXT)
    assert cli.main(["diff", "--base", "base.yaml", "claims.yaml"]) == 0
    assert capsys.readouterr().out == (
        "## Claims in this change\n\nThe claims of base&#46;yaml do not pass today's checks, so "
        "this summary cannot compare them (1 problem, the first: base&#46;yaml&#58;67&#58;17&#58; "
        "claims&#91;0&#93;.confidence&#58; unknown confidence level 'sky-high' &#40;did you mean "
        "'high'?&#41;).\n"
    )


def test_on_github_the_notes_about_the_base_are_notices(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(in_tmp, VALID_TEXT.replace("confidence: high", "confidence: sky-high", 1), "base.yaml")
    write(in_tmp, VALID_TEXT)
    status, out, _ = check(
        capsys, "--format", "github", "--base", "base.yaml", "--stale-days", "100000"
    )
    assert status == 0
    assert out.startswith(
        "::notice title=check --base::base.yaml does not pass today's checks (1 problem, "
    )


BROKEN_HISTORIES = {
    "a field today's schema does not know": (
        "note: No source yet.\n",
        "note: No source yet.\n        by: desk\n",
    ),
    "an unknown rating": ("rating: unproven\n", "rating: unprovn\n"),
    "a key written twice": (
        "note: No source yet.",
        "note: No source.\n        note: No source yet.",
    ),
    "not a list": (HISTORY, "    history: 5\n"),
}


@pytest.mark.parametrize("broken", BROKEN_HISTORIES.values(), ids=BROKEN_HISTORIES.keys())
def test_a_base_history_that_fails_todays_checks_is_named_and_may_be_mended(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], broken: tuple[str, str]
) -> None:
    # The pull request that mends the history must edit it, so it is not compared.
    base = VALID_TEXT.replace(*broken, 1)
    assert base != VALID_TEXT
    rewritten = VALID_TEXT.replace("note: No source yet.", "note: No source at all.")
    for current in (VALID_TEXT, rewritten):
        status, output = compare(in_tmp, capsys, base, current)
        assert status == 0
        assert output.endswith(
            "its history was compared wherever it passes them; not compared: claim 'ferry-300'"
        )


def test_a_claim_twice_in_the_base_is_compared_once(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two pull requests that each passed can bring the same id twice: mending it must pass.
    start = VALID_TEXT.index("  - id: ferry-300")
    twin = VALID_TEXT[start:].replace("note: No source yet.", "note: A twin.")
    status, output = compare(in_tmp, capsys, VALID_TEXT + twin, VALID_TEXT)
    assert status == 0
    assert "duplicate" in output


def test_a_claim_whose_base_history_is_not_compared_still_needs_a_retired_entry(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = VALID_TEXT.replace(
        "rating: unproven\n        note: No source", "rating: unprovn\n        note: No source"
    )
    current = VALID_TEXT.replace("id: ferry-300", "id: ferry-300-seats")
    status, output = compare(in_tmp, capsys, base, current)
    assert status == 1
    assert "claim 'ferry-300' was deleted without a correction record" in output


RETIRED = "retired:\n  - id: old-ferry\n    date: 2024-03-03\n    note: Withdrawn.\n"


def test_a_retired_entry_that_fails_todays_checks_still_stays(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = VALID_TEXT + RETIRED + "    redirect: no-such-claim\n"
    status, output = compare(in_tmp, capsys, base, VALID_TEXT)
    assert status == 1
    assert "the retired entry 'old-ferry' was removed" in output
    assert compare(in_tmp, capsys, base, VALID_TEXT + RETIRED)[0] == 0


def test_an_included_file_that_does_not_read_is_named_and_the_rest_compared(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = VALID_TEXT.index("claims:\n")
    root = VALID_TEXT[:start] + "include:\n  - more/*.yaml\n" + VALID_TEXT[start:]
    (in_tmp / "more").mkdir()
    write(in_tmp, "claims: [\n", "more/broken.yaml")
    current = VALID_TEXT.replace("note: No source yet.", "note: No source at all.")
    status, output = compare(in_tmp, capsys, root, current)
    assert status == 1
    assert "not compared: file more/broken.yaml" in output
    assert "the history entry of 2024-03-02 was edited" in output


def test_a_base_past_the_problem_limit_is_still_checked_in_full(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where the base's problems are must be known to the last one, or a sound history could
    # be taken for a broken one and go uncompared.
    monkeypatch.setattr(rules, "MAX_PROBLEMS", 1)
    base = VALID_TEXT.replace("confidence: high", "confidence: sky-high", 1).replace(
        "rating: wrong\n    confidence", "rating: wrnog\n    confidence", 1
    )
    edited = VALID_TEXT.replace("note: No source yet.", "note: No source at all.")
    status, output = compare(in_tmp, capsys, base, edited)
    assert status == 1
    assert "does not pass today's checks (2 problems, the first: " in output
    assert "the history entry of 2024-03-02 was edited" in output


def test_either_copy_of_a_claim_twice_in_the_base_may_stay(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = VALID_TEXT.index("  - id: ferry-300")
    twin = VALID_TEXT[start:].replace("note: No source yet.", "note: A twin.")
    kept_second = VALID_TEXT.replace("note: No source yet.", "note: A twin.")
    assert compare(in_tmp, capsys, VALID_TEXT + twin, kept_second)[0] == 0
    renamed = VALID_TEXT.replace("id: ferry-300", "id: ferry-300-seats")
    status, output = compare(in_tmp, capsys, VALID_TEXT + twin, renamed)
    assert status == 1
    assert output.count("claim 'ferry-300' was deleted") == 1


def test_a_base_section_that_is_not_a_list_is_named(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = VALID_TEXT + "retired:\n  id: old-ferry\n  date: 2024-03-03\n  note: Withdrawn.\n"
    status, output = compare(in_tmp, capsys, base, VALID_TEXT)
    assert status == 0
    assert output.endswith("not compared: the retired section")


def test_a_base_of_another_schema_version_is_not_compared(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = VALID_TEXT.replace("version: 2", "version: 3", 1)
    status, output = compare(in_tmp, capsys, base, VALID_TEXT.replace("No source yet", "None"))
    assert status == 0
    assert output.startswith(
        "note: the history was not compared with base.yaml: it cannot be read (1 problem, the "
        "first: base.yaml:5:10: version: unsupported schema version 3"
    )


def test_files_included_by_a_revision_are_named_in_that_revision(tmp_path: Path) -> None:
    start = VALID_TEXT.index("claims:\n")
    write(tmp_path, VALID_TEXT[:start] + "include:\n  - more/*.yaml\n" + VALID_TEXT[start:])
    (tmp_path / "more").mkdir()
    write(tmp_path, "claims: [\n", "more/broken.yaml")
    read = load.read_leniently(
        tmp_path / "claims.yaml", "origin/main:claims.yaml", prefix="origin/main:"
    )
    assert isinstance(read, load.Unchecked)
    assert read.unread_files == ["origin/main:more/broken.yaml"]
    assert read.problems[0].file == "origin/main:more/broken.yaml"


def test_a_base_that_cannot_be_read_is_not_compared(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current = VALID_TEXT.replace("note: No source yet.", "note: No source at all.")
    status, output = compare(in_tmp, capsys, "version: 2\nclaims: [\n", current)
    assert status == 0
    assert output.startswith(
        "note: the history was not compared with base.yaml: it cannot be read (1 problem, the "
        "first: base.yaml:3:1: YAML syntax error"
    )


def test_words_typed_in_front_of_a_block_indicator_are_pointed_out(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # YAML reads `analysis: In short >-` and the lines below as one plain text: no error.
    old = "    analysis: |\n      The operator's"
    assert old in VALID_TEXT
    write(in_tmp, VALID_TEXT.replace(old, "    analysis: In short >-\n      The operator's"))
    status, _, err = check(capsys, "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert (
        "claims.yaml:70:15: warning: claims[0].analysis: the text holds '>-', which starts a "
        "block of text only right after the colon; move the words before it to the lines below"
    ) in err.splitlines()


def test_a_quoted_list_in_a_markdown_analysis_is_not_taken_for_a_block_indicator(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = "      The operator's specifications list **250** seats.\n"
    quoted_list = "      The operator's specifications list:\n\n      >- 250 seats\n"
    write(in_tmp, VALID_TEXT.replace(old, quoted_list))
    status, _, err = check(capsys, "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert "block of text" not in err


def with_entry_of_today(note: str, *, correction: bool = False) -> str:
    """The valid file with one more history entry, dated today."""
    today = date.today().isoformat()
    entry = f"      - date: {today}\n        rating: wrong\n        note: {note}\n"
    if correction:
        entry += "        correction: true\n"
    return VALID_TEXT.replace(HISTORY, HISTORY + entry).replace(
        "reviewed: 2024-03-03", f"reviewed: {today}"
    )


def test_an_entry_of_today_may_grow_by_what_is_added_the_same_day(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One entry a date: a second change on the day of the first adds to that day's entry.
    base = with_entry_of_today("Checked again.")
    grown = with_entry_of_today(
        "Checked again. Corrected the count of the third source.", correction=True
    )
    assert compare(in_tmp, capsys, base, grown) == (0, "")


def test_an_entry_of_today_may_not_lose_what_it_said(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = with_entry_of_today("Checked again.", correction=True)
    for current in (
        with_entry_of_today("Checked once more."),
        with_entry_of_today("Checked again. And more.", correction=False),
    ):
        status, err = compare(in_tmp, capsys, base, current)
        assert status == 1
        assert "an entry of today may only grow: keep its note as it was" in err


def test_an_entry_of_an_earlier_day_may_not_grow(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current = VALID_TEXT.replace("note: No source yet.", "note: No source yet. One came later.")
    status, err = compare(in_tmp, capsys, VALID_TEXT, current)
    assert status == 1
    assert "history is append-only: restore it, and add a new entry" in err


def test_a_removed_history_entry_is_refused(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first entry is the first publication: without it, the file is valid only with
    # `published` moved to the next entry's date, and the rule still sees the rewrite.
    current = VALID_TEXT.replace(
        "      - date: 2024-03-02\n        rating: unproven\n        note: No source yet.\n", ""
    ).replace("published: 2024-03-02", "published: 2024-03-03")
    assert compare(in_tmp, capsys, VALID_TEXT, current) == (
        1,
        "claims.yaml:80:7: claims[0].history: the history entry of 2024-03-02 (unproven) was "
        "removed; history is append-only: restore it, and add a new entry for the change\n"
        "1 problem found; nothing was written",
    )
    current = VALID_TEXT.replace(
        "      - date: 2024-03-03\n        rating: wrong\n"
        "        note: The operator publishes its specifications.\n",
        "",
    ).replace("rating: wrong\n    confidence", "rating: unproven\n    confidence")
    assert compare(in_tmp, capsys, VALID_TEXT, current) == (
        1,
        "claims.yaml:80:7: claims[0].history: the history entry of 2024-03-03 (wrong) was "
        "removed; history is append-only: restore it, and add a new entry for the change\n"
        "1 problem found; nothing was written",
    )


SECOND_CLAIM = """  - id: ferry-built
    claim: The ferry was built in 2023.
    short: The ferry was built in 2023
    claimant: mayor
    claimed: 2024-03-02
    appearances:
      - source: article
        quote: The mayor said the new ferry carries 300 passengers.
        accuracy: accurate
    rating: unproven
    confidence: high
    summary: Nobody says when.
    analysis: Nobody says when.
    evidence:
      - source: operator
        stance: context
        note: The specifications give no year.
    published: 2024-03-04
    history:
      - date: 2024-03-04
        rating: unproven
        note: No source gives the year.
    reviewed: 2024-03-04
"""
TWO_CLAIMS = VALID_TEXT + SECOND_CLAIM


def test_a_deleted_claim_needs_a_correction_record(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert compare(in_tmp, capsys, TWO_CLAIMS, VALID_TEXT) == (
        1,
        "claims.yaml:56:1: claims: claim 'ferry-built' was deleted without a correction record; "
        "add under retired: an entry with id: ferry-built, the date and a note saying why it "
        "was withdrawn\n"
        "1 problem found; nothing was written",
    )
    retired = (
        "retired:\n  - id: ferry-built\n    date: 2024-03-05\n"
        "    note: Withdrawn; the article never made this claim.\n"
    )
    assert compare(in_tmp, capsys, TWO_CLAIMS, VALID_TEXT + retired) == (0, "")
    # A retired entry stays.
    status, message = compare(in_tmp, capsys, VALID_TEXT + retired, VALID_TEXT)
    assert (status, message) == (
        1,
        "claims.yaml:5:1: retired: the retired entry 'ferry-built' was removed; retired entries "
        "stay, so that the old address keeps saying what happened: restore it\n"
        "1 problem found; nothing was written",
    )


def test_a_renamed_claim_needs_a_redirect(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    renamed = TWO_CLAIMS.replace("- id: ferry-built", "- id: ferry-build-year")
    assert compare(in_tmp, capsys, TWO_CLAIMS, renamed) == (
        1,
        "claims.yaml:87:9: claims[1].id: claim 'ferry-built' was renamed to 'ferry-build-year' "
        "without a redirect; add under retired: an entry with id: ferry-built, the date, a note "
        "and redirect: ferry-build-year\n"
        "1 problem found; nothing was written",
    )
    record = "retired:\n  - id: ferry-built\n    date: 2024-03-05\n    note: Renamed.\n"
    assert compare(in_tmp, capsys, TWO_CLAIMS, renamed + record) == (
        1,
        "claims.yaml:111:9: retired[0].id: claim 'ferry-built' was renamed to "
        "'ferry-build-year', which carries its history; add redirect: ferry-build-year\n"
        "1 problem found; nothing was written",
    )
    redirected = renamed + record + "    redirect: ferry-build-year\n"
    assert compare(in_tmp, capsys, TWO_CLAIMS, redirected) == (0, "")


def test_retired_entries_are_checked_like_other_records(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        in_tmp,
        TWO_CLAIMS + "retired:\n  - id: ferry-built\n    date: 2024-03-05\n    note: Renamed.\n"
        "    redirect: ferry-300s\n",
    )
    status, _, err = check(capsys, "--stale-days", "100000", "claims.yaml")
    assert status == 1
    assert [line for line in err.splitlines() if "warning" not in line] == [
        "claims.yaml:111:9: retired[0].id: 'ferry-built' is retired, but a claim still has this "
        "id; give the claim a new id, or remove this entry",
        "claims.yaml:114:15: retired[0].redirect: unknown claim 'ferry-300s' (did you mean "
        "'ferry-300'?)",
        "2 problems found; nothing was written",
    ]


def test_an_unknown_base_is_one_line(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(in_tmp, VALID_TEXT)
    status, out, err = check(capsys, "--base", "no-such-file.yaml", "claims.yaml")
    assert (status, out) == (1, "")
    assert err == (
        f"error: 'no-such-file.yaml' is not a file, and {in_tmp.resolve()} is not in a git "
        "repository; give the base as a file or a git revision\n"
    )


def test_a_claims_file_near_the_size_limit_gets_a_warning_while_it_can_still_be_split(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(in_tmp, VALID_TEXT)
    size = (in_tmp / "claims.yaml").stat().st_size
    monkeypatch.setattr(yamlsource, "MAX_BYTES", size * 5 // 4)
    status, _, err = check(capsys, "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert (
        f"claims.yaml:1:1: warning: the file is {size / 2**20:.1f} MiB, near the 0 MiB limit of "
        "one file; split the claims over more files: python -m generator split --into claims "
        "--by month"
    ) in err
    monkeypatch.setattr(yamlsource, "MAX_BYTES", size * 2)
    assert "near the" not in check(capsys, "--stale-days", "100000", "claims.yaml")[2]


def test_a_source_changed_without_a_word_on_the_claims_citing_it_is_pointed_out(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A claim page shows its sources: editing one changes the page, which should say so.
    renamed = VALID_TEXT.replace("title: Ferry specifications", "title: The ferry's specifications")
    write(in_tmp, VALID_TEXT, "base.yaml")
    write(in_tmp, renamed)
    status, _, err = check(capsys, "--base", "base.yaml", "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert (
        "claims.yaml:44:5: warning: sources[1]: source 'operator' changed, and so did the pages "
        "of the claims citing it; say what changed in an entry of today in each: ferry-300"
    ) in err
    today = date.today().isoformat()
    logged = renamed.replace(
        HISTORY,
        HISTORY
        + f"      - date: {today}\n        rating: wrong\n"
        + "        note: Our description of the operator's specifications is clearer.\n",
    ).replace("reviewed: 2024-03-03", f"reviewed: {today}")
    write(in_tmp, logged)
    status, _, err = check(capsys, "--base", "base.yaml", "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert "changed, and so did the pages" not in err


def test_the_summary_names_a_claim_deleted_without_a_retired_entry(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # check --base refuses the deletion; the summary must not hide it either.
    catalog = load.load_catalog(VALID / "claims.yaml", today=date(2025, 1, 1))
    first, *rest = catalog.claims
    summary = changes.summarize_changes(catalog, catalog.model_copy(update={"claims": rest}))
    assert summary.splitlines()[2:] == [
        "Added: 0. Changed: 0. Retired: 0. Deleted without a retired entry: 1.",
        "",
        "### Deleted without a retired entry",
        "",
        f"- `{first.id}` {escape.text(first.short)}: give it a `retired` entry",
    ]


def test_prose_that_a_comment_cut_short_is_a_warning_and_a_comment_after_an_id_is_not(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ARCHIVED.replace(
        "    summary: The operator lists 250 seats, so 300 is wrong.\n",
        "    summary: The operator lists seats #1 to #250, so 300 is wrong.\n",
    ).replace("    rating: wrong\n", "    rating: wrong  # was unproven\n", 1)
    write(in_tmp, text)
    line = text[: text.index("    summary: ")].count("\n") + 1
    status, _, err = check(capsys, "--stale-days", "100000", "claims.yaml")
    assert status == 0
    assert err.splitlines() == [
        f"claims.yaml:{line}:39: warning: claims[0].summary: YAML reads ' #' and what follows "
        "it as a comment, so the text ends before it; put the whole text in quotes to keep the "
        "rest, or move the comment to a line of its own"
    ]
    # Quoted, the whole text is kept, and nothing is said.
    write(in_tmp, text.replace(
        "summary: The operator lists seats #1 to #250, so 300 is wrong.",
        "summary: 'The operator lists seats #1 to #250, so 300 is wrong.'",
    ))  # fmt: skip
    assert check(capsys, "--stale-days", "100000", "claims.yaml")[2] == ""


def test_a_renamed_source_is_named_beside_the_nearest_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "Did you mean 'seed-s1'" alone would have the quotes of one article given to the other.
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    text = (REPO / "claims.yaml").read_text("utf-8")
    renamed = text.replace("  - id: seed-s0\n", "  - id: seed-zero\n")
    assert renamed != text
    (tmp_path / "claims.yaml").write_text(renamed, "utf-8")
    status, _, err = check(capsys, str(tmp_path / "claims.yaml"))
    assert status == 1
    assert (
        "unknown source 'seed-s0' (did you mean 'seed-s1'?); if it was renamed, cite its new "
        "id: nothing cites 'seed-zero'"
    ) in err
