"""The README's preview command, run for real: `mkdocs serve` on a scratch project, edited."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from bench.preview import ENVIRONMENT, SERVE, free_port, wait_for, wait_for_search_index
from tests.projects import Project, make_project


class Preview(NamedTuple):
    project: Project
    url: str
    """Where the preview serves the site."""
    log: Path
    """What the preview prints."""


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """A scratch project under the preview command."""
    project = make_project(tmp_path / "project")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as stream:
        server = subprocess.Popen(
            [sys.executable, *SERVE, "-a", f"127.0.0.1:{port}"],
            cwd=project.root,
            env=ENVIRONMENT,
            stdout=subprocess.DEVNULL,
            stderr=stream,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url + "claims/", "</html>", timeout=120)
        yield Preview(project, url, log)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_preview_says_when_its_search_index_is_ready(preview: Preview) -> None:
    # Search in the preview finds nothing until the index built in the background is there.
    wait_for_search_index(preview.log, timeout=120)
    with urllib.request.urlopen(preview.url + "pagefind/pagefind-entry.json") as response:
        entry = json.load(response)
    assert "en" in entry["languages"]


def test_the_preview_follows_claims_moved_into_new_files(preview: Preview) -> None:
    # `split` while the preview runs puts the claims in a folder that did not exist when it
    # started; edits there must still show.
    project, url, _ = preview
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
