"""The MkDocs plugin's preview: what mkdocs serve watches."""

from __future__ import annotations

import copy
import importlib.metadata
import logging
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator import plugin
from generator.fragments import SharedFragments, SharedTocs
from generator.plugin import PREVIEW_PROBLEMS, PREVIEW_SCRIPT, FactCheckPlugin
from generator.templates import TEMPLATES
from tests.projects import VALID, Project, dump_claims, make_project


class Server:
    """Records what the plugin asks mkdocs serve to watch."""

    def __init__(self) -> None:
        self.watched: list[Path] = []

    def watch(self, path: str) -> None:
        self.watched.append(Path(path))


def test_the_preview_watches_claim_files_but_never_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every build writes its caches in the project's folder: watching it rebuilds for ever.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    plugin = FactCheckPlugin()
    plugin.load_config({})
    plugin.root = tmp_path
    plugin.watched = (Path("claims.yaml"), Path("claims/2024-10.yaml"), Path("extra.yaml"))
    server = Server()
    plugin.on_serve(server, config=Any, builder=None)  # type: ignore[arg-type]
    watched = {path.resolve() for path in server.watched}
    assert tmp_path.resolve() not in watched
    assert watched == {
        (tmp_path / "claims.yaml").resolve(),
        (tmp_path / "claims").resolve(),
        (tmp_path / "extra.yaml").resolve(),
        (tmp_path / "seeds").resolve(),
        TEMPLATES.resolve(),
    }


def build_in_process(project: Project) -> dict[str, bytes]:
    """Build as `mkdocs build` does, in this process, and return every HTML page."""
    project.build_in_process()
    return {
        path.relative_to(project.site).as_posix(): path.read_bytes()
        for path in sorted(project.site.rglob("*.html"))
    }


def project_with_twins(tmp_path: Path, count: int) -> Project:
    """The valid fixture with `count` more claims of the first claim's shape (ferry-301, ...)."""
    data = yaml.safe_load((VALID / "claims.yaml").read_text("utf-8"))
    for number in range(301, 301 + count):
        twin = copy.deepcopy(data["claims"][0])
        twin["id"], twin["short"] = f"ferry-{number}", f"Claim {number}, of the same shape"
        data["claims"].append(twin)
    return make_project(tmp_path / "project", dump_claims(data))


def test_a_changed_theme_template_shows_in_the_next_build_despite_its_compiled_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiled templates are kept between builds (.cache/factcheck/templates): an edit to a
    # template must still reach the pages, each build in a fresh MkDocs environment.
    project = make_project(tmp_path / "project")
    monkeypatch.chdir(project.root)
    main = project.root / "site_templates" / "overrides" / "main.html"
    source = main.read_text("utf-8")
    block = "{% block extrahead %}\n  {{ super() }}\n"
    assert block in source
    for marker in ("first-edit", "second-edit"):
        tag = f'  <meta name="template-marker" content="{marker}">\n'
        main.write_text(source.replace(block, block + tag), "utf-8")
        built = build_in_process(project)
        assert all(tag.strip().encode() in page for page in built.values()), marker
    assert any((project.root / ".cache" / "factcheck" / "templates").rglob("__jinja2_*"))


def test_shared_fragments_leave_every_page_as_rendering_each_page_alone_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "project")
    monkeypatch.chdir(project.root)
    keys: list[tuple[str, str] | None] = []
    shared_urls: set[str] = set()
    key = SharedFragments.key

    def recorded(self: SharedFragments, name: str, page: Any) -> tuple[str, str] | None:
        keys.append(key(self, name, page))
        if keys[-1] is not None:
            shared_urls.add(page.url)
        return keys[-1]

    monkeypatch.setattr(SharedFragments, "key", recorded)
    shared = build_in_process(project)
    # Pages outside the navigation share one render of it per folder; pages in it never do.
    verdict_pages = [path for path in shared if re.fullmatch(r"verdicts/[a-z-]+/index\.html", path)]
    assert len(verdict_pages) == 3
    assert keys.count(("nav", "verdicts")) == len(verdict_pages)
    assert not shared_urls & {"", "about/", "editors-guide/"}

    monkeypatch.setattr(SharedFragments, "key", lambda self, name, page: None)
    assert build_in_process(project) == shared


