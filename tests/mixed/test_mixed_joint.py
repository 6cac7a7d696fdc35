"""Mixed-methods joint display on synthetic survey scores and interview codes."""

import warnings

import numpy as np
import pandas as pd
import pytest

from onex_research.mixed.joint import (
    CONSTRUCT_MAP,
    THEMES,
    JointDisplayError,
    joint_display,
)

ROLES = ["学生", "教师", "管理人员", "企业人员"]
CONSTRUCTS = sorted(set(CONSTRUCT_MAP.values()))


def _survey(rng, effects, n_per_role=60):
    rows = []
    for role, eff in effects.items():
        x = 3 + eff + rng.normal(0, 0.6, n_per_role)
        rows.append(pd.DataFrame({"role": role, **{c: x + rng.normal(0, 0.1, n_per_role) for c in CONSTRUCTS}}))
    return pd.concat(rows, ignore_index=True)


def _interviews(per_role=5):
    ids = [(f"{r}{i}", r) for r in ("S", "T", "A", "E") for i in range(per_role)]
    role = {"S": "学生", "T": "教师", "A": "管理人员", "E": "企业人员"}
    return pd.DataFrame({"interview_id": [i for i, _ in ids], "role": [role[r] for _, r in ids]})


def _coded(interviews, k_by_role, codes=THEMES):
    """k_by_role: role -> number of that role's interviews that mention every code (twice)."""
    rows = []
    for role, k in k_by_role.items():
        ids = interviews.loc[interviews["role"] == role, "interview_id"].tolist()[:k]
        for iid in ids:
            for code in codes:
                for rep in range(2):
                    rows.append({"doc": len(rows), "code": code, "interview_id": iid, "role": role,
                                 "text": f"{role}{iid}说{code}方面的情况第{rep}次，" + "内容" * (5 + rep)})
    return pd.DataFrame(rows)


@pytest.fixture
def agree(rng):
    ivs = _interviews()
    sv = _survey(rng, {"学生": 0.2, "教师": 0.5, "管理人员": 0.8, "企业人员": -0.8})
    cod = _coded(ivs, {"学生": 2, "教师": 3, "管理人员": 4, "企业人员": 1})
    return sv, cod, ivs


def test_table_values(agree):
    sv, cod, ivs = agree
    jd = joint_display(sv, cod, ivs)
    t = jd.table
    assert len(t) == len(THEMES) * 4
    assert set(t["theme"]) == set(THEMES)
    assert t.loc[t["theme"] == "enterprise", "construct"].unique().tolist() == ["cooperation"]
    rec = t[t["theme"] == "recognition"].set_index("role")
    assert rec.index.tolist() == ROLES
    # survey mean and t interval
    x = sv.loc[sv["role"] == "教师", "recognition"]
    assert rec.loc["教师", "mean"] == pytest.approx(x.mean())
    assert rec.loc["教师", "n"] == 60
    half = 2.000995378 * x.std(ddof=1) / np.sqrt(60)  # qt(.975, 59)
    assert rec.loc["教师", "ci_high"] - rec.loc["教师", "mean"] == pytest.approx(half, rel=1e-6)
    # prevalence: % of the role's interviews with >= 1 hit (two hits count once)
    assert rec["n_coded"].tolist() == [2, 3, 4, 1]
    assert rec["prevalence"].tolist() == pytest.approx([0.4, 0.6, 0.8, 0.2])
    assert (rec["prevalence_ci_low"] <= rec["prevalence"]).all()
    assert (rec["prevalence_ci_high"] >= rec["prevalence"]).all()
    # Wilson interval for 2/5: R prop.test(2, 5, correct=FALSE)$conf.int
    assert rec.loc["学生", ["prevalence_ci_low", "prevalence_ci_high"]].tolist() == pytest.approx(
        [0.1176208, 0.7692757], abs=1e-6)
    assert rec["z_survey"].idxmin() == "企业人员" and rec["z_interview"].idxmax() == "管理人员"


