"""Small timing harness for the benchmarks: latency percentiles, throughput, peak memory.

Every benchmark measures a baseline in the same run and prints ratios against it,
so figures compare across machines. Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

MEMORY_CALLS = 10


@dataclass
class Figures:
    name: str
    calls: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    peak_kib: float

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else float("inf")


def measure(name: str, operation: Callable[[int], object], calls: int) -> Figures:
    """Time ``operation(i)`` over ``calls`` calls, then trace peak memory over a few more.

    Memory is traced in a separate pass because tracemalloc slows every allocation.
    """
    latencies = []
    started = time.perf_counter()
    for i in range(calls):
        t0 = time.perf_counter()
        operation(i)
        latencies.append((time.perf_counter() - t0) * 1000)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for i in range(min(calls, MEMORY_CALLS)):
        operation(i)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Figures(name, calls, seconds, cuts[49], cuts[94], cuts[98], peak / 1024)


def report(title: str, baseline: Figures, *others: Figures) -> None:
    """Print a table of figures with each row's ratio against the baseline."""
    print(f"\n{title}")
    header = f"{'case':38} {'ops/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'peak KiB':>9}"
    print(header + f" {'time x baseline':>16}")
    for row in (baseline, *others):
        ratio = (row.seconds / row.calls) / (baseline.seconds / baseline.calls)
        print(
            f"{row.name:38} {row.per_second:10.0f} {row.p50_ms:8.3f} {row.p95_ms:8.3f} "
            f"{row.p99_ms:8.3f} {row.peak_kib:9.0f} {ratio:16.2f}"
        )
