"""The README's preview command, run for real: `mkdocs serve` on a scratch project, edited."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import expect, sync_playwright

from bench.preview import fetch, free_port, start, stop, wait_for, wait_for_search_index
from generator.plugin import PREVIEW_PROBLEMS
from tests.projects import CHROMIUM, Project, make_project


class Preview(NamedTuple):
    project: Project
    url: str
    """Where the preview serves the site."""
    log: Path
    """What the preview prints."""


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """A scratch project under the preview command."""
    with serving(tmp_path) as running:
        yield running


@contextlib.contextmanager
def serving(tmp_path: Path) -> Iterator[Preview]:
    """The preview of a scratch project, with its temporary files (MkDocs' copy of the site)
    in `tmp_path`/tmp."""
    project = make_project(tmp_path / "project")
    port = free_port()
    log = tmp_path / "serve.log"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    server = start(project.root, port, log, scratch)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url + "claims/", "</html>", timeout=120)
        yield Preview(project, url, log)
    finally:
        stop(server)


@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
    reason="this process ignores Ctrl-C, so the preview does too and is terminated",
)
def test_a_stopped_preview_leaves_no_copy_of_the_site_behind(tmp_path: Path) -> None:
    # The preview builds the site into a temporary folder; at 10,000 claims it holds 0.8 GB.
    scratch = tmp_path / "tmp"
    with serving(tmp_path):
        assert any(path.name.startswith("mkdocs_") for path in scratch.iterdir())
    assert sorted(path.name for path in scratch.iterdir()) == []


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


def test_claims_with_problems_leave_the_preview_showing_the_last_version_that_built(
    preview: Preview,
) -> None:
    # MkDocs' own server holds every request after a failed rebuild until one succeeds; the
    # preview instead goes on serving, and every page says at its top what is wrong.
    project, url, log = preview
    claims = project.root / "claims.yaml"
    text = claims.read_text("utf-8")
    page = url + "claims/ferry-300/"
    # Text from the claims file reaches the notice only as text.
    hostile = "rating: <img src=x onerror=document.title='run'>"
    broken = text.replace("    rating: wrong\n", f"    {hostile}\n", 1)
    assert broken != text
    claims.write_text(broken.replace("operator lists 250 seats", "operator lists 260 seats"))
    wait_for(url + PREVIEW_PROBLEMS, "onerror", timeout=30)
    assert "operator lists 250 seats" in (fetch(page) or "")
    assert "claims.yaml has problems; the preview shows the last version" in log.read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            shown = browser.new_page()
            shown.goto(page)
            notice = shown.locator(".fc-preview-problems[role=alert]")
            expect(notice).to_contain_text("claims.yaml has problems")
            expect(notice).to_contain_text("claims.yaml:66:13: claims[0].rating:")
            expect(notice).to_contain_text("<img src=x")
            assert notice.locator("img").count() == 0
            assert shown.title() != "run"
            # Fixed: the page reloads itself, with the edit and without the notice.
            claims.write_text(text.replace("operator lists 250 seats", "operator lists 260 seats"))
            expect(shown.locator("article")).to_contain_text("260 seats", timeout=30_000)
            expect(notice).to_have_count(0)
        finally:
            browser.close()
    assert fetch(url + PREVIEW_PROBLEMS) == "{}"


def test_an_unknown_snippet_shows_on_its_page_in_the_preview(preview: Preview) -> None:
    project, url, _ = preview
    page = project.root / "content" / "extra.md"
    page.write_text("# Extra\n\n<!-- factcheck:verdict-count -->\n", "utf-8")
    wait_for(url + "extra/", "unknown snippet &#x27;verdict-count&#x27;", timeout=30)
    page.write_text("# Extra\n\n<!-- factcheck:verdict-counts -->\n", "utf-8")
    wait_for(url + "extra/", 'class="fc-counts"', timeout=30)
    assert "unknown snippet" not in (fetch(url + "extra/") or "")