def test_tables_of_contents_are_rendered_once_for_each_set_of_headings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = project_with_twins(tmp_path, 2)
    monkeypatch.chdir(project.root)
    tocs: list[SharedTocs] = []
    start = SharedTocs.__init__

    def recorded(self: SharedTocs) -> None:
        start(self)
        tocs.append(self)

    monkeypatch.setattr(SharedTocs, "__init__", recorded)
    shared = build_in_process(project)
    (toc,) = tocs
    claim_pages = [shared[f"claims/ferry-{number}/index.html"] for number in (300, 301, 302)]
    # The three claims' pages each show one table of contents twice, rendered once for all.
    in_claims = [
        html
        for html in toc.rendered.values()
        if all(page.count(html.encode()) == 2 for page in claim_pages)
    ]
    assert len(in_claims) == 1
    assert 'href="#evidence"' in in_claims[0]

    monkeypatch.setattr(SharedTocs, "key", staticmethod(lambda toc: None))
    assert build_in_process(project) == shared


def test_tables_of_contents_are_shared_only_by_pages_with_the_same_headings() -> None:
    def heading(title: str, url: str, level: int = 2, **more: Any) -> SimpleNamespace:
        return SimpleNamespace(
            **{"title": title, "url": url, "level": level, "children": []} | more
        )

    def key(*headings: SimpleNamespace) -> tuple[object, ...] | None:
        return SharedTocs.key(list(headings))

    evidence = heading("Evidence", "#evidence")
    assert key(heading("Analysis", "#analysis"), evidence) == key(
        heading("Analysis", "#analysis"), heading("Evidence", "#evidence")
    )
    assert key(evidence) != key(heading("Evidence &amp; sources", "#evidence"))
    assert key(evidence) != key(heading("Evidence", "#evidence-1"))
    assert key(evidence) != key(heading("Evidence", "#evidence", level=3))
    nested = heading("Analysis", "#analysis", children=[evidence])
    assert key(nested) != key(heading("Analysis", "#analysis"), evidence)
    # A heading that shows more than its title is rendered on its own page.
    assert key(heading("Evidence", "#evidence", typeset={"title": "<em>Evidence</em>"})) is None
    assert SharedTocs.key(None) is None


def test_pages_share_fragments_only_with_pages_whose_links_read_the_same() -> None:
    shared = SharedFragments(
        nav_urls={"", "about/"},
        file_paths=[
            "index.html", "about/index.html", "claims/a/index.html", "claims/b/index.html",
            "assets/index.html", "assets/main.css", "sources/s/index.html",
        ],
    )  # fmt: skip

    def key(url: str) -> tuple[str, str] | None:
        return shared.key("nav", SimpleNamespace(url=url))

    assert key("claims/a/") == key("claims/b/") == ("nav", "claims")
    assert key("sources/s/") == ("nav", "sources")
    # A link to assets/main.css reads "main.css" from assets/ and "../assets/main.css" elsewhere.
    assert key("assets/") is None
    # The nav marks a page of its own as the current one.
    assert key("about/") is None
    assert key("") is None


