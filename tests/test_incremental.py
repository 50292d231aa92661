"""Incremental rendering is never wrong: after any sequence of edits, it equals a clean render.

Each example starts from the valid fixture, in one claims file or split over included files,
and applies random edits: a verdict change, a new claim, a deleted claim, a retired claim, a
renamed id, an appearance's accuracy, an edited source, a claimant's name or kind, a changed
template. Lists come in pages of two, so that edits move items between pages. After every
edit the page store (with its parse cache, both kept from step to step as under `mkdocs serve`)
must hold exactly the files of a clean render, byte for byte, and must not have rendered pages
whose inputs did not change.
"""

from __future__ import annotations

import copy
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import pages, paths, templates, version
from generator.load import load_catalog, load_project
from generator.site import PageStore, Settings, read_seed_texts, render_site
from generator.storage import ParseCache
from tests.projects import REPO, VALID, dump_claims

TODAY = date(2025, 1, 1)
SETTINGS = Settings("https://fixture.example.org/")
PER_PAGE = ("CLAIMS_PER_PAGE", "SOURCES_PER_PAGE", "CLAIMANTS_PER_PAGE", "CORRECTIONS_PER_PAGE")
EDITS = (
    "verdict", "add", "delete", "retire", "rename", "accuracy", "source", "claimant",
    "claimant-kind", "new-claimant", "template", "nothing",
)  # fmt: skip


class Workspace:
    """A claims project on disk that edits rewrite, in one file or split per claim."""

    def __init__(self, root: Path, *, split: bool) -> None:
        self.root = root
        self.split = split
        self.data: dict[str, Any] = yaml.safe_load((VALID / "claims.yaml").read_text("utf-8"))
        shutil.copytree(VALID / "seeds", root / "seeds", dirs_exist_ok=True)
        self.templates = root / "templates"
        shutil.copytree(templates.TEMPLATES, self.templates, dirs_exist_ok=True)
        self.counter = 0
        self.write()

    def write(self) -> None:
        claims_d = self.root / "claims.d"
        shutil.rmtree(claims_d, ignore_errors=True)
        if not self.split:
            (self.root / "claims.yaml").write_text(dump_claims(self.data), "utf-8")
            return
        claims_d.mkdir()
        for claim in self.data["claims"]:
            (claims_d / f"{claim['id']}.yaml").write_text(dump_claims({"claims": [claim]}))
        root = {key: value for key, value in self.data.items() if key != "claims"}
        root["include"] = ["claims.d/*.yaml"]
        (self.root / "claims.yaml").write_text(dump_claims(root), "utf-8")

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def next_rating(self, current: str) -> str:
        ratings = [rating["id"] for rating in self.data["ratings"]]
        return ratings[(ratings.index(current) + 1) % len(ratings)]

    def apply(self, edit: str, pick: int) -> None:
        claims = self.data["claims"]
        claim = claims[pick % len(claims)]
        if edit == "verdict":
            rating = self.next_rating(claim["rating"])
            last = claim["history"][-1]["date"]
            day = date.fromordinal(max(last.toordinal() + 1, date(2024, 12, 1).toordinal()))
            claim["history"].append({"date": day, "rating": rating, "note": "New evidence."})
            claim["rating"] = rating
            claim["reviewed"] = day
        elif edit == "add":
            # A deep copy: a later edit of either claim must not change the other.
            added = copy.deepcopy(claim)
            claims.append({**added, "id": self.fresh("added"), "short": f"Added {self.counter}"})
        elif edit == "delete" and len(claims) > 1:
            claims.remove(claim)
        elif edit == "retire" and len(claims) > 1:
            claims.remove(claim)
            note = f"Withdrawn [{self.fresh('retired')}]."
            retired = {"id": claim["id"], "date": date(2024, 12, 15), "note": note}
            self.data.setdefault("retired", []).append(retired)
        elif edit == "rename":
            claim["id"] = self.fresh("renamed")
        elif edit == "accuracy":
            appearance = claim["appearances"][0]
            appearance["accuracy"] = self.next_rating(appearance["accuracy"])
        elif edit == "source":
            source = self.data["sources"][pick % len(self.data["sources"])]
            source["title"] = f"{source['title'].split(' [')[0]} [{self.fresh('edit')}]"
        elif edit == "claimant":
            claimant = self.data["claimants"][pick % len(self.data["claimants"])]
            claimant["name"] = f"{claimant['name'].split(' [')[0]} [{self.fresh('edit')}]"
        elif edit == "claimant-kind":
            # The kind is shown on the claimant's page and decides the claimant's type in the
            # structured data of each of their claims.
            claimant = self.data["claimants"][pick % len(self.data["claimants"])]
            kinds = ["official", "government", "spokesperson"]
            current = kinds.index(claimant["kind"]) if claimant["kind"] in kinds else -1
            claimant["kind"] = kinds[(current + 1) % len(kinds)]
        elif edit == "new-claimant":
            # Listed first by name, the new claimant moves every other one down the list, which
            # the claims table gives by position.
            claimant_id = self.fresh("claimant")
            first = {**self.data["claimants"][0], "id": claimant_id, "name": f"Aa {claimant_id}"}
            self.data["claimants"].append(first)
            claim["claimant"] = claimant_id
        elif edit == "template":
            names = sorted(path.name for path in self.templates.glob("*.md.j2"))
            target = self.templates / names[pick % len(names)]
            text = target.read_text("utf-8").rstrip("\n")
            target.write_text(f"{text}\n{{# edit {self.fresh('template')} #}}\n", "utf-8")
        self.write()


