"""onex_research.text.redact: identifiers found, pseudonyms consistent, mapping kept private."""

import json

import pandas as pd
import pytest

from onex_research.paths import REPORTS
from onex_research.text import Redactor, redact, redact_frame, write_mapping


@pytest.mark.parametrize("text, kind", [
    ("电话13812345678。", "[电话1]"),
    ("电话 138-1234-5678。", "[电话1]"),
    ("电话+86 138 1234 5678。", "[电话1]"),
    ("座机010-62345678。", "[电话1]"),
    ("身份证号11010519491231002X。", "[身份证号1]"),
    ("邮箱zhang.wei@example.com。", "[邮箱1]"),
    ("QQ：12345678。", "[QQ1]"),
    ("QQ号 987654321。", "[QQ1]"),
    ("微信号：wx_abc123。", "[微信1]"),
    ("微信: zhangwei-2024。", "[微信1]"),
    ("电话02162345678。", "[电话1]"),
    ("电话(021)62345678。", "[电话1]"),
    ("电话（021）62345678。", "[电话1]"),
    ("手机１３８１２３４５６７８。", "[电话1]"),
    ("手机138.1234.5678。", "[电话1]"),
    ("微信号zhangwei_88。", "[微信1]"),
    ("加我微信 zhangwei2024。", "[微信1]"),
    ("vx：zhangwei88。", "[微信1]"),
    ("VX zhangwei88。", "[微信1]"),
    ("wx: zhangwei88。", "[微信1]"),
])
def test_identifiers_are_replaced(text, kind):
    out, mapping = redact(text)
    assert kind in out
    assert not any(ch.isdigit() for ch in out.replace(kind, ""))  # the pseudonym's own digit aside
    assert "zhangwei" not in out
    assert len(mapping) == 1


