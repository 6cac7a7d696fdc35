"""The output registry (Report) and the pieces of ``reproduce`` that need no kernel.

The notebooks themselves are executed once, in tests/test_notebooks.py. Everything
here runs in well under a few seconds.
"""

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from onex_research.errors import OnexError
from onex_research.report.registry import Report, read_registry


@pytest.fixture
def table():
    return pd.DataFrame({"alpha": [0.812, 0.774], "n": [600, 598]},
                        index=pd.Index(["recognition", "quality"], name="construct"))


@pytest.fixture
def figures_module():
    import onex_research.plotting.figures as mod

    return mod


def _caps(**kw):
    return dict(caption_zh="信度分析", caption_en="Reliability", made_by="onex_research.psychometrics.alpha", **kw)


def test_table_writes_four_formats_and_registers(tmp_path, table):
    rep = Report(tmp_path, notebook="02_measurement")
    entry = rep.table(table, name="reliability", notes="n = 600。", **_caps())
    paths = [tmp_path / f for f in entry.files]
    assert sorted(p.suffix for p in paths) == [".csv", ".docx", ".md", ".tex"]
    assert all(p.exists() and p.parent == tmp_path / "tables" for p in paths)
    assert all(p.name.startswith("02_measurement__reliability.") for p in paths)
    doc = json.loads((tmp_path / "_registry" / "02_measurement.json").read_text(encoding="utf-8"))
    (entry,) = doc["entries"]
    assert entry["kind"] == "table" and entry["name"] == "reliability"
    assert entry["caption_zh"] == "信度分析" and entry["notebook"] == "02_measurement"
    assert entry["made_by"] == "onex_research.psychometrics.alpha"
    assert entry["files"] == sorted(f"tables/02_measurement__reliability.{e}" for e in ("csv", "docx", "md", "tex"))


def test_registry_is_deterministic_and_reruns_replace(tmp_path, table):
    for sub in ("a", "b"):
        rep = Report(tmp_path / sub, notebook="nb")
        rep.table(table, name="t1", **_caps())
        rep.table(table.head(1), name="t2", **_caps())
        rep.table(table, name="t1", **_caps())      # a rerun cell replaces, keeps the order
    a = (tmp_path / "a" / "_registry" / "nb.json").read_bytes()
    assert a == (tmp_path / "b" / "_registry" / "nb.json").read_bytes()
    assert [e.name for e in read_registry(tmp_path / "a")] == ["t1", "t2"]
    assert str(tmp_path) not in a.decode("utf-8"), "registry paths are relative to out_dir"
    for ext in ("csv", "docx", "tex", "md"):
        name = f"tables/nb__t1.{ext}"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), ext


def test_new_report_starts_a_fresh_registry(tmp_path, table):
    Report(tmp_path, notebook="nb").table(table, name="old", **_caps())
    Report(tmp_path, notebook="nb")
    assert read_registry(tmp_path, "nb") == []


def test_figure_saved_registered_and_closed(tmp_path, figures_module):
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    rep = Report(tmp_path, notebook="05_joint_display")
    paths = [tmp_path / f for f in rep.figure(fig, name="recognition", **_caps()).files]
    assert sorted(p.suffix for p in paths) == [".png", ".svg"]
    assert all(p.exists() for p in paths)
    assert not plt.fignum_exists(fig.number), "Report.figure closes the figure"
    (entry,) = read_registry(tmp_path)
    assert entry.kind == "figure" and entry.files == ("figures/05_joint_display__recognition.png",
                                                      "figures/05_joint_display__recognition.svg")


@pytest.mark.parametrize("bad", [dict(name="has space"), dict(name=""), dict(caption_zh=" "), dict(made_by="")])
def test_bad_names_and_captions_are_rejected(tmp_path, table, bad):
    kw = dict(name="ok", **_caps())
    kw.update(bad)
    with pytest.raises(OnexError):
        Report(tmp_path, notebook="nb").table(table, **kw)


def test_table_rejects_non_frames(tmp_path):
    with pytest.raises(TypeError, match="DataFrame"):
        Report(tmp_path, notebook="nb").table([1, 2], name="x", **_caps())


def test_default_out_dir_is_reports(tmp_path, monkeypatch):
    import onex_research.paths

    monkeypatch.setattr(onex_research.paths, "REPORTS", tmp_path / "reports")
    rep = Report(notebook="nb")
    assert rep.out_dir == tmp_path / "reports"
    assert (tmp_path / "reports" / "_registry" / "nb.json").exists()


# -- reproduce on tiny notebooks (one kernel each, ~2 s) ----------------------------
import nbformat  # noqa: E402

from onex_research.reproduce.html import markdown_table_html  # noqa: E402
from onex_research.reproduce.manifest import sha256_file, sha256_tree  # noqa: E402
from onex_research.reproduce.run import (GlyphWarningError, NotebookError, inject_parameters,  # noqa: E402
                                            list_notebooks, reproduce)

