"""Scale benchmark: one table of build, rebuild and preview figures for archives of N claims.

    .venv/bin/python bench/bench_scale.py [--sizes 1000 10000] [--preview-sizes 2000] [--runs 3]
        [--write BENCHMARKS.md]

For each size it writes a generated project (bench/make_corpus.py) and measures, in one run:
- pages: the HTML pages the build makes (claim, source, claimant and list pages, hand-written
  pages);
- floor: plain MkDocs + Material with its own search, building as many pages, of about 1 KB
  each and not in the navigation: what any MkDocs site of that size costs;
- cold: `mkdocs build` with an empty cache (no .cache/), and its ratio to the floor;
- warm: `mkdocs build` again, with the cache of the cold build;
- edit: `mkdocs build` after one claim's summary changed;
- Pagefind: indexing the built site for search, run on its own (a cold build indexes each shard
  while it writes the pages of the next);
- preview: the README's preview command (`make serve`), from saving an edit to one claim until
  its page serves the new text (bench/preview.py);
- peak memory of the cold build's own process, and of the largest Pagefind run (each indexes one
  shard of the site, beside the build's process: the machine holds both at once); the largest
  HTML page; and the bytes a reader's first search fetches;
- below the table, the CPU time of the cold build: in the build's own process, and in the
  processes it starts (cards and Pagefind; Pagefind's own, from its run on its own), against
  what two cores give in 1.5 times the floor.
Times are medians of --runs rounds, each of which builds cold, the floor, warm and after an
edit in turn (one round where a cold build takes over a minute); the ratio of the largest
size to the smallest shows whether cost grows linearly. For each of
--preview-sizes, only the preview is measured.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_corpus import write_project
from bench.preview import claims_file, edit_summary, preview_latencies

ENVIRONMENT = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
FLOOR_CONFIG = """site_name: Floor
site_url: https://floor.example.org/
theme:
  name: material
  font: false
plugins:
  - search
