"""The built site in headless Chromium as a reader sees it: search, filters, layout and axe."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from tests.conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "screenshots"
CLAIM = "claims/training-bases/"
PAGES = {"home": "", "claim": CLAIM, "table": "claims/", "source": "sources/seed-s0/"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(real_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(real_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


class Visit:
    """A page opened in a fresh context, recording console errors and off-site requests."""

    def __init__(self, browser: Browser, base_url: str, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.base_url = base_url
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request) -> None:
        if urlparse(request.url).hostname not in ("127.0.0.1", None):
            self.offsite.append(request.url)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path, wait_until="networkidle")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser, base_url: str) -> Iterator[Any]:
    visits: list[Visit] = []

    def open_visit(**context: Any) -> Visit:
        visits.append(Visit(browser, base_url, **context))
        return visits[-1]

    yield open_visit
    for opened in visits:
        opened.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_console_errors_or_offsite_requests(visit: Any, name: str) -> None:
    reader = visit()
    page = reader.open(PAGES[name])
    assert page.locator("h1").first.is_visible()
    assert reader.errors == []
    assert reader.offsite == [], "the site must load nothing from other hosts"
    screenshot(page, f"{name}-desktop")


def test_claim_page_shows_the_verdict_badge_and_confidence(visit: Any) -> None:
    page = visit().open(CLAIM)
    badge = page.locator(".fc-card__verdict .fc-verdict")
    assert badge.is_visible()
    assert badge.inner_text().strip() != ""
    assert page.locator(".fc-card__confidence .fc-confidence").is_visible()


def test_search_finds_the_training_bases_claim_with_its_verdict(visit: Any) -> None:
    reader = visit()
    page = reader.open("search/")
    page.locator(".pagefind-ui__search-input").fill("Blagoveshchensk")
    result = page.locator(".pagefind-ui__result-link", has_text="")
    result.first.wait_for(timeout=10_000)
    hrefs = [link.get_attribute("href") or "" for link in result.all()]
    assert any("/claims/training-bases/" in href for href in hrefs), hrefs
    titles = " ".join(result.all_inner_texts())
    assert ":" in titles, "each result title starts with the claim's verdict"
    assert reader.errors == []
    screenshot(page, "search")


def test_filter_narrows_the_table_and_the_url_keeps_it(visit: Any) -> None:
    reader = visit()
    page = reader.open("claims/")
    rows = page.locator("table.fc-claims tbody tr")
    total = rows.count()
    page.select_option("select[name=verdict]", "incorrect")
    visible = page.locator("table.fc-claims tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert "verdict=incorrect" in page.url
    shown = visible.count()
    again = visit().open(page.url.removeprefix(reader.base_url))
    assert again.locator("select[name=verdict]").input_value() == "incorrect"
    assert again.locator("table.fc-claims tbody tr:not([hidden])").count() == shown
    badges = again.locator("table.fc-claims tbody tr:not([hidden]) .fc-verdict").all_inner_texts()
    assert set(badges) == {"Incorrect"}


def test_table_shows_every_row_without_javascript(visit: Any) -> None:
    page = visit(java_script_enabled=False).open("claims/")
    assert page.locator("form.fc-filters").is_hidden()
    rows = page.locator("table.fc-claims tbody tr")
    assert rows.count() >= 27
    assert page.locator("table.fc-claims tbody tr:not([hidden])").count() == rows.count()


def test_sorting_by_verdict_puts_the_best_verdict_first(visit: Any) -> None:
    page = visit().open("claims/")
    page.locator("th button", has_text="Verdict").click()
    first = page.locator("table.fc-claims tbody tr").first.locator(".fc-verdict").inner_text()
    page.locator("th button", has_text="Verdict").click()
    last_first = page.locator("table.fc-claims tbody tr").first.locator(".fc-verdict").inner_text()
    assert (first, last_first) == ("Incorrect", "Confirmed")


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width_does_not_scroll_sideways(visit: Any, name: str) -> None:
    page = visit(viewport={"width": 375, "height": 812}).open(PAGES[name])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{PAGES[name]} is {width}px wide at 375px"
    screenshot(page, f"{name}-phone")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_wcag_violations(visit: Any, name: str, scheme: str) -> None:
    page = visit(color_scheme=scheme).open(PAGES[name])
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    serious = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes, e.g. "
        f"{violation['nodes'][0]['target']})"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
    if scheme == "dark":
        screenshot(page, f"{name}-dark")


def test_a_reconstructed_timeline_is_labelled_as_one(visit: Any) -> None:
    page = visit().open("claims/nis-nk-sending-troops/")
    chart = page.locator("svg.fc-chart[role=img]")
    assert chart.is_visible()
    assert chart.locator("title").text_content() == (
        "What the evidence showed before publication (reconstructed)"
    )
    assert page.locator("h2", has_text="Updates").is_visible()
    assert page.locator("h2", has_text="Before publication (reconstructed)").is_visible()
    assert page.get_by_text("18 October 2024 (reconstructed)").is_visible()


def test_print_layout_keeps_the_verdict_and_drops_the_navigation(visit: Any) -> None:
    page = visit().open(CLAIM)
    page.emulate_media(media="print")
    assert page.locator(".fc-card__verdict .fc-verdict").is_visible()
    assert page.locator(".md-sidebar--primary").is_hidden()
