"""read_export: formats, encodings, header styles, labels, multi-select, privacy."""

import re
import unicodedata

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from survey_helpers import sha256, write_csv, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onex_research.survey import (DEFAULT_SALT, META_COLUMNS, load_instrument, multi_columns,
                                  read_export)
from onex_research.paths import DEFAULT_INSTRUMENT


def _coded(instrument):
    it = instrument.items
    return [c for c in it.index if it.at[c, "type"] in ("likert", "single", "attention")]


def _answers(raw, instrument):
    cols = _coded(instrument) + multi_columns(instrument, "certificates")
    return raw[cols]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, text_frame, instrument):
    path = write_xlsx(text_frame, tmp_path_factory.mktemp("ref") / "wjx_text.xlsx")
    return read_export(path, instrument)


def test_text_export_matches_the_simulated_codes(reference, small_study, instrument):
    truth = small_study.responses
    assert len(reference) == len(truth)
    assert reference["respondent_id"].tolist() == list(truth.index)
    for item in _coded(instrument):
        got = reference[item].to_numpy(dtype=float, na_value=np.nan)
        want = truth[item].to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(got, want, err_msg=item)
    assert str(reference["rec1"].dtype) == "Int64"


def test_out_of_range_codes_are_kept_as_numbers(reference, small_study, instrument):
    d = small_study.dirty
    oor = d[d["rule"] == "out_of_range"]
    assert len(oor)
    for _, row in oor.iterrows():
        got = reference.loc[reference["respondent_id"] == row["序号"], row["item"]].iloc[0]
        assert got == int(row["value"])
        assert not 1 <= got <= instrument.n_points(row["item"])


def test_codes_export_in_gbk_reads_the_same(tmp_path, codes_frame, reference, instrument):
    path = write_csv(codes_frame, tmp_path / "codes.csv", encoding="gbk")
    raw = read_export(path, instrument)
    pd.testing.assert_frame_equal(_answers(raw, instrument), _answers(reference, instrument))
    assert raw.attrs["file_format"] == "csv"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, text_frame, reference, instrument, encoding):
    path = write_csv(text_frame, tmp_path / "e.csv", encoding=encoding)
    raw = read_export(path, instrument)
    pd.testing.assert_frame_equal(raw.drop(columns=["suggestion"]), reference.drop(columns=["suggestion"]),
                                  check_dtype=False)
    assert raw["suggestion"].fillna("").tolist() == reference["suggestion"].fillna("").tolist()


def _restyle(header, style):
    m = re.match(r"^(\d+)、(.*)$", header)
    s = re.match(r"^(\d+)\((.*)\)$", header)
    if style == "colon" and m:
        return f"{m.group(1)}：{m.group(2)}"
    if style == "di" and s:
        return f"第{s.group(1)}题({s.group(2)})"
    if style == "di" and m:
        return f"第{m.group(1)}题、{m.group(2)}"
    if style == "wide" and (m or s):
        wide = header.translate(str.maketrans("0123456789()", "０１２３４５６７８９（）"))
        return " " + wide[:3] + " " + wide[3:] + "　"
    return header


@pytest.mark.parametrize("style", ["colon", "di", "wide"])
def test_header_styles(tmp_path, text_frame, reference, instrument, style):
    df = text_frame.rename(columns=lambda h: _restyle(h, style))
    assert list(df.columns) != list(text_frame.columns)
    raw = read_export(write_csv(df, tmp_path / "h.csv"), instrument)
    pd.testing.assert_frame_equal(_answers(raw, instrument), _answers(reference, instrument))


def test_labels_tolerate_full_width_and_spaces(tmp_path, text_frame, reference, instrument):
    df = text_frame.copy()
    h = instrument.header("rec1")
    df[h] = df[h].map(lambda v: " " + " ".join(v) + "　" if v in instrument.labels("rec1") else v)
    hc = instrument.header("certificates")
    df[hc] = df[hc].str.replace("(", "（").str.replace(")", "）")
    assert (df[hc] != text_frame[hc]).any()
    raw = read_export(write_csv(df, tmp_path / "l.csv"), instrument)
    pd.testing.assert_frame_equal(_answers(raw, instrument), _answers(reference, instrument))