not_in_nav: |
  /claims/*
nav:
  - Home: index.md
"""
LONG_RUN = 60.0


# Runs `mkdocs build -q` and reports the peak memory and the CPU time of the build's own
# process and of the processes it started (Pagefind, the card drawer), which run beside it.
# The card drawer runs under multiprocessing's fork server: both are stopped first, so that
# their CPU time is counted with the other helpers'.
BUILD = """
import resource, sys
from multiprocessing import forkserver
from mkdocs.__main__ import cli
try:
    cli(["build", "-q"])
except SystemExit as done:
    if done.code:
        raise
from generator import plugin
plugin._DRAWING.shutdown(wait=True)
forkserver._forkserver._stop()
own, helpers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(f"peak-rss-kib {own.ru_maxrss} {helpers.ru_maxrss}", file=sys.stderr)
cpu = [usage.ru_utime + usage.ru_stime for usage in (own, helpers)]
print(f"cpu-seconds {cpu[0]:.2f} {cpu[1]:.2f}", file=sys.stderr)
"""


@dataclass(frozen=True)
class Build:
    seconds: float
    peak: tuple[int, int]
    """Peak memory in KiB: the build's own process, and the largest it started."""
    cpu: tuple[float, float]
    """CPU seconds: the build's own process, and every process it started."""


def timed(command: list[str], cwd: Path) -> Build:
    """Seconds of `command`, and the memory and CPU time it reports."""
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, env=ENVIRONMENT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    own, helpers = re.findall(r"peak-rss-kib (\d+) (\d+)", result.stderr)[-1]
    own_cpu, helpers_cpu = re.findall(r"cpu-seconds ([\d.]+) ([\d.]+)", result.stderr)[-1]
    return Build(seconds, (int(own), int(helpers)), (float(own_cpu), float(helpers_cpu)))


def mkdocs_build(project: Path) -> Build:
    return timed([sys.executable, "-c", BUILD], project)


def write_floor(pages: int, folder: Path) -> Path:
    """A plain MkDocs + Material project that builds `pages` HTML pages, of about 1 KB each.

    Besides its home page and MkDocs' 404 page, they are kept out of the nav.
    """
    shutil.rmtree(folder, ignore_errors=True)
    docs = folder / "docs" / "claims"
    docs.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(FLOOR_CONFIG, "utf-8")
    (folder / "docs" / "index.md").write_text("# Floor\n\nA plain site.\n", "utf-8")
    words = ["troops", "artillery", "shells", "containers", "training", "ministry", "report"]
    for number in range(pages - 2):
        body = " ".join(words[(number + i) % len(words)] for i in range(140))
        (docs / f"claim-{number}.md").write_text(
            f"# Claim {number}\n\n## Analysis\n\n{body}.\n\n## Evidence\n\n- Source {number}\n",
            "utf-8",
        )
    return folder


def edit_one_claim(project: Path) -> None:
    claims = claims_file(project, "claim-1")
    text = claims.read_text("utf-8")
    edit_summary(claims, "claim-1", f"Edited{time.time_ns()}")
    assert claims.read_text("utf-8") != text


# Indexes a built site for search on its own, shard after shard as a build does, in a process of
# its own: Linux counts a process that a large one starts at the large one's size, so Pagefind's
# runs are started from a small process to measure their own peak.
INDEX = """
import resource, sys
from pathlib import Path
from generator import search
search.index_site(Path(sys.argv[1]))
own, runs = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
cpu = sum(usage.ru_utime + usage.ru_stime for usage in (own, runs))
print(f"pagefind {cpu:.2f} {runs.ru_maxrss}", file=sys.stderr)
"""


def pagefind_run(site: Path) -> tuple[float, float, int]:
    """Seconds, CPU seconds and the largest run's peak memory in KiB of indexing `site`."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", INDEX, str(site)],
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    seconds = time.perf_counter() - start
    cpu, peak = re.findall(r"pagefind ([\d.]+) (\d+)", result.stderr)[-1]
    return seconds, float(cpu), int(peak)


def html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def largest_page(site: Path) -> tuple[int, str]:
    pages = [
        (path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*.html")
    ]
    return max(pages)


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


def measure(size: int, work: Path, runs: int) -> dict[str, Any]:
    project = write_project(size, work / f"project-{size}").parent
    for stale in (project / ".cache", project / "site"):
        shutil.rmtree(stale, ignore_errors=True)
    # Each round builds cold, the floor, warm and after an edit, one after the other: this
    # machine is shared and its speed drifts, and the drift then weighs on the floor and on
    # the archive's builds alike.
    times: dict[str, list[float]] = {"cold": [], "floor": [], "warm": [], "edit": []}
    colds: list[Build] = []
    floor_project, pages = None, 0
    while len(times["cold"]) < runs:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        cold = mkdocs_build(project)
        times["cold"].append(cold.seconds)
        colds.append(cold)
        if floor_project is None:
            pages = html_pages(project / "site")
            floor_project = write_floor(pages, work / f"floor-{size}")
        times["floor"].append(mkdocs_build(floor_project).seconds)
        times["warm"].append(mkdocs_build(project).seconds)
        edit_one_claim(project)
        times["edit"].append(mkdocs_build(project).seconds)
        if cold.seconds >= LONG_RUN:
            break
    assert floor_project is not None and html_pages(floor_project / "site") == pages
    median = {name: statistics.median(values) for name, values in times.items()}
    peak = (max(b.peak[0] for b in colds), max(b.peak[1] for b in colds))
    cpu = tuple(statistics.median(b.cpu[part] for b in colds) for part in (0, 1))
    pagefind, pagefind_cpu, pagefind_peak = pagefind_run(project / "site")
    page_bytes, page = largest_page(project / "site")
    middle = size // 2
    search_bytes, requests = first_search_bytes(
        project / "site", f"rareword{middle}", f"claims/claim-{middle}/"
    )
    preview = statistics.median(preview_latencies(project, "claim-1", runs))
    return {
        "size": size, "pages": pages, "floor": median["floor"], "cold": median["cold"],
        "warm": median["warm"], "edit": median["edit"],
        "pagefind": pagefind, "pagefind_cpu": pagefind_cpu, "cpu": cpu,
        "preview": preview, "peak": peak, "pagefind_peak": pagefind_peak,
        "page_bytes": page_bytes,
        "page": page, "search_bytes": search_bytes, "requests": requests,
    }  # fmt: skip


def measure_preview(size: int, work: Path, runs: int) -> dict[str, Any]:
    """Only the preview's latency, for an archive of `size` claims."""
    project = write_project(size, work / f"project-{size}").parent
    for stale in (project / ".cache", project / "site"):
        shutil.rmtree(stale, ignore_errors=True)
    return {"size": size, "preview": statistics.median(preview_latencies(project, "claim-1", runs))}


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| claims | pages | floor | cold build | warm build | one-edit build | Pagefind (alone) "
        "| preview | peak memory (build + Pagefind) | largest page | first search |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        if "floor" not in row:
            lines.append(f"| {row['size']:,} | | | | | | | {row['preview']:.2f} s | | | |")
            continue
        floor = row["floor"]
        lines.append(
            f"| {row['size']:,} | {row['pages']:,} | {floor:.1f} s "
            f"| {row['cold']:.1f} s ({row['cold'] / floor:.2f}x) "
            f"| {row['warm']:.1f} s ({row['warm'] / floor:.2f}x) "
            f"| {row['edit']:.1f} s ({row['edit'] / floor:.2f}x) "
            f"| {row['pagefind']:.1f} s "
            f"| {row['preview']:.2f} s "
            f"| {row['peak'][0] / 1024:.0f} + {row['pagefind_peak'] / 1024:.0f} MiB "
            f"| {row['page_bytes'] / 1024:.0f} KiB (`{row['page']}`) "
            f"| {row['search_bytes'] / 1024:.0f} KiB in {row['requests']} requests |"
        )
    full = [row for row in rows if "floor" in row]
    for row in full:
        own, helpers = row["cpu"]
        lines.append("")
        lines.append(
            f"CPU time of a cold build of {row['size']:,} claims: {own:.1f} s in the build's "
            f"process and {helpers:.1f} s in the processes it starts (Pagefind alone: "
            f"{row['pagefind_cpu']:.1f} s), {own + helpers:.1f} s in all; two cores busy for "
            f"1.5 times the floor give {2 * 1.5 * row['floor']:.1f} s."
        )
    if len(full) > 1:
        small, large = full[0], full[-1]
        factor = large["size"] / small["size"]
        lines.append("")
        lines.append(
            f"Growth from {small['size']:,} to {large['size']:,} claims ({factor:.0f}x the "
            f"claims): cold build {large['cold'] / small['cold']:.1f}x, warm build "
            f"{large['warm'] / small['warm']:.1f}x, floor {large['floor'] / small['floor']:.1f}x."
        )
    return "\n".join(lines)


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--preview-sizes", type=int, nargs="*", default=[2_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/factcheck-bench"))
    parser.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    arguments = parser.parse_args()
    rows = []
    for size in sorted(arguments.sizes):
        rows.append(measure(size, arguments.work, arguments.runs))
        print("\n".join(table(rows[-1:]).splitlines()[2:]), flush=True)
    for size in arguments.preview_sizes:
        rows.append(measure_preview(size, arguments.work, arguments.runs))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    rows.sort(key=lambda row: row["size"])
    result = table(rows)
    print(result)
    if arguments.write:
        before = arguments.write.read_text("utf-8") if arguments.write.is_file() else ""
        latest = run_report(result, arguments.runs, date.today(), commit())
        arguments.write.write_text(report(latest, before), "utf-8")


TITLE = "# Benchmarks\n"
COLUMNS = "## What the columns measure\n"
EARLIER = "## Earlier runs\n"


def run_report(result: str, runs: int, day: date, revision: str) -> str:
    """One run: the table, and when, where and on what code it was measured."""
    return (
        f"Measured on {day.isoformat()}, at `{revision}`, on {machine()}, by `make bench` "
        f"(`bench/bench_scale.py --runs {runs}`). Archives come from `bench/make_corpus.py`: "
        "realistic claims of about 3.5 KB of YAML each.\n\n"
        f"{result}\n"
    )


def report(latest: str, before: str) -> str:
    """BENCHMARKS.md: the `latest` run, what the columns measure, and the earlier runs: the
    run that `before` (the file as it was) led with, first, then those it kept."""
    measured = __doc__.split("in one run:\n", 1)[1].split("\nTimes are", 1)[0]
    earlier = ""
    if before.startswith(TITLE) and COLUMNS in before:
        last, _, rest = before.removeprefix(TITLE).partition(COLUMNS)
        kept = rest.partition(EARLIER)[2].strip()
        when = re.search(r"Measured on (\d{4}-\d{2}-\d{2}(?:, at `[^`]+`)?)", last)
        heading = f"### {when.group(1)}" if when else "### An earlier run"
        earlier = f"{heading}\n\n{last.strip()}\n\n{kept}".strip() + "\n"
    return (
        f"{TITLE}\n{latest.strip()}\n\n{COLUMNS}\n"
        "What each column measures, for each archive size:\n"
        f"{measured}\n\n"
        "Times are medians of the rounds: each builds cold, the floor, warm and after an "
        "edit in turn, or only once where a cold build takes over a minute. "
        "Ratios compare with the floor measured in the same run, because this machine is "
        "shared and its speed varies from run to run.\n\n"
        f"{EARLIER}\n{earlier}"
    )


def commit() -> str:
    """The code measured: the repository's commit, marked when files differ from it."""
    root = Path(__file__).resolve().parent.parent

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    revision = git("rev-parse", "--short", "HEAD") or "unknown code"
    return revision + (
        " with changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    )


if __name__ == "__main__":
    main()