def store_files(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text("utf-8")
        for path in sorted(folder.rglob("*.md"))
    }


@settings(
    max_examples=int(os.environ.get("FACTCHECK_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(
    split=st.booleans(),
    edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=6),
)
# A source's first page dates itself by the newest change of every claim citing it, and scores
# every claim the source carries, including those that only its later pages list: a verdict or
# an accuracy given to one of them must render the first page again.
@example(split=False, edits=[("add", 0), ("add", 0), ("verdict", 0)])
@example(split=False, edits=[("add", 0), ("add", 0), ("accuracy", 0)])
@example(split=False, edits=[("add", 0), ("new-claimant", 0)])
def test_incremental_render_equals_a_clean_render_after_any_edits(
    tmp_path_factory: pytest.TempPathFactory,
    split: bool,
    edits: list[tuple[str, int]],
) -> None:
    root = tmp_path_factory.mktemp("workspace")
    workspace = Workspace(root, split=split)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(templates, "TEMPLATES", workspace.templates)
        templates.environment.cache_clear()
        for name in PER_PAGE:
            # Pages of two, so that the fixture's lists (and the claims citing a source) come
            # in several pages, and edits move items from one page to another.
            patch.setattr(pages, name, 2)
        store = PageStore(root / "store")
        cache = ParseCache(root / "parsed")
        claims = root / "claims.yaml"
        for step, (edit, pick) in enumerate([("nothing", 0), *edits]):
            workspace.apply(edit, pick)
            project = load_project(claims, today=TODAY, cache=cache)
            seeds = read_seed_texts(project.catalog, root)
            stored = store.render(project, seeds, SETTINGS)
            clean = render_site(load_catalog(claims, today=TODAY), seeds, SETTINGS)
            assert store_files(root / "store") == clean.pages, (edit, pick)
            assert stored.snippets == clean.snippets
            assert stored.files == clean.files
            if edit == "nothing" and step:
                # Nothing changed, so nothing but the always-rendered small pages is rendered.
                assert all(not path.startswith(("claims/", "sources/")) for path in stored.rendered)
    templates.environment.cache_clear()


def test_an_edit_to_one_claim_renders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, split=False)
    store = PageStore(tmp_path / "store")
    claims = tmp_path / "claims.yaml"
    project = load_project(claims, today=TODAY)
    store.render(project, read_seed_texts(project.catalog, tmp_path), SETTINGS)
    claim = workspace.data["claims"][0]
    claim["summary"] = "A new summary."
    workspace.write()
    project = load_project(claims, today=TODAY)
    stored = store.render(project, read_seed_texts(project.catalog, tmp_path), SETTINGS)
    # The claim's page; its sources' pages, which list it; and the lists that hold it, which
    # depend on the record of each claim they list. No other claim's page, and no other list.
    sources = {item["source"] for item in claim["appearances"] + claim["evidence"]}
    shown = {
        paths.claim(claim["id"]),
        *(paths.source(source) for source in sources),
        paths.CLAIMS,
        paths.verdict(claim["rating"]),
        paths.claimant(claim["claimant"]),
    }
    lists = ("claims/", "sources/", "verdicts/", "claimants/")
    assert {path for path in stored.rendered if path.startswith(lists)} == shown


