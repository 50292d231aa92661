"""Shared fixtures: building a MkDocs project into a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "fixtures" / "golden"


def mkdocs(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the mkdocs command of this environment, without the MkDocs 2.0 banner."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def copy_project(source: Path, target: Path) -> Path:
    """Copy a fixture project, pointing its theme overrides at the repository's templates."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".cache", "expected"))
    config = target / "mkdocs.yml"
    text = config.read_text("utf-8")
    overrides = (REPO / "site_templates" / "overrides").as_posix()
    text = text.replace("custom_dir: ../../../site_templates/overrides", f"custom_dir: {overrides}")
    config.write_text(text, "utf-8")
    return target


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden fixture project, built in strict mode; returns the built site folder."""
    project = copy_project(GOLDEN, tmp_path_factory.mktemp("fixture") / "project")
    result = mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built in strict mode into a temporary folder."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = mkdocs("build", "--strict", "--site-dir", str(site), cwd=REPO)
    assert result.returncode == 0, result.stderr
    return site
