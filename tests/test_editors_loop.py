"""An editor's whole loop in a scratch git repository, through the real command line.

new → update-verdict → check --base <the target branch's commit> passes; a rewritten history
entry is refused, as a compiler-style line and as an exact GitHub annotation; and the job
summary lists what changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.projects import VALID

TODAY = date.today().isoformat()
GIT_ENVIRONMENT = {
    "GIT_AUTHOR_NAME": "Editor",
    "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Editor",
    "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repository: Path, *arguments: str) -> str:
    result = subprocess.run(
        ["git", *arguments],
        cwd=repository,
        env={**os.environ, **GIT_ENVIRONMENT},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def generator(repository: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *arguments],
        cwd=repository,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The fixture project committed on a `main` branch, with an editor's branch checked out."""
    shutil.copytree(VALID, tmp_path / "desk")
    root = tmp_path / "desk"
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "The fact checks so far")
    git(root, "switch", "--quiet", "-c", "editor/ferry-built")
    return root


NEW = [
    "new",
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
    "--analysis", "The specifications give no year.",
    "--evidence", "operator",
    "--stance", "context",
    "--evidence-note", "The specifications give no year.",
    "--note", "No source gives the year yet.",
]  # fmt: skip


def test_the_editors_loop(repository: Path) -> None:
    original = (repository / "claims.yaml").read_bytes()
    added = generator(repository, *NEW)
    assert (added.returncode, added.stdout) == (0, "added claim 'ferry-built' to claims.yaml\n")
    changed = generator(
        repository, "update-verdict", "ferry-300", "accurate",
        "--note", "The operator counts 300 with standing room.",
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    after = (repository / "claims.yaml").read_bytes()
    assert after.startswith(original[: original.index(b"    rating: wrong")])
    git(repository, "commit", "--quiet", "-am", "Add ferry-built; ferry-300 is accurate")

    checked = generator(repository, "check", "--base", "main", "--stale-days", "100000")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == "claims.yaml: 2 claims, 2 sources: no problems, 1 warning\n"

    summary = generator(repository, "diff", "--base", "main")
    assert summary.stdout == (
        "## Claims in this change\n\n"
        "Added: 1. Changed: 1. Retired: 0.\n\n"
        "### Added\n\n"
        "- `ferry-built` Mayor says the ferry was built in 2023: Unproven\n\n"
        "### Changed\n\n"
        "- `ferry-300` Mayor says the new ferry carries 300 passengers\n\n"
        "### Verdict changes\n\n"
        "| Claim | Before | After |\n| --- | --- | --- |\n"
        "| `ferry-300` Mayor says the new ferry carries 300 passengers | Wrong | Accurate |\n"
    )

    # Rewriting a past history entry instead of appending one is refused.
    text = after.decode("utf-8").replace(
        "note: The operator publishes its specifications.",
        "note: The operator publishes its full specifications.",
    )
    (repository / "claims.yaml").write_text(text, "utf-8")
    refused = generator(repository, "check", "--base", "main", "--stale-days", "100000")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr.splitlines() == [
        "claims.yaml:50:10: warning: sources[1].url: no archived copy; add archive_url, a copy "
        "of the page in a web archive, in case the page changes or disappears",
        "claims.yaml:85:15: claims[0].history[1].note: the history entry of 2024-03-03 was "
        "edited (note was 'The operator publishes its specifications.'); history is "
        "append-only: restore it, and add a new entry (correction: true if it corrects our "
        "error)",
        "1 problem found; nothing was written",
    ]
    annotated = generator(
        repository, "check", "--format", "github", "--base", "main", "--stale-days", "100000"
    )
    assert annotated.returncode == 1
    assert annotated.stdout.splitlines() == [
        "::warning file=claims.yaml,line=50,col=10,title=sources[1].url::no archived copy; add "
        "archive_url, a copy of the page in a web archive, in case the page changes or disappears",
        "::error file=claims.yaml,line=85,col=15,title=claims[0].history[1].note::the history "
        "entry of 2024-03-03 was edited (note was 'The operator publishes its specifications.'); "
        "history is append-only: restore it, and add a new entry (correction: true if it "
        "corrects our error)",
    ]
    assert annotated.stderr == "1 problem found; nothing was written\n"


def test_a_base_revision_that_does_not_exist(repository: Path) -> None:
    result = generator(repository, "check", "--base", "no-such-branch")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "error: 'no-such-branch' is neither a file nor a git revision; give a branch, tag or "
        "commit\n"
    )


def test_the_summary_of_no_change_and_of_a_retired_claim(repository: Path) -> None:
    unchanged = generator(repository, "diff", "--base", "main")
    assert unchanged.stdout == (
        "## Claims in this change\n\nNo claim was added, changed or retired.\n"
    )
    text = (repository / "claims.yaml").read_text("utf-8")
    claims_start = text.index("  - id: ferry-300")
    (repository / "claims.yaml").write_text(
        text[:claims_start].replace("claims:\n", "claims: []\n")
        + "retired:\n  - id: ferry-300\n    date: 2024-03-05\n"
        "    note: 'Withdrawn: the <b>quote</b> was misread.'\n",
        "utf-8",
    )
    retired = generator(repository, "diff", "--base", "main")
    assert retired.stdout == (
        "## Claims in this change\n\n"
        "Added: 0. Changed: 0. Retired: 1.\n\n"
        "### Retired\n\n"
        "- `ferry-300`: Withdrawn&#58; the &#60;b&#62;quote&#60;/b&#62; was misread.\n"
    )
    assert generator(repository, "check", "--base", "main").returncode == 0


def test_the_pull_request_that_converts_a_version_1_file_passes_its_checks(
    tmp_path: Path,
) -> None:
    # Its target branch still holds version 1: the checks compare with that version
    # converted in memory, as `migrate` converts the file.
    root = tmp_path / "desk"
    shutil.copytree(VALID.parent / "v1", root)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "Version 1")
    git(root, "switch", "--quiet", "-c", "convert")
    converted = generator(root, "migrate", "claims.yaml")
    assert converted.returncode == 0, converted.stderr
    checked = generator(root, "check", "--base", "main", "--stale-days", "100000")
    assert checked.returncode == 0, checked.stderr
    assert "note: main is schema version 1; it was converted in memory" in checked.stderr
    summary = generator(root, "diff", "--base", "main")
    assert summary.returncode == 0, summary.stderr
    # The rule still holds across the conversion: a rewritten entry is refused.
    text = (root / "claims.yaml").read_text("utf-8")
    head, history = text.split("    history:\n", 1)
    note = history.split("note: ", 1)[1].split("\n", 1)[0]
    rewritten = head + "    history:\n" + history.replace(note, "Rewritten.", 1)
    (root / "claims.yaml").write_text(rewritten, "utf-8")
    refused = generator(root, "check", "--base", "main", "--stale-days", "100000")
    assert refused.returncode == 1
    assert "history is append-only" in refused.stderr
