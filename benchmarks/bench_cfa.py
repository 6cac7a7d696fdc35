"""Benchmark: CFA 5 factors x 5 items on psychTools::bfi (2,800 x 25; 2,436 complete rows).

Target (issue 4): under 0.5 s. Run:  .venv/bin/python benchmarks/bench_cfa.py
"""

import statistics
import time
import warnings
from pathlib import Path

import pandas as pd

from onex_research.psychometrics import cfa, htmt

REF = Path(__file__).resolve().parents[1] / "tests" / "reference"
MODEL = {f: [f"{f[0].upper()}{k}" for k in range(1, 6)] for f in ["agree", "consc", "extra", "neuro", "open"]}


def bench(fun, repeat=15):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fun()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


if __name__ == "__main__":
    bfi = pd.read_csv(REF / "bfi.csv")
    warnings.simplefilter("ignore", UserWarning)   # the listwise-deletion notice
    print(f"cfa  bfi 5x5 (2800 x 25): median {bench(lambda: cfa(bfi, MODEL)) * 1000:.1f} ms (target < 500 ms)")
    print(f"htmt bfi 5x5 (2800 x 25): median {bench(lambda: htmt(bfi, MODEL)) * 1000:.1f} ms")