def test_notes_when_strands_agree(agree):
    jd = joint_display(*agree)
    td = jd.for_theme("recognition")
    assert "两类数据都将企业人员排在社会认可的最低位" in td.note_zh
    assert "管理人员排在最高位" in td.note_zh
    assert td.note_en.startswith("Both strands rank enterprise staff lowest")
    assert td.rho == pytest.approx(1.0)
    assert "总体一致" in td.note_zh


def test_notes_when_strands_diverge(rng):
    ivs = _interviews()
    sv = _survey(rng, {"学生": 0.2, "教师": 0.9, "管理人员": 0.5, "企业人员": -0.8})
    cod = _coded(ivs, {"学生": 3, "教师": 0, "管理人员": 2, "企业人员": 5})
    td = joint_display(sv, cod, ivs).for_theme("quality")
    assert "问卷中教师评分最高，而访谈中教师提及最少" in td.note_zh
    assert "问卷中企业人员评分最低，而访谈中企业人员提及最多" in td.note_zh
    assert "survey rates certificate quality highest among teachers" in td.note_en
    assert td.rho < -0.6 and "方向相反" in td.note_zh and "salience" in td.note_en


def test_saturated_prevalence_compares_mentions(rng):
    """Every interview mentions the theme: rank roles by mentions per interview."""
    ivs = _interviews()
    sv = _survey(rng, {"学生": 0.2, "教师": 0.5, "管理人员": 0.8, "企业人员": -0.8})
    cod = _coded(ivs, {"学生": 5, "教师": 5, "管理人员": 5, "企业人员": 5})
    extra = cod[cod["role"].isin(["管理人员"])].assign(text=lambda d: d["text"] + "又说")
    more = pd.concat([cod, extra, extra.assign(text=lambda d: d["text"] + "再说")], ignore_index=True)
    t = joint_display(sv, more, ivs).table
    rec = t[t["theme"] == "recognition"].set_index("role")
    assert rec["prevalence"].tolist() == [1.0] * 4
    assert rec["mentions_per_interview"].tolist() == [2.0, 2.0, 6.0, 2.0]
    td = joint_display(sv, more, ivs).for_theme("recognition")
    assert td.measure == "mentions_per_interview"
    fig = joint_display(sv, more, ivs).plot("recognition")
    assert [p.get_width() for p in fig.axes[1].patches] == pytest.approx([2, 2, 6, 2])
    assert "提及次数" in fig.axes[1].get_xlabel()
    note = td.note_zh
    assert note.startswith("各角色提及率均≥80%，故按每次访谈的提及次数比较")
    assert "管理人员排在社会认可的最高位" in note
    plain = joint_display(sv, more, ivs, saturation=None).for_theme("recognition").note_zh
    assert "提及次数" not in plain and "最高位" not in plain


def test_quotes(agree):
    jd = joint_display(*agree, n_quotes=2)
    q = jd.for_theme("teachers").quotes
    assert len(q) == 2
    assert q["role"].nunique() == 2  # different roles first
    assert all("teachers" in text for text in q["text"])
    assert set(q.columns) == {"interview_id", "role", "text"}
    assert len(jd.quotes) == 2 * len(THEMES)
    # the quotes are text.exemplars' (one definition of an exemplar): within the length window
    longest = max(len(t) for t in q["text"])
    none_fit = joint_display(*agree, n_quotes=1, quote_length=(1, 6)).for_theme("teachers").quotes
    assert none_fit.empty
    window = joint_display(*agree, n_quotes=2, quote_length=(1, longest)).for_theme("teachers").quotes
    assert (window["text"].str.len() <= longest).all() and len(window) == 2


