"""`new`, `new-source` and `update-verdict`: the change, byte for byte, and nothing else."""

from __future__ import annotations

import builtins
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings

from generator import cli, prompts, scaffold
from generator.load import load_catalog
from generator.model import SHORT_CLAIM_LIMIT
from tests.projects import VALID
from tests.test_properties import EXAMPLES, editor_text

TODAY = date.today().isoformat()
VALID_TEXT = (VALID / "claims.yaml").read_text("utf-8")
# The valid fixture with the claims section in the middle, comments, flow lists, folded text
# and odd spacing: none of it may change.
STYLED = (
    VALID_TEXT.replace("version: 2\n", "version: 2   # schema version\n")
    .replace(
        "claimants:\n  - id: mayor\n    name: Mayor of Harbour Town\n    kind: official\n"
        "    same_as: https://en.wikipedia.org/wiki/Mayor\n",
        "",
    )
    .replace(
        "    rating: wrong\n    confidence", "    rating: wrong    # since March\n    confidence"
    )
    .replace(
        "    summary: The operator lists 250 seats, so 300 is wrong.\n",
        "    summary: >-\n      The operator lists 250 seats,\n      so 300 is wrong.\n",
    )
    + "\n# Claimants follow the claims here.\n"
    "claimants:\n  - {id: mayor, name: Mayor of Harbour Town, kind: official}\n"
)
NEW_CLAIM = [
    "--id", "ferry-built",
    "--claim", "The mayor said the ferry was built in 2023.",
    "--short", "Mayor says the ferry was built in 2023",
    "--claimant", "mayor",
    "--claimed", "2024-03-02",
    "--source", "article",
    "--quote", "The mayor said the new ferry carries 300 passengers.",
    "--accuracy", "accurate",
    "--rating", "unproven",
    "--confidence", "high",
    "--summary", "No source gives the year.",
    "--analysis", "The specifications give **no** year: see below.",
    "--evidence", "operator",
    "--stance", "context",
    "--evidence-note", "The specifications give no year.",
    "--note", "No source gives the year yet.",
]  # fmt: skip
NEW_CLAIM_TEXT = f"""  - id: ferry-built
    claim: The mayor said the ferry was built in 2023.
    short: Mayor says the ferry was built in 2023
    claimant: mayor
    claimed: 2024-03-02
    appearances:
      - source: article
        quote: The mayor said the new ferry carries 300 passengers.
        accuracy: accurate
    rating: unproven
    confidence: high
    qualifiers:
      - single-source
    summary: No source gives the year.
    analysis: 'The specifications give **no** year: see below.'
    evidence:
      - source: operator
        stance: context
        note: The specifications give no year.
    published: {TODAY}
    history:
      - date: {TODAY}
        rating: unproven
        note: No source gives the year yet.
    reviewed: {TODAY}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "article.txt").write_bytes((VALID / "seeds" / "article.txt").read_bytes())
    (tmp_path / "claims.yaml").write_text(STYLED, "utf-8")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    return tmp_path / "claims.yaml"


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = cli.main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_new_appends_the_claim_and_changes_nothing_else(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "new", *NEW_CLAIM, "--qualifier", "single-source")
    assert (status, out, err) == (0, "added claim 'ferry-built' to claims.yaml\n", "")
    end_of_claims = STYLED.index("\n\n# Claimants follow") + 1
    expected = STYLED[:end_of_claims] + NEW_CLAIM_TEXT + STYLED[end_of_claims:]
    assert project.read_bytes() == expected.encode("utf-8")
    assert run(capsys, "check", "--stale-days", "100000")[0] == 0


def test_new_keeps_blank_lines_between_claims(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write_text(VALID_TEXT.replace("  - id: ferry-300", "\n  - id: ferry-300"), "utf-8")
    before = project.read_text("utf-8")
    assert run(capsys, "new", *NEW_CLAIM)[0] == 0
    added = NEW_CLAIM_TEXT.replace("    qualifiers:\n      - single-source\n", "")
    assert project.read_text("utf-8") == before + "\n" + added


def check_messages(project: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[str]:
    """What `check` says about `text`, without its position, from a scratch copy."""
    scratch = project.with_name("scratch.yaml")
    scratch.write_text(text, "utf-8")
    _, _, err = run(capsys, "check", "--stale-days", "100000", str(scratch))
    scratch.unlink()
    *problems, _ = [line for line in err.splitlines() if ": warning: " not in line]
    return [line.split(": ", 1)[1] for line in problems]


def test_new_refuses_an_existing_id_with_the_checks_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [*NEW_CLAIM]
    arguments[arguments.index("ferry-built")] = "ferry-300"
    status, out, err = run(capsys, "new", *arguments)
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "error: claims.yaml was left unchanged: with claim 'ferry-300', it would have these "
        "problems (lines as they would have been):",
        "claims.yaml:84:9: claims[1].id: duplicate id 'ferry-300' (first used at line 52); "
        "ids must be unique: rename the new one, since a published claim's id is its address",
    ]
    assert project.read_text("utf-8") == STYLED
    end_of_claims = STYLED.index("\n\n# Claimants follow") + 1
    added = NEW_CLAIM_TEXT.replace("ferry-built", "ferry-300").replace(
        "    qualifiers:\n      - single-source\n", ""
    )
    would_be = STYLED[:end_of_claims] + added + STYLED[end_of_claims:]
    assert check_messages(project, capsys, would_be) == [err.splitlines()[1].split(": ", 1)[1]]


def test_new_refuses_unknown_references_and_suggests(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [*NEW_CLAIM]
    arguments[arguments.index("mayor")] = "mayr"
    arguments[arguments.index("operator")] = "operater"
    status, _, err = run(capsys, "new", *arguments)
    assert status == 1
    assert err.splitlines()[1:] == [
        "claims.yaml:87:15: claims[1].claimant: unknown claimant 'mayr' (did you mean 'mayor'?)",
        "claims.yaml:98:17: claims[1].evidence[0].source: unknown source 'operater' (did you "
        "mean 'operator'?)",
    ]
    assert project.read_text("utf-8") == STYLED


def test_new_without_a_terminal_needs_every_field(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "new", "--id", "ferry-built")
    assert status == 1
    assert err == (
        "error: missing --claim, --short, --claimant, --claimed, --source, --quote, --accuracy, "
        "--rating, "
        "--confidence, --summary, --analysis, --evidence, --stance, --evidence-note, --note; "
        "give them as options, or run the command in a terminal to be asked for each\n"
    )
    assert project.read_text("utf-8") == STYLED


def answer_in_terminal(
    monkeypatch: pytest.MonkeyPatch,
    fields: tuple[prompts.Ask, ...],
    reply: Callable[[str], str],
) -> list[str]:
    """Answer each question of `fields` with `reply(option)`, as an editor at a terminal
    would; the list fills with the options asked, in order."""
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    questions = {f"--{field.option}": field.question for field in fields}
    asked: list[str] = []

    def answer(prompt: str) -> str:
        option = next(option for option, text in questions.items() if prompt.startswith(text))
        asked.append(option)
        return reply(option)

    monkeypatch.setattr(builtins, "input", answer)
    return asked


def test_new_asks_in_a_terminal_and_completes_ids(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    given = dict(zip(NEW_CLAIM[::2], NEW_CLAIM[1::2], strict=True))
    asked = answer_in_terminal(monkeypatch, prompts.CLAIM_FIELDS, given.__getitem__)
    status, out, _ = run(capsys, "new", "--id", "ferry-built", "--claim", given["--claim"])
    assert (status, out) == (0, "added claim 'ferry-built' to claims.yaml\n")
    assert asked == NEW_CLAIM[4::2]
    complete = prompts._completer(["mayor", "minister", "operator"])
    assert [complete("m", state) for state in range(3)] == ["mayor", "minister", None]


def test_new_source_appends_a_source(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "new-source",
        "--id", "gazette-ferry",
        "--title", "Ferry delayed: council, again",
        "--title-kind", "headline",
        "--kind", "news-report",
        "--url", "https://gazette.example.org/ferry",
        "--archive-url", "https://web.archive.org/web/2024/https://gazette.example.org/ferry",
        "--publisher", "Harbour Gazette",
        "--date", "2024-03-04",
    )  # fmt: skip
    assert (status, out) == (0, "added source 'gazette-ferry' to claims.yaml\n")
    added = (
        "  - id: gazette-ferry\n"
        "    title: 'Ferry delayed: council, again'\n"
        "    title_kind: headline\n"
        "    publisher: Harbour Gazette\n"
        "    date: 2024-03-04\n"
        "    kind: news-report\n"
        "    url: https://gazette.example.org/ferry\n"
        "    archive_url: https://web.archive.org/web/2024/https://gazette.example.org/ferry\n"
    )
    after_sources = STYLED.index("claims:\n")
    expected = STYLED[:after_sources] + added + STYLED[after_sources:]
    assert project.read_text("utf-8") == expected


COPY = [
    "new-source",
    "--id", "digest-ferry",
    "--title", "Copy of the Gazette's ferry story",
    "--title-kind", "description",
    "--kind", "news-report",
    "--url", "https://digest.example.org/ferry",
    "--publisher", "Ferry Digest",
]  # fmt: skip


def test_new_source_says_what_check_will_warn_about_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The desk's many other warnings would hide these in `check`'s output.
    status, out, err = run(capsys, *COPY, "--date", "2024-03-05")
    assert (status, out) == (0, "added source 'digest-ferry' to claims.yaml\n")
    assert [line.split(": warning: ")[1] for line in err.splitlines()] == [
        "sources[2].id: no claim cites source 'digest-ferry'; cite it in appearances or "
        "evidence, or remove it",
        "sources[2].url: no archived copy; add archive_url, a copy of the page in a web "
        "archive, in case the page changes or disappears",
    ]


def test_new_source_records_a_copy_of_another_outlets_story(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, *COPY, "--mirror", "yes")
    assert status == 1
    assert err.splitlines()[1].endswith(
        "sources[2].mirror: a mirror copies another outlet's story: add 'original_publisher', "
        "the outlet that wrote it"
    )
    assert project.read_text("utf-8") == STYLED
    status, _, err = run(capsys, *COPY, "--original-publisher", "Harbour Gazette", "--mirror", "y")
    assert (status, err) == (1, "error: --mirror: 'y' is neither yes nor no; answer yes or no\n")
    status, out, _ = run(
        capsys, *COPY, "--original-publisher", "Harbour Gazette", "--mirror", "yes"
    )
    assert (status, out) == (0, "added source 'digest-ferry' to claims.yaml\n")
    added = (
        "  - id: digest-ferry\n"
        "    title: Copy of the Gazette's ferry story\n"
        "    title_kind: description\n"
        "    publisher: Ferry Digest\n"
        "    original_publisher: Harbour Gazette\n"
        "    mirror: true\n"
        "    kind: news-report\n"
        "    url: https://digest.example.org/ferry\n"
    )
    after_sources = STYLED.index("claims:\n")
    assert project.read_text("utf-8") == STYLED[:after_sources] + added + STYLED[after_sources:]
    source = load_catalog(project).sources[-1]
    assert (source.original_publisher, source.mirror) == ("Harbour Gazette", True)


def test_new_source_asks_about_a_copy_only_for_a_copy(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"--title-kind": "description", "--original-publisher": "", "--date": ""}
    asked = answer_in_terminal(
        monkeypatch, prompts.SOURCE_FIELDS, lambda option: answers.get(option, "")
    )
    given = [option for option in COPY if option != "--title-kind" and option != "description"]
    assert run(capsys, *given)[0] == 0
    assert asked == ["--title-kind", "--archive-url", "--original-publisher", "--date"]
    (title_kind,) = [field for field in prompts.SOURCE_FIELDS if field.option == "title-kind"]
    assert "headline" in title_kind.question and "description" in title_kind.question
    source = load_catalog(project).sources[-1]
    assert (source.title_kind, source.original_publisher, source.mirror) == (
        "description", None, False,
    )  # fmt: skip


def test_new_source_refuses_a_bad_date_before_writing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "new-source", "--id", "x", "--title", "X", "--title-kind", "description",
        "--kind", "other",
        "--url", "https://x.example.org/", "--date", "2024-3-4",
    )  # fmt: skip
    assert (status, err) == (
        1,
        "error: --date: '2024-3-4' is not a date; write it as YYYY-MM-DD, like 2024-10-18\n",
    )
    assert project.read_text("utf-8") == STYLED


def test_update_verdict_edits_in_place(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "update-verdict", "ferry-300", "accurate", "--correction",
        "--note", "The operator: 300 with standing room.",
    )  # fmt: skip
    assert (status, out) == (
        0,
        "changed the verdict of 'ferry-300' from wrong to accurate in claims.yaml\n",
    )
    expected = STYLED.replace(
        "    rating: wrong    # since March\n", "    rating: accurate    # since March\n"
    ).replace(
        "        note: The operator publishes its specifications.\n    reviewed: 2024-03-03\n",
        "        note: The operator publishes its specifications.\n"
        f"      - date: {TODAY}\n"
        "        rating: accurate\n"
        "        note: 'The operator: 300 with standing room.'\n"
        "        correction: true\n"
        f"    reviewed: {TODAY}\n",
    )
    assert project.read_text("utf-8") == expected


def test_update_verdict_refusals_leave_the_file_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "update-verdict", "ferry-30", "accurate", "--note", "x")
    assert (status, err) == (1, "error: unknown claim 'ferry-30' (did you mean 'ferry-300'?)\n")
    status, _, err = run(capsys, "update-verdict", "ferry-300", "acurate", "--note", "x")
    assert status == 1
    assert err.splitlines()[1].endswith(
        "claims[0].rating: unknown rating 'acurate' (did you mean 'accurate'?)"
    )
    assert run(capsys, "update-verdict", "ferry-300", "accurate", "--note", "Once.")[0] == 0
    once = project.read_text("utf-8")
    status, _, err = run(capsys, "update-verdict", "ferry-300", "wrong", "--note", "Twice.")
    assert (status, err) == (
        1,
        f"error: 'ferry-300' already has a history entry of today ({TODAY}), and the history "
        "holds one entry a day. If that entry is not published yet (it is only on your "
        "branch), change its rating there and say why at the end of its note; once it is "
        "published, it may only grow, and the new verdict is recorded tomorrow\n",
    )
    assert project.read_text("utf-8") == once


def test_update_verdict_refuses_a_flow_style_history(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = STYLED.replace(
        "    history:\n      - date: 2024-03-02\n        rating: unproven\n"
        "        note: No source yet.\n      - date: 2024-03-03\n        rating: wrong\n"
        "        note: The operator publishes its specifications.\n",
        "    history: [{date: 2024-03-02, rating: unproven, note: No source yet.},\n"
        "      {date: 2024-03-03, rating: wrong,\n"
        "       note: The operator publishes its specifications.}]\n",
    )
    project.write_text(flow, "utf-8")
    status, _, err = run(capsys, "update-verdict", "ferry-300", "accurate", "--note", "x")
    assert (status, err) == (
        1,
        "error: claims.yaml: line 77: the list is not written one '- ' item a line (block "
        "style); add the entry by hand\n",
    )
    assert project.read_text("utf-8") == flow


@settings(max_examples=2 * EXAMPLES, deadline=None, database=None)
@given(
    claim=editor_text(),
    short=editor_text(SHORT_CLAIM_LIMIT),
    quote=editor_text(),
    analysis=editor_text(),
    note=editor_text(),
)
def test_any_text_an_editor_types_is_appended_and_reads_back_exactly(
    claim: str, short: str, quote: str, analysis: str, note: str
) -> None:
    values = dict(zip([name[2:] for name in NEW_CLAIM[::2]], NEW_CLAIM[1::2], strict=True))
    values |= {"claim": claim, "short": short, "quote": quote, "analysis": analysis, "note": note}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.yaml"
        (Path(folder) / "seeds").mkdir()
        shutil.copy(VALID / "seeds" / "article.txt", Path(folder) / "seeds" / "article.txt")
        path.write_text(STYLED, "utf-8")
        scaffold.add_claim(path, scaffold.claim_record(values))
        text = path.read_text("utf-8")
        added = load_catalog(path).claims[-1]
    end_of_claims = STYLED.index("\n\n# Claimants follow") + 1
    assert text.startswith(STYLED[:end_of_claims])
    assert text.endswith(STYLED[end_of_claims:])
    assert (added.claim, added.short, added.appearances[0].quote, added.analysis) == (
        claim, short, quote, analysis,
    )  # fmt: skip
    assert added.history[0].note == note


def test_tab_completes_a_claimant_in_a_real_terminal(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path, dirs_exist_ok=True)
    options = list(NEW_CLAIM)
    del options[options.index("--claimant") : options.index("--claimant") + 2]
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "new", *options],
        cwd=tmp_path,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "TERM": "dumb"},
    )
    os.close(terminal)
    screen = read_terminal(controller, until=b"Who made it")
    os.write(controller, b"ma\t\r")  # "ma", Tab, Enter
    assert process.wait(timeout=30) == 0
    screen += read_terminal(controller, until=b"added claim")
    os.close(controller)
    assert "Who made it (claimant id) [Tab: 1 choice]: mayor" in screen.decode()
    added = (tmp_path / "claims.yaml").read_text("utf-8").split("- id: ferry-built")[1]
    assert "\n    claimant: mayor\n" in added


def read_terminal(controller: int, *, until: bytes, timeout: float = 30) -> bytes:
    """What the program wrote to the terminal, up to and including `until`."""
    seen = b""
    deadline = time.monotonic() + timeout
    while until not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                seen += os.read(controller, 4096)
            except OSError:  # the program ended and closed the terminal
                break
    return seen


def test_an_edit_that_changes_anything_else_is_undone(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for a bug in the text editing: the file still passes the check, but the
    # publisher's name changed too. The command must notice and put the old bytes back.
    apply = scaffold.apply
    monkeypatch.setattr(
        scaffold, "apply", lambda text, edits: apply(text, edits).replace("Fixture Desk", "Desk")
    )
    status, _, err = run(capsys, "update-verdict", "ferry-300", "accurate", "--note", "Seen.")
    assert (status, err) == (
        1,
        "error: claims.yaml was left unchanged: the edit did not read back as the verdict of "
        "'ferry-300' alone; make the change by hand\n",
    )
    assert project.read_text("utf-8") == STYLED


def test_new_writes_only_to_a_file_the_claims_are_read_from(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = project.with_name("more-claims.yaml")
    other.write_text("claims:\n", "utf-8")
    status, _, err = run(capsys, "new", *NEW_CLAIM, "--file", "more-claims.yaml")
    assert (status, err) == (
        1,
        "error: more-claims.yaml is not a file the claims are read from (claims.yaml); give "
        "one of them, or leave the option out\n",
    )
    assert (project.read_text("utf-8"), other.read_text("utf-8")) == (STYLED, "claims:\n")
    assert run(capsys, "new", *NEW_CLAIM, "--file", "claims.yaml")[0] == 0


def test_new_starts_the_claims_section_when_there_is_none(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without = VALID_TEXT[: VALID_TEXT.index("claims:\n")]
    project.write_text(without, "utf-8")
    assert run(capsys, "new", *NEW_CLAIM)[0] == 0
    added = NEW_CLAIM_TEXT.replace("    qualifiers:\n      - single-source\n", "")
    assert project.read_text("utf-8") == without + "claims:\n" + added
    project.write_text(without + "claims: []\n", "utf-8")
    status, _, err = run(capsys, "new", *NEW_CLAIM)
    assert (status, err) == (
        1,
        "error: claims.yaml: 'claims' is written without entries; delete that line and run "
        "the command again\n",
    )


@pytest.mark.parametrize(
    ("rating", "message"),
    [
        ("no", "unknown rating 'no'; use one of: accurate, unproven, wrong"),
        (
            "wrong: very",
            "'wrong: very' is not a valid id: use lowercase letters, digits and single hyphens, "
            "like 'wrong-very'",
        ),
    ],
)
def test_update_verdict_writes_any_rating_as_the_text_given(
    rating: str, message: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Unquoted, YAML would read `no` as false and `wrong: very` as a mapping. Written in
    # quotes, the check sees the text that was typed and says what is wrong with it.
    status, _, err = run(capsys, "update-verdict", "ferry-300", rating, "--note", "x")
    assert status == 1
    assert f"claims[0].rating: {message}\n" in err
    assert project.read_text("utf-8") == STYLED


@pytest.mark.parametrize("chosen", [None, "claims/2024-03.yaml"])
def test_new_adds_to_an_archive_split_over_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    chosen: str | None,
) -> None:
    # The new claim reads back in the middle of the catalog, not last: it is still accepted.
    from generator import layout
    from generator.load import load_catalog

    monkeypatch.chdir(tmp_path)
    shutil.copytree(VALID / "seeds", tmp_path / "seeds")
    (tmp_path / "claims.yaml").write_text(VALID_TEXT, "utf-8")
    layout.split(tmp_path / "claims.yaml", "claims", by="month")
    (tmp_path / "claims" / "2024-04.yaml").write_text(
        (tmp_path / "claims" / "2024-03.yaml").read_text("utf-8").replace("id: ", "id: later-"),
        "utf-8",
    )
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    options = [] if chosen is None else ["--file", chosen]
    status, out, err = run(capsys, "new", *NEW_CLAIM, *options)
    assert (status, err) == (0, ""), err
    target = chosen or "claims.yaml"
    assert out == f"added claim 'ferry-built' to {target}\n"
    ids = [claim.id for claim in load_catalog(tmp_path / "claims.yaml").claims]
    assert "ferry-built" in ids and ids[-1] != "ferry-built"


def test_new_starts_a_file_of_its_own_where_an_include_pattern_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # After `split --by claim`, each new claim goes into a file of its own, so that two pull
    # requests that add claims never touch the same file.
    from generator import layout
    from generator.load import load_catalog

    monkeypatch.chdir(tmp_path)
    shutil.copytree(VALID / "seeds", tmp_path / "seeds")
    (tmp_path / "claims.yaml").write_text(VALID_TEXT, "utf-8")
    layout.split(tmp_path / "claims.yaml", "claims", by="claim")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    before = sorted(path.name for path in (tmp_path / "claims").iterdir())

    status, out, err = run(capsys, "new", *NEW_CLAIM, "--file", "elsewhere.yaml")
    assert status == 1
    assert "elsewhere.yaml is not a file the claims are read from, and no pattern" in err
    assert not (tmp_path / "elsewhere.yaml").exists()

    status, out, err = run(capsys, "new", *NEW_CLAIM, "--file", "claims/ferry-built.yaml")
    assert (status, err) == (0, ""), err
    assert out == "added claim 'ferry-built' to claims/ferry-built.yaml\n"
    assert (
        (tmp_path / "claims" / "ferry-built.yaml")
        .read_text("utf-8")
        .startswith("claims:\n  - id: ferry-built\n")
    )
    assert sorted(path.name for path in (tmp_path / "claims").iterdir()) == sorted(
        [*before, "ferry-built.yaml"]
    )
    assert "ferry-built" in [claim.id for claim in load_catalog(tmp_path / "claims.yaml").claims]


def test_edits_to_a_file_with_crlf_line_endings_keep_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write_bytes(project.read_bytes().replace(b"\n", b"\r\n"))
    assert run(capsys, "update-verdict", "ferry-300", "accurate", "--note", "Checked.")[0] == 0
    assert run(capsys, "new", *NEW_CLAIM)[0] == 0
    edited = project.read_bytes()
    assert b"- id: ferry-built\r\n" in edited
    assert b"\n" not in edited.replace(b"\r\n", b"")
    assert run(capsys, "check", "--stale-days", "100000", str(project))[0] == 0


def test_a_terminal_answer_outside_the_choices_is_asked_again_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused at the end, a typo would cost every answer given before it.
    given = dict(zip(NEW_CLAIM[::2], NEW_CLAIM[1::2], strict=True))
    typos = {"--id": ["ferry-300"], "--claimant": ["mayr"], "--stance": ["agrees"]}

    def reply(option: str) -> str:
        wrong = typos.get(option)
        return wrong.pop() if wrong else given[option]

    asked = answer_in_terminal(monkeypatch, prompts.CLAIM_FIELDS, reply)
    status, out, err = run(capsys, "new")
    assert (status, out) == (0, "added claim 'ferry-built' to claims.yaml\n")
    assert err.splitlines() == [
        "'ferry-300' is taken; choose another id",
        "'mayr' is not one of the choices (did you mean 'mayor'?); Tab lists them",
        "'agrees' is not one of the choices; Tab lists them",
    ]
    assert [option for option in asked if option in typos] == [
        "--id", "--id", "--claimant", "--claimant", "--stance", "--stance",
    ]  # fmt: skip


def test_a_terminal_answer_the_claims_file_would_refuse_is_asked_again_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    given = dict(zip(NEW_CLAIM[::2], NEW_CLAIM[1::2], strict=True))
    typos = {
        "--id": ["page-2", "Ferry Built"],
        "--short": ["The mayor says that the new ferry of the harbour was built in the year 2023"],
        "--claimed": ["2024-02-30", "2/3/2024"],
    }

    def reply(option: str) -> str:
        wrong = typos.get(option)
        return wrong.pop() if wrong else given[option]

    answer_in_terminal(monkeypatch, prompts.CLAIM_FIELDS, reply)
    status, out, err = run(capsys, "new")
    assert (status, out) == (0, "added claim 'ferry-built' to claims.yaml\n")
    assert err.splitlines() == [
        "'Ferry Built' is not a valid id: use lowercase letters, digits and single hyphens, "
        "like 'ferry-built'",
        "'page-2' is reserved for a generated page; choose another id",
        "the answer is 75 characters long; shorten it to at most 74",
        "'2/3/2024' is not a date; write it as YYYY-MM-DD, like 2024-10-18",
        "'2024-02-30' is not a date; write it as YYYY-MM-DD, like 2024-10-18",
    ]


def test_a_terminal_address_that_is_not_a_url_is_asked_again_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"--title-kind": "description", "--original-publisher": "", "--date": ""}
    typos = ["www.digest.example.org/ferry"]
    given = [option for option in COPY if option != "--url" and not option.startswith("https")]

    def reply(option: str) -> str:
        if option == "--url":
            return typos.pop() if typos else "https://digest.example.org/ferry"
        return answers.get(option, "")

    asked = answer_in_terminal(monkeypatch, prompts.SOURCE_FIELDS, reply)
    status, _, err = run(capsys, *given)
    assert status == 0
    assert asked.count("--url") == 2
    assert err.splitlines()[0] == (
        "'www.digest.example.org/ferry' is not an absolute http or https URL; "
        "write it like https://example.org/page"
    )
    assert load_catalog(project).sources[-1].url == "https://digest.example.org/ferry"
