"""The cache of converted pages: new entries reach the disk in batches, and pruning keeps
what the build used."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import htmlcache
from generator.htmlcache import HtmlCache

ENTRY = "x" * 200


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(htmlcache, "BATCH_BYTES", 1000)


def test_new_entries_reach_the_disk_before_the_build_ends(tmp_path: Path) -> None:
    # A cold build of a large archive converts every page: the cache must not hold them all.
    cache = HtmlCache(tmp_path / "html.sqlite")
    for number in range(50):
        cache.put(f"page-{number}", ENTRY)
        assert sum(map(len, cache.pending.values())) < 1000 + len(ENTRY) + 100
    assert HtmlCache(tmp_path / "html.sqlite").get("page-0") == ENTRY
    cache.save(prune=True)
    reader = HtmlCache(tmp_path / "html.sqlite")
    assert all(reader.get(f"page-{number}") == ENTRY for number in range(50))


def test_pruning_keeps_every_entry_the_build_used_and_drops_the_others(tmp_path: Path) -> None:
    first = HtmlCache(tmp_path / "html.sqlite")
    for number in range(20):
        first.put(f"page-{number}", ENTRY)
    first.save(prune=True)

    second = HtmlCache(tmp_path / "html.sqlite")
    assert second.get("page-3") == ENTRY
    for number in range(20, 40):  # written in batches before the pruning save
        second.put(f"page-{number}", ENTRY)
    second.save(prune=True)

    reader = HtmlCache(tmp_path / "html.sqlite")
    assert reader.get("page-3") == ENTRY
    assert all(reader.get(f"page-{number}") == ENTRY for number in range(20, 40))
    assert reader.get("page-4") is None


def test_a_cache_that_cannot_be_written_costs_time_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("", "utf-8")
    cache = HtmlCache(tmp_path / "not-a-folder" / "html.sqlite")
    for number in range(50):
        cache.put(f"page-{number}", ENTRY)
    assert len(cache.pending) < 10
    cache.save(prune=True)
    assert cache.get("page-0") is None
