"""The survey simulator: determinism, the planted dirt against its truth, the clean data's design."""

import io
import json
import re
import runpy

import numpy as np
import pandas as pd
import pytest

from onex_research.paths import DEFAULT_STUDY, PROJECT_ROOT
from onex_research.simulate import (DEFAULT_SEED, PLANT_ORDER, SKIP_CODE, SKIP_TEXT, DirtRates,
                                    export_wenjuanxin, extend_instrument, read_truth,
                                    read_truth_dirty, simulate_study, truth_loadings, write_study,
                                    write_wenjuanxin)
from onex_research.simulate._wjx import STUDY_FILES
from onex_research.survey import EXCLUSION_RULES, longest_run


@pytest.fixture(scope="session")
def study(instrument):
    return simulate_study(instrument, n=600, seed=DEFAULT_SEED, population_n=20_000)


@pytest.fixture(scope="session")
def likert(instrument):
    return [c for c in instrument.items.index if instrument.items.at[c, "type"] == "likert"]


def _keyed(study, instrument, likert, rows):
    x = study.responses.loc[rows, likert].astype(float)
    for c in instrument.reverse_items():
        x[c] = 6 - x[c]
    return x


# -- determinism ---------------------------------------------------------------------
def test_default_study_regenerates_byte_identical(tmp_path):
    script = PROJECT_ROOT / "scripts" / "make_default_study.py"
    runpy.run_path(str(script), run_name="not_main")["main"](["--out", str(tmp_path)])
    for name in STUDY_FILES:
        committed = (DEFAULT_STUDY / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, f"{name} differs from the committed default study"


def test_same_seed_same_study_other_seed_other_study(instrument):
    a = simulate_study(instrument, n=80, seed=5, population_n=0)
    b = simulate_study(instrument, n=80, seed=5, population_n=0)
    c = simulate_study(instrument, n=80, seed=6, population_n=0)
    pd.testing.assert_frame_equal(a.responses, b.responses)
    pd.testing.assert_frame_equal(a.dirty, b.dirty)
    assert not a.responses.equals(c.responses)


def test_xlsx_has_fixed_timestamps(study, tmp_path):
    import zipfile
    p1, p2 = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_wenjuanxin(study, p1)
    write_wenjuanxin(study, p2)
    assert p1.read_bytes() == p2.read_bytes()
    with zipfile.ZipFile(p1) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 5, 26, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2024-05-26T00:00:00Z" in core and str(pd.Timestamp.now().year + 1) not in core


# -- the truth lists every planted row ------------------------------------------------
def test_rates_give_the_configured_counts(instrument):
    rates = DirtRates(speeder=0.05, straightliner=0.04, attention=0.02, duplicate=0.03, missing=0.01,
                      partial_skip=0.1, out_of_range=0.02, pii=0.01)
    s = simulate_study(instrument, n=300, seed=11, rates=rates, population_n=0)
    expected = rates.counts(300)
    assert s.truth["planted_counts"] == expected
    assert s.n_rows == 300 + expected["duplicate"]
    assert s.truth["rates"] == rates.to_dict()
    assert len(s.dirty_rows("speeder")) == expected["speeder"]
    assert len(s.dirty_rows("duplicate")) == expected["duplicate"]
    assert len(s.dirty_rows("missing")) == expected["missing"]
    planted_attention = s.dirty[(s.dirty["rule"] == "attention") & ~s.dirty["detail"].str.startswith("incidental")]
    assert planted_attention["序号"].nunique() == expected["attention"]


def test_no_dirt_when_rates_are_zero(instrument):
    rates = DirtRates(**{k: 0.0 for k in DirtRates().to_dict()})
    s = simulate_study(instrument, n=100, seed=3, rates=rates, population_n=0)
    assert s.dirty.empty and s.n_rows == 100 and s.responses.notna().all().all()


def test_speeders_are_exactly_the_fast_rows(study):
    sec = study.meta["seconds"]
    speeders = study.dirty_rows("speeder")
    assert sorted(sec.index[sec < sec.median() / 3]) == speeders
    assert sec[speeders].max() <= 0.3 * 420 + 1
    assert sec.drop(speeders).min() >= 0.45 * 420 - 1


def test_straightliners_are_exactly_the_long_runs(study, likert):
    runs = pd.Series(longest_run(study.responses[likert].astype(float).to_numpy())[0], index=study.responses.index)
    m = len(likert)
    assert sorted(runs.index[runs >= 0.6 * m]) == study.dirty_rows("straightliner")
    others = runs.drop(study.dirty_rows("straightliner"))
    assert others.max() < 0.5 * m


def test_attention_failures_are_exactly_the_wrong_answers(study, instrument):
    item = instrument.attention_items[0]
    wrong = study.responses[item] != instrument.items.at[item, "correct"]
    assert sorted(study.responses.index[wrong]) == study.dirty_rows("attention")
    rows = study.dirty[study.dirty["rule"] == "attention"]
    assert (rows["item"] == item).all()
    assert (rows["value"].astype(int).to_numpy() == study.responses.loc[rows["序号"], item].to_numpy()).all()


def test_duplicates_copy_an_earlier_row(study, likert, instrument):
    meta = study.meta
    r = study.responses.astype("string").fillna("<NA>")
    rows = study.dirty[study.dirty["rule"] == "duplicate"]
    assert len(rows) == study.truth["planted_counts"]["duplicate"] > 0
    n_exact = 0
    for seq, orig in zip(rows["序号"], rows["value"].astype(int)):
        assert orig < seq
        assert meta.at[orig, "submitted"] != meta.at[seq, "submitted"]
        diff = [c for c in r.columns if not r.at[seq, c] == r.at[orig, c]]
        if not diff:
            n_exact += 1
        else:
            assert 1 <= len(diff) <= 2 and set(diff) <= set(likert)
            assert meta.at[seq, "ip"] == meta.at[orig, "ip"]
            assert all(abs(int(r.at[seq, c]) - int(r.at[orig, c])) == 1 for c in diff)
        assert study.latent.at[seq, "copy_of"] == orig
    assert 0 < n_exact < len(rows)
    # no other pair of rows shares an answer vector
    key = r.agg("|".join, axis=1)
    copies = set(rows.loc[rows["detail"].str.startswith("exact"), "序号"])
    assert set(r.index[key.duplicated()]) == copies
    originals = study.dirty_rows("duplicate")
    assert not set(originals) & set(study.dirty.loc[study.dirty["rule"] != "duplicate", "序号"]) - set(originals)


def test_missing_and_partial_skips_are_exactly_the_gaps(study, likert):
    gaps = study.responses[likert].isna()
    share = gaps.mean(axis=1)
    assert sorted(share.index[share > 0.3]) == study.dirty_rows("missing")
    cells = {(s, c) for s, row in gaps.drop(study.dirty_rows("missing")).iterrows() for c in row.index[row]}
    truth = study.dirty[study.dirty["rule"] == "partial_skip"]
    assert cells == set(zip(truth["序号"], truth["item"]))
    assert share.drop(study.dirty_rows("missing")).max() <= 3 / len(likert)


def test_out_of_range_cells_are_logged_one_by_one(study, likert):
    v = study.responses[likert]
    bad = (v < 1) | (v > 5)
    cells = {(s, c, str(int(v.at[s, c]))) for s, row in bad.fillna(False).iterrows() for c in row.index[row]}
    truth = study.dirty[study.dirty["rule"] == "out_of_range"]
    assert cells == set(zip(truth["序号"], truth["item"], truth["value"])) and len(cells) > 0
    assert set(truth["value"].astype(int)) <= {0, 6, 9, 55}


def test_pii_is_planted_and_listed(study):
    rows = study.dirty[study.dirty["rule"] == "pii"]
    assert len(rows) >= 3 and {"name", "phone"} <= set(rows["detail"])
    assert {"qq", "wechat"} & set(rows["detail"])
    for seq, value in zip(rows["序号"], rows["value"]):
        assert value in study.responses.at[seq, "suggestion"]
    phones = study.responses["suggestion"].str.contains(r"1[3-9]\d{9}", regex=True)
    assert set(study.responses.index[phones]) == set(rows.loc[rows["detail"] == "phone", "序号"])
    assert (study.responses["suggestion"] == "").mean() > 0.1


def test_truth_files_read_back(study, tmp_path):
    paths = write_study(study, tmp_path)
    assert sorted(p.name for p in paths.values()) == sorted(STUDY_FILES)
    truth = read_truth(tmp_path)
    assert truth["_readme"] and truth["seed"] == DEFAULT_SEED and truth["n_rows"] == study.n_rows
    dirty = read_truth_dirty(tmp_path)
    assert list(dirty.columns) == ["序号", "rule", "item", "value", "detail"]
    pd.testing.assert_frame_equal(dirty, study.dirty.astype({"rule": object, "item": object, "value": object,
                                                             "detail": object}), check_dtype=False)
    assert set(dirty["rule"]) <= set(EXCLUSION_RULES) | {"partial_skip", "pii"}
    assert set(PLANT_ORDER) == set(EXCLUSION_RULES)
    for rule, rows in truth["dirty_rows"].items():
        assert rows == sorted(set(dirty.loc[dirty["rule"] == rule, "序号"]))
    latent = pd.read_csv(tmp_path / "truth_latent.csv")
    assert len(latent) == study.n_rows and {"序号", "role", "recognition", "intention"} <= set(latent.columns)


# -- the exports ---------------------------------------------------------------------
def test_codes_csv_is_gbk_wenjuanxin(study, instrument, tmp_path, likert):
    path = write_wenjuanxin(study, tmp_path / "codes.csv", answers="codes")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    df = pd.read_csv(io.BytesIO(raw), encoding="gbk", dtype=str, keep_default_na=False)
    headers = [instrument.header(c) for c in instrument.items.index]
    assert list(df.columns) == ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"] + headers
    assert "12(本题为注意力检测题，请选择“同意”)" in df.columns
    assert df["序号"].tolist() == [str(i) for i in range(1, study.n_rows + 1)]
    assert df["提交答卷时间"].str.fullmatch(r"2024/\d{1,2}/\d{1,2} \d{2}:\d{2}:\d{2}").all()
    assert pd.to_datetime(df["提交答卷时间"], format="%Y/%m/%d %H:%M:%S").is_monotonic_increasing
    assert df["所用时间"].str.fullmatch(r"\d+秒").all()
    assert df["来自IP"].str.fullmatch(r"\d+\.\d+\.\d+\.\d+\([^)]+-[^)]+\)").all()
    assert set(df["来源"]) == {"手机提交", "微信", "链接"}
    lik_cols = [instrument.header(c) for c in likert]
    assert (df[lik_cols] == str(SKIP_CODE)).to_numpy().sum() == study.responses[likert].isna().to_numpy().sum()
    cert = df[instrument.header("certificates")]
    assert cert.str.contains("┋").any() and cert.str.fullmatch(r"\d(┋\d)*").all()


def test_text_xlsx_holds_labels(study, instrument, tmp_path, likert):
    path = write_wenjuanxin(study, tmp_path / "text.xlsx", answers="text")
    df = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    codes = export_wenjuanxin(study, answers="codes")
    assert list(df.columns) == list(codes.columns)
    role = df[instrument.header("role")]
    assert (role.map({l: i + 1 for i, l in enumerate(instrument.labels("role"))})
            == study.responses["role"].to_numpy()).all()
    lik_cols = [instrument.header(c) for c in likert]
    cells = df[lik_cols].to_numpy()
    assert (cells == SKIP_TEXT).sum() == study.responses[likert].isna().to_numpy().sum()
    oor = study.dirty[study.dirty["rule"] == "out_of_range"]
    for seq, item, value in zip(oor["序号"], oor["item"], oor["value"]):
        assert df.loc[seq - 1, instrument.header(item)] == value
    labels = set(instrument.labels("rec1")) | {SKIP_TEXT} | set(oor["value"])
    assert set(np.unique(cells)) <= labels
    cert = df[instrument.header("certificates")]
    assert cert.str.contains("┋").any()
    assert set("┋".join(cert).split("┋")) <= set(instrument.labels("certificates"))


def test_spread_multi_select(study, instrument):
    df = export_wenjuanxin(study, answers="codes", multi="spread")
    labels = instrument.labels("certificates")
    cols = [f"6({lab})" for lab in labels]
    assert instrument.header("certificates") not in df.columns
    spread = df[cols].to_numpy()
    assert set(np.unique(spread)) == {0, 1} and (spread.sum(axis=1) >= 1).all()
    joined = study.responses["certificates"].str.split("┋")
    for i, codes in enumerate(joined):
        assert sorted(np.flatnonzero(spread[i]) + 1) == sorted(int(c) for c in codes)
    none = spread[:, -1] == 1
    assert (spread[none].sum(axis=1) == 1).all()


# -- the clean rows look as designed -------------------------------------------------
def test_clean_items_correlate_within_construct(study, instrument, likert):
    x = _keyed(study, instrument, likert, study.clean_rows())
    r = x.corr()
    for construct, items in instrument.construct_items().items():
        block = r.loc[items, items].to_numpy()
        assert block[np.triu_indices(len(items), 1)].min() > 0.2, construct
    raw = study.responses.loc[study.clean_rows(), ["rec1", "rec4"]].astype(float).corr().iat[0, 1]
    assert raw < -0.2  # reverse-keyed item loads negatively in the raw answers


def test_summary_counts_rows_per_rule(study):
    table = study.summary()
    assert list(table.columns) == ["rule", "rows", "cells"]
    assert table.set_index("rule").at["duplicate", "rows"] == study.truth["planted_counts"]["duplicate"]
    assert table.set_index("rule").at["out_of_range", "cells"] == (study.dirty["rule"] == "out_of_range").sum()
    assert "SurveyStudy" in study._repr_html_()


def test_truth_parameters_are_in_the_designed_ranges(study):
    t = study.truth
    load = truth_loadings(t)
    assert load.shape == (44, 12)
    own = load.to_numpy()[load.to_numpy() != 0]
    assert own.min() >= 0.6 and own.max() <= 0.85
    raw = truth_loadings(t, raw=True)
    assert (raw.loc["rec4"].min() < 0) and (raw.loc["rec1"].max() > 0)
    phi = pd.DataFrame(t["factor_correlations"]).to_numpy()
    off = phi[np.triu_indices(10, 1)]
    assert off.min() >= 0.2 and off.max() <= 0.5 and np.linalg.eigvalsh(phi).min() > 0
    for o in t["outcomes"]:
        g = np.array([t["structural_paths"][o][p] for p in t["predictors"]])
        assert abs(g @ phi @ g + t["residual_variances"][o] - 1) < 1e-5


def test_roles_and_demographics(study, instrument):
    r, lat = study.responses, study.latent
    share = r["role"].value_counts(normalize=True)
    assert abs(share[1] - 0.6) < 0.06 and abs(share[2] - 0.2) < 0.05
    students = r["role"] == 1
    assert r.loc[students, "tenure"].isin([1, 2, 3]).all() and r.loc[~students, "tenure"].isin([4, 5, 6]).all()
    assert r.loc[students, "certificates"].ne("8").mean() > r.loc[~students, "certificates"].ne("8").mean()
    assert not r["certificates"].str.contains(r"8┋|┋8", regex=True).any()
    means = lat.groupby("role")[["recognition", "execution", "resources", "motivation"]].mean()
    assert means.at["企业人员", "recognition"] < means.at["学生", "recognition"] - 0.2
    assert means.at["管理人员", "execution"] > means.at["学生", "execution"] + 0.2
    assert means.at["教师", "resources"] < means.at["学生", "resources"] - 0.15


def test_population_regression_is_the_estimand(instrument, likert):
    # a large clean sample from the same model (same seed -> same loadings) recovers it
    zero = DirtRates(**{k: 0.0 for k in DirtRates().to_dict()})
    big = simulate_study(instrument, n=40_000, seed=DEFAULT_SEED, rates=zero, population_n=60_000)
    t = big.truth
    reg = t["population_score_regression"]
    assert reg["n"] == 60_000 and reg["seed"] == [DEFAULT_SEED, 1]
    x = _keyed(big, instrument, likert, big.responses.index)
    scores = pd.DataFrame({c: x[i].mean(axis=1) for c, i in instrument.construct_items().items()})
    design = np.column_stack([np.ones(len(scores)), scores[t["predictors"]].to_numpy()])
    for o in t["outcomes"]:
        terms = reg[o]["terms"]
        assert list(terms) == ["Intercept"] + t["predictors"]
        b = np.linalg.lstsq(design, scores[o].to_numpy(), rcond=None)[0]
        pop = np.array([terms[k]["b"] for k in terms])
        # about 4 standard errors of the difference (sample 40k, population 60k)
        assert abs(b[0] - pop[0]) < 0.15, o
        assert np.abs(b[1:] - pop[1:]).max() < 0.03, o
        strong = max(t["predictors"], key=lambda p: t["structural_paths"][o][p])
        weak = min(t["predictors"], key=lambda p: t["structural_paths"][o][p])
        assert terms[strong]["beta"] > terms[weak]["beta"] + 0.1
        assert 0.15 < reg[o]["r2"] < 0.6
    # item-factor correlations: attenuated by the 5-point coding, close to the latent loading
    item_r = pd.Series(t["population_item_loadings"])
    lam = pd.Series({i: d["loading"] for i, d in t["loadings"].items()})
    assert list(item_r.index) == likert
    assert ((lam - item_r) > 0).all() and ((lam - item_r) < 0.1).all()
    f = big.latent[t["predictors"] + t["outcomes"]]
    for item in ("rec4", "eff1", "int3"):
        construct = t["loadings"][item]["construct"]
        assert abs(np.corrcoef(x[item], f[construct])[0, 1] - item_r[item]) < 0.02


def test_default_study_truth_matches_a_fresh_simulation(study):
    committed = read_truth()
    assert committed["seed"] == DEFAULT_SEED and committed["n"] == 600
    assert committed["loadings"] == json.loads(json.dumps(study.truth["loadings"]))
    assert committed["dirty_rows"] == study.truth["dirty_rows"]
    assert set(committed["population_score_regression"]) == {"n", "seed", "effectiveness", "intention"}


# -- other instruments and bad input ---------------------------------------------------
def test_extended_instrument_for_benchmarks(instrument):
    big = extend_instrument(instrument, 16)
    lik = [c for c in big.items.index if big.items.at[c, "type"] == "likert"]
    assert len(lik) == 60
    s = simulate_study(big, n=200, seed=1, population_n=0)
    df = export_wenjuanxin(s, answers="codes")
    assert df.shape[1] == 6 + len(big.items) and df.columns.is_unique
    assert "20(补充题1：关于社会认可度的陈述)" in df.columns


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 5}, "n must be an integer >= 20"),
    ({"rates": {"speeder": 0.1}}, "rates must be a DirtRates"),
])
def test_bad_arguments(instrument, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        simulate_study(instrument, population_n=0, **kwargs)


def test_bad_rates():
    with pytest.raises(ValueError, match="DirtRates.speeder"):
        DirtRates(speeder=1.5)
    with pytest.raises(ValueError, match="more than 0.8"):
        DirtRates(speeder=0.5, missing=0.4)


def test_bad_export_options(study, tmp_path):
    with pytest.raises(ValueError, match="answers must be"):
        export_wenjuanxin(study, answers="labels")
    with pytest.raises(ValueError, match=r"\.xlsx or \.csv"):
        write_wenjuanxin(study, tmp_path / "x.sav")


def test_any_instrument_without_demographics(tmp_path):
    from onex_research.instrument import load_instrument
    yaml_text = """
name: tiny
scales:
  agree7: [1, 2, 3, 4, 5, 6, 7]
constructs:
  trust: {label_zh: 信任, label_en: Trust}
  use: {label_zh: 使用, label_en: Use, role: outcome}
items:
""" + "".join(
        f"  - {{code: {c}{i}, question: {q}, sub: 子题{c}{i}, text_zh: 子题{c}{i}, text_en: x, construct: {con}, "
        f"scale: agree7, reverse: {str(i == 3).lower()}, type: likert}}\n"
        for q, (c, con) in enumerate([("t", "trust"), ("u", "use")], start=1) for i in (1, 2, 3))
    (tmp_path / "tiny.yaml").write_text(yaml_text, encoding="utf-8")
    tiny = load_instrument(tmp_path / "tiny.yaml")
    s = simulate_study(tiny, n=300, seed=4, population_n=5_000)
    assert s.truth["predictors"] == ["trust"] and s.truth["outcomes"] == ["use"]
    assert s.truth["thresholds"].keys() == {"7"}
    assert not (s.dirty["rule"] == "attention").any() and not (s.dirty["rule"] == "pii").any()
    v = s.responses.drop(index=s.dirty_rows("out_of_range")).stack()
    assert v.between(1, 7).all() and v.nunique() == 7
    write_study(s, tmp_path / "out")
    df = pd.read_csv(tmp_path / "out" / "wjx_codes.csv", encoding="gbk")
    assert list(df.columns[6:]) == [f"{q}(子题{c}{i})" for q, c in ((1, "t"), (2, "u")) for i in (1, 2, 3)]
