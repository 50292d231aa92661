"""Scale benchmark: build time, one-claim rebuild and first-search transfer for a large archive.

    .venv/bin/python bench/bench_scale.py [--claims 10000] [--runs 3] [--work /tmp/factcheck-bench]

Builds generated projects of N and N/10 claims (bench/make_corpus.py) and prints:
- the generator's load and render times (median of --runs), and the full `mkdocs build` time
  (one run each: minutes at 10,000), each with its ratio to the N/10 baseline of the same run,
  so that linear cost shows as a ratio near 10;
- the time of `mkdocs build --dirty` after editing one claim, against the full build;
- what a reader's first search transfers: the bytes fetched from pressing a key in the search
  box of the N-claim site until the first result is shown, in headless Chromium; and, as the
  baseline, the size of the search index Material's built-in search would ship to every reader.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_corpus import write_project
from generator.load import load_catalog
from generator.site import Settings, read_seed_texts, render_site

ENVIRONMENT = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mkdocs_build(project: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", *extra],
        cwd=project,
        env=ENVIRONMENT,
        check=True,
    )
    return time.perf_counter() - start


def generator_times(project: Path, runs: int) -> tuple[float, float]:
    claims = project / "claims.yaml"
    catalog = load_catalog(claims)
    settings = Settings("https://factcheck.example.org/")
    load = median_seconds(lambda: load_catalog(claims), runs)
    render = median_seconds(
        lambda: render_site(catalog, read_seed_texts(catalog, project), settings), runs
    )
    return load, render


def edit_one_claim(project: Path) -> None:
    claims = project / "claims.yaml"
    text = claims.read_text("utf-8")
    claims.write_text(text.replace("  summary: ", "  summary: Edited. ", 1), "utf-8")


def lunr_index_bytes(project: Path, work: Path) -> int:
    """The size of Material's search index for the same project, built with its search plugin."""
    config = (project / "mkdocs.yml").read_text("utf-8")
    lunr = project / "mkdocs-lunr.yml"
    lunr.write_text(config.replace("plugins:\n", "plugins:\n  - search\n", 1), "utf-8")
    site = work / "lunr-site"
    mkdocs_build(project, "-f", str(lunr), "-d", str(site))
    return (site / "search" / "search_index.json").stat().st_size


def first_search_bytes(site: Path, query: str, expected_path: str) -> tuple[int, int]:
    """Bytes the browser fetches for the first search, and the number of requests."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/")
            page.wait_for_load_state("networkidle")
            page.on("response", lambda response: sizes.append(len(response.body())))
            page.locator("#fc-search-query").fill(query)
            link = page.locator(f'#fc-search-results a[href*="{expected_path}"]')
            link.first.wait_for(timeout=60_000)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    return sum(sizes), len(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/factcheck-bench"))
    parser.add_argument("--no-lunr", action="store_true", help="skip the lunr baseline build")
    arguments = parser.parse_args()
    large, small = arguments.claims, max(arguments.claims // 10, 1)
    projects = {
        size: write_project(size, arguments.work / str(size)).parent for size in (small, large)
    }

    results: dict[str, Any] = {}
    for size, project in projects.items():
        load, render = generator_times(project, arguments.runs)
        build = mkdocs_build(project)
        results[size] = {"load": load, "render": render, "build": build}
        print(
            f"{size:>6} claims: load {load:6.2f} s   render {render:6.2f} s   "
            f"mkdocs build {build:7.1f} s"
        )
    for step in ("load", "render", "build"):
        ratio = results[large][step] / results[small][step]
        print(f"ratio {large}/{small} claims, {step}: {ratio:.1f} (10.0 is linear)")

    project = projects[large]
    edit_one_claim(project)
    dirty = mkdocs_build(project, "--dirty")
    print(
        f"one-claim edit, mkdocs build --dirty: {dirty:.1f} s "
        f"({dirty / results[large]['build']:.2f} of the full build)"
    )

    middle = large // 2
    transferred, requests = first_search_bytes(
        project / "site", f"rareword{middle}", f"claims/claim-{middle}/"
    )
    pagefind_total = sum(f.stat().st_size for f in (project / "site" / "pagefind").rglob("*"))
    print(
        f"first search on {large} claims: {transferred / 1024:.0f} KiB in {requests} requests "
        f"(limit 1024 KiB); whole Pagefind bundle {pagefind_total / 1024 / 1024:.1f} MiB"
    )
    if not arguments.no_lunr:
        lunr = lunr_index_bytes(project, arguments.work)
        print(
            f"baseline, Material's lunr index for the same site: {lunr / 1024 / 1024:.1f} MiB "
            f"(first search transfers {transferred / lunr:.3f} of it)"
        )
    print(json.dumps({str(key): value for key, value in results.items()}))


if __name__ == "__main__":
    main()
