"""Output safety: atomic writes, stale pages removed, a failed build publishes nothing, and
the same input always gives the same output."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import output
from tests.projects import REPO, VALID, dump_claims, make_project, snapshot

BROKEN = REPO / "tests" / "fixtures" / "broken"


def tree(folder: Path) -> dict[str, bytes]:
    return {path: data for path, (data, _) in snapshot(folder).items()}


def test_sync_tree_writes_nested_files(tmp_path: Path) -> None:
    written = output.sync_tree(tmp_path / "out", {"a.md": "A", "b/c.md": b"C"})
    assert tree(tmp_path / "out") == {"a.md": b"A", "b/c.md": b"C"}
    assert written == {"a.md": tmp_path / "out" / "a.md", "b/c.md": tmp_path / "out" / "b/c.md"}


def test_sync_tree_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    output.sync_tree(tmp_path, {"same.md": "same", "changed.md": "old"})
    for name in ("same.md", "changed.md"):
        os.utime(tmp_path / name, ns=(1_000_000_000, 1_000_000_000))
    output.sync_tree(tmp_path, {"same.md": "same", "changed.md": "new"})
    assert (tmp_path / "same.md").stat().st_mtime_ns == 1_000_000_000
    assert (tmp_path / "changed.md").stat().st_mtime_ns != 1_000_000_000
    assert (tmp_path / "changed.md").read_text("utf-8") == "new"


def test_sync_tree_replaces_a_file_in_one_step(tmp_path: Path) -> None:
    output.sync_tree(tmp_path, {"page.md": "old"})
    before = (tmp_path / "page.md").stat().st_ino
    with (tmp_path / "page.md").open("rb") as reader:
        output.sync_tree(tmp_path, {"page.md": "new"})
        # A reader that opened the old file goes on reading all of it: it was replaced, not
        # truncated and rewritten.
        assert reader.read() == b"old"
    assert (tmp_path / "page.md").stat().st_ino != before
    assert (tmp_path / "page.md").read_text("utf-8") == "new"


def test_sync_tree_removes_files_no_longer_generated(tmp_path: Path) -> None:
    output.sync_tree(tmp_path, {"claims/a.md": "A", "claims/b.md": "B", "sources/s.md": "S"})
    output.sync_tree(tmp_path, {"claims/a.md": "A"})
    assert tree(tmp_path) == {"claims/a.md": b"A"}
    assert not (tmp_path / "sources").exists()


def test_sync_tree_leaves_no_temporary_files(tmp_path: Path) -> None:
    for content in ("one", "two", "three"):
        output.sync_tree(tmp_path, {"page.md": content})
    assert [path.name for path in tmp_path.iterdir()] == ["page.md"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output.sync_tree(tmp_path, {"page.md": "old"})

    def fail(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        output.sync_tree(tmp_path, {"page.md": "new"})
    assert tree(tmp_path) == {"page.md": b"old"}


def test_new_files_are_readable_like_any_other(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    output.sync_tree(tmp_path, {"page.md": "x"})
    assert stat.S_IMODE((tmp_path / "page.md").stat().st_mode) == 0o666 & ~mask


def test_sync_tree_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", "utf-8")
    root = tmp_path / "out"
    root.mkdir()
    (root / "page.md").symlink_to(outside)
    (root / "stale.md").symlink_to(outside)
    output.sync_tree(root, {"page.md": "generated"})
    assert outside.read_text("utf-8") == "keep"
    assert not (root / "page.md").is_symlink()
    assert tree(root) == {"page.md": b"generated"}


@pytest.mark.parametrize("path", ["../escape.md", "/etc/passwd", "a/../../b.md", "a\\b.md", "./a"])
def test_sync_tree_refuses_paths_outside_its_folder(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match=r"inside the output folder|normalised POSIX path"):
        output.sync_tree(tmp_path / "out", {path: "x"})
    assert not (tmp_path / "escape.md").exists()


def test_prepare_output_accepts_new_empty_and_its_own_folders(tmp_path: Path) -> None:
    output.prepare_output(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    output.prepare_output(tmp_path / "empty")
    output.sync_tree(tmp_path / "new", {"page.md": "x"})
    output.prepare_output(tmp_path / "new")
    assert sorted(tree(tmp_path / "new")) == [output.MARKER, "page.md"]


def test_staging_publishes_only_a_clean_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old", "utf-8")
    staging = output.Staging(site)
    staging.folder.mkdir()
    (staging.folder / "new.html").write_text("new", "utf-8")
    staging.warnings.count = 1
    staging.publish(is_strict=True)
    assert tree(site) == {"old.html": b"old"}
    assert not staging.folder.exists()
    staging = output.Staging(site)
    staging.folder.mkdir()
    (staging.folder / "new.html").write_text("new", "utf-8")
    staging.publish(is_strict=True)
    assert tree(site) == {"new.html": b"new"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def _published_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "cards").mkdir(parents=True)
    (site / "cards" / "a.png").write_bytes(b"card")
    (site / "old.html").write_text("old", "utf-8")
    return site


def test_staging_carries_folders_over_from_the_published_site(tmp_path: Path) -> None:
    site = _published_site(tmp_path)
    staging = output.Staging(site)
    staging.folder.mkdir()
    (staging.folder / "new.html").write_text("new", "utf-8")
    assert staging.publish(is_strict=True, carried=["cards"])
    assert tree(site) == {"cards/a.png": b"card", "new.html": b"new"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("carried", [[], ["cards"]])
def test_staging_puts_the_old_site_back_when_the_swap_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, carried: list[str]
) -> None:
    site = _published_site(tmp_path)
    staging = output.Staging(site)
    staging.folder.mkdir()
    replace = os.replace

    def fail_swap(source: str | Path, target: str | Path) -> None:
        if Path(source) == staging.folder:
            raise OSError(18, "Invalid cross-device link")
        replace(source, target)

    monkeypatch.setattr(os, "replace", fail_swap)
    with pytest.raises(OSError, match="cross-device"):
        staging.publish(is_strict=False, carried=carried)
    assert tree(site) == {"cards/a.png": b"card", "old.html": b"old"}


def test_a_build_takes_unchanged_cards_and_search_index_from_the_published_site(
    tmp_path: Path,
) -> None:
    """Thousands of files at archive size: made again only when they change."""
    project = make_project(tmp_path / "project")
    folders = ("cards", "pagefind")

    def build() -> tuple[dict[str, int], dict[str, bytes]]:
        result = project.build()
        assert result.returncode == 0, result.stderr
        return {name: (project.site / name).stat().st_ino for name in folders}, tree(project.site)

    first_folders, first = build()
    # A folder made again is made while the published one still exists: another inode.
    again_folders, again = build()
    assert again_folders == first_folders
    assert again == first
    text = project.claims.read_text("utf-8")
    project.claims.write_text(text.replace("carries 300 passengers", "takes 300 riders"), "utf-8")
    edited_folders, edited = build()
    assert all(edited_folders[name] != first_folders[name] for name in folders)
    assert edited != first
    shutil.rmtree(project.root / ".cache")
    shutil.rmtree(project.site)
    _, clean = build()
    assert edited == clean


def cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_failed_build_leaves_the_published_site_untouched(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    first = project.build()
    assert first.returncode == 0, first.stderr
    published = snapshot(project.site)
    for case in ("unknown-rating", "alias-bomb", "many-problems"):
        broken = (BROKEN / f"{case}.yaml").read_bytes()
        project.claims.write_bytes(broken)
        before = project.claims.stat().st_mtime_ns

        result = project.build()
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert snapshot(project.site) == published, case
        assert not (project.root / ".site.building").exists()
        # The same lines as `python -m generator check`, run from the same folder.
        checked = cli("check", "claims.yaml", cwd=project.root)
        problems = checked.stderr.splitlines()[:-1]
        assert problems
        assert "\n".join(problems) in result.stderr
        assert project.claims.read_bytes() == broken
        assert project.claims.stat().st_mtime_ns == before


def test_the_generator_never_writes_to_the_claims_file(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    before = (project.claims.read_bytes(), project.claims.stat().st_mtime_ns)
    assert cli("check", "claims.yaml", cwd=project.root).returncode == 0
    assert cli("render", "claims.yaml", "--out", "rendered", cwd=project.root).returncode == 0
    assert project.build().returncode == 0
    assert (project.claims.read_bytes(), project.claims.stat().st_mtime_ns) == before
    assert cli("render", "claims.yaml", "--out", ".", cwd=project.root).returncode == 1
    assert (project.claims.read_bytes(), project.claims.stat().st_mtime_ns) == before


def with_second_claim(data: dict[str, object]) -> dict[str, object]:
    claims = data["claims"]
    assert isinstance(claims, list)
    return {**data, "claims": [*claims, {**claims[0], "id": "ferry-second"}]}


def test_pages_of_a_deleted_claim_disappear_on_the_next_build(tmp_path: Path) -> None:
    data = yaml.safe_load((VALID / "claims.yaml").read_text("utf-8"))
    project = make_project(tmp_path / "project", dump_claims(with_second_claim(data)))
    assert project.build().returncode == 0
    assert (project.site / "claims" / "ferry-second" / "index.html").is_file()
    # The site's own pages, beside those `mkdocs serve` keeps for its address.
    (cache,) = (project.root / ".cache" / "factcheck" / "pages").iterdir()
    assert (cache / "claims" / "ferry-second.md").is_file()

    project.claims.write_text(dump_claims(data), "utf-8")
    assert project.build().returncode == 0
    assert not (project.site / "claims" / "ferry-second").exists()
    assert not (cache / "claims" / "ferry-second.md").exists()
    assert (project.site / "claims" / "ferry-300" / "index.html").is_file()
    assert b"ferry-second" not in b"".join(
        path.read_bytes() for path in project.site.rglob("*") if path.is_file()
    )


def test_render_twice_gives_identical_markdown(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        result = cli("render", str(VALID / "claims.yaml"), "--out", str(folder), cwd=REPO)
        assert result.returncode == 0, result.stderr
    assert tree(first) == tree(second)
    assert len(tree(first)) > 5


def build_on(project_root: Path, day: int) -> Path:
    """Build a copy of the valid project as MkDocs would on `day` (seconds since the epoch)."""
    project = make_project(project_root)
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(day)}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=project.root,
        env={**environment, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return project.site


def test_builds_on_different_days_are_byte_identical(tmp_path: Path) -> None:
    monday = tree(build_on(tmp_path / "a", 1_700_000_000))
    tuesday = tree(build_on(tmp_path / "b", 1_700_000_000 + 86_400))
    # MkDocs would stamp the build date into sitemap.xml and sitemap.xml.gz; the plugin dates
    # pages from claims.yaml instead.
    assert "sitemap.xml.gz" in monday
    assert monday == tuesday


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("old", "utf-8")
    page.chmod(0o640)
    assert output.write_if_changed(page, b"new")
    assert page.read_bytes() == b"new"
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert not output.write_if_changed(page, b"new")


def test_cards_are_linked_into_a_new_folder_and_replace_what_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in ("a", "b", "c"):
        (cache / f"{name}.png").write_bytes(name.encode())
    folder = tmp_path / "site" / "cards"
    cards = {"cards/one.png": cache / "a.png", "cards/two.png": cache / "b.png"}
    output.link_tree(cards, folder, {})
    assert (folder / "one.png").samefile(cache / "a.png")
    assert (folder / "two.png").samefile(cache / "b.png")
    # A card whose picture changed, a stale file in its place, and one no claim has any more.
    (folder / "two.png").unlink()
    (folder / "two.png").write_bytes(b"stale")
    (folder / "gone.png").write_bytes(b"gone")
    output.link_tree({**cards, "cards/one.png": cache / "c.png"}, folder, {})
    assert (folder / "one.png").samefile(cache / "c.png")
    assert (folder / "two.png").samefile(cache / "b.png")
    assert sorted(path.name for path in folder.iterdir()) == ["one.png", "two.png"]

    def no_links(source: object, target: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(output.os, "link", no_links)
    copies = tmp_path / "elsewhere" / "cards"
    output.link_tree(cards, copies, {})
    assert (copies / "one.png").read_bytes() == b"a"
    assert not (copies / "one.png").samefile(cache / "a.png")
