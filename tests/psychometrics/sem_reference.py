"""Shared lavaan fixtures and comparisons for the sem tests (not a test module)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REF = Path(__file__).resolve().parents[1] / "reference"
LAV = json.loads((REF / "lavaan_sem.json").read_text())
FIT_NAMES = {"chi2": "chisq", "dof": "df", "p": "pvalue", "cfi": "cfi", "tli": "tli", "nfi": "nfi",
             "ifi": "ifi", "gfi": "gfi", "agfi": "agfi", "rmsea": "rmsea",
             "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper", "srmr": "srmr",
             "aic": "aic", "bic": "bic", "logl": "logl", "n": "ntotal",
             "chi2_baseline": "baseline.chisq", "dof_baseline": "baseline.df"}
ROBUST_NAMES = {"chi2_scaled": "chisq.scaled", "scaling_factor": "chisq.scaling.factor",
                "chi2_baseline_scaled": "baseline.chisq.scaled", "cfi_robust": "cfi.robust",
                "tli_robust": "tli.robust", "rmsea_robust": "rmsea.robust"}


def assert_fit(res, ref, names=FIT_NAMES, atol=1e-4):
    for ours, theirs in names.items():
        want = ref["fit"][theirs]
        if want is None:                                   # lavaan: p is NA when df = 0
            assert np.isnan(res.fit[ours]), ours
            continue
        assert res.fit[ours] == pytest.approx(want, abs=atol, rel=1e-6), ours


def merged(res, ref):
    pe = pd.DataFrame(ref["parameters"])
    pe = pe[pe["op"] != ":="].assign(rhs=lambda d: d["rhs"].fillna(""))
    par = res.parameters.copy()
    if "group" in par:
        par["group"] = par["group"].map({g: k + 1 for k, g in enumerate(res.groups)})
    else:
        par["group"] = 1
    m = par.merge(pe, on=["lhs", "op", "rhs", "group"], suffixes=("", "_r"))
    assert len(m) == len(pe) == len(par)
    return m


def assert_parameters(res, ref, b_tol=1e-3, se_tol=1e-4):
    m = merged(res, ref)
    np.testing.assert_allclose(m["b"], m["est"], atol=b_tol)
    np.testing.assert_allclose(m["se"], m["se_r"].fillna(0), atol=se_tol)
    np.testing.assert_allclose(m["std"], m["std_r"], atol=1e-4)
    np.testing.assert_allclose(m["std_se"], m["std_se_r"].fillna(0), atol=1e-4)  # delta method
    np.testing.assert_allclose(m["ci_low"], m["ci.lower"], atol=b_tol)
    np.testing.assert_allclose(m["ci_high"], m["ci.upper"], atol=b_tol)
    free = m["se_r"].fillna(0) > 0
    np.testing.assert_allclose(m.loc[free, "z"], m.loc[free, "z_r"], atol=5e-3)