@pytest.mark.parametrize("token", ["(跳过)", "（跳过）", "-3", "-2", ""])
def test_missing_tokens(tmp_path, text_frame, instrument, token):
    df = text_frame.copy()
    df.loc[:4, instrument.header("rec2")] = token
    raw = read_export(write_csv(df, tmp_path / "m.csv"), instrument)
    assert raw.loc[:4, "rec2"].isna().all()
    assert raw.loc[5:, "rec2"].notna().sum() > 0


def test_multi_spread_over_columns_equals_joined(tmp_path, small_study, reference, instrument):
    from onex_research.simulate import export_wenjuanxin

    df = export_wenjuanxin(small_study, answers="text", multi="spread")
    assert "6(Web前端开发)" in df.columns
    raw = read_export(write_xlsx(df, tmp_path / "s.xlsx"), instrument)
    cols = multi_columns(instrument, "certificates")
    pd.testing.assert_frame_equal(raw[cols], reference[cols])
    assert set(reference[cols].stack().unique()) <= {0, 1}


def test_other_text_and_pii_are_scrubbed(tmp_path, text_frame, instrument):
    df = text_frame.copy()
    hc, hs = instrument.header("certificates"), instrument.header("suggestion")
    df.loc[0, hc] = "老年照护┋其他证书〖电工证，电话13912345678〗"
    df.loc[1, hs] = "我是李明，邮箱 liming@163.com，身份证110101199003071234，微信：wx_abc123 QQ 12345678"
    raw = read_export(write_csv(df, tmp_path / "p.csv"), instrument)
    assert raw.loc[0, "certificates__other"] == "电工证，电话[PHONE]"
    assert raw.loc[0, "certificates__5"] == 1 and raw.loc[0, "certificates__7"] == 1
    text = raw.loc[1, "suggestion"]
    for leak in ("李明", "liming@163.com", "110101199003071234", "wx_abc123", "12345678", "13912345678"):
        assert leak not in text and leak not in raw.astype(str).to_string()
    assert "[NAME]" in text and "[EMAIL]" in text and "[ID]" in text


def test_planted_pii_never_reaches_the_result(instrument):
    from onex_research.paths import DEFAULT_STUDY

    truth = pd.read_csv(DEFAULT_STUDY / "truth_dirty.csv")
    pii = truth.loc[truth["rule"] == "pii", "value"].astype(str)
    assert len(pii)
    raw = read_export(DEFAULT_STUDY / "wjx_text.xlsx", instrument)
    dump = raw.astype(str).to_string()
    for piece in pii:
        assert piece not in dump


