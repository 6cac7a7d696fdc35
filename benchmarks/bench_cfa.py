"""Benchmark: CFA 5 factors x 5 items on psychTools::bfi (2,800 x 25; 2,436 complete rows),
HTMT on the same, and a 5,000-draw bootstrap mediation at n = 600.

Target (issue 4): under 0.5 s. Run:  .venv/bin/python benchmarks/bench_cfa.py
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from onex_research.psychometrics import cfa, htmt
from onex_research.regression import mediation

from _timing import median_time  # noqa: E402  (benchmarks/ is on sys.path)

REF = Path(__file__).resolve().parents[1] / "tests" / "reference"
MODEL = {f: [f"{f[0].upper()}{k}" for k in range(1, 6)] for f in ["agree", "consc", "extra", "neuro", "open"]}


if __name__ == "__main__":
    bfi = pd.read_csv(REF / "bfi.csv")
    warnings.simplefilter("ignore", UserWarning)   # the listwise-deletion notice
    print(f"cfa  bfi 5x5 (2800 x 25): median {median_time(lambda: cfa(bfi, MODEL)) * 1000:.1f} ms (target < 500 ms)")
    print(f"htmt bfi 5x5 (2800 x 25): median {median_time(lambda: htmt(bfi, MODEL)) * 1000:.1f} ms")
    rng = np.random.default_rng(1)
    x = rng.standard_normal(600)
    m = 0.5 * x + rng.standard_normal(600)
    df = pd.DataFrame({"x": x, "m": m, "y": 0.4 * m + 0.2 * x + rng.standard_normal(600),
                       "c1": rng.standard_normal(600), "c2": rng.standard_normal(600)})
    t = median_time(lambda: mediation(df, "x", "m", "y", covariates=["c1", "c2"], n_boot=5000, seed=1), 7)
    print(f"mediation n=600, 2 covariates, 5000 bootstrap draws: median {t * 1000:.1f} ms")
