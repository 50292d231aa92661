"""The built site in headless Chromium as a reader sees it: search, filters, layout and axe."""

from __future__ import annotations

import itertools
import json
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect, sync_playwright

from generator import search
from generator.load import load_catalog
from tests.conftest import REPO
from tests.projects import CHROMIUM, dump_claims, make_project
from tests.siteserver import serve
from tests.test_hostile import TEXT_VECTORS, hostile_catalog

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "screenshots"
CLAIM = "claims/training-bases/"
PAGES = {
    "home": "",
    "claim": CLAIM,
    "table": "claims/",
    "source": "sources/seed-s0/",
    "search": "search/?q=Peskov",
}
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def base_url(real_site: Path) -> Iterator[str]:
    with serve(real_site) as url:
        yield url


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


def switch_to_dark(reader: Visit) -> None:
    """Switch the palette as a reader does: with Material's toggle, which stores the choice."""
    page = reader.open("")
    page.locator("label[for=__palette_1]").click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_console_errors_or_offsite_requests(visit: Any, name: str) -> None:
    reader = visit(viewport=DESKTOP)
    page = reader.open(PAGES[name])
    assert page.locator("h1").first.is_visible()
    assert reader.errors == []
    assert reader.offsite == [], "the site must load nothing from other hosts"
    screenshot(page, f"{name}-light")


def test_claim_page_shows_the_verdict_badge_and_confidence(visit: Any) -> None:
    page = visit().open(CLAIM)
    badge = page.locator(".fc-card__verdict .fc-verdict")
    assert badge.is_visible()
    assert badge.inner_text().strip() != ""
    assert page.locator(".fc-card__confidence .fc-confidence").is_visible()


def test_a_phone_shows_the_verdict_and_who_made_the_claim_on_the_first_screen(visit: Any) -> None:
    # The longest title, and a claimant that is not the person the title names.
    page = visit(viewport=PHONE).open("claims/zelensky-long-range-weapons/")
    claimant = page.locator(".fc-card__claimant a")
    assert claimant.inner_text().startswith("Publisher of the 20 October 2024 article")
    for part in (page.locator(".fc-card__verdict .fc-verdict"), claimant):
        box = part.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]


