"""score(), CSV/SAV export, missingness and the comparison with the truth."""

import matplotlib.figure
import numpy as np
import pandas as pd
import pyreadstat
import pytest

from onex_research.errors import OnexError
from onex_research.paths import DEFAULT_STUDY
from onex_research.survey import (clean, compare_with_truth, missingness, plot_missingness, read_export,
                                  score, to_csv, to_sav)


@pytest.fixture(scope="module")
def cleaned(instrument):
    raw = read_export(DEFAULT_STUDY / "wjx_codes.csv", instrument)
    return raw, clean(raw, instrument)


def test_score_is_the_mean_of_valid_items(instrument):
    items = instrument.construct_items("recognition")
    data = pd.DataFrame({"respondent_id": [1, 2, 3, 4]})
    vals = np.array([[1, 2, 3, 4], [5, np.nan, 3, np.nan], [2, np.nan, np.nan, np.nan], [4, 4, 4, 5]])
    for j, c in enumerate(items):
        data[c] = pd.array(vals[:, j], dtype="Float64").astype("Int64")
    for cons, its in instrument.construct_items().items():
        for c in its:
            if c not in data:
                data[c] = 3
    s = score(data, instrument)
    assert list(s.columns) == list(instrument.constructs.index) and s.index.name == "respondent_id"
    rec = s["recognition"]
    assert rec[1] == 2.5 and rec[2] == 4.0 and np.isnan(rec[3]) and rec[4] == 4.25   # min_valid = 2 of 4
    assert score(data, instrument, min_valid=1)["recognition"][3] == 2.0
    assert np.isnan(score(data, instrument, min_valid=1.0)["recognition"][2])
    assert np.isnan(score(data, instrument, min_valid={"recognition": 4})["recognition"][2])
    # not yet keyed: rec4 (reverse) becomes 6 - x
    raw_keyed = score(data, instrument, keyed=False)["recognition"]
    assert raw_keyed[1] == (1 + 2 + 3 + 2) / 4
    with pytest.raises(ValueError, match="min_valid"):
        score(data, instrument, min_valid=0)


def test_score_long_and_wide_agree(cleaned, instrument):
    _, res = cleaned
    wide = score(res.data, instrument)
    long = score(res.data, instrument, long=True)
    assert list(long.columns) == ["respondent_id", "construct", "score", "n_items", "n_valid", "min_valid"]
    assert len(long) == len(wide) * wide.shape[1]
    back = long.pivot(index="respondent_id", columns="construct", values="score")[wide.columns]
    np.testing.assert_allclose(back.to_numpy(), wide.to_numpy())
    # reverse-keyed items raise the construct correlations that the simulator built in
    assert wide.corr().to_numpy()[np.triu_indices(wide.shape[1], 1)].min() > 0


def test_score_refuses_out_of_range_codes(cleaned, instrument):
    raw, _ = cleaned
    with pytest.raises(OnexError, match="outside the scale.*run survey.clean"):
        score(raw, instrument)


def test_csv_export_is_deterministic_with_bom(cleaned, tmp_path):
    _, res = cleaned
    a, b = to_csv(res.data, tmp_path / "a.csv"), to_csv(res.data, tmp_path / "b.csv")
    assert a.read_bytes() == b.read_bytes() and a.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(a)
    assert back["role"].iloc[0] in ("学生", "教师", "管理人员", "企业人员")
    assert len(back) == len(res.data)


def test_sav_export_has_variable_and_value_labels(cleaned, tmp_path, instrument):
    _, res = cleaned
    path = to_sav(res.data, tmp_path / "clean.sav", instrument)
    df, meta = pyreadstat.read_sav(str(path))
    assert df.shape == res.data.shape
    labels = meta.column_names_to_labels
    assert labels["rec1"] == instrument.items.at["rec1", "text_zh"]
    assert labels["certificates__2"].endswith("：大数据应用开发(Python)")
    assert labels["respondent_id"] == "序号"
    assert meta.variable_value_labels["rec1"] == {1.0: "非常不同意", 2.0: "不同意", 3.0: "一般", 4.0: "同意",
                                                 5.0: "非常同意"}
    assert meta.variable_value_labels["role"][1.0] == "学生"
    role_codes = res.data["role"].cat.codes.to_numpy() + 1.0
    np.testing.assert_array_equal(df["role"].to_numpy(), np.where(role_codes == 0, np.nan, role_codes))
    np.testing.assert_array_equal(df["rec4"].to_numpy(), res.data["rec4"].to_numpy(dtype=float, na_value=np.nan))


def test_compare_with_truth_counts(cleaned):
    _, res = cleaned
    truth = pd.read_csv(DEFAULT_STUDY / "truth_dirty.csv")
    cmp = compare_with_truth(res, truth)
    assert list(cmp.columns) == ["level", "n_truth", "n_planted", "n_flagged", "tp", "fp", "fn", "precision",
                                 "recall", "recall_planted"]
    assert cmp.at["out_of_range", "level"] == "cell"
    assert (cmp["tp"] + cmp["fn"] == cmp["n_truth"]).all()
    # dropping a flagged speeder from the result turns recall below 1
    exc = res.exclusions[~((res.exclusions["rule"] == "speeder")
                           & (res.exclusions["respondent_id"] == res.exclusions.query("rule == 'speeder'")
                              ["respondent_id"].iloc[0]))]
    worse = compare_with_truth(type(res)(res.data, exc, res.changes, res.flow), truth)
    assert worse.at["speeder", "recall"] < 1 == cmp.at["speeder", "recall"]
    with pytest.raises(ValueError, match="lacks column"):
        compare_with_truth(res, truth.drop(columns=["rule"]))


def test_missingness_table_and_picture(cleaned, instrument):
    raw, _ = cleaned
    tab = missingness(raw, instrument)
    assert tab.index.name == "item" and "rec1" in tab.index
    assert tab.at["rec1", "n_missing"] == raw["rec1"].isna().sum()
    assert tab["share_missing"].between(0, 1).all()
    fig = plot_missingness(raw, instrument)
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 2
    img = fig.axes[0].images[0].get_array()
    assert img.shape == (len(raw), len(tab)) and img.sum() == tab["n_missing"].sum()

