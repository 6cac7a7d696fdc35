"""Assisted coding: coding sheets, agreement (kappa, Krippendorff's alpha), the code suggester."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score

from onex_research.paths import CORPUS
from onex_research.text import load_frame
from onex_research.text.agreement import coder_agreement, cohen_kappa, krippendorff_alpha
from onex_research.text.assist import (CodeSuggester, CodingSheetError, codebook_examples, cross_validate_suggester,
                                       export_coding_sheet, labels_to_matrix, read_coding_sheet)

HELDOUT = Path(__file__).resolve().parents[1] / "reference" / "heldout_coding.csv"


@pytest.fixture(scope="module")
def frame():
    return load_frame(CORPUS / "coding_frame.yaml")


@pytest.fixture(scope="module")
def heldout():
    return pd.read_csv(HELDOUT, keep_default_na=False)


def _fill(path, values):
    """values: {(excel_row, code): value}"""
    wb = load_workbook(path)
    ws = wb["coding"]
    header = [c.value for c in ws[1]]
    for (row, col), v in values.items():
        ws.cell(row=row, column=header.index(col) + 1, value=v)
    wb.save(path)


def test_export_has_context_codes_validation_and_codebook(tmp_path, frame):
    units = pd.DataFrame({"doc": [0, 0, 0, 1], "text": ["第一句。", "第二句。", "第三句。", "别的文档。"]})
    p = export_coding_sheet(units, frame, tmp_path / "sheet.xlsx")
    sheets = pd.read_excel(p, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
    coding, book = sheets["coding"], sheets["codebook"]
    assert list(coding.columns[:4]) == ["unit_id", "context_before", "text", "context_after"]
    assert list(coding.columns[4:-1]) == frame.names and coding.columns[-1] == "note"
    assert coding.loc[1, "context_before"] == "第一句。" and coding.loc[1, "context_after"] == "第三句。"
    assert coding.loc[3, "context_before"] == ""  # context stays inside its document
    assert list(book["code"]) == frame.names and (book["label_zh"] != "").all()
    assert load_workbook(p)["coding"].data_validations.dataValidation  # 0/1 only in Excel


def test_read_back_validates_and_marks_uncoded_rows(tmp_path, frame):
    p = export_coding_sheet(["甲。", "乙。", "丙。"], frame, tmp_path / "s.xlsx")
    _fill(p, {(2, "teachers"): 1, (2, "quality"): 0, (3, "government"): "x"})
    out = read_coding_sheet(p)
    assert list(out["coded"]) == [True, True, False]
    assert out.loc[0, "teachers"] == 1 and out.loc[1, "government"] == 1 and out[frame.names].to_numpy().sum() == 2
    _fill(p, {(4, "enterprise"): 2, (3, "resources"): "maybe"})
    with pytest.raises(CodingSheetError, match="2 bad cells") as err:
        read_coding_sheet(p)
    probs = err.value.problems
    assert set(zip(probs["excel_row"], probs["column"])) == {(4, "enterprise"), (3, "resources")}


def test_read_rejects_missing_codes_and_repeated_ids(tmp_path, frame):
    p = export_coding_sheet(pd.DataFrame({"id": ["a", "b"], "text": ["甲", "乙"]}), frame, tmp_path / "s.xlsx",
                            id_col="id")
    _fill(p, {(3, "unit_id"): "a"})
    with pytest.raises(CodingSheetError, match="repeated"):
        read_coding_sheet(p)
    with pytest.raises(CodingSheetError, match="lacks the columns"):
        read_coding_sheet(p, frame=frame.names + ["newcode"])


def test_krippendorff_alpha_matches_the_published_example():
    n = np.nan  # Krippendorff (2011), Computing Krippendorff's alpha-reliability, 4 coders x 12 units
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]
    for level, ref in (("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)):
        assert krippendorff_alpha(data, level=level) == pytest.approx(ref, abs=5e-4), level
    assert krippendorff_alpha([[1, 0, 1, 0], [1, 0, 1, 0]]) == 1.0
    assert np.isnan(krippendorff_alpha([[1, 1], [1, 1]]))


def test_kappa_per_code_matches_sklearn(rng):
    codes = ["a", "b", "c"]
    x = pd.DataFrame(rng.integers(0, 2, size=(60, 3)), columns=codes)
    flip = rng.random((60, 3)) < 0.2
    y = pd.DataFrame(np.where(flip, 1 - x.to_numpy(), x.to_numpy()), columns=codes)
    s1, s2 = x.assign(unit_id=range(60)), y.assign(unit_id=range(60))
    table = coder_agreement(s1, s2)
    for c in codes:
        assert table.at[c, "kappa"] == pytest.approx(cohen_kappa_score(x[c], y[c]))
        assert cohen_kappa(x[c], y[c]) == pytest.approx(cohen_kappa_score(x[c], y[c]))
    assert table.at["all", "alpha"] == pytest.approx(krippendorff_alpha(np.vstack([x.to_numpy().ravel(),
                                                                                  y.to_numpy().ravel()])))
    assert coder_agreement(s1, s1).loc[codes, "kappa"].eq(1).all()


def test_suggester_probabilities_and_review_queue(frame):
    ex = codebook_examples(frame)
    assert set(labels_to_matrix(ex["codes"]).columns) == set(frame.names)
    s = CodeSuggester().fit(ex["text"], ex["codes"])
    texts = ["企业派工程师来学校给学生上实训课。", "考试报名费太贵了，学校也没有经费买设备。", "今天天气不错。"]
    p = s.predict_proba(texts)
    assert list(p.columns) == s.codes_ and ((p >= 0) & (p <= 1)).all().all()
    assert p.loc[0].idxmax() == "enterprise" and p.loc[1].idxmax() == "resources"
    q = s.review_queue(texts)
    assert q["uncertainty"].is_monotonic_decreasing and set(q["unit"]) == {0, 1, 2}
    sug = s.suggest(texts)
    assert set(sug.columns) == {"unit", "code", "probability", "suggested"}
    assert sug[sug["suggested"]].groupby("unit")["code"].apply(set).get(0, set()) >= {"enterprise"}


def test_suggester_needs_enough_positives():
    with pytest.raises(ValueError, match="positive units"):
        CodeSuggester().fit(["甲", "乙", "丙", "丁", "戊", "己", "庚"], ["a", "", "", "", "", "", ""])


def test_cross_validated_suggester_beats_the_keyword_frame_on_heldout(heldout, frame):
    from onex_research.text import code, coding_f1

    cv = cross_validate_suggester(heldout["text"], heldout["codes"], extra=codebook_examples(frame), n_splits=3)
    assert list(cv.columns) == ["tp", "fp", "fn", "precision", "recall", "f1"]
    assert cv.loc["micro", ["tp", "fn"]].sum() == 320  # every true label counted once
    hits = code(list(heldout["text"]), frame, unit="turn")
    truth = (heldout.assign(doc=range(len(heldout)), code=heldout["codes"].str.split(";"))
             .explode("code").query("code != ''")[["doc", "code"]])
    keyword = coding_f1(hits, truth, keys=("doc",)).set_index("code").at["micro", "f1"]
    assert cv.at["micro", "f1"] >= 0.75 and cv.at["micro", "f1"] > keyword + 0.05
