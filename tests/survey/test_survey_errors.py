"""Every listed bad input raises its own exception with a message naming file, column, rows, values."""

import re

import pandas as pd
import pytest
from survey_helpers import write_csv, write_xlsx

from onex_research.errors import (DuplicateHeaderError, EmptyExportError, HeaderOnlyExportError,
                                  LabelNotOnScaleError, MissingQuestionError, OnexError,
                                  RespondentIdError, SurveyExportError, TruncatedExportError,
                                  UnknownColumnError, WrongQuestionnaireError)
from onex_research.survey import read_export


def test_error_classes_are_onex_and_value_errors():
    for cls in (EmptyExportError, HeaderOnlyExportError, TruncatedExportError, DuplicateHeaderError,
                UnknownColumnError, MissingQuestionError, LabelNotOnScaleError, WrongQuestionnaireError,
                RespondentIdError):
        assert issubclass(cls, SurveyExportError) and issubclass(cls, OnexError) and issubclass(cls, ValueError)


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \n", b"\xef\xbb\xbf"])
def test_empty_csv(tmp_path, instrument, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(EmptyExportError, match=r"empty\.csv.*empty"):
        read_export(path, instrument)


def test_empty_xlsx(tmp_path, instrument):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(EmptyExportError, match="empty.xlsx"):
        read_export(path, instrument)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_header_only(tmp_path, text_frame, instrument, fmt):
    writer = write_csv if fmt == "csv" else write_xlsx
    path = writer(text_frame.iloc[:0], tmp_path / f"header.{fmt}")
    with pytest.raises(HeaderOnlyExportError, match=rf"header\.{fmt}.*header row \({text_frame.shape[1]} columns\)"):
        read_export(path, instrument)


def test_truncated_csv(tmp_path, text_frame, instrument):
    path = write_csv(text_frame, tmp_path / "cut.csv", encoding="gbk")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 400])
    with pytest.raises(TruncatedExportError, match=r"cut\.csv: the last row \(file row \d+, submission \d+\) "
                                                   r"has \d+ of \d+ fields; it stops at column"):
        read_export(path, instrument)


def test_truncated_csv_inside_quotes(tmp_path, instrument):
    path = tmp_path / "quote.csv"
    path.write_text('序号,1、您的身份是\n1,"学生', encoding="utf-8")
    with pytest.raises(TruncatedExportError, match="quote.csv: the file ends inside a quoted cell"):
        read_export(path, instrument)


def test_truncated_xlsx(tmp_path, text_frame, instrument):
    path = write_xlsx(text_frame, tmp_path / "cut.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(TruncatedExportError, match=r"cut\.xlsx: not a readable \.xlsx workbook"):
        read_export(path, instrument)


def test_duplicated_headers(tmp_path, text_frame, instrument):
    h = instrument.header("rec2")
    df = text_frame.copy()
    cols = list(df.columns)
    cols[cols.index(instrument.header("rec3"))] = h
    df.columns = cols
    h = re.escape(h)
    with pytest.raises(DuplicateHeaderError, match=rf"dup\.csv: columns [A-Z]+ '{h}' and [A-Z]+ '{h}' have the same header"):
        read_export(write_csv(df, tmp_path / "dup.csv"), instrument)


def test_duplicated_headers_after_normalisation(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    df.insert(7, "１、您的身份是 ", df[instrument.header("role")])
    with pytest.raises(DuplicateHeaderError, match="'1、您的身份是'.*'１、您的身份是 '"):
        read_export(write_xlsx(df, tmp_path / "dup.xlsx"), instrument)


def test_missing_question(tmp_path, text_frame, instrument):
    h = instrument.header("gov2")
    df = text_frame.drop(columns=[h])
    with pytest.raises(MissingQuestionError, match=rf"miss\.csv: 1 item\(s\) .* have no column: gov2 "
                                                   rf"\(expected header '{re.escape(h)}'\)"):
        read_export(write_csv(df, tmp_path / "miss.csv"), instrument)


def test_unknown_column_names_the_closest_header(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    typo = "11(地方政府为试点提供了专项经费或补助)"
    df = df.rename(columns={instrument.header("gov2"): typo})
    with pytest.raises(UnknownColumnError, match=rf"unk\.csv: 1 column\(s\) .*column [A-Z]+ '{re.escape(typo)}' "
                                                 rf"\(closest expected header: '{re.escape(instrument.header('gov2'))}'\)"):
        read_export(write_csv(df, tmp_path / "unk.csv"), instrument)


def test_unknown_extra_column(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    df["备注"] = "x"
    with pytest.raises(UnknownColumnError, match="extra.xlsx: 1 column.*'备注'"):
        read_export(write_xlsx(df, tmp_path / "extra.xlsx"), instrument)


def test_label_not_on_scale(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    h = instrument.header("mot3")
    df.loc[[3, 7], h] = "比较同意"     # a 7-point label on a 5-point item
    with pytest.raises(LabelNotOnScaleError) as err:
        read_export(write_csv(df, tmp_path / "seven.csv"), instrument)
    msg = str(err.value)
    assert "seven.csv" in msg and f"'{h}'" in msg and "(item mot3)" in msg
    assert "value '比较同意' in file row(s) 5, 9 (respondent_id 4, 8)" in msg
    assert "非常不同意 / 不同意 / 一般 / 同意 / 非常同意" in msg and "closest: '同意'" in msg


def test_label_not_on_scale_in_multi_select(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    h = instrument.header("certificates")
    df.loc[0, h] = "Web前端开发┋电工证"
    with pytest.raises(LabelNotOnScaleError, match=r"\(item certificates\): value '电工证' in file row\(s\) 2"):
        read_export(write_csv(df, tmp_path / "multi.csv"), instrument)


def test_export_of_a_different_questionnaire(tmp_path, instrument):
    df = pd.DataFrame({"序号": [1, 2], "提交答卷时间": ["2024/5/1 10:00:00"] * 2, "所用时间": ["100秒"] * 2,
                       "1、您的年龄": ["18岁", "20岁"], "2、您每周上网时长": ["10小时", "2小时"],
                       "3(我喜欢网购)": ["同意", "一般"], "3(我经常看短视频)": ["同意", "同意"]})
    with pytest.raises(WrongQuestionnaireError, match=r"other\.csv: this export is not of the questionnaire "
                                                      r"'onex_1x_pilot_survey'.*'1、您的年龄'"):
        read_export(write_csv(df, tmp_path / "other.csv"), instrument)


def test_repeated_respondent_id(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    df.loc[5, "序号"] = df.loc[4, "序号"]
    with pytest.raises(RespondentIdError, match=r"ids\.csv: column A '序号' repeats ids \['5'\] in file row\(s\) \[6, 7\]"):
        read_export(write_csv(df, tmp_path / "ids.csv"), instrument)


def test_unreadable_duration(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    df.loc[2, "所用时间"] = "很久"
    with pytest.raises(SurveyExportError, match=r"dur\.csv: column C '所用时间': cannot read durations \['很久'\] "
                                                r"in file row\(s\) \[4\]"):
        read_export(write_csv(df, tmp_path / "dur.csv"), instrument)


def test_bad_arguments(tmp_path, instrument):
    with pytest.raises(TypeError, match="must be an Instrument"):
        read_export(tmp_path / "x.csv", "onex_instrument.yaml")
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        read_export(tmp_path / "nope.csv", instrument)
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(SurveyExportError, match="unsupported file type '.json'"):
        read_export(tmp_path / "x.json", instrument)
