"""Analyses converted by a helper process while pages are rendered (escape.Prefetched)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from generator import escape
from generator.load import load_project
from generator.site import PageStore, read_seed_texts, render_site
from tests.conftest import REPO
from tests.test_incremental import SETTINGS, store_files

ANALYSES = [
    "Plain text.",
    "A [link](https://example.org/) and *emphasis*.",
    "<script>alert(1)</script> and a list:\n\n- one\n- two",
    "Plain text.",  # the same analysis twice is converted once
]


class Pending(Executor):
    """An executor that never runs what it is given, or runs it at once (`run_now`)."""

    def __init__(self, *, run_now: bool = False) -> None:
        self.run_now = run_now
        self.chunks: list[list[str]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.chunks.append(args[0])
        future: Future[Any] = Future()
        if self.run_now:
            future.set_result(fn(*args, **kwargs))
        return future


def converted_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The analyses that this process converts from now on."""
    here: list[str] = []
    sanitised = escape._sanitised
    monkeypatch.setattr(escape, "_sanitised", lambda html: here.append(html) or sanitised(html))
    return here


def test_what_the_helper_converted_is_what_the_build_would_have(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = [escape.analysis_html(source) for source in ANALYSES]
    helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))
    with helper:
        prefetched = escape.Prefetched(helper, ANALYSES)
        for future in prefetched._futures:
            future.result()
    here = converted_here(monkeypatch)
    with escape.prefetching(prefetched):
        assert [escape.analysis_html(source) for source in ANALYSES] == expected
    assert here == []
    # Outside the block, the build converts on its own again.
    assert escape.analysis_html(ANALYSES[1]) == expected[1]
    assert len(here) == 1


def test_the_helper_starts_from_the_last_analysis() -> None:
    helper = Pending()
    sources = [f"Analysis {number}." for number in range(2 * escape.Prefetched.CHUNK + 1)]
    escape.Prefetched(helper, sources)
    assert helper.chunks == [sources[500:], sources[250:500], sources[:250]]


def test_the_build_converts_what_the_helper_has_not_reached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = [escape.analysis_html(source) for source in ANALYSES]
    here = converted_here(monkeypatch)
    with escape.prefetching(escape.Prefetched(Pending(), ANALYSES)):
        assert [escape.analysis_html(source) for source in ANALYSES] == expected
    assert len(here) == len(ANALYSES)


def test_a_failed_helper_leaves_the_conversion_to_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = escape.analysis_html(ANALYSES[1])

    def failing(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(RuntimeError("the helper died"))
        return future

    helper = Pending()
    monkeypatch.setattr(helper, "submit", failing)
    with escape.prefetching(escape.Prefetched(helper, ANALYSES)):
        assert escape.analysis_html(ANALYSES[1]) == expected


def test_pages_rendered_with_a_helper_are_the_pages_of_a_clean_render(tmp_path: Path) -> None:
    project = load_project(REPO / "claims.yaml")
    seeds = read_seed_texts(project.catalog, REPO)
    analyses = [claim.analysis for claim in project.catalog.claims]
    with escape.prefetching(escape.Prefetched(Pending(run_now=True), analyses)):
        PageStore(tmp_path).render(project, seeds, SETTINGS)
    assert store_files(tmp_path) == render_site(project.catalog, seeds, SETTINGS).pages


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    store = PageStore(tmp_path)
    assert store.is_empty()
    project = load_project(REPO / "claims.yaml")
    store.render(project, read_seed_texts(project.catalog, REPO), SETTINGS)
    assert not store.is_empty()
    assert not PageStore(tmp_path).is_empty()
