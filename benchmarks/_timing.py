"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

import statistics
import time


def median_time(fn, repeats=15):
    """Median wall-clock seconds of ``fn()`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
