"""onex_research.text.coding: frame loading, hits, matrices, exemplars, kappa, planted-theme F1."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from onex_research.paths import CORPUS
from onex_research.simulate import simulate_corpus
from onex_research.text import (CodingFrameError, code, code_cooccurrence, code_matrix, coding_f1,
                                exemplars, interviewee_turns, kappa, load_frame, read_transcripts,
                                split_sentences)

CODES = ["recognition", "motivation", "execution", "resources", "quality", "teachers", "enterprise",
         "government"]


@pytest.fixture(scope="module")
def frame():
    return load_frame(CORPUS / "coding_frame.yaml")


def test_frame_has_the_eight_codes(frame):
    assert frame.names == CODES
    for c in frame.codes:
        assert c.label_zh and c.label_en and (c.keywords or c.patterns)
    assert list(frame.to_frame().columns[:3]) == ["code", "label_zh", "label_en"]


@pytest.mark.parametrize("yaml_text, words, line", [
    ("codes: {}\n", "at least one code", 1),
    ("codes:\n  a:\n    label_zh: 甲\n    keywords: [x]\n", "label_en", 2),
    ("codes:\n  a:\n    label_zh: 甲\n    label_en: A\n", "neither keywords nor patterns", 2),
    ("codes:\n  a:\n    label_zh: 甲\n    label_en: A\n    patterns: ['(']\n", "not a valid regular", 2),
    ("codes: [\n", "not valid YAML", None),
])
def test_bad_frames_name_file_and_line(tmp_path, yaml_text, words, line):
    p = tmp_path / "frame.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CodingFrameError) as info:
        load_frame(p)
    assert "frame.yaml" in str(info.value) and words in str(info.value)
    if line:
        assert f"line {line}" in str(info.value)


def test_code_one_row_per_hit(frame):
    texts = ["学生不太了解1+X证书。企业不认可，政府补贴不够！", "嗯，这个问题我想一想。", "经费和设备都缺。"]
    hits = code(texts, frame)
    assert {"doc", "code", "unit", "sentence", "match", "text"} <= set(hits.columns)
    got = set(zip(hits["doc"], hits["sentence"], hits["code"]))
    assert got == {(0, 0, "recognition"), (0, 1, "recognition"), (0, 1, "enterprise"),
                   (0, 1, "government"), (2, 0, "resources")}
    turns = code(texts, frame, unit="turn")
    assert set(turns["unit"]) == {0} and set(turns["doc"]) == {0, 2}
    with pytest.raises(ValueError):
        code(texts, frame, unit="page")


def test_exclusions_mask_keywords(frame):
    assert code(["他在事业单位上班。"], frame).empty
    assert "enterprise" in set(code(["他在企业上班。"], frame)["code"])


def test_split_sentences():
    assert split_sentences("第一句。第二句！第三句？\n第四句") == ["第一句。", "第二句！", "第三句？", "第四句"]


@pytest.fixture(scope="module")
def planted():
    return simulate_corpus(24, seed=3)


def test_coding_f1_on_planted_themes(frame, planted):
    iv = planted.transcripts[planted.transcripts["speaker"] == "受访者"].reset_index(drop=True)
    hits = code(iv, frame)
    s = planted.sentences
    truth = s.assign(code=s["themes"].str.split(";")).explode("code")
    truth = truth[truth["code"].fillna("") != ""]
    f1 = coding_f1(hits, truth, keys=("interview_id", "turn", "sentence")).set_index("code")
    assert f1.loc["micro", "f1"] >= 0.9
    assert (f1.loc[CODES, "f1"] >= 0.8).all(), f1


def test_matrix_cooccurrence_exemplars(frame, planted):
    iv = planted.transcripts[planted.transcripts["speaker"] == "受访者"].reset_index(drop=True)
    hits = code(iv, frame)
    m = code_matrix(hits, iv, frame=frame)
    assert len(m) == 8 * iv["role"].nunique()
    assert m["pct_interviews"].between(0, 100).all()
    assert m["hits"].sum() == len(hits)
    teach = m[(m.code == "teachers")].set_index("group")["hits"]
    assert teach["教师"] == teach.max()  # teachers talk most about teachers (planted)
    co = code_cooccurrence(hits, frame=frame)
    assert co.shape == (8, 8) and (co.to_numpy() == co.to_numpy().T).all()
    per_unit = hits.drop_duplicates(["doc", "unit", "code"]).groupby("code").size()
    assert co.loc["quality", "quality"] == per_unit["quality"]
    ex = exemplars(hits, n=2, frame=frame)
    assert set(ex["code"]) == set(CODES)
    assert not ex.duplicated(["code", "interview_id"]).any()
    assert ex[["interview_id", "role", "quote"]].notna().all().all()


def test_kappa_matches_sklearn(rng):
    units = pd.DataFrame({"interview_id": np.repeat(["A", "B", "C"], 20), "turn": np.tile(np.arange(20), 3)})
    a = units.sample(25, random_state=1).assign(code="x")
    b = units.sample(25, random_state=2).assign(code="x")
    both = pd.concat([a.assign(code="y").head(10), b.assign(code="y").head(10)])
    out = kappa(pd.concat([a, both.head(10)]), pd.concat([b, both.tail(10)]), units=units).set_index("code")
    for c, (x_rows, y_rows) in {"x": (a, b), "y": (both.head(10), both.tail(10))}.items():
        key = list(zip(units.interview_id, units.turn))
        x = [k in set(zip(x_rows.interview_id, x_rows.turn)) for k in key]
        y = [k in set(zip(y_rows.interview_id, y_rows.turn)) for k in key]
        assert out.loc[c, "kappa"] == pytest.approx(cohen_kappa_score(x, y), abs=1e-12)
        assert out.loc[c, "n"] == 60


def test_kappa_rejects_unknown_units():
    units = pd.DataFrame({"interview_id": ["A"], "turn": [2]})
    with pytest.raises(ValueError, match="not among"):
        kappa(units.assign(code="x"), pd.DataFrame({"interview_id": ["Z"], "turn": [2], "code": ["x"]}),
              units=units)


def test_kappa_against_the_manual_coding(frame):
    manual = pd.read_csv(CORPUS / "manual_coding.csv", dtype={"interview_id": str})
    iv = interviewee_turns(read_transcripts(CORPUS / "transcripts"))
    units = iv[iv["interview_id"].isin(manual["interview_id"].unique())]
    k = kappa(code(units, frame), manual, units=units, codes=CODES)
    assert list(k["code"]) == CODES
    assert k["kappa"].between(-1, 1).all()
    assert k["kappa"].mean() > 0.3  # clearly better than chance


def test_kappa_from_path_and_whole_corpus_units(frame, tmp_path):
    manual_path = CORPUS / "manual_coding.csv"
    iv = interviewee_turns(read_transcripts(CORPUS / "transcripts"))
    hits = code(iv, frame)
    k_all = kappa(hits, manual_path, units=iv, codes=CODES)  # restricted to the coded interviews
    manual = pd.read_csv(manual_path, dtype={"interview_id": str})
    units = iv[iv["interview_id"].isin(manual["interview_id"].unique())]
    pd.testing.assert_frame_equal(k_all, kappa(hits, manual, units=units, codes=CODES))
    with pytest.warns(UserWarning, match="no `units`"):
        k_rough = kappa(hits, manual, codes=CODES)
    assert (k_rough["n"] <= k_all["n"]).all()  # here every turn has an automatic code, so equal


def test_code_matrix_wilson_interval_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    from onex_research.text import code_matrix, wilson_interval

    for k, n in [(0, 8), (3, 8), (8, 8), (17, 40)]:
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((lo, hi), abs=1e-12)
    units = pd.DataFrame({"interview_id": ["a", "b", "c", "d"], "role": ["学生", "学生", "学生", "教师"]})
    hits = pd.DataFrame({"interview_id": ["a", "a", "b"], "role": "学生", "code": "x", "doc": [0, 0, 1],
                         "unit": [0, 1, 0]})
    m = code_matrix(hits, units, codes=["x", "y"]).set_index(["code", "group"])
    lo, hi = proportion_confint(2, 3, method="wilson")
    assert m.loc[("x", "学生"), "pct_interviews"] == pytest.approx(200 / 3)
    assert (m.loc[("x", "学生"), "pct_ci_low"], m.loc[("x", "学生"), "pct_ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    assert m.loc[("x", "学生"), "mentions_per_interview"] == 1.0 and m.loc[("y", "教师"), "interviews"] == 0
