"""onex_research.text: normalize and read_transcripts (format, errors naming file and line)."""

import docx
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from onex_research.errors import OnexError
from onex_research.paths import CORPUS
from onex_research.text import TranscriptError, interviewee_turns, normalize, read_transcripts

HEADER = "---\nid: {id}\nrole: 教师\nschool_type: 高职专科院校\nschool: 江川职业技术学院\ndate: 2024-05-20\nnote: 虚构\n---\n"


@pytest.mark.parametrize("raw", ["1+X", "1+x", "1 + X", "1＋X", "1 ＋ ｘ", "１＋Ｘ", "1  +  x"])
def test_normalize_unifies_1x_spellings(raw):
    assert normalize(f"考{raw}证书") == "考1+X证书"


def test_normalize_width_and_kept_chinese_punctuation():
    assert normalize("ＡＢＣ１２３，好！") == "ABC123，好！"


def test_normalize_joins_hard_breaks_but_not_paragraphs():
    text = "我们学校的证书\n试点从去年开始。\n第二句\n接着写\n\n新的段落\n继续"
    assert normalize(text) == "我们学校的证书试点从去年开始。\n第二句接着写\n\n新的段落继续"


def test_normalize_keeps_english_words_apart():
    assert normalize("the 1+X\ncertificate") == "the 1+X certificate"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("职业教育证书，。\n 1+xX＋ａ")), max_size=60))
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once
    assert "1＋" not in once and "1+x" not in once


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_read_transcripts_columns_and_turns(tmp_path):
    _write(tmp_path, "a.txt", HEADER.format(id="T01") + "访谈者：您好，\n请介绍一下1+x证书。\n受访者：我们学校\n从2019年\n开始试点。\n\n第二段。\n问：好\n答：嗯，是的。\n")
    df = read_transcripts(tmp_path)
    assert list(df.columns[:5]) == ["interview_id", "role", "turn", "speaker", "text"]
    assert df["turn"].tolist() == [1, 2, 3, 4]
    assert df["speaker"].tolist() == ["访谈者", "受访者", "访谈者", "受访者"]
    assert df.loc[0, "text"] == "您好，请介绍一下1+X证书。"
    assert df.loc[1, "text"] == "我们学校从2019年开始试点。\n\n第二段。"
    assert df.loc[1, "line"] == 11
    assert interviewee_turns(df)["turn"].tolist() == [2, 4]
    assert read_transcripts(tmp_path, interviewee_only=True)["speaker"].eq("受访者").all()


def test_chinese_header_keys_gbk_md_and_docx(tmp_path):
    _write(tmp_path, "b.md", "---\n编号：T02\n身份：学生\n学校类型：中职\n日期：2024-06-01\n---\n# 访谈记录\n**访谈者**：你好\n**受访者**：老师好\n", "gbk")
    d = docx.Document()
    for line in (HEADER.format(id="T03").strip().split("\n") + ["访谈者：第一问", "受访者：第一答", "接着答"]):
        d.add_paragraph(line)
    d.save(tmp_path / "c.docx")
    df = read_transcripts(tmp_path)
    assert sorted(df["interview_id"].unique()) == ["T02", "T03"]
    b = df[df.interview_id == "T02"]
    assert b["role"].iloc[0] == "学生" and b["school_type"].iloc[0] == "中职"
    assert b["text"].tolist() == ["你好", "老师好"]
    assert df[df.interview_id == "T03"]["text"].tolist() == ["第一问", "第一答接着答"]


@pytest.mark.parametrize("content, line, words", [
    ("", 1, "empty"),
    ("---\nid: T9\n---\n访谈者：你好\n", 1, "role"),
    ("---\nrole: 教师\n---\n访谈者：你好\n", 1, "id"),
    (HEADER.format(id="T9") + "这里只有一段没有说话人的文字。\n", 9, "no speaker turns"),
    ("---\nid: T9\nrole: 教师\n访谈者：你好\n", 1, "never closed"),
])
def test_bad_transcripts_name_file_and_line(tmp_path, content, line, words):
    _write(tmp_path, "bad.txt", content)
    with pytest.raises(TranscriptError) as info:
        with pytest.warns(UserWarning) if "no speaker" in words else _null():
            read_transcripts(tmp_path)
    msg = str(info.value)
    assert "bad.txt" in msg and f"line {line}" in msg and words in msg
    assert isinstance(info.value, OnexError)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_undecodable_file(tmp_path):
    (tmp_path / "bin.txt").write_bytes(HEADER.format(id="T1").encode() + b"\x80\xff\xfe\x81\n")
    with pytest.raises(TranscriptError, match=r"bin\.txt, line 9: cannot decode"):
        read_transcripts(tmp_path)


