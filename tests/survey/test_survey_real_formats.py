"""What broke on real exports (issue 10, "Why"), one test each, on synthetic fixtures of those formats.

Instruments here are written by hand (not drafted), so each test checks the reader,
the rules or the writer on its own. Fixture formats: ``fixtures/SOURCES.md``.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from onex_research.errors import DuplicateHeaderError, InstrumentError, OnexError, WrongQuestionnaireError
from onex_research.instrument import load_instrument
from onex_research.survey import clean, read_export, score, to_sav

FIXTURES = Path(__file__).parent / "fixtures"


def _instrument(tmp_path, items, scales, constructs=None, **top):
    doc = {"name": "hand", "title_zh": "手写", "title_en": "by hand", **top, "scales": scales,
           "constructs": constructs or {}, "items": []}
    for spec in items:
        full = {"question": None, "sub": None, "text_en": "x", "construct": None, "scale": None,
                "reverse": False, "type": "single"}
        full.update(spec)
        doc["items"].append(full)
    path = tmp_path / "hand.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_instrument(path)


# -- headers the reader could not match ----------------------------------------------
def test_unnumbered_headers_are_matched_by_wording(tmp_path):
    ins = _instrument(tmp_path, [
        {"code": "gender", "text_zh": "您的性别", "scale": "gender"},
        {"code": "grade", "text_zh": "您所在的年级", "scale": "grade"},
        {"code": "sat", "text_zh": "您对学校1+X证书工作的满意程度", "scale": "sat5", "type": "likert"},
        {"code": "advice", "text_zh": "您还有什么建议", "type": "text"}],
        {"gender": ["男", "女"], "grade": ["一年级", "二年级", "三年级"],
         "sat5": ["非常不满意", "不满意", "一般", "满意", "非常满意"]})
    raw = read_export(FIXTURES / "jinshuju_unnumbered.xlsx", ins)
    src = pd.read_excel(FIXTURES / "jinshuju_unnumbered.xlsx", engine="openpyxl")
    assert len(raw) == 20
    assert [ins.labels("grade")[c - 1] for c in raw["grade"]] == src["您所在的年级"].tolist()
    assert raw["ip_region"].notna().all() and raw["ip_hash"].notna().all()      # 填写地区, IP


def test_sub_numbered_questions_stay_apart(tmp_path):
    ins = _instrument(tmp_path, [
        {"code": "age", "question": "1.1", "text_zh": "您的年龄", "type": "numeric"},
        {"code": "gender", "question": "1.2", "text_zh": "您的性别", "scale": "gender"},
        {"code": "nps", "question": 2, "text_zh": "您向同学推荐考证的可能性有多大（0-10分）", "scale": "nps",
         "type": "likert"},
        {"code": "effect", "question": 3, "text_zh": "1+X证书对就业的影响（-3=非常负面，3=非常正面）",
         "scale": "bipolar", "type": "likert"},
        {"code": "money", "question": 4, "text_zh": "您的月生活费（元）", "type": "numeric"}],
        {"gender": ["男", "女"], "nps": [str(i) for i in range(11)], "bipolar": {i: str(i) for i in range(-3, 4)}})
    assert ins.items.at["age", "question"] == "1.1" and ins.items.at["gender", "question"] == "1.2"
    raw = read_export(FIXTURES / "wjx_codes_0_10.csv", ins)
    src = pd.read_csv(FIXTURES / "wjx_codes_0_10.csv")
    assert raw["age"].tolist() == src["1.1、您的年龄"].astype(float).tolist()
    assert raw["gender"].tolist() == src["1.2、您的性别"].tolist()


def test_a_float_question_number_is_refused_not_truncated(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("name: f\nscales: {s: [a, b]}\nconstructs: {}\nitems:\n"
                    "  - {code: x, question: 1.1, sub: null, text_zh: t, text_en: t, construct: null, scale: s, "
                    "reverse: false, type: single}\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=re.escape('question: "1.1"')):
        load_instrument(path)


def test_repeated_headers_are_mapped_by_declared_position(tmp_path):
    ins = _instrument(tmp_path, [
        {"code": "role", "question": 1, "text_zh": "您的身份是", "scale": "role"},
        {"code": "province", "question": 2, "text_zh": "您所在的地区", "scale": "prov", "header": "Q2:您所在的地区",
         "position": 8},
        {"code": "city", "question": 2, "text_zh": "您所在的地区", "scale": "city", "header": "Q2:您所在的地区",
         "position": 9},
        {"code": "value", "question": 3, "text_zh": "学校重视1+X证书", "scale": "agree", "type": "likert"}],
        {"role": ["学生", "教师"], "prov": ["广东", "湖南"], "city": ["广州", "深圳", "长沙", "株洲"],
         "agree": ["非常不同意", "不同意", "一般", "同意", "非常同意"]})
    raw = read_export(FIXTURES / "tencent_cascade.csv", ins)
    src = pd.read_csv(FIXTURES / "tencent_cascade.csv", encoding="utf-8-sig")
    assert [ins.labels("city")[c - 1] for c in raw["city"]] == src.iloc[:, 8].tolist()
    assert [ins.labels("province")[c - 1] for c in raw["province"]] == src.iloc[:, 7].tolist()
    # 地理位置省 / 地理位置市 are the region; 编号 the id; 答题时长 the duration
    assert raw["ip_region"].tolist() == (src["地理位置省"] + "-" + src["地理位置市"]).tolist()
    assert raw["respondent_id"].tolist() == src["编号"].tolist()
    assert raw["duration_s"].tolist() == src["答题时长"].astype(float).tolist()


def test_wenjuanxin_native_sav_index_and_totalseconds(tmp_path):
    agree = ["非常不同意", "不同意", "一般", "同意", "非常同意"]
    ins = _instrument(tmp_path, [
        {"code": "gender", "question": 1, "text_zh": "您的性别", "scale": "gender"},
        {"code": "v1", "question": 2, "sub": "学校重视职业技能等级证书", "text_zh": "学校重视职业技能等级证书",
         "scale": "agree", "type": "likert", "construct": "value"},
        {"code": "v2", "question": 2, "sub": "考证对就业有帮助", "text_zh": "考证对就业有帮助", "scale": "agree",
         "type": "likert", "construct": "value"},
        {"code": "v3", "question": 2, "sub": "证书培训内容实用", "text_zh": "证书培训内容实用", "scale": "agree",
         "type": "likert", "construct": "value"},
        {"code": "nps", "question": 3, "text_zh": "您向同学推荐考证的可能性有多大（0-10）", "scale": "nps"}],
        {"gender": ["男", "女"], "agree": agree, "nps": [str(i) for i in range(11)]},
        {"value": {"label_zh": "价值", "label_en": "value", "role": None}})
    raw = read_export(FIXTURES / "wjx_native.sav", ins)        # names Q1, Q2_1 matched through their labels
    assert raw["respondent_id"].tolist()[:3] == [101, 102, 103]                 # index = 序号
    assert raw["duration_s"].iloc[:2].tolist() == [20, 25]                      # totalseconds = 所用时间
    res = clean(raw, ins)
    flow = res.flow.set_index("rule")
    assert flow.at["speeder", "n_flagged"] >= 2                                 # durations feed the speeder rule
    assert {101, 102} <= set(res.exclusions.query("rule == 'speeder'")["respondent_id"])


# -- scales with any integer codes -------------------------------------------------------
def test_0_10_codes_are_not_shifted_and_0_is_not_out_of_range(tmp_path):
    ins = _instrument(tmp_path, [
        {"code": "nps", "question": 2, "text_zh": "您向同学推荐考证的可能性有多大（0-10分）", "scale": "nps",
         "type": "likert", "construct": "rec"},
        {"code": "effect", "question": 3, "text_zh": "1+X证书对就业的影响（-3=非常负面，3=非常正面）",
         "scale": "bipolar", "type": "likert", "construct": "rec", "reverse": True}],
        {"nps": {0: "完全不可能", **{i: str(i) for i in range(1, 10)}, 10: "非常可能"},
         "bipolar": {i: str(i) for i in range(-3, 4)}},
        {"rec": {"label_zh": "推荐", "label_en": "rec", "role": None}},
        columns={"1.1、您的年龄": "ignore", "1.2、您的性别": "ignore", "4、您的月生活费（元）": "ignore"})
    raw = read_export(FIXTURES / "wjx_codes_0_10.csv", ins)
    src = pd.read_csv(FIXTURES / "wjx_codes_0_10.csv")
    assert raw["nps"].tolist() == src.iloc[:, 5].tolist()                        # 0 stays 0, 10 stays 10
    assert raw["effect"].tolist() == src.iloc[:, 6].tolist()                     # -3 and -2 are codes here
    res = clean(raw, ins, straightline_share=None)
    assert res.changes.empty                                                      # nothing blanked
    kept = res.data.set_index("respondent_id")
    orig = raw.set_index("respondent_id").loc[kept.index]
    assert (kept["effect"] == -orig["effect"]).all()                              # reversed on -3..3: -x
    s = score(res.data, ins)
    assert s["rec"].min() < 1                                                     # scored on the items' own codes


def test_word_labels_with_declared_codes_read_0_as_0(tmp_path):
    ins = _instrument(tmp_path, [{"code": "nps", "question": 1, "text_zh": "推荐可能性", "scale": "nps"}],
                      {"nps": {0: "完全不可能", 5: "一般", 10: "非常可能"}})
    path = tmp_path / "t.csv"
    pd.DataFrame({"序号": [1, 2, 3], "1、推荐可能性": ["完全不可能", "一般", "非常可能"]}).to_csv(path, index=False)
    raw = read_export(path, ins)
    assert raw["nps"].tolist() == [0, 5, 10]
    res = clean(raw, ins)
    assert res.changes.empty and res.data["nps"].cat.categories.tolist() == ["完全不可能", "一般", "非常可能"]
    assert res.data["nps"].astype(str).tolist() == ["完全不可能", "一般", "非常可能"]


def test_out_of_range_is_judged_against_declared_codes(tmp_path):
    ins = _instrument(tmp_path, [{"code": "x", "question": 1, "text_zh": "题", "scale": "s", "type": "likert"}],
                      {"s": {1: "a", 2: "b", 3: "c", 9: "不适用"}})
    path = tmp_path / "t.csv"
    pd.DataFrame({"序号": [1, 2, 3, 4], "1、题": [1, 9, 5, 0]}).to_csv(path, index=False)
    res = clean(read_export(path, ins), ins)
    assert sorted(res.changes["old"].tolist()) == [0, 5]                          # 9 is declared; 0 and 5 not


# -- rules that misfired ------------------------------------------------------------------
def test_one_closed_question_is_not_enough_to_call_duplicates(tmp_path):
    n = 70
    rng = np.random.default_rng(3)
    ins = _instrument(tmp_path, [{"code": "q1", "question": 1, "text_zh": "Q1", "header": "Q1", "scale": "yn"},
                                 {"code": "q2", "question": 2, "text_zh": "Q2", "header": "Q2", "type": "text"}],
                      {"yn": ["是", "否"]})
    path = tmp_path / "form.csv"
    pd.DataFrame({"答题序号": np.arange(100000000, 100000000 + n), "来源": "腾讯文档",
                  "Q1": rng.integers(1, 3, n), "Q2": [""] * n, "开始时间": "2022-07-24 13:31:05",
                  "提交时间": "", "答题时长": ""}).to_csv(path, index=False)
    res = clean(read_export(path, ins), ins)
    assert res.exclusions.query("rule == 'duplicate'").empty                       # was 68 of 70
    setting = res.flow_table("en").set_index("step").at["Duplicate submission", "setting"]
    assert ">= 5 informative answers" in setting and "1 varying closed item(s)" in setting


def test_a_rule_that_cannot_run_is_reported_as_not_run(tmp_path):
    ins = _instrument(tmp_path, [{"code": "q1", "question": 1, "text_zh": "Q1", "header": "Q1", "scale": "yn"}],
                      {"yn": ["是", "否"]})
    path = tmp_path / "form.csv"
    pd.DataFrame({"答题序号": [1, 2, 3], "Q1": [1, 2, 1], "答题时长": ["", "", ""]}).to_csv(path, index=False)
    res = clean(read_export(path, ins), ins)
    zh = res.flow_table("zh").set_index("步骤")
    assert pd.isna(zh.at["作答时间过短", "标记人数"]) and "未运行" in zh.at["作答时间过短", "规则设置"]
    assert pd.isna(zh.at["注意力检测未通过", "标记人数"])
    assert res.flow["n_excluded"].sum() == 0 and res.n_analysed == 3


def test_thresholds_are_settable_and_stated():
    from onex_research.paths import DEFAULT_INSTRUMENT, DEFAULT_STUDY

    ins = load_instrument(DEFAULT_INSTRUMENT)
    raw = read_export(DEFAULT_STUDY / "wjx_codes.csv", ins)
    strict = clean(raw, ins, speeder_ratio=0.9, max_missing=0.1, duplicate_min_items=3)
    en = strict.flow_table("en").set_index("step")
    assert en.at["Completion time too short (speeder)", "setting"].startswith("< 0.90 x median")
    assert "10% of 44 Likert items" in en.at["Too many missing items", "setting"]
    assert strict.settings["duplicate_min_items"] == 3
    loose = clean(raw, ins)
    assert strict.n_analysed < loose.n_analysed


def test_cli_clean_takes_the_thresholds(tmp_path, capsys):
    from onex_research.cli import main
    from onex_research.paths import DEFAULT_STUDY

    out = tmp_path / "c"
    assert main(["clean", str(DEFAULT_STUDY / "wjx_codes.csv"), "--out", str(out), "--formats", "csv",
                 "--speeder-ratio", "0.5", "--max-missing", "off"]) == 0
    flow = next(out.rglob("*flow*.csv")).read_text(encoding="utf-8-sig")
    assert "< 0.50 × 中位数" in flow and "缺失题目过多" not in flow


def test_categorical_answers_keep_scale_order(instrument):
    from onex_research.paths import DEFAULT_STUDY

    res = clean(read_export(DEFAULT_STUDY / "wjx_codes.csv", instrument), instrument)
    tenure = res.data["tenure"]
    assert tenure.cat.ordered and tenure.cat.categories.tolist() == instrument.labels("tenure")
    assert tenure.sort_values().dropna().iloc[0] == "一年级"                       # not Unicode order (三…)


# -- messages ---------------------------------------------------------------------------
def test_wrong_questionnaire_counts_question_columns_and_shows_whole_headers(tmp_path, instrument):
    long = ["1、" + "很长的题目" * 30, "2、" + "另一个很长的题目" * 20, "3、第三个问题"]
    df = pd.DataFrame({"序号": [1, 2], "提交答卷时间": ["2024/5/1 10:00:00"] * 2, "所用时间": ["100秒"] * 2,
                       "来源": ["微信"] * 2, long[0]: ["a", "b"], long[1]: ["c", "d"], long[2]: ["e", "f"]})
    path = tmp_path / "other.csv"
    df.to_csv(path, index=False)
    with pytest.raises(WrongQuestionnaireError) as err:
        read_export(path, instrument)
    msg = str(err.value)
    assert "0 of 3 question columns" in msg                                       # not "of 7"
    for h in long:
        assert repr(h) in msg                                                      # whole, not cut mid-word
    assert "draft-instrument" in msg


def test_three_questions_sharing_a_wording_are_named_with_a_fitting_hint(tmp_path, instrument):
    df = pd.DataFrame({"序号": [1, 2], "Q1:您所在的地区": ["广东", "湖南"]})
    df.insert(2, "Q1:您所在的地区", ["广州", "长沙"], allow_duplicates=True)
    df.insert(3, "Q1:您所在的地区", ["天河区", "岳麓区"], allow_duplicates=True)
    path = tmp_path / "dup.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DuplicateHeaderError) as err:
        read_export(path, instrument)
    msg = str(err.value)
    assert "columns B 'Q1:您所在的地区' and C 'Q1:您所在的地区' and D 'Q1:您所在的地区'" in msg
    assert "position:" in msg and "级联题" in msg and "keep one of them" not in msg


def test_too_long_sav_name_is_named_with_a_rename_and_no_file_is_left(tmp_path, instrument):
    long = "很长的变量名" * 5                                           # 90 bytes of UTF-8
    data = pd.DataFrame({"respondent_id": [1, 2], long: [1.0, 2.0]})
    path = tmp_path / "clean.sav"
    with pytest.raises(OnexError) as err:
        to_sav(data, path, instrument)
    msg = str(err.value)
    assert repr(long) in msg and "90 bytes" in msg and "proposed name" in msg
    assert list(tmp_path.iterdir()) == []                                         # no 0-byte clean.sav, no temp
    proposed = re.search(r"proposed name '([^']+)'", msg).group(1)
    to_sav(data, path, instrument, rename={long: proposed})
    import pyreadstat

    assert proposed in pyreadstat.read_sav(str(path))[0].columns
