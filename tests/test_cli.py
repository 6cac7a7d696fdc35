"""The ``onex-research`` command line: help, exit codes, one-line errors, the worked example.

Runtime: ~15 s (one small simulated study cleaned, measured and regressed in-process;
one subprocess for the real entry point; one notebook run for the README's worked
example when ``notebooks/01_survey_cleaning.ipynb`` exists).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from onex_research import cli
from onex_research.paths import DEFAULT_INSTRUMENT, DEFAULT_STUDY, PROJECT_ROOT

COMMANDS = ["simulate", "clean", "measure", "regress", "interviews", "reproduce"]


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: onex-research {command}") and "--debug" in out


def test_top_level_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert all(c in out for c in COMMANDS)


def test_missing_file_is_exit_2_with_one_line(capsys, tmp_path):
    code, out, err = _run(capsys, "reproduce", "--survey", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("onex-research reproduce: error: survey export not found") and "nope.xlsx" in err


def test_debug_shows_the_exception(tmp_path):
    with pytest.raises(FileNotFoundError):
        cli.main(["reproduce", "--debug", "--survey", str(tmp_path / "nope.xlsx")])


def test_other_failures_are_exit_1(capsys, monkeypatch, tmp_path):
    import onex_research.reproduce.run as rp

    def broken(**kwargs):
        raise RuntimeError("kernel died\nsecond line")

    monkeypatch.setattr(rp, "reproduce", broken)
    code, _, err = _run(capsys, "reproduce", "--out", str(tmp_path))
    assert code == 1
    assert err.count("\n") == 1 and "RuntimeError: kernel died; second line" in err and "--debug" in err


@pytest.fixture(scope="module")
def bad_instrument(tmp_path_factory):
    """The default instrument with one matrix row renamed, so that it no longer fits the export."""
    text = DEFAULT_INSTRUMENT.read_text(encoding="utf-8")
    m = re.search(r"\{code: rec1, question: (\d+), sub: ([^,]+),", text)
    path = tmp_path_factory.mktemp("ins") / "mismatched.yaml"
    path.write_text(text.replace(m.group(0), m.group(0).replace(m.group(2), "不在导出里的子题")), encoding="utf-8")
    return path, f"{m.group(1)}({m.group(2).strip()})"


@pytest.mark.parametrize("command", ["clean", "reproduce"])
def test_mismatched_instrument_names_the_column(command, bad_instrument, capsys, tmp_path):
    path, header = bad_instrument
    export = str(DEFAULT_STUDY / "wjx_text.xlsx")
    argv = ([command, export] if command == "clean" else [command, "--survey", export])
    code, _, err = _run(capsys, *argv, "--instrument", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.count("\n") == 1, err
    assert header in err, "the offending export column is named"


def test_bad_option_is_argparse_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["simulate", "--seed", "seven", "--out", "x"])
    assert exc.value.code == 2


@pytest.fixture(scope="module")
def small_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("study")
    assert cli.main(["simulate", "--seed", "7", "--n", "300", "--out", str(out)]) == 0
    return out


def test_simulate_writes_a_study(small_study):
    for name in ("wjx_text.xlsx", "wjx_codes.csv", "truth.json", "truth_dirty.csv", "corpus/truth_sentences.csv"):
        assert (small_study / name).stat().st_size > 0, name
    assert len(list((small_study / "corpus").glob("*.txt"))) == 24


def test_clean_measure_regress_chain(small_study, capsys):
    clean_dir, measure_dir, regress_dir = (small_study / d for d in ("clean", "measure", "regress"))
    assert cli.main(["clean", str(small_study / "wjx_text.xlsx"), "--out", str(clean_dir)]) == 0
    for name in ("clean.csv", "clean.sav", "exclusions.csv", "tables/clean__flow.docx"):
        assert (clean_dir / name).exists(), name
    data = str(clean_dir)  # the folder clean wrote: clean.csv, its schema and instrument.yaml
    assert cli.main(["measure", data, "--out", str(measure_dir)]) == 0
    for name in ("reliability", "kmo_bartlett", "efa_loadings", "cfa_fit", "cfa_cr_ave"):
        assert (measure_dir / "tables" / f"measure__{name}.tex").exists(), name
    assert cli.main(["regress", data, "--outcome", "intention", "--out", str(regress_dir)]) == 0
    steps = (regress_dir / "tables" / "regress__hierarchical_intention_summary.csv").read_text(encoding="utf-8-sig")
    assert len(steps.strip().splitlines()) == 1 + 4, "header + controls, drivers, barriers, facilitators"
    capsys.readouterr()
    assert cli.main(["regress", data, "--outcome", "nonsense", "--out", str(regress_dir)]) == 2
    assert "choose from" in capsys.readouterr().err


def test_entry_point_exit_code_and_stderr(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "onex_research.cli", "reproduce", "--corpus", str(tmp_path / "none")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "corpus not found" in proc.stderr


def test_readme_worked_example(small_study, tmp_path, capsys):
    """README "Bring your own data": simulate a study, then reproduce pointed at it (first notebook only)."""
    out = tmp_path / "report"
    code = cli.main(["reproduce", "--survey", str(small_study / "wjx_text.xlsx"), "--instrument",
                     str(DEFAULT_INSTRUMENT), "--out", str(out), "--notebooks", "01", "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert (out / "report.html").exists() and (out / "manifest.json").exists()
    assert (out / "notebooks" / "01_survey_cleaning.html").exists()
    assert str(small_study.name) in (out / "manifest.json").read_text(encoding="utf-8")


def test_interviews_redacts_and_codes(tmp_path):
    import pandas as pd

    from onex_research.paths import CORPUS

    out = tmp_path / "iv"
    assert cli.main(["interviews", str(CORPUS / "transcripts"), "--out", str(out), "--topics", "3", "--quiet"]) == 0
    for name in ("corpus_overview", "code_by_role", "exemplar_quotes", "topics_top_words"):
        assert (out / "tables" / f"interviews__{name}.docx").exists(), name
    quotes = (out / "tables" / "interviews__exemplar_quotes.csv").read_text(encoding="utf-8-sig")
    names = pd.read_csv(CORPUS / "roster.csv", dtype=str)["name"]
    leaked = [n for n in names if n in quotes]
    assert not leaked, f"roster names in the exemplar quotes: {leaked}"


def _all_text(folder) -> str:
    """Every file under ``folder`` as text; .docx/.xlsx (zip) files by their XML parts."""
    import zipfile

    parts = []
    for f in sorted(Path(folder).rglob("*")):
        if not f.is_file():
            continue
        if zipfile.is_zipfile(f):
            with zipfile.ZipFile(f) as z:
                parts += [z.read(n).decode("utf-8", "ignore") for n in z.namelist()]
        else:
            parts.append(f.read_bytes().decode("utf-8", "ignore"))
    return "\n".join(parts)


def test_interviews_outputs_carry_no_identifier(tmp_path):
    """A transcript full of coded sentences with a name, a school, a phone and an e-mail:
    nothing of them may reach any output file (tables in csv, docx, tex, the registry)."""
    import shutil

    from onex_research.paths import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "transcripts", corpus / "transcripts")
    for extra in ("roster.csv", "schools.txt"):
        shutil.copy(CORPUS / extra, corpus / extra)
    pii = ["张伟", "黄老师", "江川职业技术学院", "13912345678", "139-1234-5678", "zhangwei.pii@example.com"]
    body = [
        "访谈者：请谈谈校企合作和证书。",
        "受访者：张伟在江川职业技术学院负责校企合作，企业认可这个证书吗？用人单位招聘看重含金量，张伟的电话13912345678。",
        "访谈者：费用呢？",
        "受访者：江川职业技术学院的考核费用、报名费、培训费、耗材都要钱，经费不足，找黄老师139-1234-5678。",
        "访谈者：老师呢？",
        "受访者：张伟是双师型教师，老师下企业培训工作量大，写信给zhangwei.pii@example.com，双师型认可度低。",
        "访谈者：考核怎么样？",
        "受访者：黄老师说江川职业技术学院题库过时、背题刷题、评分不公平、区分度低，张伟邮箱zhangwei.pii@example.com。",
        "访谈者：学生呢？",
        "受访者：张伟说学生随大流、应付、积极性不高，江川职业技术学院学校要求不考不行，找工作竞争力，电话13912345678。",
        "访谈者：执行呢？",
        "受访者：黄老师说江川职业技术学院书证融通两张皮、走过场、形式主义、人才培养方案没落实，张伟13912345678。",
    ]
    (corpus / "transcripts" / "T99_教师.txt").write_text(
        "---\nid: T99\nrole: 教师\nschool_type: 高职专科院校\nschool: 江川职业技术学院\ndate: 2024-06-01\n"
        "interviewer: 研究者A\n---\n" + "\n".join(body) + "\n", encoding="utf-8")
    out = tmp_path / "iv"
    assert cli.main(["interviews", str(corpus), "--out", str(out), "--topics", "3", "--quiet"]) == 0
    assert (out / "tables" / "interviews__exemplar_quotes.csv").exists()
    text = _all_text(out)
    assert "T99" in text  # the planted interview did reach the outputs
    leaked = [s for s in pii if s in text]
    assert not leaked, f"identifiers in the interviews outputs: {leaked}"