def lab(rgb: str) -> tuple[float, float, float]:
    """CIELAB (D65) of a computed `rgb(r, g, b)` colour."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", rgb)[:3])
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    )
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_neighbouring_verdicts_have_clearly_different_colours(visit: Any, dark: bool) -> None:
    reader = visit()
    if dark:
        switch_to_dark(reader)
    page = reader.open("")
    bars = page.locator("svg.fc-chart .fc-bar")
    fills = bars.evaluate_all("bars => bars.map(bar => getComputedStyle(bar).fill)")
    verdicts = bars.evaluate_all("bars => bars.map(bar => bar.classList[1])")
    assert len(fills) == 5, verdicts  # the scale, best to worst
    colours = list(zip(verdicts, fills, strict=True))
    for (first, one), (second, two) in itertools.pairwise(colours):
        assert math.dist(lab(one), lab(two)) >= 20, (first, one, second, two)


@pytest.mark.parametrize("key", ["/", "s"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_header_search_by_keyboard_leads_to_the_claim(
    visit: Any, key: str, viewport: dict[str, int]
) -> None:
    reader = visit(viewport=viewport)
    page = reader.open(CLAIM)
    box = page.locator("header .md-search__input")
    expect(box).not_to_be_focused()
    page.keyboard.press(key)
    expect(box).to_be_focused()
    assert page.locator("#__search").is_checked(), "the search panel is open"
    page.keyboard.type("Peskov")
    first = page.locator("header .fc-result__link").first
    first.wait_for(timeout=10_000)
    assert first.locator(".fc-verdict").inner_text() == "Incorrect"
    assert box.input_value() == "Peskov", "the key that opened the search is not typed"
    every = page.locator("header .fc-search-all")
    assert every.is_visible(), "more than ten results: a link leads to all of them"
    assert (every.get_attribute("href") or "").endswith("search/?q=Peskov")
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/claims/peskov-fake-news/")
    assert page.locator("h1").inner_text().startswith("Peskov: reports of North Korean")
    assert reader.errors == []


def test_header_search_closes_with_escape_and_enter_opens_the_first_result(visit: Any) -> None:
    page = visit(viewport=PHONE).open("sources/seed-s0/")
    page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("header .md-search__input")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    page.keyboard.type("Blagoveshchensk")
    page.locator("header .fc-result__link").first.wait_for(timeout=10_000)
    page.keyboard.press("Enter")
    page.wait_for_url("**/claims/**")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_header_search_closes_when_the_keyboard_leaves_it(
    visit: Any, viewport: dict[str, int]
) -> None:
    page = visit(viewport=viewport).open(CLAIM)
    box = page.locator("header .md-search__input")
    page.keyboard.press("/")
    page.keyboard.type("Peskov")
    page.locator("header .fc-result__link").first.wait_for(timeout=10_000)
    inside = "document.activeElement.closest('.md-search') !== null"
    for _ in range(40):
        page.keyboard.press("Tab")
        if not page.evaluate(inside):
            break
    assert not page.evaluate(inside), "Tab never left the search"
    assert not page.locator("#__search").is_checked(), "the search still covers the page"
    expect(page.locator(".md-search__output")).to_be_hidden()
    # Shift+Tab from the box leaves it the other way.
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.press("Shift+Tab")
    assert not page.locator("#__search").is_checked()
    # Focus that goes nowhere, as when the reader switches to another window, keeps it open.
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    assert page.locator("#__search").is_checked(), "the search closed when the window lost focus"


def test_search_without_its_index_says_so(visit: Any) -> None:
    reader = visit()
    reader.page.route("**/pagefind/**", lambda route: route.abort())
    page = reader.open("search/?q=Peskov")
    expect(page.locator("#fc-search-status")).to_contain_text("unavailable")


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site whose every text field carries an attack string (tests/test_hostile.py)."""
    project = make_project(tmp_path_factory.mktemp("hostile"), dump_claims(hostile_catalog()))
    result = project.build()
    assert result.returncode == 0, result.stderr
    with serve(project.site) as url:
        yield url