def test_for_theme_frame_and_notes(agree):
    td = joint_display(*agree).for_theme("enterprise")
    f = td.to_frame()
    assert f.index.name == "role" and f.index.tolist() == ROLES
    assert list(f.columns) == ["n", "mean", "ci_low", "ci_high", "n_interviews", "n_coded",
                               "prevalence_pct", "mentions_per_interview"]
    assert f["prevalence_pct"].tolist() == [40.0, 60.0, 80.0, 20.0]
    assert td.notes.startswith(td.note_zh + "典型引述：“") and td.notes.count("”（") == 2
    assert "企业参与" in td.caption_zh
    with pytest.raises(KeyError, match="unknown theme"):
        joint_display(*agree).for_theme("government")


def test_maps_roles_and_aliases(rng):
    ivs = _interviews()
    ivs["role"] = ivs["role"].replace({"企业人员": "企业导师"})
    sv = _survey(rng, {"学生": 0, "教师": 0, "管理人员": 0, "企业人员": 0})
    cod = _coded(_interviews(), {"学生": 1, "企业人员": 2}, codes=["coop_talk"])
    jd = joint_display(sv, cod, ivs, themes=["enterprise"], code_map={"enterprise": "coop_talk"},
                       roles=["企业人员", "学生"])
    t = jd.table.set_index("role")
    assert t.index.tolist() == ["企业人员", "学生"]
    assert t.loc["企业人员", "n_coded"] == 2 and t.loc["企业人员", "n_interviews"] == 5
    assert jd.excluded == {"survey rows of roles not shown": 120, "interviews of roles not shown": 10}


def test_errors(agree):
    sv, cod, ivs = agree
    with pytest.raises(JointDisplayError, match=r"survey_scores lacks column\(s\) \['cooperation'\]"):
        joint_display(sv.drop(columns="cooperation"), cod, ivs)
    with pytest.raises(JointDisplayError, match="not in interviews: \\['X9'\\]"):
        joint_display(sv, pd.concat([cod, pd.DataFrame({"code": ["quality"], "interview_id": ["X9"]})]), ivs)
    clash = pd.concat([ivs, ivs.iloc[:1].assign(role="教师")])
    with pytest.raises(JointDisplayError, match=r"several roles for interview_id\(s\): \['S0'\]"):
        joint_display(sv, cod, clash)
    # a table of turns (one row per turn) works as the list of interviews
    turns = pd.concat([ivs, ivs, ivs], ignore_index=True)
    pd.testing.assert_frame_equal(joint_display(sv, cod, turns).table, joint_display(sv, cod, ivs).table)
    with pytest.warns(UserWarning, match=r"code\(s\) \['nope'\] have no hits"):
        joint_display(sv, cod, ivs, themes=["quality"], code_map={"quality": "nope"})


def test_missing_roles_are_counted_not_dropped_silently(agree):
    sv, cod, ivs = agree
    sv = sv.copy()
    sv.loc[:4, "role"] = None
    jd = joint_display(sv, cod, ivs)
    assert jd.excluded == {"survey rows without a role": 5}
    assert jd.table.loc[jd.table["theme"] == "quality", "n"].sum() == len(sv) - 5


def test_plot_has_chinese_labels_and_no_missing_glyphs(agree, tmp_path):
    from onex_research.plotting.figures import save_figure

    jd = joint_display(*agree)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = jd.plot("recognition")
        fig.canvas.draw()
        save_figure(fig, tmp_path / "rec", formats=("png",), dpi=50)
    a1, a2 = fig.axes[:2]
    assert [t.get_text() for t in a1.get_yticklabels()] == ROLES
    assert a1.get_xlabel() == "问卷均值（95% CI）" and "提及率" in a2.get_xlabel()
    assert len(a2.patches) == 4
    assert [p.get_width() for p in a2.patches] == pytest.approx([40, 60, 80, 20])
    assert "社会认可" in fig.get_suptitle()
    en = jd.plot("recognition", lang="en")
    assert en.axes[0].get_xlabel() == "Survey mean (95% CI)"
