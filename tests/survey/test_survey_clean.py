"""clean(): the rules against the simulator's truth, the invariant, reverse keying, the flow table."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onex_research.errors import OnexError
from onex_research.paths import DEFAULT_INSTRUMENT, DEFAULT_STUDY
from onex_research.survey import (CleanResult, clean, compare_with_truth, load_instrument,
                                  longest_run, read_export)

INS = load_instrument(DEFAULT_INSTRUMENT)


@pytest.fixture(scope="module", params=["wjx_text.xlsx", "wjx_codes.csv"])
def default_clean(request):
    raw = read_export(DEFAULT_STUDY / request.param, INS)
    return raw, clean(raw, INS)


# -- acceptance: the default study's planted dirt ------------------------------------
def test_default_study_rules_find_the_planted_dirt(default_clean):
    _, res = default_clean
    cmp = compare_with_truth(res, DEFAULT_STUDY / "truth_dirty.csv")
    for rule in ("duplicate", "attention", "out_of_range"):
        assert cmp.at[rule, "n_truth"] > 0
        assert cmp.at[rule, "recall"] == 1.0, cmp
    for rule in ("speeder", "straightliner"):
        assert cmp.at[rule, "n_truth"] > 0
        assert cmp.at[rule, "precision"] >= 0.95 and cmp.at[rule, "recall"] >= 0.95, cmp
    assert cmp.at["missing", "recall"] >= 0.95


def test_default_study_duplicates_name_the_original(default_clean):
    _, res = default_clean
    truth = pd.read_csv(DEFAULT_STUDY / "truth_dirty.csv")
    dup = truth[truth["rule"] == "duplicate"].set_index("序号")["value"].astype(int)
    got = res.exclusions[res.exclusions["rule"] == "duplicate"].set_index("respondent_id")["detail"]
    for rid, original in dup.items():
        assert f"respondent_id {original}" in got[rid]
        assert original not in set(res.exclusions.loc[res.exclusions["rule"] == "duplicate", "respondent_id"])


def test_default_study_invariant_and_flow(default_clean):
    raw, res = default_clean
    kept, excl = set(res.data["respondent_id"]), set(res.exclusions["respondent_id"])
    assert kept | excl == set(raw["respondent_id"]) and not kept & excl
    flow = res.flow
    assert flow["n_remaining"].iloc[0] == len(raw)
    assert flow["n_remaining"].iloc[-1] == len(res.data) == len(raw) - flow["n_excluded"].sum()
    assert res.exclusions.groupby("respondent_id")["primary"].sum().eq(1).all()
    zh, en = res.flow_table("zh"), res.flow_table("en")
    assert list(zh.columns) == ["步骤", "标记人数", "剔除人数", "剩余人数", "规则设置"]
    assert list(en.columns) == ["step", "n_flagged", "n_excluded", "n_remaining", "setting"]
    assert "< 0.33 x median" in en.loc[en["step"].str.contains("speeder"), "setting"].iloc[0]
    assert zh["步骤"].iloc[0] == "原始答卷" and "重复提交" in set(zh["步骤"])
    assert en["step"].iloc[-1] == "Analysed" and en["n_remaining"].iloc[-1] == len(res.data)
    with pytest.raises(ValueError, match="lang"):
        res.flow_table("fr")
    assert "analysed" in repr(res) and "<table" in res._repr_html_()


def test_reverse_keying_and_categoricals(default_clean):
    raw, res = default_clean
    merged = res.data[["respondent_id", "rec4", "rec1", "role", "tenure"]].merge(
        raw[["respondent_id", "rec4", "rec1"]], on="respondent_id", suffixes=("", "_raw"))
    ok = merged["rec4_raw"].between(1, 5)
    assert (merged.loc[ok, "rec4"] == 6 - merged.loc[ok, "rec4_raw"]).all()
    ok1 = merged["rec1_raw"].between(1, 5)
    assert (merged.loc[ok1, "rec1"] == merged.loc[ok1, "rec1_raw"]).all()
    assert res.reversed_items == tuple(INS.reverse_items())
    assert isinstance(res.data["role"].dtype, pd.CategoricalDtype)
    assert list(res.data["role"].cat.categories) == INS.labels("role")
    assert list(res.data["tenure"].cat.categories) == INS.labels("tenure")


def test_out_of_range_cells_are_logged_and_blanked(default_clean):
    raw, res = default_clean
    ch = res.changes
    assert list(ch.columns) == ["respondent_id", "item", "old", "new", "reason"]
    assert len(ch) and (ch["reason"] == "out_of_range").all() and ch["new"].isna().all()
    for rid, item, old in ch[["respondent_id", "item", "old"]].itertuples(index=False):
        assert raw.loc[raw["respondent_id"] == rid, item].iloc[0] == old
        kept = res.data.loc[res.data["respondent_id"] == rid, item]
        assert kept.empty or kept.isna().all()


# -- the rules on hand-made data -------------------------------------------------------
def _frame(n, rng, ins=INS):
    """A raw frame as read_export returns it, careful answers with some variety."""
    it = ins.items
    cols = {"respondent_id": pd.array(np.arange(1, n + 1), dtype="Int64"),
            "submitted_at": pd.date_range("2024-05-12", periods=n, freq="min"),
            "duration_s": pd.array(rng.uniform(300, 600, n), dtype="Float64"),
            "ip_hash": pd.array([f"{i:016x}" for i in range(n)], dtype="string")}
    for c in it.index:
        t = it.at[c, "type"]
        if t == "multi":
            for k in range(1, ins.n_points(c) + 1):
                cols[f"{c}__{k}"] = pd.array(rng.integers(0, 2, n), dtype="Int64")
        elif t == "text":
            cols[c] = pd.array(["无"] * n, dtype="string")
        elif t == "attention":
            cols[c] = pd.array(np.full(n, it.at[c, "correct"]), dtype="Int64")
        else:
            cols[c] = pd.array(rng.integers(1, ins.n_points(c) + 1, n), dtype="Int64")
    return pd.DataFrame(cols)


def test_speeder_rule_and_its_setting(rng):
    raw = _frame(30, rng)
    raw.loc[3, "duration_s"] = 40.0
    res = clean(raw, INS)
    assert res.exclusions.query("rule == 'speeder'")["respondent_id"].tolist() == [4]
    assert "x median" in res.exclusions["detail"].iloc[0]
    assert clean(raw, INS, speeder_ratio=None).exclusions.query("rule == 'speeder'").empty
    assert len(clean(raw, INS, speeder_ratio=0.9).exclusions.query("rule == 'speeder'")) > 1


def test_straightliner_run_and_zero_variance(rng):
    raw = _frame(10, rng)
    lik = INS.likert_items
    need = int(np.ceil(0.6 * len(lik)))
    raw.loc[0, lik[:need]] = 3                         # a run of 60%
    raw.loc[1, lik[:need - 1]] = 3                     # one short of it
    raw.loc[1, lik[need - 1]] = 5
    raw.loc[2, lik] = 4                                # all the same
    raw.loc[2, lik[::3]] = pd.NA                       # ... with gaps
    res = clean(raw, INS, max_missing=None)
    got = res.exclusions.query("rule == 'straightliner'")
    assert got["respondent_id"].tolist() == [1, 3]
    assert f"run of {need} identical answers (code 3)" in got["detail"].iloc[0]
    assert "code 4 on all" in got["detail"].iloc[1]


def test_longest_run_skips_missing():
    x = np.array([[1, 1, np.nan, 1, 2], [1, 2, 1, 2, 1], [np.nan] * 5])
    run, code = longest_run(x)
    assert run.tolist() == [3, 1, 0] and code[0] == 1 and np.isnan(code[2])


def test_attention_rule(rng):
    raw = _frame(12, rng)
    raw.loc[2, "attn1"] = 2
    raw.loc[5, "attn1"] = pd.NA
    res = clean(raw, INS)
    assert res.exclusions.query("rule == 'attention'")["respondent_id"].tolist() == [3]
    assert res.exclusions["detail"].iloc[0] == "attn1: answered 2, correct is 4"
    strict = clean(raw, INS, attention_missing_fails=True)
    assert strict.exclusions.query("rule == 'attention'")["respondent_id"].tolist() == [3, 6]
    assert clean(raw, INS, attention=False).exclusions.empty


def test_duplicates_exact_and_same_ip(rng):
    raw = _frame(12, rng)
    cols = [c for c in raw.columns if c not in ("respondent_id", "submitted_at", "duration_s", "ip_hash")]
    raw.loc[7, cols] = raw.loc[2, cols].to_numpy()                 # exact copy, other IP
    raw.loc[9, cols] = raw.loc[4, cols].to_numpy()
    raw.loc[9, "rec1"] = raw.loc[4, "rec1"] % 5 + 1                # one change, same IP
    raw.loc[9, "ip_hash"] = raw.loc[4, "ip_hash"]
    raw.loc[10, cols] = raw.loc[5, cols].to_numpy()
    raw.loc[10, ["rec1", "rec2", "rec3"]] = (raw.loc[5, ["rec1", "rec2", "rec3"]] % 5 + 1).to_numpy()
    raw.loc[10, "ip_hash"] = raw.loc[5, "ip_hash"]                 # three changes: not a duplicate
    res = clean(raw, INS)
    dup = res.exclusions.query("rule == 'duplicate'").set_index("respondent_id")["detail"]
    assert dup.index.tolist() == [8, 10]
    assert dup[8] == "same answers as respondent_id 3"
    assert dup[10].startswith("same IP as respondent_id 5; 1 answer(s) differ (rec1)")
    assert clean(raw, INS, near_duplicate_max_diff=3).exclusions.query("rule == 'duplicate'").shape[0] == 3
    assert clean(raw, INS, duplicates=False).exclusions.empty


def test_duplicates_follow_submission_time_not_row_order(rng):
    raw = _frame(6, rng)
    cols = [c for c in raw.columns if c not in ("respondent_id", "submitted_at", "duration_s", "ip_hash")]
    raw.loc[1, cols] = raw.loc[4, cols].to_numpy()
    raw.loc[4, "submitted_at"] = pd.Timestamp("2024-01-01")        # row 5 was submitted first
    dup = clean(raw, INS).exclusions.query("rule == 'duplicate'")
    assert dup["respondent_id"].tolist() == [2] and dup["detail"].iloc[0].endswith("respondent_id 5")


def test_missing_rule_and_out_of_range_exclusion(rng):
    raw = _frame(10, rng)
    lik = INS.likert_items
    k = int(np.floor(0.3 * len(lik)))
    raw.loc[0, lik[:k]] = pd.NA                      # exactly 30%: kept
    raw.loc[1, lik[:k + 1]] = pd.NA                  # more than 30%: excluded
    raw.loc[2, "rec2"] = 7
    raw.loc[3, "role"] = 9
    raw.loc[4, "certificates__2"] = 2
    res = clean(raw, INS)
    assert res.exclusions.query("rule == 'missing'")["respondent_id"].tolist() == [2]
    assert sorted(zip(res.changes["respondent_id"], res.changes["item"])) == \
        [(3, "rec2"), (4, "role"), (5, "certificates__2")]
    assert res.data.loc[res.data["respondent_id"] == 4, "role"].isna().all()
    strict = clean(raw, INS, exclude_out_of_range=True)
    assert strict.exclusions.query("rule == 'out_of_range'")["respondent_id"].tolist() == [3, 4, 5]
    assert "rec2: code 7 outside 1..5" in strict.exclusions.query("rule == 'out_of_range'")["detail"].iloc[0]


def test_primary_rule_follows_order(rng):
    raw = _frame(8, rng)
    raw.loc[0, "duration_s"] = 10.0
    raw.loc[0, "attn1"] = 1
    a = clean(raw, INS)
    b = clean(raw, INS, order=("attention", "speeder", "duplicate", "straightliner", "missing"))
    prim = lambda r: r.exclusions.query("primary")["rule"].tolist()  # noqa: E731
    assert prim(a) == ["speeder"] and prim(b) == ["attention"]
    assert len(a.exclusions) == len(b.exclusions) == 2
    with pytest.raises(ValueError, match="unknown rule"):
        clean(raw, INS, order=("speedy",))


def test_clean_rejects_bad_input(rng):
    raw = _frame(5, rng)
    with pytest.raises(OnexError, match=r"no column\(s\) \['rec1'\]"):
        clean(raw.drop(columns=["rec1"]), INS)
    dup = raw.copy()
    dup.loc[1, "respondent_id"] = 1
    with pytest.raises(OnexError, match="unique"):
        clean(dup, INS)
    with pytest.raises(TypeError):
        clean(raw.to_numpy(), INS)


# -- the invariant, property-based -----------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 25), seed=st.integers(0, 2**32 - 1), p_na=st.floats(0, 0.9),
       n_copies=st.integers(0, 5), speeder=st.sampled_from([None, 1 / 3, 0.9]),
       share=st.sampled_from([None, 0.2, 0.6]), max_missing=st.sampled_from([None, 0.0, 0.3]),
       oor=st.booleans(), shared_ip=st.booleans())
def test_invariant_every_respondent_is_kept_or_excluded(n, seed, p_na, n_copies, speeder, share,
                                                        max_missing, oor, shared_ip):
    rng = np.random.default_rng(seed)
    raw = _frame(n, rng)
    lik = INS.likert_items
    x = raw[lik].to_numpy(dtype=float)
    x[rng.random(x.shape) < p_na] = np.nan
    if oor:
        x[rng.random(x.shape) < 0.05] = 7
    raw[lik] = pd.DataFrame(x, columns=lik).astype("Int64")
    raw["duration_s"] = pd.array(np.where(rng.random(n) < 0.3, np.nan, rng.uniform(10, 900, n)), dtype="Float64")
    if shared_ip:
        raw["ip_hash"] = pd.array(rng.choice(["a", "b"], n), dtype="string")
    if n_copies:
        copies = raw.iloc[rng.integers(0, n, n_copies)].copy()
        copies["respondent_id"] = pd.array(np.arange(n + 1, n + n_copies + 1), dtype="Int64")
        raw = pd.concat([raw, copies], ignore_index=True)
    res = clean(raw, INS, speeder_ratio=speeder, straightline_share=share, max_missing=max_missing,
                exclude_out_of_range=oor)
    assert isinstance(res, CleanResult)
    kept = set(res.data["respondent_id"])
    excluded = set(res.exclusions["respondent_id"])
    assert kept | excluded == set(raw["respondent_id"])
    assert not kept & excluded
    assert res.flow["n_remaining"].iloc[-1] == len(res.data)
    assert res.flow["n_excluded"].sum() == len(excluded)
    if n_copies and n >= 5:     # with fewer rows no answer varies: the duplicate guard holds back
        assert len(excluded) >= n_copies
    lik_out = res.data[lik].to_numpy(dtype=float, na_value=np.nan)
    assert np.all(np.isnan(lik_out) | ((lik_out >= 1) & (lik_out <= 5)))