def test_ip_is_hashed_never_returned(tmp_path, text_frame, reference, instrument):
    ips = text_frame["来自IP"].str.extract(r"^([\d.]+)")[0]
    dump = reference.astype(str).to_string()
    assert not any(ip in dump for ip in ips)
    assert reference["ip_hash"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert reference["ip_region"].notna().all()
    same = ips.duplicated(keep=False).to_numpy()
    if same.any():
        assert reference.loc[same, "ip_hash"].duplicated(keep=False).all()
    path = write_xlsx(text_frame, tmp_path / "s.xlsx")
    assert read_export(path, instrument)["ip_hash"].equals(reference["ip_hash"])
    assert not read_export(path, instrument, salt="other")["ip_hash"].equals(reference["ip_hash"])
    assert DEFAULT_SALT


def test_metadata_columns_and_types(reference):
    assert list(reference.columns[:len(META_COLUMNS)]) == list(META_COLUMNS)
    assert str(reference["duration_s"].dtype) == "Float64"
    assert reference["duration_s"].gt(0).all()
    assert pd.api.types.is_datetime64_any_dtype(reference["submitted_at"])
    assert reference["submitted_at"].notna().all()


def test_respondent_id_falls_back_to_row_position(tmp_path, text_frame, instrument):
    df = text_frame.drop(columns=["序号"]).iloc[5:]
    raw = read_export(write_csv(df, tmp_path / "n.csv"), instrument)
    assert raw["respondent_id"].tolist() == list(range(1, len(df) + 1))


def test_raw_file_is_never_changed(tmp_path, text_frame, instrument):
    for path in (write_xlsx(text_frame, tmp_path / "r.xlsx"), write_csv(text_frame, tmp_path / "r.csv", "gbk")):
        before = sha256(path)
        read_export(path, instrument)
        assert sha256(path) == before


def _tencent(text_frame, instrument):
    meta = {"编号": text_frame["序号"], "开始答题时间": "2024-05-12 10:00:00",
            "结束答题时间": "2024-05-12 10:07:05", "答题时长": "7分5秒", "IP": "1.2.3.4",
            "昵称": "小王"}
    out = pd.DataFrame(meta)
    for code in instrument.items.index:
        h = instrument.header(code)
        q = int(instrument.items.at[code, "question"])
        sub = instrument.items.at[code, "sub"]
        new = f"Q{q}:以下说法您是否同意-{sub}" if isinstance(sub, str) else f"Q{q}:{instrument.items.at[code, 'text_zh']}"
        out[new] = text_frame[h].to_numpy()
    return out


def test_tencent_export(tmp_path, text_frame, reference, instrument):
    df = _tencent(text_frame, instrument)
    raw = read_export(write_xlsx(df, tmp_path / "tencent.xlsx"), instrument)
    pd.testing.assert_frame_equal(_answers(raw, instrument), _answers(reference, instrument))
    assert raw["duration_s"].eq(425).all()
    assert raw.attrs["export_style"] == "tencent"
    assert "小王" not in raw.astype(str).to_string()


def test_plain_codes_csv_and_sav(tmp_path, reference, instrument):
    plain = _answers(reference, instrument).copy()
    plain.insert(0, "respondent_id", reference["respondent_id"])
    plain["suggestion"] = reference["suggestion"]
    raw = read_export(write_csv(plain, tmp_path / "plain.csv"), instrument)
    pd.testing.assert_frame_equal(_answers(raw, instrument), _answers(reference, instrument))
    assert raw.attrs["export_style"] == "codes"
    sav = plain.copy()
    for c in sav.columns[:-1]:
        sav[c] = sav[c].astype(float)
    sav["suggestion"] = sav["suggestion"].fillna("").astype(object)
    pyreadstat.write_sav(sav, str(tmp_path / "plain.sav"))
    raw = read_export(tmp_path / "plain.sav", instrument)
    pd.testing.assert_frame_equal(_answers(raw, instrument), _answers(reference, instrument))
    assert raw.attrs["file_format"] == "sav"


_WIDE = str.maketrans("0123456789()", "０１２３４５６７８９（）")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_reader_property_labels_in_any_form(tmp_path, data):
    """Any mix of labels, codes, skip tokens, widths and spaces decodes to the right codes."""
    ins = load_instrument(DEFAULT_INSTRUMENT)
    n = data.draw(st.integers(1, 12))
    labels = ins.labels("rec1")
    codes = data.draw(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=n, max_size=n))
    forms = data.draw(st.lists(st.sampled_from(["label", "code", "wide", "space"]), min_size=n, max_size=n))
    skip = data.draw(st.sampled_from(["(跳过)", "-3", "-2", ""]))
    cells = []
    for c, f in zip(codes, forms):
        if c is None:
            cells.append(skip)
        elif f == "label":
            cells.append(labels[c - 1])
        elif f == "code":
            cells.append(str(c))
        elif f == "wide":
            cells.append(unicodedata.normalize("NFKC", labels[c - 1]).translate(_WIDE))
        else:
            cells.append(" " + labels[c - 1] + " ")
    df = pd.DataFrame({ins.header(i): [ins.labels(i)[0] if ins.items.at[i, "type"] != "text" else "无"] * n
                       for i in ins.items.index})
    df[ins.header("rec1")] = cells
    path = tmp_path / f"p{abs(hash(tuple(cells))) % 10**8}.csv"
    raw = read_export(write_csv(df, path, encoding="gb18030"), ins)
    assert len(raw) == n
    assert raw["rec1"].tolist() == [pd.NA if c is None else c for c in codes]


def test_tencent_multi_select_spread_over_option_columns(tmp_path, text_frame, reference, instrument):
    df = _tencent(text_frame, instrument)
    q6 = "Q6:" + instrument.items.at["certificates", "text_zh"]
    cols = multi_columns(instrument, "certificates")
    for k, label in enumerate(instrument.labels("certificates"), start=1):
        df[f"{q6}-{label}"] = reference[cols[k - 1]].to_numpy()
    df = df.drop(columns=[q6])
    raw = read_export(write_csv(df, tmp_path / "t.csv", encoding="utf-8-sig"), instrument)
    pd.testing.assert_frame_equal(raw[cols], reference[cols])
