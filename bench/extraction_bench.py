"""Throughput and memory of the readout extraction engine (not a test).

Run: .venv/bin/python bench/extraction_bench.py
Targets: at least 200 readouts per second on one core, under 200 MB peak memory.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from luoshi.extraction import extract, load_directory  # noqa: E402
from luoshi.extraction.readers import read_document  # noqa: E402

READOUTS = ROOT / "luoshi" / "extraction" / "tests" / "readouts"
CANONICAL = READOUTS / "en-liaoning-2022-10-07.txt"
TARGET_RATE = 200.0
TARGET_MB = 200.0
RUNS = 1000


def rate(texts: list[str], runs: int) -> float:
    directory = load_directory()
    # CPU time of this process: the machine may be shared, and the target is per core.
    start = time.process_time()
    for i in range(runs):
        extract(texts[i % len(texts)], None, directory)
    return runs / (time.process_time() - start)


def main() -> int:
    canonical = read_document(CANONICAL)
    dev = [read_document(p) for p in sorted(READOUTS.glob("*.txt"))]
    extract(canonical)  # warm up regex caches and the default directory

    canonical_rate = rate([canonical], RUNS)
    dev_rate = rate(dev, max(RUNS, len(dev)))

    tracemalloc.start()
    directory = load_directory()
    results = [extract(canonical, None, directory) for _ in range(RUNS)]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del results
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    peak_mb = peak / 1024 / 1024

    print(f"canonical readout ({len(canonical):,} chars) x {RUNS}: {canonical_rate:,.0f} readouts/s "
          f"({canonical_rate / TARGET_RATE:.1f}x the {TARGET_RATE:.0f}/s target)")
    print(f"dev set ({len(dev)} readouts, cycled {max(RUNS, len(dev))} times): {dev_rate:,.0f} readouts/s "
          f"({dev_rate / TARGET_RATE:.1f}x target)")
    print(f"memory for {RUNS} canonical extractions kept alive: tracemalloc peak {peak_mb:.1f} MB, "
          f"ru_maxrss {maxrss_mb:.1f} MB (target < {TARGET_MB:.0f} MB: "
          f"{maxrss_mb / TARGET_MB:.2f}x of the limit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
