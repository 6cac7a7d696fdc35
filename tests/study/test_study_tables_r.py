"""The reviewer's tables of the bundled study agree with R (issue 13).

Reference: ``tests/reference/make_reference_tables.R`` (psych::corr.test, psych::alpha, lm,
anova, car::vif) run on the CSV that ``tests/reference/make_study_frame.py`` writes. The
printed cells are compared with R's numbers printed the same way; the numbers behind them
with rtol 1e-8.
"""

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from onex_research.report import Report
from onex_research.study import tables

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "r_tables.json").read_text(encoding="utf-8"))


def _star(p):
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


@pytest.fixture(scope="module")
def frame_module():
    spec = importlib.util.spec_from_file_location("make_study_frame", REF / "make_study_frame.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def survey():
    from onex_research import study

    return study.load_survey(None, None)


@pytest.fixture(scope="module")
def rep(tmp_path_factory):
    return Report(tmp_path_factory.mktemp("tables"), notebook="t")


def test_the_fixture_was_made_from_this_study(frame_module, tmp_path):
    # the R script records the SHA-256 of the CSV it read; a changed study must re-run it
    frame, _ = frame_module.study_frame()
    path = tmp_path / "study.csv"
    frame.to_csv(path, index=False, float_format="%.17g", lineterminator="\n")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == R["csv_sha256"], ("the bundled study changed: re-run tests/reference/make_study_frame.py "
                                      "and make_reference_tables.R")


def test_correlation_table_matches_psych(survey, rep):
    # R: psych::corr.test(scores, adjust = "none"); colMeans; sd; psych::alpha(items)$total$raw_alpha
    ref = R["correlations"]
    table = tables.correlation_table(survey, rep)
    assert list(survey.scales) == ref["constructs"]
    np.testing.assert_allclose(table["mean"], ref["mean"], rtol=1e-10)
    np.testing.assert_allclose(table["sd"], ref["sd"], rtol=1e-10)
    r, p, k = np.array(ref["r"]), np.array(ref["p"]), len(ref["constructs"])
    for i in range(k):
        assert table.iat[i, 2 + i] == f"({ref['alpha'][i]:.2f})"
        for j in range(k):
            cell = table.iat[i, 2 + j]
            if j < i:
                assert cell == f"{r[i, j]:.2f}{_star(p[i, j])}", (i, j)
            elif j > i:
                assert cell == "", (i, j)


def _r_term(term, levels):
    for var, levs in levels.items():
        for lev in levs:
            if term == f"{var}{lev}":
                return f"C({var})[T.{lev}]"
    return "Intercept" if term == "(Intercept)" else term


@pytest.mark.parametrize("outcome", ["effectiveness", "intention"])
def test_hierarchical_models_side_by_side_match_lm(survey, rep, outcome):
    # R: lm() of each step, anova(step k-1, step k), SPSS Beta = b sd(x) / sd(y); car::vif
    from onex_research.study._labels import term_label

    ref = R["hierarchical"][outcome]
    levels = {c: list(survey.data[c].cat.categories) for c in survey.controls}
    res = tables.hierarchical_tables(survey, rep, outcome)
    assert [sum(map(len, ref["blocks"][:k + 1])) for k in range(len(ref["blocks"]))] == \
        [sum(map(len, b)) for b in (tables.predictor_blocks(survey, outcome)[:k + 1]
                                    for k in range(len(ref["blocks"])))]
    printed = pd.read_csv(rep.out_dir / "tables" / f"t__hierarchical_{outcome}_models.csv", encoding="utf-8-sig",
                          index_col=0, dtype=str, keep_default_na=False)
    assert list(printed.columns) == [f"模型 {k}" for k in range(1, len(ref["steps"]) + 1)]
    for k, step in enumerate(ref["steps"], start=1):
        ours = res.steps[k - 1]
        coefs = pd.DataFrame(step["coefficients"])
        coefs["term"] = [_r_term(t, levels) for t in coefs["term"]]
        coefs = coefs.set_index("term")
        mine = ours.table.loc[coefs.index]
        np.testing.assert_allclose(mine[["b", "se", "t", "p"]].to_numpy(float),
                                   coefs[["b", "se", "t", "p"]].to_numpy(float), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(mine["beta"].iloc[1:], coefs["beta"].iloc[1:], rtol=1e-8)
        fit = res.fit.loc[k]
        for ours_v, r_v in ((fit["r2"], step["r2"]), (fit["r2_change"], step["r2_change"]),
                            (fit["f_change"], step["f_change"]), (fit["p_change"], step["p_change"]),
                            (ours.f, step["f"]), (ours.f_p, step["f_p"])):
            assert ours_v == pytest.approx(r_v, rel=1e-8, abs=1e-300)
        col = printed[f"模型 {k}"]
        for term, row in coefs.iloc[1:].iterrows():
            assert col[term_label(term, survey)] == f"{row['beta']:.3f}{_star(row['p'])}", (k, term)
        assert col["R²"] == f"{step['r2']:.3f}"
        assert col["ΔR²"] == f"{step['r2_change']:.3f}{_star(step['p_change'])}"
        assert col["F"] == f"{step['f']:.3f}{_star(step['f_p'])}"
        assert col["ΔF"] == f"{step['f_change']:.3f}{_star(step['p_change'])}"
    # terms not yet entered print empty; the final step's GVIF is car::vif's
    assert printed.at[term_label("quality", survey), "模型 1"] == ""
    gvif = pd.DataFrame(ref["gvif"]).set_index("term")
    np.testing.assert_allclose(res.steps[-1].gvif.loc[gvif.index, ["gvif", "dof", "gvif_adj"]].to_numpy(float),
                               gvif[["gvif", "dof", "gvif_adj"]].to_numpy(float), rtol=1e-8)
    coef_csv = pd.read_csv(rep.out_dir / "tables" / f"t__hierarchical_{outcome}_coefficients.csv",
                           encoding="utf-8-sig", index_col=0)
    assert "vif" not in coef_csv.columns
    np.testing.assert_allclose(coef_csv.loc[[f"角色：{lev}" for lev in levels["role"][1:]], "gvif"],
                               gvif.at["role", "gvif"], rtol=1e-6)
    assert coef_csv.at[term_label("execution", survey), "gvif"] == pytest.approx(gvif.at["execution", "gvif"], rel=1e-6)


def test_correlation_table_can_carry_sqrt_ave(survey, tmp_path):
    # the diagonal: sqrt(AVE) of the CFA on the complete cases (semTools-style CR/AVE, tested elsewhere)
    from onex_research.psychometrics import cfa

    ave = cfa(survey.items.dropna(), survey.scales).reliability["ave"]
    table = tables.correlation_table(survey, Report(tmp_path, notebook="t"), diagonal="sqrt_ave")
    for i, c in enumerate(survey.scales):
        assert table.iat[i, 2 + i] == f"({np.sqrt(ave[c]):.2f})"
    assert "AVE 的平方根" in (tmp_path / "tables" / "t__correlations.md").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="diagonal"):
        tables.correlation_table(survey, Report(tmp_path, notebook="t"), diagonal="omega")
