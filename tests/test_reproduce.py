"""The output registry (Report) and the pieces of ``reproduce`` that need no kernel.

The notebooks themselves are executed once, in tests/test_notebooks.py. Everything
here runs in well under a few seconds.
"""

import json
import sys
import types

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
def figures_module(monkeypatch):
    """The real ``report.figures`` once it exists; a minimal stand-in before that."""
    try:
        import onex_research.report.figures as mod  # noqa: F401
        return mod
    except ImportError:
        mod = types.ModuleType("onex_research.report.figures")

        def save_figure(fig, stem, *, dpi=300, formats=("png", "svg")):
            paths = []
            for ext in formats:
                p = stem.with_name(stem.name + "." + ext)
                fig.savefig(p, dpi=dpi, metadata={"Date": None} if ext in ("svg", "pdf") else None)
                paths.append(p)
            return paths

        mod.save_figure = save_figure
        monkeypatch.setitem(sys.modules, "onex_research.report.figures", mod)
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