TINY_TABLE = """\
import pandas as pd
import matplotlib.pyplot as plt
from onex_research.report import Report
rep = Report(out_dir, notebook=NAME)
t = pd.DataFrame({"b": [0.1234, -0.5], "p": [0.01, 0.2]}, index=pd.Index(["x", "y"], name="term"))
rep.table(t, name="coef", caption_zh="系数", caption_en="Coefficients", made_by="tests.tiny")"""
TINY_FIGURE = """\
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([1, 3, 2])
ax.set_title(TITLE)
rep.figure(fig, name="line", caption_zh="折线", caption_en="Line", made_by="tests.tiny")"""


def _notebook(folder, name, *cells, title="abc"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name} 标题"),
                nbformat.v4.new_code_cell("out_dir = None\nseed = 0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(f"NAME = {name!r}\nTITLE = {title!r}")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    return folder


def _run(nb_dir, out, **kw):
    return reproduce(out=out, notebook_dir=nb_dir, validate=False, progress=False, **kw)


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory):
    """The same two tiny notebooks reproduced twice, into two folders."""
    root = tmp_path_factory.mktemp("tiny")
    nb_dir = _notebook(root / "nbs", "01_first", TINY_TABLE, TINY_FIGURE)
    _notebook(nb_dir, "02_second", TINY_TABLE)
    return [_run(nb_dir, root / f"out{i}", seed=7) for i in (1, 2)]


def test_reproduce_writes_html_report_and_manifest(tiny_runs):
    res = tiny_runs[0]
    out = res.out_dir
    assert res.notebooks == ("01_first", "02_second")
    for nb in res.notebooks:
        assert (out / "notebooks" / f"{nb}.html").stat().st_size > 1000
    page = res.report.read_text(encoding="utf-8")
    assert "表1" in page and "Table 1" in page and "表2" in page and "Table 2" in page
    assert "图1" in page and "Figure 1" in page and "图2" not in page
    assert 'src="figures/01_first__line.png"' in page
    assert page.index("01_first 标题") < page.index("02_second 标题")
    doc = json.loads(res.manifest.read_text(encoding="utf-8"))
    assert doc["seed"] == 7 and "reproduce" in doc["command"]
    assert {"survey", "instrument", "corpus", "notebooks"} <= set(doc["inputs"])
    from onex_research.paths import DEFAULT_INSTRUMENT
    assert doc["inputs"]["instrument"] == {"path": "surveys/onex_instrument.yaml",
                                           "sha256": sha256_file(DEFAULT_INSTRUMENT)}
    assert doc["environment"]["packages"]["pandas"] == pd.__version__
    paths = [o["path"] for o in doc["outputs"]]
    assert paths == sorted(paths)
    assert "tables/02_second__coef.docx" in paths and "figures/01_first__line.svg" in paths
    assert "report.html" in paths and "notebooks/01_first.html" in paths
    for o in doc["outputs"]:
        assert o["sha256"] == sha256_file(out / o["path"]), o["path"]
    fig = next(o for o in doc["outputs"] if o["path"] == "figures/01_first__line.png")
    assert fig["notebook"] == "01_first" and fig["made_by"] == "tests.tiny"
    assert doc["glyph_warnings"] == {"01_first": [], "02_second": []}
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|timestamp", res.manifest.read_text(encoding="utf-8"))