def test_pages_made_by_other_code_are_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(REPO / "claims.yaml")
    seeds = read_seed_texts(project.catalog, REPO)
    claim_pages = [paths.claim(claim.id) for claim in project.catalog.claims]
    PageStore(tmp_path).render(project, seeds, SETTINGS)
    again = PageStore(tmp_path).render(project, seeds, SETTINGS)
    assert not set(claim_pages) & set(again.rendered)
    monkeypatch.setattr(version, "code_digest", lambda: "another version of the generator")
    assert set(claim_pages) <= set(PageStore(tmp_path).render(project, seeds, SETTINGS).rendered)


def test_the_real_archive_renders_the_same_incrementally(tmp_path: Path) -> None:
    project = load_project(REPO / "claims.yaml")
    seeds = read_seed_texts(project.catalog, REPO)
    PageStore(tmp_path).render(project, seeds, SETTINGS)
    clean = render_site(project.catalog, seeds, SETTINGS)
    assert store_files(tmp_path) == clean.pages


def html_pages(site: Path) -> dict[str, bytes]:
    """Every page of a built site, without the search index and sitemap, which differ by build."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*.html"))
    }


def test_dirty_builds_after_edits_equal_a_clean_build(tmp_path: Path) -> None:
    """`mkdocs build --dirty`, as the preview runs it, ends with the pages of a clean build."""
    from tests.conftest import mkdocs
    from tests.projects import make_project

    project = make_project(tmp_path / "project")
    # As in the shipped mkdocs.yml, the nav names generated pages that edits change.
    config_file = project.root / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text("utf-8"))
    config["nav"] += [{"All claims": "claims/index.md"}, {"By verdict": "verdicts.md"}]
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    data = yaml.safe_load(project.claims.read_text("utf-8"))

    def dirty_build() -> None:
        result = mkdocs("build", "--dirty", "--no-strict", cwd=project.root)
        assert result.returncode == 0, result.stderr

    dirty_build()
    first = data["claims"][0]
    first["summary"] = "A summary edited while previewing."  # the claim page only
    project.claims.write_text(dump_claims(data), "utf-8")
    dirty_build()
    page = (project.site / "claims" / first["id"] / "index.html").read_text("utf-8")
    assert "A summary edited while previewing." in page
    first["short"] = "A short form edited while previewing"  # pages the nav names, too
    project.claims.write_text(dump_claims(data), "utf-8")
    dirty_build()
    table = (project.site / "claims" / "index.html").read_text("utf-8")
    assert "A short form edited while previewing" in table
    ratings = [rating["id"] for rating in data["ratings"]]
    first["rating"] = first["history"][-1]["rating"] = ratings[-1]  # counts on the home page
    added = {**yaml.safe_load(dump_claims(first)), "id": "added-claim", "short": "Added"}
    data["claims"].append(added)
    project.claims.write_text(dump_claims(data), "utf-8")
    dirty_build()
    data["claims"].remove(added)  # its page must go
    project.claims.write_text(dump_claims(data), "utf-8")
    dirty_build()
    assert not (project.site / "claims" / "added-claim").exists()
    dirty = html_pages(project.site)
    shutil.rmtree(project.site)
    shutil.rmtree(project.root / ".cache")
    result = mkdocs("build", "--no-strict", cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert dirty == html_pages(project.site)


def test_a_preview_edit_to_a_page_that_the_nav_names_builds(tmp_path: Path) -> None:
    """A claim's short form is in the claims table, which the nav names; only generated pages
    change, so a dirty build hands MkDocs the pages that changed and those the nav names."""
    from tests.conftest import mkdocs

    for name in ("claims.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, tmp_path / name)
    for name in ("content", "seeds", "site_templates"):
        shutil.copytree(REPO / name, tmp_path / name)
    assert mkdocs("build", "--dirty", "--no-strict", cwd=tmp_path).returncode == 0
    claims = tmp_path / "claims.yaml"
    text = claims.read_text("utf-8")
    edited = text.replace(
        "short: NIS image of Chongjin port", "short: Edited NIS image of Chongjin port"
    )
    assert edited != text
    claims.write_text(edited, "utf-8")
    result = mkdocs("build", "--dirty", "--no-strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Edited NIS image" in (tmp_path / "site" / "claims" / "index.html").read_text("utf-8")
