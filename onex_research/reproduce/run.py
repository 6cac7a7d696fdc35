"""``reproduce``: run the study's notebooks on a survey export, an instrument and a corpus.

Each notebook in ``notebooks/`` is executed top to bottom in a fresh ``python3`` kernel
of the running interpreter, with its working directory set to the notebooks folder.
The data paths and the seed are injected papermill-style: a cell tagged
``injected-parameters`` is inserted after the cell tagged ``parameters``. The notebooks
save their tables and figures through :class:`onex_research.report.Report`; afterwards
``reproduce`` writes

* ``notebooks/<name>.html`` and ``notebooks/<name>.ipynb``: the executed notebooks;
* ``report.html``: every table and figure with numbered captions (表1/Table 1, 图1/Figure 1);
* ``manifest.json``: inputs and their sha256, versions, seed, command, and each output's
  sha256, notebook and maker.

Any matplotlib "Glyph ... missing" warning (Chinese drawn as boxes) printed while a
notebook runs is recorded in the manifest and makes ``reproduce`` fail.
"""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OnexError
from ..paths import CORPUS, DEFAULT_INSTRUMENT, PROJECT_ROOT, REPORTS
from ..study import DEFAULT_SEED, DEFAULT_SURVEY, resolve_corpus
from . import manifest as _manifest
from . import nbcache as _nbcache
from .execute import (GLYPH_RE, SETUP_SOURCE, GlyphWarningError, NotebookError, glyph_messages,  # noqa: F401
                      inject_parameters, notebook_title, run_notebook)
from .html import write_report_html
from ..report.registry import read_registry

__all__ = ["reproduce", "ReproduceResult", "NotebookError", "GlyphWarningError", "list_notebooks",
           "inject_parameters", "DEFAULT_SEED", "NOTEBOOK_DIR", "DEFAULT_SURVEY", "DEFAULT_CORPUS"]

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_CORPUS = CORPUS
@dataclass(frozen=True)
class ReproduceResult:
    """What :func:`reproduce` wrote.

    Attributes
    ----------
    out_dir : pathlib.Path
    report, manifest : pathlib.Path
        ``report.html`` and ``manifest.json``.
    notebooks : tuple of str
        The notebooks executed, in order.
    html : dict
        Notebook -> its executed HTML.
    seconds : dict
        Notebook -> wall-clock seconds (not written anywhere: no timings in outputs).
    glyph_warnings : dict
        Notebook -> list of missing-glyph messages (empty when all is well).
    cached : tuple of str
        The notebooks restored from the cache instead of run.
    """

    out_dir: Path
    report: Path
    manifest: Path
    notebooks: tuple
    html: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    glyph_warnings: dict = field(default_factory=dict)
    cached: tuple = ()

    def __repr__(self) -> str:
        total = sum(self.seconds.values())
        return (f"ReproduceResult({str(self.out_dir)!r}: {len(self.notebooks)} notebooks in {total:.1f} s, "
                f"{len(self.cached)} from the cache)")


# -- notebooks -------------------------------------------------------------------
def list_notebooks(notebook_dir=None, select=None) -> list[Path]:
    """The notebooks to run, in name order.

    Parameters
    ----------
    notebook_dir : path, optional
        Default ``notebooks/`` at the project root.
    select : sequence of str, optional
        Names or prefixes (``"02"``, ``"02_measurement"``, ``"02_measurement.ipynb"``).
        Each must match exactly one notebook.
    """
    folder = Path(notebook_dir) if notebook_dir is not None else NOTEBOOK_DIR
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise OnexError(f"no notebooks (*.ipynb) in {folder}")
    if not select:
        return found
    chosen = []
    for want in select:
        stem = Path(str(want)).name.removesuffix(".ipynb")
        hits = [p for p in found if p.stem == stem] or [p for p in found if p.stem.startswith(stem)]
        if len(hits) != 1:
            names = ", ".join(p.stem for p in found)
            what = "matches no notebook" if not hits else f"matches {len(hits)} notebooks"
            raise OnexError(f"--notebooks {want!r} {what}; the notebooks are: {names}")
        if hits[0] not in chosen:
            chosen.append(hits[0])
    return sorted(chosen)