def test_reproduce_injects_parameters_after_the_parameters_cell(tiny_runs):
    nb = nbformat.read(str(tiny_runs[0].out_dir / "notebooks" / "01_first.ipynb"), as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["injected-setup"]
    i = tags.index(["parameters"])
    assert tags[i + 1] == ["injected-parameters"]
    assert "seed = 7" in nb.cells[i + 1].source
    assert all(c.get("outputs") is not None for c in nb.cells if c.cell_type == "code")


def test_two_runs_give_identical_tables_and_figures(tiny_runs):
    a, b = (r.out_dir for r in tiny_runs)
    files = sorted(p.relative_to(a) for p in a.glob("tables/*")) + sorted(p.relative_to(a) for p in a.glob("figures/*"))
    assert len(files) == 4 + 4 + 2
    for rel in files + [Path("report.html"), Path("_registry/01_first.json")]:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_unchanged_notebooks_come_from_the_cache(tiny_runs, tmp_path):
    first = tiny_runs[0]
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    for stem in first.notebooks:  # the same notebooks, copied: same bytes, same key
        src = first.out_dir.parent / "nbs" / f"{stem}.ipynb"
        (nb_dir / src.name).write_bytes(src.read_bytes())
    before = {p: p.read_bytes() for p in first.out_dir.rglob("*") if p.is_file() and ".cache" not in p.parts}
    again = _run(nb_dir, first.out_dir, seed=7)
    assert again.cached == first.notebooks, "nothing changed: both restored"
    after = {p: p.read_bytes() for p in first.out_dir.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert after == before, "a warm run writes the same bytes (manifest included)"
    changed = _run(nb_dir, first.out_dir, seed=8)
    assert changed.cached == (), "a new seed runs the notebooks again"


def test_missing_glyphs_fail_and_are_recorded(tmp_path):
    nb_dir = _notebook(tmp_path / "nbs", "01_glyph", "import matplotlib\nmatplotlib.rcParams['font.family'] = "
                       "['DejaVu Sans']\nmatplotlib.rcParams['font.sans-serif'] = ['DejaVu Sans']\n" + TINY_TABLE,
                       TINY_FIGURE, title="中文标题")
    with pytest.raises(GlyphWarningError, match="01_glyph"):
        _run(nb_dir, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert doc["glyph_warnings"]["01_glyph"], "the missing glyphs are listed in the manifest"
    assert all("missing from" in w for w in doc["glyph_warnings"]["01_glyph"])


def test_input_error_in_a_notebook_is_an_onex_error(tmp_path):
    nb_dir = _notebook(tmp_path / "nbs", "01_bad", "raise ValueError('column 7、题目 does not match the instrument')")
    with pytest.raises(OnexError, match="01_bad.*ValueError.*7、题目"):
        _run(nb_dir, tmp_path / "out")
    assert (tmp_path / "out" / "notebooks" / "01_bad.html").exists(), "the failed notebook is kept for inspection"


def test_other_failure_in_a_notebook_is_a_notebook_error(tmp_path):
    nb_dir = _notebook(tmp_path / "nbs", "01_bug", "raise RuntimeError('boom')")
    with pytest.raises(NotebookError, match="01_bug.*RuntimeError: boom"):
        _run(nb_dir, tmp_path / "out")


# -- pieces without a kernel ---------------------------------------------------------
def test_inject_parameters_is_papermill_style_and_idempotent():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"),
                nbformat.v4.new_code_cell("seed = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(seed)")]
    inject_parameters(nb, {"seed": 5, "out_dir": "/x"})
    inject_parameters(nb, {"seed": 6, "out_dir": "/y"})
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags == [["injected-setup"], [], ["parameters"], ["injected-parameters"], []]
    assert "seed = 6" in nb.cells[3].source and "out_dir = '/y'" in nb.cells[3].source
    assert "Glyph" in nb.cells[0].source


def test_list_notebooks_selects_by_prefix(tmp_path):
    for name in ("01_a", "02_b", "02_c"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert [p.stem for p in list_notebooks(tmp_path)] == ["01_a", "02_b", "02_c"]
    assert [p.stem for p in list_notebooks(tmp_path, ["02_c", "01"])] == ["01_a", "02_c"]
    with pytest.raises(OnexError, match="matches 2 notebooks"):
        list_notebooks(tmp_path, ["02"])
    with pytest.raises(OnexError, match="matches no notebook.*01_a"):
        list_notebooks(tmp_path, ["09"])
    with pytest.raises(OnexError, match="no notebooks"):
        list_notebooks(tmp_path / "empty")


def test_markdown_table_html_unescapes_and_keeps_notes():
    md = "**表1  t**\n\n| a | b\\|c |\n| :-- | :-: |\n| x\\*1 | 2 |\n\n注：* p < 0.05\n"
    html, notes = markdown_table_html(md)
    assert "<th style=\"text-align:left\">a</th>" in html and "b|c" in html
    assert "<td class=\"num\" style=\"text-align:center\">2</td>" in html and "x*1" in html
    assert notes == ["注：* p < 0.05"]
    with pytest.raises(ValueError):
        markdown_table_html("no table")


def test_sha256_tree_changes_with_names_and_bytes(tmp_path):
    (tmp_path / "a.txt").write_text("1")
    d1, files = sha256_tree(tmp_path)
    assert list(files) == ["a.txt"]
    (tmp_path / "a.txt").write_text("2")
    d2, _ = sha256_tree(tmp_path)
    (tmp_path / "a.txt").rename(tmp_path / "b.txt")
    d3, _ = sha256_tree(tmp_path)
    assert len({d1, d2, d3}) == 3


def test_reproduce_rejects_missing_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="survey export not found"):
        reproduce(survey=tmp_path / "nope.xlsx", out=tmp_path / "out", progress=False)
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(OnexError, match="must be a folder"):
        reproduce(corpus=tmp_path / "x.txt", out=tmp_path / "out", progress=False)



def test_scrub_merges_stream_chunks_and_hides_addresses():
    from onex_research.reproduce.execute import _scrub

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a"),
                    nbformat.v4.new_output("stream", name="stdout", text="\n<Axes at 0x7f3a2c>\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="w\n")]
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nb.cells = [cell]
    _scrub(nb)
    assert [o["name"] for o in cell.outputs] == ["stdout", "stderr"]
    assert cell.outputs[0]["text"] == "a\n<Axes at 0x…>\n"
    assert "execution" not in cell.metadata
