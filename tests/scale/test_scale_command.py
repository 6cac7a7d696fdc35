"""``onex-research open-ended``: the interview strand's tables from a CSV or Parquet export."""

import json

import pandas as pd
import pytest

from onex_research.cli import main


@pytest.fixture(scope="module")
def export(tmp_path_factory, sample):
    folder = tmp_path_factory.mktemp("export")
    sample.answers.to_csv(folder / "answers.csv", index=False)
    sample.answers.to_parquet(folder / "answers.parquet", index=False)
    pd.DataFrame({"name": list(sample.roster), "role": list(sample.roster.values())}).to_csv(
        folder / "roster.csv", index=False)
    (folder / "schools.txt").write_text("\n".join(sample.schools), encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_writes_the_tables_equal_to_single_machine(export, tmp_path, reference, fmt, capsys):
    out = tmp_path / "out"
    code = main(["open-ended", str(export / f"answers.{fmt}"), "--column", "answer", "--group", "role",
                 "--out", str(out), "--roster", str(export / "roster.csv"), "--schools", str(export / "schools.txt"),
                 "--topics", "3", "--blocksize", "4000", "--mapping", str(tmp_path / "private" / "map.json")])
    assert code == 0, capsys.readouterr().err
    for name in ("corpus", "codes", "exemplars", "frequencies", "keywords", "topics", "redactions"):
        assert (out / "tables" / f"open_ended__{name}.csv").exists(), name
    codes = pd.read_csv(out / "tables" / "open_ended__codes.csv", encoding="utf-8-sig")
    ref = reference.codes
    assert codes["hits"].tolist() == ref["hits"].tolist() and codes["interviews"].tolist() == ref["interviews"].tolist()
    mapping = json.loads((tmp_path / "private" / "map.json").read_text(encoding="utf-8"))
    assert mapping == reference.mapping
    quotes = " ".join(pd.read_csv(out / "tables" / "open_ended__exemplars.csv", encoding="utf-8-sig")["quote"])
    assert not any(v and v in quotes for v in sample_values(reference))
    err = capsys.readouterr().err
    assert "pass 1/5" in err and "answers/s" in err


def sample_values(reference):
    return list(reference.mapping)


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "open-ended" in capsys.readouterr().out
