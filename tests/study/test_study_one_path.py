"""One study, one path: the CLI and the notebooks call the same steps and write the same tables.

``onex-research clean`` then ``regress``/``measure`` with their defaults must write, byte for
byte, the tables notebooks 03 and 02 write on the same export (the LaTeX ``\\label`` names
the command or notebook, so that one line is left out of the comparison).
"""

import re

import pandas as pd
import pytest

from onex_research import cli
from onex_research.errors import OnexError
from onex_research.instrument import load_instrument
from onex_research.paths import DEFAULT_INSTRUMENT, DEFAULT_STUDY
from onex_research.reproduce import reproduce
from onex_research.study import (CLEAN_FILES, default_controls, load_survey, read_clean, resolve_corpus,
                                 write_clean)

EXPORT = DEFAULT_STUDY / "wjx_text.xlsx"


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb")
    reproduce(out=out, notebooks=["02", "03"], progress=False, use_cache=False)
    return out / "tables"


@pytest.fixture(scope="module")
def commands(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    assert cli.main(["clean", str(EXPORT), "--out", str(out / "clean")]) == 0
    assert cli.main(["regress", str(out / "clean"), "--outcome", "effectiveness", "--out", str(out / "regress")]) == 0
    assert cli.main(["measure", str(out / "clean"), "--out", str(out / "measure")]) == 0
    return out


def _content(path):
    data = path.read_bytes()
    if path.suffix == ".tex":
        data = re.sub(rb"\\label\{[^}]*\}", b"", data)
    return data


def _compare(cli_tables, nb_tables, notebook):
    files = sorted(p for p in cli_tables.iterdir() if p.suffix in (".csv", ".md", ".tex", ".docx"))
    assert files, f"nothing written in {cli_tables}"
    for path in files:
        name = path.name.split("__", 1)[1]
        twin = nb_tables / f"{notebook}__{name}"
        assert twin.exists(), f"{path.name}: notebook {notebook} has no table {name}"
        assert _content(path) == _content(twin), f"{path.name} differs from {twin.name}"
    return files


def test_regress_writes_notebook_03s_hierarchical_tables(commands, notebooks):
    files = _compare(commands / "regress" / "tables", notebooks, "03_regression")
    assert {p.stem.split("__")[1] for p in files} == {"hierarchical_effectiveness_summary",
                                                      "hierarchical_effectiveness_models",
                                                      "hierarchical_effectiveness_coefficients"}
    summary = pd.read_csv(commands / "regress" / "tables" / "regress__hierarchical_effectiveness_summary.csv",
                          encoding="utf-8-sig")
    assert summary["predictors"].iloc[0] == "角色、性别、学校类型"   # the instrument's controls, labelled
    coefs = pd.read_csv(commands / "regress" / "tables" / "regress__hierarchical_effectiveness_coefficients.csv",
                        encoding="utf-8-sig")
    # 学生 (the first answer of the scale) is the reference: no dummy for it; terms read as 角色：教师
    assert "角色：学生" not in set(coefs["term"]) and "角色：企业人员" in set(coefs["term"])
    assert not coefs["term"].str.contains(r"C\(|\[T\.").any()
    md = (commands / "regress" / "tables" / "regress__hierarchical_effectiveness_coefficients.md").read_text(encoding="utf-8")
    assert "参照组：角色 = 学生" in md


def test_measure_writes_notebook_02s_tables(commands, notebooks):
    files = _compare(commands / "measure" / "tables", notebooks, "02_measurement")
    names = {p.stem.split("__")[1] for p in files}
    assert {"reliability", "item_total", "efa_loadings", "cfa_fit", "htmt"} <= names


def test_clean_writes_what_restores_the_data_exactly(tmp_path):
    survey = load_survey(EXPORT)
    written = write_clean(survey, tmp_path)
    assert {p.name for p in written} >= set(CLEAN_FILES.values()) | {"clean.sav"}
    back = read_clean(tmp_path)
    pd.testing.assert_frame_equal(back.data, survey.data)
    pd.testing.assert_frame_equal(back.scores, survey.scores)
    assert list(back.data["role"].cat.categories) == ["学生", "教师", "管理人员", "企业人员"]
    assert back.instrument.items.equals(survey.instrument.items)


def test_read_clean_without_an_instrument_asks_for_one(tmp_path):
    write_clean(load_survey(EXPORT), tmp_path)
    (tmp_path / CLEAN_FILES["instrument"]).unlink()
    with pytest.raises(OnexError, match="pass --instrument"):
        read_clean(tmp_path / "clean.csv")
    assert read_clean(tmp_path, instrument=DEFAULT_INSTRUMENT).data.shape[0] > 0
    code = cli.main(["regress", str(tmp_path), "--out", str(tmp_path / "r")])
    assert code == 2


def test_default_controls_come_from_the_instrument(tmp_path):
    ins = load_instrument(DEFAULT_INSTRUMENT)
    assert default_controls(ins) == ["role", "gender", "school_type"]
    text = DEFAULT_INSTRUMENT.read_text(encoding="utf-8")
    no_key = tmp_path / "no_controls.yaml"
    no_key.write_text(re.sub(r"(?m)^controls:.*\n", "", text), encoding="utf-8")
    assert default_controls(load_instrument(no_key)) == ["role", "school_type", "major", "tenure", "gender"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(re.sub(r"(?m)^controls:.*\n", "controls: [role, age]\n", text), encoding="utf-8")
    with pytest.raises(OnexError, match="age"):
        default_controls(load_instrument(bad))


def test_resolve_corpus_takes_the_folder_or_its_transcripts(tmp_path):
    from onex_research.paths import CORPUS

    a, b = resolve_corpus(CORPUS), resolve_corpus(CORPUS / "transcripts")
    assert a == b and a.roster == CORPUS / "roster.csv" and a.frame == CORPUS / "coding_frame.yaml"
    (tmp_path / "notes.csv").write_text("x\n")
    with pytest.raises(OnexError, match="neither a corpus folder"):
        resolve_corpus(tmp_path)
    with pytest.raises(FileNotFoundError):
        resolve_corpus(tmp_path / "missing")


def test_invariance_says_why_it_did_not_run_on_small_groups(tmp_path):
    from onex_research.report import Report
    from onex_research.study import tables

    survey = load_survey(EXPORT)
    small = survey.__class__(instrument=survey.instrument, data=survey.data.iloc[:150],
                             scores=survey.scores.iloc[:150])
    with pytest.warns(UserWarning, match="invariance not run.*教师"):
        assert tables.invariance_table(small, Report(tmp_path, notebook="t")) is None


def test_correlation_table_means_sds_rs_and_alpha(tmp_path):
    # r against scipy's pearsonr (psych::corr.test is the reference of correlations(), tested
    # in tests/psychometrics); alpha against scale_reliability (psych::alpha, tested there too)
    from scipy import stats

    from onex_research.psychometrics import scale_reliability
    from onex_research.report import Report
    from onex_research.study import tables

    survey = load_survey(EXPORT)
    t = tables.correlation_table(survey, Report(tmp_path, notebook="t"))
    scores = survey.scores[list(survey.scales)]
    assert t["mean"].to_numpy() == pytest.approx(scores.mean().to_numpy())
    a, b = scores.columns[0], scores.columns[3]
    ok = scores[[a, b]].dropna()
    r, p = stats.pearsonr(ok[a], ok[b])
    assert t.iloc[3, 2] == f"{r:.2f}" + ("***" if p < .001 else "**" if p < .01 else "*" if p < .05 else "")
    alpha = scale_reliability(survey.items, survey.scales)["alpha"]
    assert t.iloc[0, 2] == f"({alpha[a]:.2f})" and t.iloc[0, 3] == ""
    assert t.index[0] == "1. 社会认可度" and list(t.columns[2:]) == [str(i) for i in range(1, 13)]
    md = (tmp_path / "tables" / "t__correlations.md").read_text(encoding="utf-8")
    assert "对角线括号内为 Cronbach's α" in md
