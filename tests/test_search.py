"""The search index: an unchanged site reuses its index, and a failing Pagefind fails the
build with its own words, leaving the published site as it was."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import cbor2
import pytest

from generator import search
from tests.projects import Project, make_project
from tests.test_output import tree
from tests.test_plugin import build_in_process


def index_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    project = make_project(tmp_path)
    monkeypatch.chdir(project.root)
    return project


@pytest.mark.parametrize("is_other_code", [False, True])
def test_unchanged_pages_reuse_their_index_unless_other_code_made_it(
    project: Project, monkeypatch: pytest.MonkeyPatch, is_other_code: bool
) -> None:
    build_in_process(project)
    first = index_files(project.site / "pagefind")
    assert any(name.startswith("fragment/") for name in first)
    runs = count_pagefind_runs(monkeypatch)
    if is_other_code:
        monkeypatch.setattr(search, "code_digest", lambda: "another version of the generator")
    build_in_process(project)
    assert bool(runs) == is_other_code
    assert index_files(project.site / "pagefind") == first


def count_pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands of the Pagefind runs from now on, as they start."""
    runs: list[list[str]] = []
    start = search.subprocess.Popen

    def counting(command: list[str], **options: Any) -> Any:
        runs.append(command)
        return start(command, **options)

    monkeypatch.setattr(search.subprocess, "Popen", counting)
    return runs