def test_pages_of_one_shape_are_converted_once_and_read_as_if_each_had_been(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = project_with_twins(tmp_path, 1)
    monkeypatch.chdir(project.root)
    converted: list[str] = []
    is_shareable = plugin._is_shareable

    def recorded(markdown: str) -> bool:
        converted.append(markdown)
        return is_shareable(markdown)

    monkeypatch.setattr(plugin, "_is_shareable", recorded)
    shared = build_in_process(project)
    generated = list((project.root / ".cache" / "factcheck" / "pages").rglob("*.md"))
    # The two claim pages have the same sections: the second takes the first's conversion.
    assert 0 < len(converted) < len(generated)

    shutil.rmtree(project.root / ".cache")
    monkeypatch.setattr(plugin, "_MEMORY", {})
    monkeypatch.setattr(plugin, "_is_shareable", lambda markdown: False)
    assert build_in_process(project) == shared


def test_a_preview_that_starts_again_from_an_empty_folder_keeps_its_cards_and_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An edit to a theme template empties the preview's folder: the next rebuild must bring
    # back everything, the social cards and the search index included, not just what changed.
    project = make_project(tmp_path / "project")
    monkeypatch.chdir(project.root)
    monkeypatch.setattr(plugin, "_MEMORY", {})
    site = tmp_path / "preview"

    def config() -> Any:
        # As mkdocs serve loads it for each rebuild.
        loaded = load_config(str(project.root / "mkdocs.yml"), site_dir=str(site), strict=False)
        loaded.site_url = "http://127.0.0.1:8000/"
        return loaded

    def rebuild() -> dict[str, bytes]:
        build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
        [memory] = plugin._MEMORY.values()
        assert memory.pagefind is not None
        memory.pagefind.join()
        return {
            path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted(site.rglob("*"))
            if path.is_file() and not path.relative_to(site).as_posix().startswith("pagefind/")
        }

    config().plugins.on_startup(command="serve", dirty=True)
    first = rebuild()
    assert any(path.startswith("cards/") for path in first)
    main = project.root / "site_templates" / "overrides" / "main.html"
    main.write_text(main.read_text("utf-8") + "{#- an edit that changes no page -#}\n", "utf-8")
    assert rebuild() == first
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_a_seed_file_spoiled_after_the_check_stops_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The seed text that pages show is the text that was checked: an editor's save between
    # the check and the rendering is caught, not shown unchecked or raised as a traceback.
    project = make_project(tmp_path / "project")
    monkeypatch.chdir(project.root)
    seed = project.root / "seeds" / "article.txt"
    load_project = plugin.load_project

    def load_then_spoil(*arguments: Any, **keywords: Any) -> Any:
        loaded = load_project(*arguments, **keywords)
        seed.write_text(seed.read_text("utf-8") + "\x07", "utf-8")
        return loaded

    monkeypatch.setattr(plugin, "load_project", load_then_spoil)
    with pytest.raises(Abort):
        build_in_process(project)
    assert "'seeds/article.txt' holds the control character U+0007 on line 4" in caplog.text
    assert "nothing was built" in caplog.text
    assert not project.site.exists()


MATERIAL_COPY = re.compile(r"Material ([0-9.]+)'s partials/([a-z-]+\.html)")


def test_copies_of_materials_partials_follow_the_installed_material() -> None:
    # Material has no block for the header's search slot, the drawer's first entry or the table
    # of contents, so four partials are copies with small changes: an upgrade of Material must
    # merge its own.
    installed = importlib.metadata.version("mkdocs-material")
    copies = sorted((TEMPLATES / "overrides" / "partials").glob("*.html"))
    assert [path.name for path in copies] == ["header.html", "nav.html", "search.html", "toc.html"]
    for path in copies:
        match = MATERIAL_COPY.search(path.read_text("utf-8"))
        assert match is not None, f"{path.name} does not say which partial of Material it copies"
        assert match.group(2) == path.name
        assert match.group(1) == installed, (
            f"{path.name} follows Material {match.group(1)}; merge the changes of Material "
            f"{installed}'s partials/{path.name} into it, then name that version in its comment"
        )


def test_a_build_stopped_by_an_included_file_names_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(tmp_path / "project")
    monkeypatch.chdir(project.root)
    (project.root / "extra").mkdir()
    (project.root / "extra" / "broken.yaml").write_text("claims:\n  - id: Bad Id\n", "utf-8")
    project.claims.write_text(
        project.claims.read_text("utf-8") + "include:\n  - extra/*.yaml\n", "utf-8"
    )
    with pytest.raises(Abort):
        build_in_process(project)
    assert "extra/broken.yaml has problems; nothing was built:" in caplog.text
    assert "claims.yaml has problems" not in caplog.text


def test_a_preview_says_why_its_search_index_was_not_built(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The preview indexes its site in the background, after its first build: what stops
    # Pagefind must still reach the editor.
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.factcheck"):
        plugin._index_quietly(tmp_path)
    assert "search index not built: pagefind failed" in caplog.text
    assert "did not contain any html files" in caplog.text


def test_a_build_leaves_out_what_only_the_preview_uses(fixture_site: Path) -> None:
    assert not (fixture_site / PREVIEW_SCRIPT).exists()
    assert not (fixture_site / PREVIEW_PROBLEMS).exists()
    pages = list(fixture_site.rglob("*.html"))
    assert pages
    assert not any("preview.js" in page.read_text("utf-8") for page in pages)
