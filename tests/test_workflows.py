"""The GitHub workflows: pinned actions, least permissions, and the README's own commands.

`make lint` validates them against GitHub's workflow schema (check-jsonschema's vendored copy,
offline); these tests check what the schema cannot.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.projects import REPO

WORKFLOWS = REPO / ".github" / "workflows"
PINNED = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+")


def load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_workflows_match_githubs_schema() -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("check-jsonschema")),
            "--builtin-schema", "vendor.github-workflows",
            *sorted(str(path) for path in WORKFLOWS.glob("*.yml")),
        ],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_every_action_is_pinned_to_a_commit_with_its_version(name: str) -> None:
    lines = [
        line.split("uses: ", 1)[1]
        for line in (WORKFLOWS / name).read_text("utf-8").splitlines()
        if "uses: " in line
    ]
    assert lines
    for line in lines:
        assert PINNED.fullmatch(line), line


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_permissions_are_granted_per_job_and_no_more(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        granted = job["permissions"]
        assert all(level in ("read", "write") for level in granted.values())
        writes = {scope for scope, level in granted.items() if level == "write"}
        assert writes <= {"pages", "id-token"}


def test_the_pull_request_workflow_runs_every_check() -> None:
    workflow = load("pull-request.yml")
    commands = [step.get("run", "") for step in steps(workflow)]
    assert 'make check CHECK_FLAGS="--format github --base origin/$BASE_REF"' in commands
    assert any(
        command.startswith(".venv/bin/python -m generator diff --base") for command in commands
    )
    assert any("$GITHUB_STEP_SUMMARY" in command for command in commands)
    assert "make site" in commands and "make test" in commands
    uploads = [step for step in steps(workflow) if "upload-artifact" in step.get("uses", "")]
    assert uploads[0]["with"]["path"] == "site/"
    # The target branch's commits are fetched, so that --base can read them.
    checkout = steps(workflow)[0]
    assert checkout["with"]["fetch-depth"] == 0


def test_the_publish_workflow_deploys_with_the_official_pages_actions() -> None:
    workflow = load("publish.yml")
    assert workflow[True]["push"]["branches"] == ["main"]  # PyYAML reads the key `on` as True
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    used = [step.get("uses", "").split("@")[0] for step in steps(workflow)]
    for action in (
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ):
        assert action in used
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_the_pre_commit_hook_runs_the_check_locally() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
    (repository,) = config["repos"]
    assert repository["repo"] == "local"
    (hook,) = repository["hooks"]
    assert hook["entry"] == "make check"
    assert re.fullmatch(hook["files"], "claims.yaml")
    assert re.fullmatch(hook["files"], "claims/2024-10.yaml"), "included claims files too"


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_the_build_starts_from_the_cache_of_an_earlier_run(name: str) -> None:
    listed = steps(load(name))
    caches = [step for step in listed if step.get("uses", "").startswith("actions/cache@")]
    assert len(caches) == 1
    options = caches[0]["with"]
    assert options["path"] == ".cache/factcheck"
    # Any earlier run's cache with the same pinned packages; this run saves its own.
    assert "hashFiles('constraints.txt')" in options["key"]
    assert options["key"].startswith(options["restore-keys"])
    assert options["key"].endswith("${{ github.sha }}")
    runs = [step.get("run") for step in listed]
    assert listed.index(caches[0]) < runs.index("make site")