def indexed_text(site: Path) -> str:
    """The text of every page in the index: each fragment is gzipped JSON after a marker."""
    texts = []
    for fragment in sorted((site / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        texts.append(json.loads(data)["content"])
    return "\n".join(texts)


def test_a_changed_page_is_indexed_again(project: Project) -> None:
    build_in_process(project)
    assert "Zanzibar" not in indexed_text(project.site)
    edit(project, "carries 300 passengers", "carries 300 passengers to Zanzibar")
    build_in_process(project)
    assert "carries 300 passengers to Zanzibar" in indexed_text(project.site)


def edit(project: Project, old: str, new: str) -> None:
    claims = project.root / "claims.yaml"
    text = claims.read_text("utf-8")
    assert old in text
    claims.write_text(text.replace(old, new), "utf-8")


def test_pagefind_failing_fails_the_build_with_what_it_said(
    project: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    build_in_process(project)
    published = index_files(project.site)
    edit(project, "carries 300 passengers", "carries 301 passengers")
    monkeypatch.setattr(search, "PAGEFIND_ARGUMENTS", [*search.PAGEFIND_ARGUMENTS, "--no-such"])
    with pytest.raises(Exception, match="BuildError"):
        build_in_process(project)
    assert "pagefind failed" in caplog.text
    assert "--no-such" in caplog.text
    assert index_files(project.site) == published


def indexed_pages(site: Path) -> dict[str, str]:
    """Each indexed page's URL and its text."""
    pages = {}
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data["content"]
    return pages


def test_every_indexed_page_names_its_kind_for_the_grouped_results(project: Project) -> None:
    build_in_process(project)
    kinds = {}
    for fragment in (project.site / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        kinds[data["url"]] = data["filters"][search.KIND_FILTER]
    assert kinds["/claims/ferry-300/"] == [search.CLAIM_KIND]
    assert kinds["/sources/article/"] == [search.SOURCE_KIND]
    assert kinds["/"] == [search.PAGE_KIND]
    for url, kind in kinds.items():
        is_claim, is_source = url.startswith("/claims/"), url.startswith("/sources/")
        kind_of_url = search.SOURCE_KIND if is_source else search.PAGE_KIND
        expected = search.CLAIM_KIND if is_claim else kind_of_url
        assert kind == [expected], url


def test_pagefind_writes_the_same_index_of_the_same_pages_every_time(
    project: Project, tmp_path: Path
) -> None:
    """Pagefind orders a filter's values at random in each run: the build sorts them."""
    build_in_process(project)
    pages = [page for page in search._read_pages(project.site) if "pagefind/" not in page.relative]
    runs = []
    for run in range(3):
        search._index_shard(pages, "", tmp_path / f"run-{run}", is_background=False)
        runs.append(tree(tmp_path / f"run-{run}"))
    assert runs[0] == runs[1] == runs[2]
    (chunk,) = [data for path, data in runs[0].items() if path.startswith("filter/")]
    name, values = cbor2.loads(gzip.decompress(chunk).removeprefix(b"pagefind_dcd"))
    assert name == search.KIND_FILTER
    assert [value for value, _ in values] == ["claim", "page", "source"]


@pytest.mark.parametrize(
    "meta",
    [
        gzip.compress(b"pagefind_dcd" + cbor2.dumps(["1.4.0", [], []])),
        gzip.compress(b"pagefind_dcd" + cbor2.dumps(["1.5.2", [], [], [["kind", 7]]])),
        gzip.compress(b"pagefind_dcd\xff"),
        b"not gzip",
    ],
)
def test_an_index_in_a_form_the_build_does_not_know_is_left_as_pagefind_wrote_it(
    tmp_path: Path, meta: bytes
) -> None:
    (tmp_path / "pagefind-entry.json").write_text('{"languages":{"en":{"hash":"en_1"}}}')
    (tmp_path / "pagefind.en_1.pf_meta").write_bytes(meta)
    before = tree(tmp_path)
    search._sort_filters(tmp_path)
    assert tree(tmp_path) == before


def test_a_verdict_is_searchable_only_on_the_page_of_the_claim_that_has_it(
    project: Project,
) -> None:
    # ferry-300 is rated Wrong; it was first published as Unproven, and its article reported
    # it accurately. Searching for "Unproven" or "Accurate" must not find it, nor its article.
    build_in_process(project)
    pages = indexed_pages(project.site)
    claim, article = pages["/claims/ferry-300/"], pages["/sources/article/"]
    assert "Wrong" in claim
    for label in ("Unproven", "Accurate", "Wrong"):
        assert label not in article, label
    for label in ("Unproven", "Accurate"):
        assert label not in claim, label
    assert "How accurately" not in claim
    # Nor the words around the badges: a result's excerpt would read "verdict ; appeared".
    assert "with the verdict" not in claim
    assert "What changed" not in claim, "the updates table's header row"
    # The home page's counts and latest changes repeat what the claim pages say.
    home = pages["/"]
    assert "Fixture home" in home
    for label in ("Unproven", "Accurate", "Wrong"):
        assert label not in home, label
    assert ": verdict" not in article and "its report here" not in article
    assert "Several sources agree" not in claim, "the confidence level's definition"


def test_a_claimants_other_spelling_finds_their_claims(project: Project) -> None:
    # Readers search "Zelensky" as often as "Zelenskyy": the other spelling is on the pages.
    edit(
        project,
        "    same_as: https://en.wikipedia.org/wiki/Mayor\n",
        "    other_names: [Harbourmayor]\n",
    )
    build_in_process(project)
    pages = indexed_pages(project.site)
    assert "Harbourmayor" in pages["/claims/ferry-300/"]
    claim = (project.site / "claims" / "ferry-300" / "index.html").read_text("utf-8")
    assert "(also written Harbourmayor)" in claim
    claimant = (project.site / "claimants" / "mayor" / "index.html").read_text("utf-8")
    assert "<strong>Also written:</strong> Harbourmayor." in claimant
    assert '"alternateName":["Harbourmayor"]' in claim.replace(" ", "")


def test_an_edit_re_indexes_only_the_shard_that_holds_the_page(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_in_process(project)
    cache = tmp_path / "index-cache"
    search.index_site(project.site, cache, shard_pages=3)
    shards = json.loads((project.site / "pagefind" / search.SHARDS).read_text("utf-8"))["shards"]
    assert len(shards) >= 2
    page = project.site / "claims" / "ferry-300" / "index.html"
    # The same words in another order: the site's vocabulary stays the same.
    html = page.read_text("utf-8")
    assert "<h2" in html
    page.write_text(html.replace("<h2", "<p>ferry ferry</p><h2", 1), "utf-8")
    runs = count_pagefind_runs(monkeypatch)
    search.index_site(project.site, cache, shard_pages=3)
    assert len(runs) == 1
    assert "ferry ferry" in indexed_text_of_all_shards(project.site)


def indexed_text_of_all_shards(site: Path) -> str:
    folders = [site / "pagefind"] + [
        site / "pagefind" / name
        for name in json.loads((site / "pagefind" / search.SHARDS).read_text("utf-8"))["shards"]
    ]
    texts = []
    for folder in folders:
        for fragment in sorted((folder / "fragment").iterdir()):
            data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
            texts.append(json.loads(data)["content"])
    return "\n".join(texts)


def built_shards(project: Project) -> set[str]:
    """The shards' indexes that the last build kept, by name (a digest of what they index)."""
    cache = project.root / ".cache" / "factcheck" / "pagefind"
    return {folder.name for folder in cache.iterdir() if folder.is_dir()}


def shards_of_the_written_site(project: Project, cache: Path) -> set[str]:
    """The shards' indexes that indexing the built site's pages from disk makes."""
    shutil.rmtree(project.site / "pagefind")
    return {folder.name for folder in search.index_shards(project.site, cache, shard_pages=4)}


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 4)


def test_a_build_indexes_shards_while_it_writes_pages_and_as_the_written_site_would_be(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_shards: None
) -> None:
    (project.root / "content" / "extra.html").write_text(
        "<!doctype html><title>Extra</title><article><p>Pemberton</p></article>", "utf-8"
    )
    indexed: list[set[str]] = []
    order: list[int] = []
    linked_shard, written = search._linked_shard, search.IndexWhileWriting.written

    def linked_checking(shard: list[Any], *arguments: Any) -> Path:
        # Pagefind reads the pages as the build wrote them.
        assert all(search._hash(page.path.read_bytes()) == page.digest for page in shard)
        indexed.append({page.relative for page in shard})
        return linked_shard(shard, *arguments)

    def noting(index: search.IndexWhileWriting, relative: str, *arguments: Any) -> None:
        written(index, relative, *arguments)
        order.append(index.shard(relative))

    monkeypatch.setattr(search, "_linked_shard", linked_checking)
    monkeypatch.setattr(search.IndexWhileWriting, "written", noting)
    build_in_process(project)
    pages = [path.relative_to(project.site).as_posix() for path in project.site.rglob("*.html")]
    count = -(-len(pages) // 4)
    shards = [{page for page in pages if search._shard_of(page, count) == n} for n in range(count)]
    assert sorted(indexed, key=sorted) == sorted(shards, key=sorted), "each shard whole, once"
    assert "extra.html" in set().union(*indexed)
    # Generated pages, written after the few hand-written ones, are written shard by shard:
    # each shard is indexed while the next one's pages are written.
    handwritten = len(list((project.root / "content").rglob("*.md")))
    assert order[handwritten:] == sorted(order[handwritten:])
    assert built_shards(project) == shards_of_the_written_site(project, tmp_path / "cache")


def test_words_a_page_holds_beyond_its_content_are_indexed_too(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_shards: None
) -> None:
    # A theme that adds text around the page's content: each shard needs the word too.
    main = project.root / "site_templates" / "overrides" / "main.html"
    text = main.read_text("utf-8")
    assert "{{ super() }}</div>" in text
    main.write_text(text.replace("{{ super() }}</div>", "{{ super() }}<p>Quimbleton</p></div>"))
    build_in_process(project)
    assert built_shards(project) == shards_of_the_written_site(project, tmp_path / "cache")
