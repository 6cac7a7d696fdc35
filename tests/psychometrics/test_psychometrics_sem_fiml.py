"""Full-information ML (missing="fiml") against lavaan's missing = "ml" on the first 600 rows
of psychTools::bfi, A1-A5 and C1-C5 with their missing answers
(tests/reference/make_reference_sem.R)."""

import pandas as pd
import pytest

from onex_research.psychometrics import sem
from sem_reference import FIT_NAMES, LAV, REF, ROBUST_NAMES, assert_fit, assert_parameters


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "bfi.csv").iloc[:600]


def test_fiml_matches_lavaan_missing_ml(bfi):
    # R: cfa(model, data = bfi[1:600, ], missing = "ml")  (observed information)
    ref = LAV["bfi_fiml"]
    items = [f"{k}{i}" for k in "AC" for i in range(1, 6)]
    assert ref["n_incomplete"] > 0 and bfi[items].isna().any(axis=1).sum() == ref["n_incomplete"]
    res = sem(bfi, ref["model"], missing="fiml")
    assert_fit(res, ref, {k: v for k, v in FIT_NAMES.items() if k not in ("gfi", "agfi")})
    # GFI with missing data: lavaan weights by the missing-pattern expected information;
    # ours by the complete-data one at the EM moments (differs by 1e-5 here)
    assert res.fit["gfi"] == pytest.approx(ref["fit"]["gfi"], abs=1e-4)
    assert_parameters(res, ref)
    assert res.fit["n"] == 600 and len(res.excluded) == 0


def test_fiml_differs_from_listwise(bfi):
    ref = LAV["bfi_fiml"]
    with pytest.warns(UserWarning, match="rows dropped"):
        lw = sem(bfi, ref["model"])
    assert lw.fit["n"] == 600 - ref["n_incomplete"]
    assert abs(lw.fit["chi2"] - ref["fit"]["chisq"]) > 1


def test_fiml_mlr_matches_lavaan(bfi):
    # R: cfa(model, data = bfi[1:600, ], missing = "ml", estimator = "MLR")
    ref = LAV["bfi_fiml_mlr"]
    res = sem(bfi, ref["model"], missing="fiml", estimator="MLR")
    names = {k: v for k, v in {**FIT_NAMES, **ROBUST_NAMES}.items() if k not in ("gfi", "agfi")}
    # robust CFI/TLI/RMSEA: lavaan's FIML-corrected (V3) statistics
    assert_fit(res, ref, names, atol=1e-4)
    assert_parameters(res, ref)


def test_multigroup_fiml_mlr_matches_lavaan(bfi):
    # R: cfa(model, bfi[1:600, ], group = "gender", group.equal = "loadings",
    #        missing = "ml", estimator = "MLR")
    ref = LAV["bfi_fiml_groups"]
    res = sem(bfi, ref["model"], group="gender", group_equal="loadings", missing="fiml",
              estimator="MLR")
    assert res.groups == [1, 2]
    names = {k: v for k, v in {**FIT_NAMES, **ROBUST_NAMES}.items() if k not in ("gfi", "agfi")}
    assert_fit(res, ref, names)
    assert_parameters(res, ref)
