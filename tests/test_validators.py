"""The built site judged by tools nobody here wrote: the Nu HTML Checker, Lighthouse and pa11y.

Each tool runs once per page (vnu once for the whole site). Errors that come from Material's own
templates, not from this project's templates, overrides or generated Markdown, are allowed by
name below, each with the reason it is Material's. An allowed error that no longer occurs fails
too, so the lists stay true when Material changes.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.projects import CHROMIUM
from tests.siteserver import serve

pytestmark = pytest.mark.validators

NODE_BIN = REPO / "node_modules" / ".bin"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REPORTS = REPO / "reports"
PAGES = {
    "home": "",
    "claim": "claims/peskov-fake-news/",
    "all-claims": "claims/",
    "source": "sources/seed-s0/",
    "search": "search/?q=Peskov",
}

# vnu's messages for markup that Material writes on every page.
VNU_MATERIAL_ERRORS = {
    # base.html: the drawer and search toggles are checkboxes with autocomplete="off", which
    # Material sets so that browsers do not restore an open drawer on back navigation.
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”.",
    # partials/nav-item.html: a section label in the sidebar gets tabindex="" (Material sets a
    # tabindex only on labels that are not sections).
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid "
    "integer.",
}

# pa11y (HTML_CodeSniffer) codes for Material's markup, each with a mark of the element it
# allows, so the same code on this project's own markup still fails.
PA11Y_MATERIAL_ERRORS = {
    # partials/palette.html: the light/dark toggle is a form of radio buttons without a submit
    # button; Material's script applies the choice at once.
    "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2": 'data-md-component="palette"',
    # partials/nav-item.html: the current page's table-of-contents toggle is rendered even when
    # the page has no headings, and then has no label (the all-claims and Search pages).
    "WCAG2AA.Principle4.Guideline4_1.4_1_2.H91.InputCheckbox.Name": 'id="__toc"',
    "WCAG2AA.Principle1.Guideline1_3.1_3_1.F68": 'id="__toc"',
}

LIGHTHOUSE_CATEGORIES = ("accessibility", "best-practices", "seo")
CLS_LIMIT = 0.02


@pytest.fixture(scope="module")
def site_url(real_site: Path) -> Iterator[str]:
    with serve(real_site) as url:
        yield url


def run(command: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CHROME_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=environment, check=False
    )


def test_vnu_finds_no_errors_in_any_page(real_site: Path) -> None:
    pages = sorted(str(path) for path in real_site.rglob("*.html"))
    result = run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *pages], 300)
    messages = json.loads(result.stderr)["messages"]
    errors = [message for message in messages if message["type"] in ("error", "non-document-error")]
    found = {message["message"] for message in errors}
    own = [
        f"{message['url'].partition(str(real_site))[2]}:{message.get('lastLine')}: "
        f"{message['message']}"
        for message in errors
        if message["message"] not in VNU_MATERIAL_ERRORS
    ]
    assert len(pages) > 100
    assert own == []
    assert found >= VNU_MATERIAL_ERRORS, "an allowed error no longer occurs: drop it"


@pytest.mark.parametrize("name", list(PAGES))
def test_pa11y_finds_no_wcag2aa_errors(site_url: str, name: str, tmp_path: Path) -> None:
    config = tmp_path / "pa11y.json"
    launch = {"executablePath": CHROMIUM, "args": ["--no-sandbox", "--disable-gpu"]}
    config.write_text(json.dumps({"chromeLaunchConfig": launch, "timeout": 60000}), "utf-8")
    result = run(
        [
            str(NODE_BIN / "pa11y"),
            "--standard",
            "WCAG2AA",
            "--reporter",
            "json",
            "--config",
            str(config),
            site_url + PAGES[name],
        ],
        120,
    )
    assert result.stdout.startswith("["), result.stderr
    issues = [issue for issue in json.loads(result.stdout) if issue["type"] == "error"]
    own = [
        f"{issue['code']} at {issue['selector']}: {issue['message']}"
        for issue in issues
        if PA11Y_MATERIAL_ERRORS.get(issue["code"], "\0") not in issue["context"]
    ]
    assert own == []
    # Material's palette form is on every page: seeing it proves the checks ran.
    assert "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2" in {issue["code"] for issue in issues}


@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_scores_100_and_layout_stays_put(site_url: str, name: str) -> None:
    REPORTS.mkdir(exist_ok=True)
    report = REPORTS / f"lighthouse-{name}.json"
    result = run(
        [
            str(NODE_BIN / "lighthouse"),
            site_url + PAGES[name],
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        180,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text("utf-8"))
    scores = {key: category["score"] for key, category in data["categories"].items()}
    layout_shift = data["audits"]["cumulative-layout-shift"]["numericValue"]
    _record(name, scores, layout_shift)
    failing = [_failing_audits(data, key) for key in LIGHTHOUSE_CATEGORIES if scores[key] != 1]
    assert failing == []
    assert layout_shift <= CLS_LIMIT


def _failing_audits(data: dict[str, Any], category: str) -> str:
    refs = data["categories"][category]["auditRefs"]
    audits = [data["audits"][ref["id"]] for ref in refs if ref["weight"] > 0]
    below = [audit["id"] for audit in audits if audit["score"] is not None and audit["score"] < 1]
    return f"{category} {data['categories'][category]['score']}: {', '.join(below)}"


def _record(name: str, scores: dict[str, float], layout_shift: float) -> None:
    """Keep each page's figures in reports/lighthouse.txt; Performance is reported, not judged."""
    figures = " ".join(f"{key}={round(score * 100)}" for key, score in sorted(scores.items()))
    line = f"{name}: {figures} CLS={layout_shift:.3f}\n"
    summary = REPORTS / "lighthouse.txt"
    lines = summary.read_text("utf-8").splitlines(keepends=True) if summary.exists() else []
    kept = [old for old in lines if not old.startswith(f"{name}:")]
    summary.write_text("".join([*kept, line]), "utf-8")
