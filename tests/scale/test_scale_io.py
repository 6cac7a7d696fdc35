"""Reading exports in partitions: byte ranges keep quoted line breaks, xlsx is converted once."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onex_research.scale import csv_byte_ranges, read_export


def _frame(texts):
    return pd.DataFrame({"id": [f"R{i}" for i in range(len(texts))], "answer": texts})


ANSWER = st.text(alphabet=st.sampled_from(list('建议证书"\n,，。 a1+X')), max_size=30)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(ANSWER, min_size=1, max_size=40), blocksize=st.integers(1, 200))
def test_byte_ranges_cover_the_file_and_keep_rows_whole(tmp_path_factory, texts, blocksize):
    path = tmp_path_factory.mktemp("csv") / "a.csv"
    df = _frame(texts)
    df.to_csv(path, index=False, encoding="utf-8-sig")
    header, ranges = csv_byte_ranges(path, blocksize)
    assert ranges[0][0] == 3 + len(header) and ranges[-1][1] == path.stat().st_size
    assert all(a < b and b == c for (a, b), (c, _) in zip(ranges, ranges[1:]))
    got = read_export(path, ["answer", "id"], blocksize=blocksize).compute(scheduler="sync")
    expected = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert got["answer"].tolist() == expected["answer"].tolist()
    assert got["id"].tolist() == df["id"].tolist()


def test_xlsx_is_converted_once_with_a_message(tmp_path, capsys):
    df = _frame(["建议降低考试费", "希望企业认可1+X证书"] * 5)
    path = tmp_path / "export.xlsx"
    df.to_excel(path, index=False)
    first = read_export(path, ["answer"]).compute(scheduler="sync")
    err = capsys.readouterr().err
    assert "converting export.xlsx to Parquet once" in err and (tmp_path / "export.parquet").exists()
    second = read_export(path, ["answer"]).compute(scheduler="sync")
    err = capsys.readouterr().err
    assert "converting" not in err and "converted earlier" in err
    assert first["answer"].tolist() == second["answer"].tolist() == df["answer"].tolist()


def test_unknown_suffix(tmp_path):
    path = tmp_path / "a.sav"
    path.write_bytes(b"x")
    with pytest.raises(ValueError, match="use .csv, .parquet or .xlsx"):
        read_export(path, ["answer"])