def test_full_width_identifiers_use_the_same_pseudonym():
    red = Redactor()
    assert red.redact("１３８１２３４５６７８") == red.redact("138-1234-5678") == "[电话1]"
    assert red.redact("邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "邮箱[邮箱1]"


def test_surname_and_title_get_the_name_pseudonym():
    red = Redactor({"黄丽": "教师", "周强": "教师", "欧阳明华": "学生"})
    assert red.redact("黄丽说了，黄老师还说") == "[教师A]说了，[教师A]老师还说"
    assert red.redact("周院长和周总，欧阳导师") == "[教师B]院长和[教师B]总，[学生A]导师"
    assert red.redact("这一周老师们都忙，一周总结一次") == "这一周老师们都忙，一周总结一次"


def test_numbers_that_are_not_identifiers_stay():
    text = "我们有12345名学生，2019年开始，通过率90%，编号123456789012。"
    assert redact(text)[0] == text


def test_roster_names_get_role_pseudonyms_consistently():
    roster = {"张伟": "教师", "李娜": "教师", "王强": "学生"}
    red = Redactor(roster)
    a = red.redact("张伟和李娜带王强去实训。")
    b = red.redact("后来李娜说张伟很辛苦。")
    assert a == "[教师A]和[教师B]带[学生A]去实训。"
    assert b == "后来[教师B]说[教师A]很辛苦。"
    text, mapping = redact("王强又来了", mapping=red.mapping_)
    assert text == "[学生A]又来了"


def test_shared_redactor_across_calls_and_longest_name_first():
    red = Redactor()
    t1, _ = redact("欧阳明和欧阳", roster={"欧阳明": "教师", "欧阳": "学生"}, redactor=red)
    assert t1 == "[教师A]和[学生A]"
    t2, m = redact("欧阳明", redactor=red)
    assert t2 == "[教师A]" and m["欧阳明"] == "[教师A]"


def test_schools_from_list_and_generic_patterns():
    red = Redactor(schools=["江川职业技术学院"])
    out = red.redact("我在江川职业技术学院教书，之前在某某职业学院，也去过青山技师学院。我们是高职院校，这所职业学院不错。")
    assert "江川" not in out and "某某" not in out and "青山" not in out
    assert out.startswith("我在[学校1]教书，之前在[学校2]")
    assert "高职院校" in out and "这所职业学院" in out


def test_redact_frame_uses_header_school():
    turns = pd.DataFrame({"text": ["江川职业技术学院的张伟老师电话13812345678"], "school": ["江川职业技术学院"],
                          "interviewer": ["陈静"]})
    out, mapping = redact_frame(turns, roster={"张伟": "教师", "陈静": "管理人员"})
    assert out.loc[0, "text"] == "[学校1]的[教师A]老师电话[电话1]"
    assert out.loc[0, "school"] == "[学校1]"
    assert out.loc[0, "interviewer"] == "[管理人员A]"
    assert "陈静" not in out.to_string()
    assert turns.loc[0, "school"] == "江川职业技术学院"  # input untouched


def test_write_mapping_refuses_reports(tmp_path):
    mapping = {"张伟": "[教师A]"}
    with pytest.raises(ValueError, match="reports"):
        write_mapping(mapping, REPORTS / "mapping.json")
    with pytest.raises(ValueError, match="reports"):
        write_mapping(mapping, tmp_path / "reports" / "x" / "mapping.json")
    p = write_mapping(mapping, tmp_path / "private" / "mapping.json")
    assert json.loads(p.read_text(encoding="utf-8")) == mapping


def test_bundled_corpus_has_no_raw_school_after_redaction():
    from onex_research.paths import CORPUS
    from onex_research.text import read_transcripts

    turns = read_transcripts(CORPUS / "transcripts")
    out, mapping = redact_frame(turns)
    for school in turns["school"].dropna().unique():
        assert not out["text"].str.contains(school, regex=False).any()
    assert not out["text"].str.contains(r"1[3-9]\d{9}", regex=True).any()


def test_bundled_corpus_with_roster_and_school_list_leaves_no_identifier():
    import re

    from onex_research.paths import CORPUS
    from onex_research.text import TITLES, load_roster, load_schools, mapping_summary, read_transcripts

    turns = read_transcripts(CORPUS / "transcripts")
    roster = load_roster(CORPUS / "roster.csv")
    schools = load_schools(CORPUS / "schools.txt")
    out, mapping = redact_frame(turns, roster=roster, schools=schools)
    text = "\n".join(out["text"])
    assert not [n for n in roster if n in text]
    titled = [n[0] + t for n in roster for t in TITLES if t != "总"] + [n[0] + "总" for n in roster]
    assert not [n for n in titled if n in text]  # 黄老师 (T08), 周老师 (T24)
    assert not [s for s in schools if s in text]
    for pattern in (r"1[3-9]\d[\d\s-]{8,10}", r"@", r"QQ[:：]?\s*\d{5}", r"微信号?[:：]\s*[A-Za-z]", r"\d{17}[\dXx]"):
        assert not re.search(pattern, text), pattern
    summary = mapping_summary(mapping).set_index("kind")["n"]
    assert summary["电话"] == 5 and summary["QQ"] == 2 and summary["微信"] == 2 and summary["身份证号"] == 1
    assert not set(mapping) & set(mapping_summary(mapping).to_numpy().ravel())  # no originals in the summary


def test_load_roster_bom_column_order_and_errors(tmp_path):
    from onex_research.text import load_roster

    p = tmp_path / "roster.csv"
    p.write_bytes("\ufeffrole,name,note\n教师,张伟,x\n学生,王磊,\n,,\n".encode("utf-8"))
    assert load_roster(p) == {"张伟": "教师", "王磊": "学生"}
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,身份\n张伟,教师\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv.*name, role"):
        load_roster(bad)
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        load_roster(tmp_path / "missing.csv")


def test_load_schools_skips_comments_and_blank_lines(tmp_path):
    from onex_research.text import load_schools

    p = tmp_path / "schools.txt"
    p.write_text("\ufeff# 试点学校\n江川职业技术学院\n\n  南岭职业技术学院  \n# 备注\n江川职业技术学院\n", encoding="utf-8")
    assert load_schools(p) == ["江川职业技术学院", "南岭职业技术学院"]


def test_redact_frame_redacts_note_speaker_and_file():
    turns = pd.DataFrame({"text": ["好的"], "note": ["张伟介绍，电话13812345678"], "speaker_raw": ["张伟"],
                          "file": ["D:\\访谈\\张伟访谈.docx"]})
    out, _ = redact_frame(turns, roster={"张伟": "教师"})
    assert out.loc[0, "note"] == "[教师A]介绍，电话[电话1]"
    assert out.loc[0, "speaker_raw"] == "[教师A]"
    assert out.loc[0, "file"] == "[教师A]访谈.docx"
    assert "张伟" not in out.to_string() and "138" not in out.to_string()


def test_a_school_named_after_a_possessive_is_redacted_without_a_list():
    """我们远航技师学院: jieba tags 远航 as a verb, yet between 我们 and a school's ending it is
    the school's name; generic modifiers (本科学院) and bare endings (我们学院) stay."""
    from onex_research.text import redact

    assert redact("我们远航技师学院也是这样。")[0] == "我们[学校1]也是这样。"
    assert redact("你们星海职业学院怎么样")[0] == "你们[学校1]怎么样"
    for kept in ("我们本科学院的老师", "我们学院", "他们职业学院", "我们学校也是"):
        assert redact(kept)[0] == kept


def test_a_clause_before_university_is_not_a_school():
    from onex_research.text import redact

    text = "就是浪费时间，我不明白大学这三年的意义在哪里"   # a real student's post (public forum)
    assert redact(text)[0] == text
