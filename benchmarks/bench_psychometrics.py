"""Benchmark: reliability, KMO/Bartlett, EFA, omega and parallel analysis on psychTools::bfi
(2,800 x 25 with missing values, pairwise correlations).

Targets (issue 4): EFA (minres + oblimin, 5 factors) under 0.5 s; parallel analysis with
100 iterations under 5 s. Prints medians. Run:  .venv/bin/python benchmarks/bench_psychometrics.py
"""

from pathlib import Path

import pandas as pd

from onex_research.psychometrics import (bartlett, efa, kmo, omega, parallel_analysis,
                                         reliability)

from _timing import median_time  # noqa: E402  (benchmarks/ is on sys.path)

REF = Path(__file__).resolve().parents[1] / "tests" / "reference"


def main():
    bfi = pd.read_csv(REF / "bfi.csv").iloc[:, :25]
    rows = [
        ("reliability 5 items", lambda: reliability(bfi.iloc[:, :5], keys=["A1"]), 15, None),
        ("kmo + bartlett 25 items", lambda: (kmo(bfi), bartlett(bfi)), 15, None),
        ("efa minres+oblimin 5f", lambda: efa(bfi, 5), 15, 0.5),
        ("efa ml+promax 5f", lambda: efa(bfi, 5, method="ml", rotation="promax"), 15, 0.5),
        ("efa pa+varimax 5f", lambda: efa(bfi, 5, method="pa", rotation="varimax"), 15, 0.5),
        ("omega 5 group factors", lambda: omega(bfi, 5), 15, None),
        ("parallel analysis 100 iter", lambda: parallel_analysis(bfi, n_iter=100, seed=1), 5, 5.0),
    ]
    for name, fun, repeat, target in rows:
        med = median_time(fun, repeat)
        note = f"(target < {target * 1000:.0f} ms)" if target else ""
        print(f"{name:28s} 2800 x 25: median {med * 1000:8.1f} ms {note}")


if __name__ == "__main__":
    main()
