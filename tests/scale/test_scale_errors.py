"""Bad input gives a clear error naming what is wrong: column, file and byte range, scheduler."""

import socket

import pandas as pd
import pytest

from onex_research.cli import main
from onex_research.errors import OnexError
from onex_research.scale import (MissingColumnError, Runner, SchedulerError, UndecodablePartitionError, connect,
                                 read_export)
from onex_research.scale.pipeline import identifier_pass


@pytest.fixture
def csv_export(tmp_path, sample):
    path = tmp_path / "answers.csv"
    sample.answers.to_csv(path, index=False)
    return path


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_missing_column_names_file_column_and_the_columns_there_are(tmp_path, sample, fmt):
    path = tmp_path / f"answers.{fmt}"
    getattr(sample.answers, f"to_{fmt}")(path, index=False)
    with pytest.raises(MissingColumnError) as err:
        read_export(path, ["answers", "role"])
    msg = str(err.value)
    assert str(path) in msg and "'answers'" in msg and "'answer'" in msg  # the column, and a hint
    assert isinstance(err.value, OnexError)


def test_missing_group_column_exits_2_with_one_line(csv_export, tmp_path, capsys):
    code = main(["open-ended", str(csv_export), "--column", "answer", "--group", "省份", "--out",
                 str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "省份" in err and "answers.csv" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # nothing half-written


def _corrupt(csv_export, row):
    """Put invalid UTF-8 after the first comma of ``row``; returns the byte offset of the bad byte."""
    data = csv_export.read_bytes()
    lines = data.split(b"\n")
    target = lines[row + 1]
    cut = target.index(b",") + 1  # an ASCII boundary: no character is cut in two
    lines[row + 1] = target[:cut] + b"\xff\xfe" + target[cut:]
    csv_export.write_bytes(b"\n".join(lines))
    return sum(len(x) + 1 for x in lines[:row + 1]) + cut


@pytest.mark.parametrize("kind", ["threads", "cluster"])
def test_undecodable_partition_is_named_by_file_and_byte_range(csv_export, client, kind):
    bad = _corrupt(csv_export, 200)
    ddf = read_export(csv_export, ["answer", "role"], blocksize=2000)
    assert ddf.npartitions > 5
    runner = Runner(client if kind == "cluster" else None, progress=False)
    with pytest.raises(UndecodablePartitionError) as err:
        identifier_pass(ddf, "answer", runner)
    e = err.value
    assert e.path == str(csv_export) and e.start <= bad < e.stop
    assert f"bytes {e.start}-{e.stop}" in str(e) and str(csv_export) in str(e) and f"offset {bad}" in str(e)


def test_undecodable_partition_exits_2(csv_export, tmp_path, capsys):
    _corrupt(csv_export, 10)
    code = main(["open-ended", str(csv_export), "--column", "answer", "--out", str(tmp_path / "o"), "--quiet",
                 "--blocksize", "3000"])
    err = capsys.readouterr().err
    assert code == 2 and "bytes " in err and "cannot decode as utf-8" in err and "answers.csv" in err


def test_unreachable_scheduler_is_a_clear_error():
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(SchedulerError, match="cannot reach the Dask scheduler at " + address):
        with connect(address, timeout=1, quiet=True):
            pass


@pytest.mark.parametrize("spec", ["thread", "cluster", "http://"])
def test_bad_scheduler_spec(spec):
    with pytest.raises(SchedulerError, match="expected 'threads', 'processes'"):
        with connect(spec):
            pass


def test_unreachable_scheduler_exits_2(csv_export, tmp_path, capsys):
    code = main(["open-ended", str(csv_export), "--column", "answer", "--out", str(tmp_path / "o"), "--quiet",
                 "--scheduler", f"127.0.0.1:{_free_port()}"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err


def test_mapping_is_refused_under_reports(csv_export, tmp_path, capsys):
    code = main(["open-ended", str(csv_export), "--column", "answer", "--out", str(tmp_path / "o"), "--quiet",
                 "--mapping", str(tmp_path / "reports" / "map.json")])
    assert code == 2 and "refusing" in capsys.readouterr().err
    assert not (tmp_path / "reports" / "map.json").exists()


def test_missing_column_of_a_dask_frame(sample):
    import dask.dataframe as dd

    from onex_research.scale import run_open_ended

    ddf = dd.from_pandas(sample.answers, npartitions=2)
    with pytest.raises(MissingColumnError, match="no column 'grade'"):
        run_open_ended(ddf, "answer", Runner(None, progress=False), group="grade")


def test_malformed_partition_is_named_by_file_and_byte_range(csv_export):
    from onex_research.scale import MalformedPartitionError

    lines = csv_export.read_bytes().split(b"\n")
    lines[150] = lines[150].rsplit(b",", 1)[0] + ',"未闭合的回答'.encode()  # a quote that never closes
    csv_export.write_bytes(b"\n".join(lines))
    bad = sum(len(x) + 1 for x in lines[:150])
    ddf = read_export(csv_export, ["answer"], blocksize=2000)
    with pytest.raises(MalformedPartitionError, match="cannot parse as CSV") as err:
        identifier_pass(ddf, "answer", Runner(None, progress=False))
    assert err.value.start <= bad < err.value.stop and str(csv_export) in str(err.value)
