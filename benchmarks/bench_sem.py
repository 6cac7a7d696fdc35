"""Benchmark: sem() on PoliticalDemocracy (the lavaan tutorial model), the four invariance
levels on HolzingerSwineford1939 by school, and MLR against ML. Prints medians; not a test.

Targets (issue 12; lavaan measured in R on the same machine, warm: sem + fitMeasures 54 ms,
four invariance levels 372 ms): PoliticalDemocracy faster than semopy (ratio <= 1),
invariance <= 372 ms, MLR <= 2x ML. semopy (if installed) is timed on ``fit`` +
``calc_stats``. Run:  .venv/bin/python benchmarks/bench_sem.py
"""

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import pandas as pd

from onex_research.psychometrics import measurement_invariance, sem

from _timing import median_time  # noqa: E402  (benchmarks/ is on sys.path)

REF = Path(__file__).resolve().parents[1] / "tests" / "reference"
LAV = json.loads((REF / "lavaan_sem.json").read_text())
POLDEM = LAV["poldem"]["model"]
# semopy reads lavaan syntax but not ':=' lines
POLDEM_SEMOPY = "\n".join(line for line in POLDEM.splitlines() if ":=" not in line)


R_TIMING = r"""
suppressPackageStartupMessages(library(lavaan))
med <- function(f, k = 15) { f(); median(sapply(seq_len(k), function(i) system.time(f())[["elapsed"]])) }
pd <- PoliticalDemocracy
m <- readLines(file("stdin"))
poldem <- paste(m[seq_len(which(m == "----") - 1)], collapse = "\n")
hs_model <- paste(m[-seq_len(which(m == "----"))], collapse = "\n")
a <- med(function() fitMeasures(sem(poldem, data = pd)))
b <- med(function() fitMeasures(sem(poldem, data = pd, estimator = "MLR")))
eq <- list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts", "residuals"))
c4 <- med(function() lapply(eq, function(g) fitMeasures(cfa(hs_model, HolzingerSwineford1939,
                                                           group = "school", group.equal = g))), 5)
cat(sprintf("%.1f %.1f %.1f\n", 1000 * a, 1000 * b, 1000 * c4))
"""


def _lavaan_times():
    """Median ms of lavaan in R on this machine (PoliticalDemocracy ML, MLR, 4 invariance
    levels), or None without Rscript."""
    if not shutil.which("Rscript"):
        return None
    out = subprocess.run(["Rscript", "-e", R_TIMING], input=POLDEM + "\n----\n" + LAV["hs_configural"]["model"],
                         capture_output=True, text=True, timeout=600)
    try:
        return [float(v) for v in out.stdout.split()]
    except ValueError:
        return None


def _semopy(data, *, build=True):
    """semopy ``fit`` + ``calc_stats``; with ``build=False`` the Model is parsed once, outside
    the timing (as the issue's 27 ms figure)."""
    import semopy
    prebuilt = semopy.Model(POLDEM_SEMOPY)

    def run():
        m = semopy.Model(POLDEM_SEMOPY) if build else prebuilt
        m.fit(data)
        return semopy.calc_stats(m)
    return run


if __name__ == "__main__":
    warnings.simplefilter("ignore", UserWarning)
    lav = _lavaan_times()
    if lav:
        print(f"lavaan 0.6 in R, same machine: sem + fitMeasures {lav[0]:.1f} ms, MLR {lav[1]:.1f} ms, "
              f"four invariance levels {lav[2]:.1f} ms")
    else:
        print("Rscript/lavaan not available: lavaan figures are the issue's (54 ms, 372 ms)")
    pdem = pd.read_csv(REF / "PoliticalDemocracy.csv")
    hs = pd.read_csv(REF / "HolzingerSwineford1939.csv")
    ml = median_time(lambda: sem(pdem, POLDEM))
    print(f"sem PoliticalDemocracy (ML, fit + all indices + := effects): median {ml * 1000:.1f} ms "
          "(lavaan 54 ms)")
    try:
        sp_build = median_time(_semopy(pdem))
        sp = median_time(_semopy(pdem, build=False))
        stats = _semopy(pdem)()
        print(f"semopy Model() + fit + calc_stats, same model:            median {sp_build * 1000:.1f} ms")
        print(f"semopy fit + calc_stats (Model built once):               median {sp * 1000:.1f} ms "
              f"-> ratio ours/semopy {ml / sp:.2f} (target <= 1); semopy RMSEA "
              f"{float(stats['RMSEA'].iloc[0]):.5f} vs ours {sem(pdem, POLDEM).fit['rmsea']:.5f} "
              f"and lavaan {LAV['poldem']['fit']['rmsea']:.5f}")
    except ImportError:
        print("semopy is not installed (pip install semopy): no side-by-side figure")
    mlr = median_time(lambda: sem(pdem, POLDEM, estimator="MLR"))
    print(f"sem PoliticalDemocracy MLR: median {mlr * 1000:.1f} ms -> MLR/ML {mlr / ml:.2f} (target <= 2)")
    inv = median_time(lambda: measurement_invariance(hs, LAV["hs_configural"]["model"], "school"), 9)
    print(f"measurement_invariance HS1939 by school, 4 levels: median {inv * 1000:.1f} ms "
          "(lavaan 372 ms)")
    inv_r = median_time(lambda: measurement_invariance(hs, LAV["hs_configural"]["model"], "school",
                                                       estimator="MLR"), 5)
    print(f"measurement_invariance, MLR: median {inv_r * 1000:.1f} ms")
    bfi = pd.read_csv(REF / "bfi.csv").iloc[:600]
    fiml = median_time(lambda: sem(bfi, LAV["bfi_fiml"]["model"], missing="fiml"), 7)
    print(f"sem FIML bfi[1:600] 2 factors x 5 items: median {fiml * 1000:.1f} ms")
