"""The role comparison of notebook 03 (study.tables.group_tables): what it registers, and the
post-hoc test it chooses by Levene's test. The statistics themselves are checked against R in
tests/regression/test_regression_groups_tables.py."""

import re

import numpy as np
import pandas as pd
import pytest

from onex_research.paths import DEFAULT_STUDY
from onex_research.regression import compare_groups, games_howell, levene, tukey
from onex_research.report import Report
from onex_research.study import load_survey, tables


@pytest.fixture(scope="module")
def survey():
    return load_survey(DEFAULT_STUDY / "wjx_text.xlsx")


def _md(tmp_path, name):
    return (tmp_path / "tables" / f"nb__{name}.md").read_text(encoding="utf-8")


def test_group_tables_on_the_bundled_study(survey, tmp_path):
    rep = Report(tmp_path, notebook="nb")
    res = tables.group_tables(survey, rep)
    written = {p.stem.split("__")[1] for p in (tmp_path / "tables").glob("*.md")}
    # Levene's p is .26 (resources) and .18 (execution): Tukey HSD, under the names notebook 03 always used
    assert written == {"anova_by_role", "tukey_resources_by_role", "tukey_execution_by_role",
                       "crosstab_role_no_certificate", "chisq_role_no_certificate"}
    assert {c: r.method for c, r in res.posthoc.items()} == {"resources": "tukey", "execution": "tukey"}
    data = survey.data[["role"]].join(survey.scores)
    for c in ("resources", "execution"):
        assert res.posthoc[c].levene["p"] == pytest.approx(levene(data, c, "role")["p"], rel=1e-12)
        assert res.posthoc[c].levene["p"] > 0.05
        pd.testing.assert_frame_equal(res.posthoc[c].table, tukey(data, c, "role"))
    pd.testing.assert_frame_equal(res.anova, compare_groups(data, list(survey.scales), "role"))

    anova_md = _md(tmp_path, "anova_by_role")
    header = [h.strip() for h in anova_md.splitlines()[2].strip("|").split("|")]
    assert header[:5] == ["构念", "学生", "教师", "管理人员", "企业人员"]
    assert header[5:] == ["F", "df₁", "df₂", "p", "η²", "ω²", "Welch F", "Welch df₂", "Welch p", "Levene F", "Levene p"]
    assert "Brown–Forsythe" in anova_md and "ω²" in anova_md
    hsd_md = _md(tmp_path, "tukey_execution_by_role")
    assert re.search(r"Levene 检验.*F\(3, 524\) = 1\.65，p = 0\.177；p ≥ 0\.05，未见方差不齐，故采用 Tukey HSD", hsd_md)
    assert "| 管理人员-学生 " in hsd_md and "< 0.001" in hsd_md

    ct = res.crosstab
    assert ct.cramers_v_adj is not None and ct.cramers_v_adj < ct.cramers_v
    counts = pd.read_csv(tmp_path / "tables" / "nb__crosstab_role_no_certificate.csv", encoding="utf-8-sig", index_col=0)
    n_yes, n_no = counts.iloc[:, 1], counts.iloc[:, 0]
    np.testing.assert_allclose(counts.iloc[:, 2], 100 * n_yes / (n_yes + n_no), rtol=1e-6)   # row %
    assert re.search(r"\| 93\.8 +\|", _md(tmp_path, "crosstab_role_no_certificate"))         # one decimal
    chisq_md = _md(tmp_path, "chisq_role_no_certificate")
    assert "χ²" in chisq_md and "校正 Cramér's V" in chisq_md and "| 3 " in chisq_md
    for md in (tmp_path / "tables").glob("*.md"):
        rows = [line for line in md.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", rows[0]), (md.name, rows[0])


def test_group_tables_switches_to_games_howell_when_variances_differ(survey, tmp_path):
    # stretch the resources scores of teachers around their mean: same means, unequal spreads
    scores = survey.scores.copy()
    teacher = (survey.data["role"] == "教师").to_numpy()
    m = scores.loc[teacher, "resources"].mean()
    scores.loc[teacher, "resources"] = m + 3 * (scores.loc[teacher, "resources"] - m)
    stretched = survey.__class__(instrument=survey.instrument, data=survey.data, scores=scores)
    rep = Report(tmp_path, notebook="nb")
    res = tables.group_tables(stretched, rep, crosstab_column=None)
    data = stretched.data[["role"]].join(scores)
    assert levene(data, "resources", "role")["p"] < 0.001
    assert res.posthoc["resources"].method == "games_howell"
    assert res.posthoc["execution"].method == "tukey"
    pd.testing.assert_frame_equal(res.posthoc["resources"].table, games_howell(data, "resources", "role"))
    written = {p.stem.split("__")[1] for p in (tmp_path / "tables").glob("*.md")}
    assert written == {"anova_by_role", "games_howell_resources_by_role", "tukey_execution_by_role"}
    gh_md = _md(tmp_path, "games_howell_resources_by_role")
    assert re.search(r"Levene 检验.*，p < 0\.001；p < 0\.05，方差不齐，故采用 Games–Howell 检验", gh_md)
    assert "0.000" not in gh_md.split("注：")[1]
    anova_md = _md(tmp_path, "anova_by_role")
    assert "资金与资源投入）应以 Welch F 为准" in anova_md
    row = next(line for line in anova_md.splitlines() if line.startswith("| 资金与资源投入"))
    assert row.rstrip(" |").endswith("< 0.001")             # Levene p prints as a p-value
    assert not np.isnan(res.posthoc["resources"].table["dof"]).any()
