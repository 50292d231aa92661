"""Social card benchmark: time per card drawn (cold cache) and per card found in the cache.

    .venv/bin/python bench/bench_cards.py [--claims 2000] [--work /tmp/factcheck-cards]

Draws the card of every claim of a generated catalog (bench/make_corpus.py) into an empty
cache, then asks for every card again, as a rebuild with no changed claim does, and prints the
time per card of each pass (wall clock, and CPU time, which varies less on a busy machine)
and the cards' average size.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_corpus import make_catalog
from generator import cards
from generator.model import Catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/factcheck-cards"))
    arguments = parser.parse_args()
    catalog = Catalog.model_validate(make_catalog(arguments.claims), strict=False)
    shutil.rmtree(arguments.work, ignore_errors=True)
    count = len(catalog.claims)

    start, cpu = time.perf_counter(), time.process_time()
    built = cards.build_cards(catalog, arguments.work)
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    cards.build_cards(catalog, arguments.work)
    warm, warm_cpu = time.perf_counter() - start, time.process_time() - cpu

    size = sum(path.stat().st_size for path in built.values()) / count
    print(f"{count} cards, {size / 1024:.1f} KiB each on average")
    for name, wall, processor in (("cold", cold, cold_cpu), ("warm", warm, warm_cpu)):
        print(
            f"{name} cache: {wall / count * 1000:.3f} ms per card "
            f"({processor / count * 1000:.3f} ms CPU), {wall:.2f} s in all"
        )


if __name__ == "__main__":
    main()
