"""draft_instrument / draft-instrument: the draft reads its own export, on every real format.

The fixtures in ``fixtures/`` copy the formats of real exports with synthetic answers
(``scripts/make_format_fixtures.py``; sources in ``fixtures/SOURCES.md``).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onex_research.cli import main
from onex_research.instrument import load_instrument
from onex_research.paths import DEFAULT_INSTRUMENT
from onex_research.survey import clean, draft_instrument, draft_summary, read_export, score

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".xlsx", ".sav"))


def _rows(path):
    from onex_research.survey._files import load_table

    return len(load_table(path)[1])


def _drafted(tmp_path, name):
    yaml_path = tmp_path / f"{name}.yaml"
    draft_instrument(FIXTURES / name).to_yaml(yaml_path)
    return load_instrument(yaml_path), yaml_path


def test_every_format_has_a_fixture():
    assert len(EXPORTS) == 8
    assert {p.split(".")[-1] for p in EXPORTS} == {"csv", "xlsx", "sav"}


@pytest.mark.parametrize("name", EXPORTS)
def test_the_draft_reads_its_own_export_with_no_edits(tmp_path, name):
    ins, yaml_path = _drafted(tmp_path, name)
    raw = read_export(FIXTURES / name, ins)
    assert len(raw) == _rows(FIXTURES / name)                       # every row
    assert raw.attrs["n_matched"] == raw.attrs["n_columns"]           # every column
    res = clean(raw, ins)
    assert res.n_analysed + res.exclusions["respondent_id"].nunique() == len(raw)
    assert res.n_analysed >= 0.5 * len(raw)
    text = yaml_path.read_text(encoding="utf-8")
    assert "TODO" in text


def test_matrix_stems_rows_scales_multi_and_repeated_ids(tmp_path):
    ins, _ = _drafted(tmp_path, "wjx_matrix_text.xlsx")
    it = ins.items
    rows7 = [c for c in it.index if it.at[c, "question"] == 7]
    assert rows7 == ["q7_1", "q7_2", "q7_3", "q7_4"]
    assert it.at["q7_1", "sub"] == "给老师/领导发消息时，我会紧张，并花很长时间润色"      # not the stem
    assert ins.constructs.at["c7", "label_zh"] == "请根据您的实际感受，对以下陈述进行评分："
    assert set(it.loc[rows7, "construct"]) == {"c7"} and set(it.loc[rows7, "type"]) == {"likert"}
    assert ins.labels("q7_1") == ["完全不同意", "不同意", "一般", "同意", "完全同意"]   # scale order, not frequency
    assert ins.codes("q12_1") == [1, 2, 3, 4, 5] and it.at["q12_1", "type"] == "likert"
    assert it.at["q8", "type"] == "multi" and ins.n_points("q8") == 4
    assert ins.labels("q11") == ["非常负面", "比较负面", "中立", "比较正向", "非常正向"]
    assert it.at["q23", "type"] == "text"
    assert ins.columns()["序号"] == "ignore"                         # 序号 repeats: row numbers instead
    raw = read_export(FIXTURES / "wjx_matrix_text.xlsx", ins)
    assert raw["respondent_id"].tolist() == list(range(1, 41))
    assert "序号 repeats ids" in draft_summary(draft_instrument(FIXTURES / "wjx_matrix_text.xlsx"))
    assert "序号: ignore  # TODO 序号 repeats ids" in _drafted(tmp_path, "wjx_matrix_text.xlsx")[1].read_text("utf-8")


def test_sav_names_labels_value_labels_attention_and_metadata(tmp_path):
    ins, _ = _drafted(tmp_path, "wjx_converted.sav")
    it = ins.items
    assert ins.labels("q1") == ["男", "女"]                               # value labels
    assert it.at["q1", "header"] == "@1、性别" and it.at["q1", "text_zh"] == "性别"
    assert it.at["q2", "type"] == "numeric"                             # age
    assert it.at["q5", "type"] == "attention" and it.at["q5", "correct"] == 2
    assert it.at["q7", "header"] == "感知回应性" and it.at["q7", "question"] == 7   # question from the label
    assert ins.codes("q11_2") == list(range(1, 8))                      # 从1-7 in the stem, 2..7 seen
    cols = ins.columns()
    assert cols["所用时间"] == "duration_s" and cols["来自IP"] == "ip" and cols["filter_$"] == "ignore"
    raw = read_export(FIXTURES / "wjx_converted.sav", ins)
    assert raw["respondent_id"].tolist()[:3] == [1, 2, 3]
    assert raw["duration_s"].iloc[:3].tolist() == [12, 15, 9]
    res = clean(raw, ins)
    assert set(res.exclusions.query("rule == 'speeder'")["respondent_id"]) >= {1, 2, 3}


def test_codes_0_10_and_minus3_3_and_sub_numbers_are_drafted_as_they_are(tmp_path):
    ins, yaml_path = _drafted(tmp_path, "wjx_codes_0_10.csv")
    assert ins.codes("q2") == list(range(0, 11))
    assert ins.codes("q3") == list(range(-3, 4))
    assert ins.labels("q3")[0] == "非常负面" and ins.labels("q3")[-1] == "非常正面"   # named in the wording
    assert ins.items.at["q1_1", "question"] == "1.1" and ins.items.at["q1_2", "question"] == "1.2"
    assert ins.items.at["q1_1", "type"] == "numeric" and ins.items.at["q4", "type"] == "numeric"
    raw = read_export(FIXTURES / "wjx_codes_0_10.csv", ins)
    src = pd.read_csv(FIXTURES / "wjx_codes_0_10.csv")
    assert raw["q2"].tolist() == src.iloc[:, 5].tolist()                  # no shift: 0 stays 0
    assert raw["q3"].iloc[:2].tolist() == [-3, -2]                       # codes, not skips
    assert raw["q4"].isna().sum() == (src.iloc[:, 7] == -3).sum()        # -3 = skipped on a numeric item
    res = clean(raw, ins)
    assert res.changes.empty                                              # nothing out of range


def test_cascade_repeated_header_is_declared_by_position(tmp_path):
    ins, _ = _drafted(tmp_path, "tencent_cascade.csv")
    assert ins.items.loc[["q2_1", "q2_2"], "position"].tolist() == [8, 9]
    raw = read_export(FIXTURES / "tencent_cascade.csv", ins)
    src = pd.read_csv(FIXTURES / "tencent_cascade.csv", encoding="utf-8-sig")
    assert [ins.labels("q2_2")[c - 1] for c in raw["q2_2"]] == src.iloc[:, 8].tolist()


def test_tencent_docs_metadata_and_unnumbered_jinshuju(tmp_path):
    ins, _ = _drafted(tmp_path, "tencentdocs_form.csv")
    cols = ins.columns()
    assert cols["答题序号"] == "respondent_id" and cols["IP省份"] == "ip_region" and cols["浏览器"] == "ignore"
    assert ins.items.at["q1", "type"] == "single" and ins.items.at["q3", "type"] == "text"
    ins2, _ = _drafted(tmp_path, "jinshuju_unnumbered.xlsx")
    assert ins2.items["question"].isna().all()
    assert ins2.items.at["item4", "type"] == "likert" and ins2.items.at["item5", "type"] == "text"
    assert ins2.columns()["提交人"] == "ignore"


def test_sub_questions_other_text_and_blanks(tmp_path):
    ins, _ = _drafted(tmp_path, "wjx_subquestions.csv")
    it = ins.items
    assert it.at["q3_1", "question"] == "3.1" and it.at["q3_2", "question"] == "3.2"
    assert it.at["q3_1", "type"] == "text"                                # a [___] blank
    assert it.at["q4", "type"] == "single" and set(ins.labels("q4")) == {"本科", "大专"}
    assert it.at["q12", "type"] == "multi" and set(ins.labels("q12")) == {"教室有", "宿舍有"}
    raw = read_export(FIXTURES / "wjx_subquestions.csv", ins)
    assert "q4__other" in raw and raw["q4__other"].notna().any()


def test_cli_draft_instrument_writes_and_summarises(tmp_path, capsys):
    out = tmp_path / "my_instrument.yaml"
    assert main(["draft-instrument", str(FIXTURES / "wjx_native.sav"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and "still to fill in" in printed and "reverse keys" in printed
    ins = load_instrument(out)
    assert ins.columns() == {"index": "respondent_id", "submitdate": "submitted_at", "totalseconds": "duration_s"}
    assert main(["draft-instrument", str(FIXTURES / "wjx_native.sav"), "--out", str(out)]) == 2   # no overwrite
    assert "--force" in capsys.readouterr().err
    assert main(["clean", str(FIXTURES / "wjx_native.sav"), "--instrument", str(out), "--out",
                 str(tmp_path / "c")]) == 0


def test_default_instrument_round_trips_through_to_yaml(tmp_path):
    ins = load_instrument(DEFAULT_INSTRUMENT)
    again = load_instrument(Path(ins.to_yaml(tmp_path / "again.yaml") and tmp_path / "again.yaml"))
    pd.testing.assert_frame_equal(ins.items, again.items)
    pd.testing.assert_frame_equal(ins.constructs, again.constructs)
    assert ins.scales == again.scales and ins.scale_codes == again.scale_codes


def test_draft_of_the_bundled_study_scores(tmp_path):
    from onex_research.paths import DEFAULT_STUDY

    ins = draft_instrument(DEFAULT_STUDY / "wjx_text.xlsx")
    ins.to_yaml(tmp_path / "d.yaml")
    ins = load_instrument(tmp_path / "d.yaml")
    raw = read_export(DEFAULT_STUDY / "wjx_text.xlsx", ins)
    assert len(raw) == 612
    att = ins.attention_items
    assert len(att) == 1 and ins.items.at[att[0], "correct"] == 4         # 请选择“同意”
    assert score(clean(raw, ins).data, ins).shape[1] >= 10                # a construct per matrix


LABEL_POOL = ["非常不同意", "不同意", "一般", "同意", "非常同意"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(n=st.integers(3, 40), n_single=st.integers(1, 4), n_rows=st.integers(2, 5), seed=st.integers(0, 2**31),
       skip=st.floats(0, 0.5), fmt=st.sampled_from(["csv", "xlsx"]))
def test_property_any_wenjuanxin_text_export_reads_with_its_draft(tmp_path, n, n_single, n_rows, seed, skip, fmt):
    rng = np.random.default_rng(seed)
    cols = {"序号": np.arange(1, n + 1), "提交答卷时间": ["2024/5/12 10:00:00"] * n,
            "所用时间": [f"{x}秒" for x in rng.integers(30, 900, n)]}
    for q in range(1, n_single + 1):
        opts = [f"选项{q}{k}" for k in range(rng.integers(2, 5))]
        cols[f"{q}、单选题{q}"] = rng.choice(opts, n)
    q = n_single + 1
    for r in range(n_rows):
        h = f"{q}、请评价以下说法：—说法{r}" if r == 0 else f"{q}、说法{r}"
        cells = rng.choice(LABEL_POOL, n).astype(object)
        cells[rng.random(n) < skip] = "(跳过)"
        cols[h] = cells
    df = pd.DataFrame(cols)
    path = tmp_path / f"e{seed}.{fmt}"
    df.to_csv(path, index=False) if fmt == "csv" else df.to_excel(path, index=False)
    ins = draft_instrument(path)
    ins.to_yaml(tmp_path / "d.yaml")
    raw = read_export(path, load_instrument(tmp_path / "d.yaml"))
    assert len(raw) == n and raw["respondent_id"].tolist() == list(range(1, n + 1))
    lik = [c for c in raw.columns if c.startswith(f"q{q}_")]
    assert len(lik) == n_rows
    for r, c in enumerate(lik):
        want = [LABEL_POOL.index(x) + 1 if x in LABEL_POOL else None for x in df.iloc[:, 3 + n_single + r]]
        assert raw[c].astype(object).where(raw[c].notna(), None).tolist() == want


def test_tencent_spread_multi_select_is_not_a_rating_matrix(tmp_path):
    rng = np.random.default_rng(5)
    n = 30
    df = pd.DataFrame({"编号": np.arange(1, n + 1), "Q1:您的身份是": rng.choice(["学生", "教师"], n),
                       "Q2:您使用过的平台-微信": rng.integers(0, 2, n), "Q2:您使用过的平台-QQ": rng.integers(0, 2, n),
                       "Q2:您使用过的平台-钉钉": rng.integers(0, 2, n)})
    path = tmp_path / "tencent_spread.csv"
    df.to_csv(path, index=False)
    ins = draft_instrument(path)
    rows = [c for c in ins.items.index if c.startswith("q2_")]
    assert len(rows) == 3 and set(ins.items.loc[rows, "type"]) == {"single"}
    assert ins.codes(rows[0]) == [0, 1] and len(ins.constructs) == 0
    ins.to_yaml(tmp_path / "d.yaml")
    raw = read_export(path, load_instrument(tmp_path / "d.yaml"))
    assert raw[rows[1]].tolist() == df["Q2:您使用过的平台-QQ"].tolist()


def test_tencent_docs_form_and_credamo_metadata_names(tmp_path):
    n = 12
    rng = np.random.default_rng(9)
    docs = pd.DataFrame({"提交者（自动）": [f"用户{i}" for i in range(n)],
                         "提交时间（自动）": [f"2024-06-01 09:{i:02d}:00" for i in range(n)],
                         "您的身份": rng.choice(["学生", "教师"], n)})
    credamo = pd.DataFrame({"答卷编号": np.arange(1, n + 1), "开始作答时间": ["2024-06-01 09:00:00"] * n,
                            "结束作答时间": [f"2024-06-01 09:{10 + i:02d}:00" for i in range(n)],
                            "作答时长(秒)": rng.integers(100, 900, n), "IP地址": [f"198.51.100.{i}" for i in range(n)],
                            "IP所在地": ["广东"] * n, "Q1": rng.integers(1, 3, n)})
    for name, df, want in (("docs.xlsx", docs, {"提交者（自动）": "ignore", "提交时间（自动）": "submitted_at"}),
                           ("credamo.csv", credamo, {"答卷编号": "respondent_id", "开始作答时间": "started_at",
                                                     "结束作答时间": "submitted_at", "作答时长(秒)": "duration_s",
                                                     "IP地址": "ip", "IP所在地": "ip_region"})):
        path = tmp_path / name
        df.to_excel(path, index=False) if name.endswith("xlsx") else df.to_csv(path, index=False)
        ins = draft_instrument(path)
        assert ins.columns() == want
        ins.to_yaml(tmp_path / "d.yaml")
        raw = read_export(path, load_instrument(tmp_path / "d.yaml"))
        assert len(raw) == n and "用户0" not in raw.to_string()          # the submitter's name is dropped
