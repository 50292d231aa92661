"""The README's preview command, run for real: `mkdocs serve` on a scratch project, edited."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.preview import ENVIRONMENT, SERVE, free_port, wait_for
from tests.projects import Project, make_project


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Project, str]]:
    """A scratch project under the preview command, and the address it is served at."""
    project = make_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, *SERVE, "-a", f"127.0.0.1:{port}"],
        cwd=project.root,
        env=ENVIRONMENT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url + "claims/", "</html>", timeout=120)
        yield project, url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_preview_follows_claims_moved_into_new_files(preview: tuple[Project, str]) -> None:
    # `split` while the preview runs puts the claims in a folder that did not exist when it
    # started; edits there must still show.
    project, url = preview
    command = [sys.executable, "-m", "generator", "split", "--into", "claims", "--by", "claim"]
    split = subprocess.run(command, cwd=project.root, capture_output=True, text=True, check=False)
    assert split.returncode == 0, split.stderr
    moved = sorted((project.root / "claims").glob("*.yaml"))
    assert moved
    text = moved[0].read_text("utf-8")
    claim_id = moved[0].stem
    edited = text.replace("  summary: ", "  summary: Edited after the split. ", 1)
    assert edited != text
    time.sleep(1.5)  # the rebuild that the split itself started
    moved[0].write_text(edited, "utf-8")
    wait_for(url + f"claims/{claim_id}/", "Edited after the split.", timeout=30)