def test_search_results_show_hostile_text_as_text(browser: Browser, hostile_url: str) -> None:
    reader = Visit(browser, hostile_url)
    dialogs: list[str] = []
    reader.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page = reader.open("")
        titles: list[str] = []
        for query in ("script", "onerror", "javascript"):
            page.keyboard.press("/")
            page.keyboard.press("Control+A")
            page.keyboard.type(query)
            results = page.locator("header .fc-result")
            expect(results.first).to_contain_text(query)
            titles += page.locator("header .fc-result__title").all_inner_texts()
            markup = page.locator("header .fc-result").locator("img, script, svg, iframe, a a")
            assert markup.count() == 0
            assert page.locator("header .fc-result [onerror], header [onload]").count() == 0
            page.keyboard.press("Escape")
        shown = {vector for vector in TEXT_VECTORS if any(vector in title for title in titles)}
        assert {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"} <= shown
        assert '<a href="javascript:alert(1)">click</a>' in shown
        assert dialogs == []
        assert reader.errors == []
    finally:
        reader.close()


@pytest.fixture(scope="module")
def sharded_url(real_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's site indexed in shards of 20 pages, as an archive of thousands is."""
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(real_site, site)
    search.index_site(site, shard_pages=20)
    manifest = json.loads((site / "pagefind" / search.SHARDS).read_text("utf-8"))
    assert len(manifest["shards"]) >= 3
    with serve(site) as url:
        yield url


def search_page(reader: Visit, query: str) -> tuple[str, set[str]]:
    """The Search page's count of results for `query`, and the results it shows first."""
    page = reader.open("search/?q=" + query)
    expect(page.locator("#fc-search-status")).to_contain_text(query)
    links = page.locator("#fc-search-results .fc-result__link").all()
    return page.locator("#fc-search-status").inner_text(), {
        urlparse(link.get_attribute("href") or "").path for link in links
    }


# A word on one page only makes a shard without it answer with the pages that hold a shorter
# word it starts with ("Buryatia" with pages holding "bu...").
@pytest.mark.parametrize("query", ["Buryatia", "airborne", "Blagoveshchensk", "Peskov", "troops"])
def test_a_sharded_index_finds_what_one_index_finds(
    browser: Browser, base_url: str, sharded_url: str, query: str
) -> None:
    one, sharded = Visit(browser, base_url), Visit(browser, sharded_url)
    try:
        count, shown = search_page(one, query)
        assert "No results" not in count
        sharded_count, sharded_shown = search_page(sharded, query)
        assert sharded_count == count
        if len(shown) < 10:
            assert sharded_shown == shown
        assert "vocabulary" not in " ".join(sharded_shown)
        assert one.errors == sharded.errors == []
    finally:
        one.close()
        sharded.close()


def test_claims_rank_above_the_sources_that_quote_them(visit: Any) -> None:
    page = visit().open("search/?q=Peskov")
    results = page.locator("#fc-search-results .fc-result__link")
    results.first.wait_for(timeout=10_000)
    hrefs = [link.get_attribute("href") or "" for link in results.all()]
    assert hrefs[0].endswith("/claims/peskov-fake-news/"), hrefs
    assert any("/sources/" in href for href in hrefs[1:])


def result_kinds(page: Page) -> list[str]:
    """The kind of each result shown, from its address: claim, source or page."""
    links = page.locator("#fc-search-results .fc-result__link").all()
    paths = [urlparse(link.get_attribute("href") or "").path for link in links]
    grouped = ("/claims/", "/sources/")
    return [path.split("/")[1] if path.startswith(grouped) else "page" for path in paths]


def test_fact_checks_come_before_sources_whose_headline_has_the_word(visit: Any) -> None:
    """Several source headlines name Kursk; no claim's title does, but claims mention it."""
    reader = visit()
    page = reader.open("search/?q=Kursk")
    expect(page.locator("#fc-search-status")).to_contain_text("fact checks")
    status = page.locator("#fc-search-status").inner_text()
    total = int(status.split()[0])
    page.locator("#fc-search-more").click()
    expect(page.locator("#fc-search-results .fc-result__link")).to_have_count(total)
    kinds = result_kinds(page)
    assert kinds == sorted(kinds, key=["claims", "sources", "page"].index), kinds
    assert {"claims", "sources", "page"} <= set(kinds), kinds
    assert f"{kinds.count('claims')} fact checks" in status, status

    sources = kinds.count("sources")
    page.locator("#fc-search-kinds button", has_text="Sources").click()
    expect(page.locator("#fc-search-kinds button[aria-pressed=true]")).to_have_text(
        f"Sources ({sources})"
    )
    expect(page.locator("#fc-search-results .fc-result__link")).to_have_count(sources)
    assert result_kinds(page) == ["sources"] * sources
    assert urlparse(page.url).query == "q=Kursk&kind=source"

    again = reader.open("search/?q=Kursk&kind=source")
    expect(again.locator("#fc-search-results .fc-result__link")).to_have_count(sources)
    assert result_kinds(again) == ["sources"] * sources
    again.locator("#fc-search-kinds button", has_text="All").click()
    first_page = min(total, 10)
    expect(again.locator("#fc-search-results .fc-result__link")).to_have_count(first_page)
    assert result_kinds(again) == kinds[:first_page]
    assert urlparse(again.url).query == "q=Kursk"
    assert reader.errors == []


def test_a_site_whose_theme_leaves_out_the_kind_still_finds_every_page(
    browser: Browser, real_site: Path, tmp_path: Path
) -> None:
    """A desk's own main.html from before results were grouped: one list, no kind buttons."""
    site = tmp_path / "site"
    shutil.copytree(real_site, site)
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        page.write_text(re.sub(r' data-pagefind-filter="kind:\w+"', "", html), "utf-8")
    search.index_site(site)
    with serve(site) as url:
        reader = Visit(browser, url)
        try:
            page = reader.open("search/?q=Kursk&kind=source")
            expect(page.locator("#fc-search-status")).to_contain_text("results for")
            assert "fact checks" not in page.locator("#fc-search-status").inner_text()
            # A batch of results is added at once.
            page.locator("#fc-search-results .fc-result__link").first.wait_for(timeout=10_000)
            assert {"claims", "sources"} <= set(result_kinds(page))
            expect(page.locator("#fc-search-kinds")).to_be_hidden()
            assert reader.errors == []
        finally:
            reader.close()


def test_header_search_lists_fact_checks_first(visit: Any) -> None:
    page = visit().open("")
    page.locator("header .md-search__input").fill("Kursk")
    results = page.locator("header .fc-result__link")
    results.first.wait_for(timeout=10_000)
    expect(page.locator("header [data-fc-search-status]")).to_contain_text("fact checks")
    first = urlparse(results.first.get_attribute("href") or "").path
    assert first.startswith("/claims/"), first


def test_search_page_keeps_the_query_in_the_url_and_shows_verdicts(visit: Any) -> None:
    reader = visit()
    page = reader.open("search/")
    label = page.locator("label[for=fc-search-query]")
    assert label.is_visible() and label.inner_text().strip() != ""
    page.locator("#fc-search-query").fill("Blagoveshchensk")
    results = page.locator("#fc-search-results .fc-result__link")
    results.first.wait_for(timeout=10_000)
    assert page.url.endswith("search/?q=Blagoveshchensk")
    hrefs = [link.get_attribute("href") or "" for link in results.all()]
    assert any(href.endswith("/claims/training-bases/") for href in hrefs), hrefs
    verdicts = results.locator(".fc-verdict").all_inner_texts()
    assert "Partly confirmed" in verdicts  # training-bases, rated on the fact
    again = visit().open(page.url.removeprefix(reader.base_url))
    again.locator("#fc-search-results .fc-result__link").first.wait_for(timeout=10_000)
    assert again.locator("#fc-search-query").input_value() == "Blagoveshchensk"
    assert again.locator("#fc-search-results .fc-result__link").count() == results.count()
    assert page.locator("button", has_text="Search").count() <= 1
    assert reader.errors == []


def test_filter_narrows_the_table_and_the_url_keeps_it(visit: Any) -> None:
    reader = visit()
    page = reader.open("claims/")
    rows = page.locator("table.fc-claims tbody tr")
    total = rows.count()
    page.select_option("select[name=verdict]", "incorrect")
    expect(page.locator(".fc-filters__count")).to_have_text(
        re.compile(r"^Showing \d+ of \d+ claims where Verdict: Incorrect$")
    )
    visible = page.locator("table.fc-claims tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert "verdict=incorrect" in page.url
    shown = visible.count()
    again = visit().open(page.url.removeprefix(reader.base_url))
    assert again.locator("select[name=verdict]").input_value() == "incorrect"
    expect(again.locator(".fc-filters__count")).to_contain_text("where Verdict: Incorrect")
    assert again.locator("table.fc-claims tbody tr:not([hidden])").count() == shown
    badges = again.locator("table.fc-claims tbody tr:not([hidden]) .fc-verdict").all_inner_texts()
    assert set(badges) == {"Incorrect"}


def test_table_shows_every_row_without_javascript(visit: Any) -> None:
    page = visit(java_script_enabled=False).open("claims/")
    assert page.locator(".fc-filters").is_hidden()
    rows = page.locator("table.fc-claims tbody tr")
    assert rows.count() >= 27
    assert page.locator("table.fc-claims tbody tr:not([hidden])").count() == rows.count()
    # Nothing sorts without JavaScript, so the page does not offer to.
    intro = page.locator("article p", has_text="claims in all").inner_text()
    assert "listed newest first." in intro and "sort" not in intro
    assert (
        "sort"
        in visit().open("claims/").locator("article p", has_text="claims in all").inner_text()
    )


def test_without_javascript_search_says_what_to_do_instead_of_offering_a_box(
    visit: Any,
) -> None:
    page = visit(java_script_enabled=False).open("search/?q=Kursk")
    expect(page.locator("#fc-search-query")).to_be_hidden()
    expect(page.locator("#fc-search-status")).to_be_hidden()
    # Chromium with scripts turned off by Playwright does not draw <noscript>; a browser
    # without JavaScript does.
    assert "<noscript><p>Search needs JavaScript." in page.content()
    assert "press" not in page.locator("article").inner_text()
    home = visit(java_script_enabled=False).open("")
    expect(home.locator("form.fc-search-form")).to_be_hidden()


def test_sorting_by_verdict_puts_the_best_verdict_first(visit: Any) -> None:
    page = visit().open("claims/")
    first = page.locator("table.fc-claims tbody tr").first.locator(".fc-verdict")
    page.locator("th button", has_text="Verdict").click()
    expect(first).to_have_text("Incorrect")
    page.locator("th button", has_text="Verdict").click()
    expect(first).to_have_text("Confirmed")
    assert page.url.endswith("?sort=verdict&order=desc")


def test_on_a_phone_a_list_box_sorts_the_claims_and_keeps_the_order_in_the_url(
    visit: Any,
) -> None:
    page = visit(viewport=PHONE).open("claims/")
    expect(page.locator("table.fc-claims thead")).to_be_hidden()  # cards, no header row
    chooser = page.get_by_label("Sort by")
    expect(chooser).to_be_visible()
    dates = page.locator("table.fc-claims tbody tr time")
    chooser.select_option(label="Claimed, oldest first")
    expect(dates.first).to_have_attribute("datetime", min(dates.evaluate_all(DATES)))
    assert page.url.endswith("?sort=claimed&order=asc")
    chooser.select_option(label="Verdict, best first")
    expect(page.locator("table.fc-claims tbody tr .fc-verdict").first).to_have_text("Confirmed")
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("verdict:desc")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_what_changed_in_a_claims_updates_takes_the_width_it_needs(
    visit: Any, viewport: dict[str, int]
) -> None:
    # On a phone a third of a column made one update's note a strip 1,500 px tall: the note
    # goes below its date and verdict there, at the full width of the list.
    page = visit(viewport=viewport).open("claims/peskov-fake-news/")
    for log in page.locator(".fc-log").all():
        box = log.bounding_box()
        assert box is not None
        for row in log.locator("tbody tr").all():
            note = row.locator("td").last.bounding_box()
            assert note is not None
            share = note["width"] / box["width"]
            assert share > (0.85 if viewport is PHONE else 0.5), share


DATES = "nodes => nodes.map(node => node.getAttribute('datetime'))"


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width_does_not_scroll_sideways(visit: Any, name: str) -> None:
    page = visit(viewport=PHONE).open(PAGES[name])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{PAGES[name]} is {width}px wide at 360px"
    screenshot(page, f"{name}-360")


# Each word of a table cell must sit on one line: a break inside a word gives its text range
# client rectangles on two lines. Words are split at spaces, hyphens and slashes, where a line
# may break.
WORDS_BROKEN_ACROSS_LINES = """selector => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\/\u2010-\u2014-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(
          Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))
        );
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [360, 768, 1024, 1280])
@pytest.mark.parametrize("path", ["claims/", "claims/nis-nk-sending-troops/"])
def test_table_words_never_break_inside(visit: Any, width: int, path: str) -> None:
    page = visit(viewport={"width": width, "height": 900}).open(path)
    cells = "article table th, article table td"
    assert page.locator(cells).count() > 5
    assert page.evaluate(WORDS_BROKEN_ACROSS_LINES, cells) == []


def test_claims_table_gets_the_width_the_empty_contents_column_had(visit: Any) -> None:
    page = visit(viewport=DESKTOP).open("claims/")
    assert page.locator(".md-sidebar--secondary").is_hidden()
    assert page.locator("article").bounding_box()["width"] > 900  # type: ignore[index]
    claim = visit(viewport=DESKTOP).open(CLAIM)
    assert claim.locator(".md-sidebar--secondary .md-nav__list").is_visible()


# Chart text in CSS pixels on screen: its font size times the SVG's scale.
CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll("svg.fc-chart text"))
  .filter(text => text.getClientRects().length > 0)
  .map(text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""


@pytest.mark.parametrize(
    "path", ["", "claims/", "sources/seed-s0/", "claims/nis-nk-sending-troops/"]
)
def test_chart_text_is_at_least_12px_on_a_360px_phone(visit: Any, path: str) -> None:
    page = visit(viewport=PHONE).open(path)
    page.evaluate("document.querySelectorAll('details').forEach(details => details.open = true)")
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert sizes, "the page shows a chart"
    assert min(sizes) >= 12


def test_each_number_is_shown_once_beside_its_chart(visit: Any) -> None:
    page = visit().open("sources/seed-s0/")
    scorecard = page.locator("h2", has_text="Scorecard")
    assert scorecard.is_visible()
    assert page.locator("article table").count() == 0
    table = visit().open("claims/")
    table.locator("summary", has_text="Claims over time").click()
    assert table.locator("details table").count() == 0
    home = visit().open("")
    chart = home.locator("svg.fc-chart").first
    assert chart.is_visible()
    assert home.locator(".fc-counts__list").is_hidden()
    home.locator(".fc-chart-data summary").click()
    assert home.locator(".fc-counts__list").is_visible()


@pytest.mark.parametrize("path", [CLAIM, "sources/seed-s0/"])
def test_table_of_contents_works_on_a_phone_and_a_desktop(visit: Any, path: str) -> None:
    page = visit(viewport=PHONE).open(path)
    page.locator("label.md-header__button[for=__drawer]").click()
    drawer_toc = page.locator(".md-sidebar--primary label.md-nav__link[for=__toc]")
    drawer_toc.click()
    links = page.locator(".md-sidebar--primary .md-nav--secondary a.md-nav__link")
    assert links.count() >= 2
    target = links.nth(1)
    href = target.get_attribute("href") or ""
    target.click()
    assert page.url.endswith(href)
    desktop = visit(viewport=DESKTOP).open(path)
    contents = desktop.locator(".md-sidebar--secondary .md-nav--secondary a.md-nav__link")
    assert contents.first.is_visible()
    assert desktop.locator("input#__toc").count() == 1, "the contents title has its toggle"


SUM_LAYOUT_SHIFTS = (
    "new PerformanceObserver(list => { window.shifts = (window.shifts || 0) + "
    "list.getEntries().reduce((sum, entry) => sum + entry.value, 0) })"
    ".observe({type: 'layout-shift', buffered: true});"
)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize(
    "path", [*PAGES.values(), "verdicts/", "claimants/", "sources/", "scale/", "methodology/"]
)
def test_no_page_type_shifts_its_layout_while_loading(
    visit: Any, path: str, viewport: dict[str, int]
) -> None:
    reader = visit(viewport=viewport)
    reader.context.add_init_script(SUM_LAYOUT_SHIFTS)
    page = reader.open(path)
    if path == "claims/":
        assert page.locator(".fc-filters").is_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.shifts || 0") <= 0.02


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violations(visit: Any, name: str, scheme: str) -> None:
    reader = visit(viewport=DESKTOP)
    if scheme == "dark":
        switch_to_dark(reader)
    page = reader.open(PAGES[name])
    if "?q=" in PAGES[name]:
        page.locator(".fc-result__link").first.wait_for(timeout=10_000)
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
        "'best-practice']}})"
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
    chart = page.locator("svg.fc-chart[aria-labelledby^='fc-chart-reconstruction']")
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


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A built archive of 250 generated claims (three pages of the claims table), served."""
    from bench.make_corpus import make_catalog, write_project
    from tests.conftest import mkdocs

    folder = tmp_path_factory.mktemp("archive")
    write_project(250, folder)
    result = mkdocs("build", "--strict", cwd=folder)
    assert result.returncode == 0, result.stderr
    with serve(folder / "site") as url:
        yield url, make_catalog(250)


def test_filters_and_sorting_cover_the_whole_archive(
    browser: Browser, archive: tuple[str, dict[str, Any]]
) -> None:
    url, catalog = archive
    reader = Visit(browser, url)
    page = reader.open("claims/")
    rows = page.locator("table.fc-claims tbody tr")
    assert rows.count() == 100
    assert page.locator(".fc-pages li a:not([rel])").all_inner_texts() == ["1", "2", "3"]
    assert page.locator(".fc-pages a[rel=next]").get_attribute("href") == "page-2/"
    oldest = min(catalog["claims"], key=lambda claim: (claim["claimed"], claim["id"]))
    assert page.locator(f'tbody a[href$="/claims/{oldest["id"]}/"]').count() == 0
    page.locator("th button", has_text="Claimed").click()
    first = rows.first.locator("a").first
    expect(first).to_have_text(oldest["short"])
    assert first.evaluate("link => link.href") == f"{url}claims/{oldest['id']}/"
    assert page.locator(".fc-pages").is_hidden(), "page links hide while the archive is shown"
    status = page.locator(".fc-filters__count")
    expect(status).to_have_text("Showing 100 of 250 claims")
    page.locator(".fc-more").click()
    expect(rows).to_have_count(200)
    rating = catalog["ratings"][-1]
    wanted = sum(claim["rating"] == rating["id"] for claim in catalog["claims"])
    page.locator("select[name=verdict]").select_option(rating["id"])
    shown = f"Showing {min(wanted, 100)} of {wanted} claims where Verdict: {rating['label']}"
    expect(status).to_have_text(shown)
    assert all(text == rating["label"] for text in rows.locator(".fc-verdict").all_inner_texts())
    assert page.url.endswith(f"?sort=claimed&order=asc&verdict={rating['id']}")
    again = Visit(browser, url)
    shared = again.open(page.url.removeprefix(url))
    expect(shared.locator(".fc-filters__count")).to_have_text(shown)
    page.locator(".fc-filters__clear").click()
    expect(rows).to_have_count(100)
    assert page.locator(".fc-pages").is_visible()
    assert reader.errors == [] and again.errors == []
    reader.close()
    again.close()


def test_filters_that_match_no_claim_say_so(visit: Any) -> None:
    catalog = load_catalog(REPO / "claims.yaml")
    rated = {(claim.rating, claim.confidence) for claim in catalog.claims}
    verdict, level = next(
        (rating, confidence)
        for rating in catalog.ratings
        for confidence in catalog.confidence
        if (rating.id, confidence.id) not in rated
    )
    reader = visit()
    page = reader.open(f"claims/?verdict={verdict.id}&confidence={level.id}")
    expect(page.locator(".fc-filters__count")).to_have_text(
        f"No claim where Verdict: {verdict.label}; Confidence: {level.label}."
        " Choose other filters, or clear them."
    )
    expect(page.locator("table.fc-claims tbody tr")).to_have_count(0)
    assert reader.errors == []


def test_the_claimant_filter_offers_every_claimant_and_a_shared_address_keeps_it(
    browser: Browser, archive: tuple[str, dict[str, Any]]
) -> None:
    """The filters' choices are not in the page: the script adds them from a data file."""
    url, catalog = archive
    reader = Visit(browser, url)
    page = reader.open("claims/")
    choices = page.locator("select[name=claimant] option")
    expect(choices).to_have_count(len(catalog["claimants"]) + 1)
    claimant = catalog["claimants"][-1]
    wanted = sum(claim["claimant"] == claimant["id"] for claim in catalog["claims"])
    page.locator("select[name=claimant]").select_option(claimant["id"])
    status = page.locator(".fc-filters__count")
    shown = f"Showing {min(wanted, 100)} of {wanted} claims where Claimant: {claimant['name']}"
    expect(status).to_have_text(shown)
    cells = page.locator("table.fc-claims tbody td[data-label=Claimant]").all_inner_texts()
    assert set(cells) == {claimant["name"]}
    assert page.url.endswith(f"?claimant={claimant['id']}")
    again = Visit(browser, url)
    shared = again.open(page.url.removeprefix(url))
    expect(shared.locator(".fc-filters__count")).to_have_text(shown)
    assert shared.locator("select[name=claimant]").input_value() == claimant["id"]
    assert reader.errors == [] and again.errors == []
    reader.close()
    again.close()