def test_duplicate_ids_and_missing_folder(tmp_path):
    for n in ("a.txt", "b.txt"):
        _write(tmp_path, n, HEADER.format(id="T1") + "访谈者：好\n受访者：好\n")
    with pytest.raises(TranscriptError, match="used by several files"):
        read_transcripts(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_transcripts(tmp_path / "nope")


def test_bundled_corpus_reads():
    df = read_transcripts(CORPUS / "transcripts")
    assert df["interview_id"].nunique() >= 4
    assert set(df["role"]) <= {"学生", "教师", "管理人员", "企业人员"}
    assert df["text"].str.len().gt(0).all()
    assert not df["text"].str.contains("1＋|1 \\+ X|1\\+x", regex=True).any()
    per = df.groupby("interview_id")["speaker"].agg(set)
    assert per.map(lambda s: s == {"访谈者", "受访者"}).all()
    assert isinstance(df, pd.DataFrame)


def test_simulated_corpus_round_trips_through_files_with_hard_wraps(tmp_path):
    from onex_research.simulate import simulate_corpus

    sim = simulate_corpus(6, seed=2)
    sim.write(tmp_path, wrap=17)  # hard line breaks inside sentences, as a PDF copy has
    back = read_transcripts(tmp_path)
    want = sim.transcripts.sort_values(["interview_id", "turn"]).reset_index(drop=True)
    assert back["interview_id"].tolist() == want["interview_id"].tolist()
    assert back["turn"].tolist() == want["turn"].tolist()
    assert back["speaker"].tolist() == want["speaker"].tolist()
    assert back["text"].tolist() == [normalize(t) for t in want["text"]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("职业教育证书企业学生好，。")), min_size=1, max_size=40),
                min_size=1, max_size=6))
def test_read_transcript_round_trip(tmp_path_factory, answers):
    from onex_research.text import read_transcript

    folder = tmp_path_factory.mktemp("rt")
    body = "".join(f"访谈者：第{i}个问题？\n受访者：{a}\n\n" for i, a in enumerate(answers))
    path = _write(folder, "x.txt", HEADER.format(id="T7") + body)
    df = read_transcript(path)
    assert len(df) == 2 * len(answers)
    assert df["text"].tolist()[1::2] == [normalize(a) for a in answers]
    assert df["turn"].tolist() == list(range(1, 2 * len(answers) + 1))


def test_stray_text_warning_names_file_and_line_but_not_the_text(tmp_path):
    _write(tmp_path, "stray.txt", HEADER.format(id="T9") + "张伟 13812345678\n访谈者：你好\n受访者：好\n")
    with pytest.warns(UserWarning) as record:
        read_transcripts(tmp_path)
    msg = " ".join(str(w.message) for w in record)
    assert "stray.txt" in msg and "line 9" in msg
    text = msg.replace(str(tmp_path), "")          # pytest's tmp folder may itself hold "138"
    assert "张伟" not in text and "138" not in text


def test_a_transcripts_text_is_normalised_once(monkeypatch):
    """read_transcripts normalises each turn; code() and Segmenter.cut_many() trust its mark
    (DataFrame.attrs) instead of normalising the same text again."""
    from onex_research.paths import CORPUS
    from onex_research.text import Segmenter, code, coding, interviewee_turns, io, normalize, segment

    calls = []

    def counting(text):
        calls.append(text)
        return normalize(text)

    for mod in (io, coding, segment):
        monkeypatch.setattr(mod, "normalize", counting)
    turns = read_transcripts(CORPUS / "transcripts")
    n_turns = len(turns)
    assert len(calls) == n_turns
    units = interviewee_turns(turns)
    code(units, CORPUS / "coding_frame.yaml")
    Segmenter(cache_dir=None, n_jobs=1, progress=False).cut_many(units["text"].head(20))
    texts = set(turns["text"])
    again = [c for c in calls[n_turns:] if c in texts]
    assert again == [], f"{len(again)} turn texts normalised a second time"
    # an unmarked list of strings is still normalised
    calls.clear()
    code(list(units["text"].head(3)), CORPUS / "coding_frame.yaml")
    assert sum(c in texts for c in calls) == 3