def _snapshot(out: Path, skip: Path) -> dict:
    """``{relative path: (mtime_ns, size)}`` of the files under ``out``, outside ``skip``."""
    found = {}
    if out.exists():
        for p in out.rglob("*"):
            if p.is_file() and skip not in p.parents:
                st = p.stat()
                found[p.relative_to(out).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


def _run_or_restore(path, params, out, cache, library, *, timeout, progress, cwd):
    """Run one notebook, or restore it from the cache; returns ``(nb, seconds, cached)``."""
    import nbformat

    html_path = out / "notebooks" / f"{path.stem}.html"
    key = _nbcache.notebook_key(path, params, library) if library else None
    hit = _nbcache.lookup(cache, path.stem, key) if key else None
    t0 = time.perf_counter()
    if hit is not None:
        try:
            _nbcache.restore(hit, out)
            nb = nbformat.read(str(html_path.with_suffix(".ipynb")), as_version=4)
        except (OSError, ValueError, KeyError):  # a damaged cache entry: run the notebook instead
            pass
        else:
            if progress:
                print(f"{path.stem:<20}: unchanged, restored from the cache ({hit.parent})", file=sys.stderr)
            return nb, time.perf_counter() - t0, True
    before = _snapshot(out, cache)
    nb, seconds = run_notebook(path, params, html_path, timeout=timeout, progress=progress, cwd=cwd)
    if key:
        after = _snapshot(out, cache)
        _nbcache.store(cache, path.stem, key, out, [f for f, st in after.items() if before.get(f) != st])
    return nb, seconds, False


# -- inputs ----------------------------------------------------------------------
def _existing(path, what: str, *, folder=False) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{what} not found: {path}")
    if folder and not path.is_dir():
        raise OnexError(f"{what} must be a folder (with transcripts/, or of transcripts), got the file {path}")
    if not folder and path.is_dir():
        raise OnexError(f"{what} must be a file, got the folder {path}")
    return path.resolve()


def _validate(survey: Path, instrument: Path) -> None:
    """Fail early, in this process, on an instrument that does not fit the export."""
    from ..instrument import load_instrument
    from ..survey import read_export

    read_export(survey, load_instrument(instrument))



def _command(survey, instrument, corpus, out, seed, notebooks) -> str:
    parts = ["onex-research", "reproduce", "--survey", _manifest.display_path(survey),
             "--instrument", _manifest.display_path(instrument), "--corpus", _manifest.display_path(corpus),
             "--out", _manifest.display_path(out), "--seed", str(seed)]
    if notebooks:
        parts += ["--notebooks", *notebooks]
    return shlex.join(parts)


# -- the pipeline ----------------------------------------------------------------
def reproduce(*, survey=None, instrument=None, corpus=None, out=None, seed: int = DEFAULT_SEED,
              notebooks=None, progress: bool = True, cache_dir=None, notebook_dir=None,
              timeout: int = 900, command: str | None = None, validate: bool = True,
              allow_missing_glyphs: bool = False, use_cache: bool = True) -> ReproduceResult:
    """Run the notebooks on the given data and write the report folder.

    Parameters
    ----------
    survey : path, default ``surveys/default_study/wjx_text.xlsx``
        The questionnaire export (Wenjuanxin .xlsx/.csv, Tencent, SPSS .sav).
    instrument : path, default ``surveys/onex_instrument.yaml``
        The codebook YAML that describes the export.
    corpus : path, default ``corpus/``
        The interview corpus: a folder with ``transcripts/`` (.txt/.md/.docx) and
        optionally ``roster.csv``, ``schools.txt``, ``coding_frame.yaml``; or a folder
        of transcripts, whose extras are then looked for in its parent folder.
    out : path, default ``reports/``
        The report folder (created).
    seed : int, default 20240512
        Passed to every notebook as ``seed``.
    notebooks : sequence of str, optional
        Run only these notebooks (names or prefixes such as ``"02"``).
    progress : bool, default True
        A tqdm bar per notebook (cells executed), on stderr.
    cache_dir : path, default ``<out>/.cache``
        Passed to the notebooks as ``cache_dir`` (segmentation and model caches).
    notebook_dir : path, default ``notebooks/``
        Where the notebooks are; they run with this as working directory.
    timeout : int, default 900
        Seconds allowed per cell.
    command : str, optional
        The command line to record; default: the equivalent ``onex-research reproduce``.
    validate : bool, default True
        Read the export with the instrument before starting any kernel, so that a
        mismatch fails fast with the offending columns named.
    allow_missing_glyphs : bool, default False
        Record missing-glyph warnings instead of failing.
    use_cache : bool, default True
        Restore a notebook's outputs from ``cache_dir`` when nothing it depends on has
        changed (see :mod:`onex_research.reproduce.nbcache`); False always runs it.

    Returns
    -------
    ReproduceResult

    Raises
    ------
    FileNotFoundError, OnexError
        Bad input: a missing file, an instrument that does not fit the export, or an
        input error raised inside a notebook.
    NotebookError
        A notebook failed otherwise; its partly executed HTML is written for inspection.
    GlyphWarningError
        A figure lacked glyphs for its text (after everything has been written).

    Notes
    -----
    The notebook variables injected are ``survey_path, instrument_path, truth_path,
    corpus_dir, out_dir, seed, cache_dir``. ``truth_path`` is the simulator's
    ``truth_dirty.csv`` beside the export (its ``truth.json`` is in the same folder:
    ``onex_research.simulate.read_truth(Path(truth_path).parent)``), or None for real data.
    """
    survey = _existing(survey if survey is not None else DEFAULT_SURVEY, "survey export")
    instrument = _existing(instrument if instrument is not None else DEFAULT_INSTRUMENT, "instrument")
    corpus = _existing(corpus if corpus is not None else DEFAULT_CORPUS, "corpus", folder=True)
    resolve_corpus(corpus)  # a folder of transcripts or a corpus folder, else a clear error now
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise OnexError(f"seed must be an integer, got {seed!r}")
    out = Path(out if out is not None else REPORTS).expanduser().resolve()
    cache = Path(cache_dir).expanduser().resolve() if cache_dir is not None else out / ".cache"
    nb_dir = Path(notebook_dir).resolve() if notebook_dir is not None else NOTEBOOK_DIR
    if validate:
        _validate(survey, instrument)
    paths = list_notebooks(nb_dir, notebooks)
    truth = survey.parent / "truth_dirty.csv"
    params = {"survey_path": str(survey), "instrument_path": str(instrument),
              "truth_path": str(truth) if truth.exists() else None,
              "corpus_dir": str(corpus),
              "out_dir": str(out), "seed": int(seed), "cache_dir": str(cache)}
    out.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)

    html, seconds, glyphs, titles, cached = {}, {}, {}, {}, []
    library = _nbcache.library_digest() if use_cache else None
    for path in paths:
        nb, seconds[path.stem], hit = _run_or_restore(path, params, out, cache, library, timeout=timeout,
                                                      progress=progress, cwd=nb_dir)
        if hit:
            cached.append(path.stem)
        html[path.stem] = out / "notebooks" / f"{path.stem}.html"
        glyphs[path.stem] = glyph_messages(nb)
        titles[path.stem] = notebook_title(nb, path.stem)

    names = [p.stem for p in paths]
    entries = [e for nb in names for e in read_registry(out, nb)]
    inputs = {"survey": _manifest.input_record(survey), "instrument": _manifest.input_record(instrument),
              "corpus": _manifest.input_record(corpus),
              "notebooks": {p.name: _manifest.sha256_file(p) for p in paths}}
    for name in ("truth_dirty.csv", "truth.json"):
        if (survey.parent / name).exists():
            inputs[name.replace(".", "_")] = _manifest.input_record(survey.parent / name)
    report = write_report_html(out, entries, notebooks=names, notebook_titles=titles,
                               notebook_html={k: v.relative_to(out).as_posix() for k, v in html.items()},
                               inputs=inputs, seed=seed)
    outputs = []
    for e in entries:
        outputs += [{"path": f, "kind": e.kind, "name": e.name, "notebook": e.notebook, "made_by": e.made_by,
                     "sha256": _manifest.sha256_file(out / f)} for f in e.files]
    for nb_name, h in html.items():
        for p in (h, h.with_suffix(".ipynb")):
            outputs.append({"path": p.relative_to(out).as_posix(), "kind": "notebook", "name": nb_name,
                            "notebook": nb_name, "made_by": "nbclient.NotebookClient + nbconvert.HTMLExporter",
                            "sha256": _manifest.sha256_file(p)})
    outputs.append({"path": "report.html", "kind": "report", "name": "report", "notebook": None,
                    "made_by": "onex_research.reproduce.html.write_report_html",
                    "sha256": _manifest.sha256_file(report)})
    doc = {"tool": "onex_research", "command": command or _command(survey, instrument, corpus, out, seed, notebooks),
           "seed": int(seed), "inputs": inputs, "environment": _manifest.environment_record(),
           "notebooks": names, "parameters": sorted(params), "glyph_warnings": glyphs,
           "outputs": sorted(outputs, key=lambda o: o["path"])}
    manifest = _manifest.write_manifest(out / _manifest.MANIFEST_NAME, doc)
    result = ReproduceResult(out_dir=out, report=report, manifest=manifest, notebooks=tuple(names),
                             html=html, seconds=seconds, glyph_warnings=glyphs, cached=tuple(cached))
    bad = {k: v for k, v in glyphs.items() if v}
    if bad and not allow_missing_glyphs:
        first = next(iter(bad.items()))
        raise GlyphWarningError(f"missing glyphs in {', '.join(bad)} (e.g. {first[0]}: {first[1][0]}); "
                                "install a CJK font (see onex_research.plotting.fonts) and rerun")
    return result
