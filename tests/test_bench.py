"""The benchmark's report: BENCHMARKS.md keeps every earlier run when a new one is written."""

from __future__ import annotations

from datetime import date

from bench.bench_scale import report, run_report


def run(day: int, figure: str) -> str:
    table = f"| claims | cold build |\n| ---: | ---: |\n| 10,000 | {figure} |"
    return run_report(table, 3, date(2026, 11, day), f"c0ffee{day}")


def test_a_new_run_leads_and_the_runs_before_it_follow_newest_first() -> None:
    first = report(run(21, "70.7 s"), "")
    assert first.startswith("# Benchmarks\n\nMeasured on 2026-11-21, at `c0ffee21`, on ")
    assert "## What the columns measure" in first
    assert first.count("70.7 s") == 1

    second = report(run(22, "60.1 s"), first)
    third = report(run(23, "55.0 s"), second)
    latest, columns, earlier = third.partition("## What the columns measure\n")
    assert "55.0 s" in latest and "60.1 s" not in latest
    assert columns
    assert earlier.count("## What the columns measure") == 0
    assert earlier.count("## Earlier runs") == 1
    assert earlier.count("Archives come from") == 2
    # Each earlier run under its date, the newest first, with its own table and commit.
    headings = [line for line in earlier.splitlines() if line.startswith("### ")]
    assert headings == ["### 2026-11-22, at `c0ffee22`", "### 2026-11-21, at `c0ffee21`"]
    assert earlier.index("60.1 s") < earlier.index("`c0ffee21`") < earlier.index("70.7 s")


def test_notes_written_under_the_earlier_runs_by_hand_are_kept() -> None:
    before = report(run(21, "70.7 s"), "")
    before += "\n### Notes\n\nIndexing in shards costs time.\n"
    after = report(run(22, "60.1 s"), before)
    assert after.endswith("### Notes\n\nIndexing in shards costs time.\n")
    assert after.index("### 2026-11-21, at `c0ffee21`") < after.index("### Notes")
