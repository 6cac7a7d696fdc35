"""The output registry: where a notebook saves its tables and figures, and what it says about them.

A notebook makes one :class:`Report` and hands it every table and figure it wants in
the paper. The report writes the files (tables via :func:`onex_research.report.tables.write_table`,
figures via :func:`onex_research.plotting.figures.save_figure`) under ``out_dir`` and records
each one, with its Chinese and English captions and the library function that made it,
in ``out_dir/_registry/<notebook>.json``. ``onex-research reproduce`` reads those
registries to number the captions in ``report.html`` and to fill ``manifest.json``.

The registry file is rewritten after every call, deterministically (sorted keys, entries
in the order the notebook made them, paths relative to ``out_dir``), so the same notebook
on the same inputs gives the same bytes. It works the same in a user's own Jupyter
session as under ``reproduce``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import OnexError

__all__ = ["Report", "RegistryEntry", "read_registry", "REGISTRY_DIR", "TABLE_FORMATS", "FIGURE_FORMATS"]

REGISTRY_DIR = "_registry"
TABLE_FORMATS = ("csv", "docx", "tex", "md")
FIGURE_FORMATS = ("png", "svg")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class RegistryEntry:
    """One registered output (a table or a figure).

    Attributes
    ----------
    kind : {"table", "figure"}
    name : str
        Short file-safe name, unique per notebook and kind.
    notebook : str
        The notebook (file stem) that made it.
    caption_zh, caption_en : str
        Captions without numbers; ``report.html`` numbers them 表1/Table 1, 图1/Figure 1.
    made_by : str
        The library function that computed it, e.g. ``"onex_research.psychometrics.cronbach_alpha"``.
    files : tuple of str
        The written files, relative to ``out_dir``, in posix form.
    notes : str or None
        Table notes (significance stars, abbreviations), shown under the table.
    """

    kind: str
    name: str
    notebook: str
    caption_zh: str
    caption_en: str
    made_by: str
    files: tuple
    notes: str | None = None

    def __repr__(self) -> str:
        stems = sorted({f.rsplit(".", 1)[0] for f in self.files})
        exts = ",".join(f.rsplit(".", 1)[1] for f in self.files)
        where = f"{stems[0]}.{{{exts}}}" if len(stems) == 1 else ", ".join(self.files)
        return f"<{self.kind} {self.notebook}/{self.name}: {where}>"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "notebook": self.notebook,
                "caption_zh": self.caption_zh, "caption_en": self.caption_en,
                "made_by": self.made_by, "files": list(self.files), "notes": self.notes}

    @classmethod
    def from_dict(cls, d: dict) -> "RegistryEntry":
        return cls(kind=d["kind"], name=d["name"], notebook=d["notebook"], caption_zh=d["caption_zh"],
                   caption_en=d["caption_en"], made_by=d["made_by"], files=tuple(d["files"]),
                   notes=d.get("notes"))


def _check_name(value, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise OnexError(f"{what} must be a file-safe name (letters, digits, '_', '-', '.'), got {value!r}")
    return value


def _check_text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OnexError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _in_jupyter() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    ip = get_ipython()
    return ip is not None and hasattr(ip, "kernel")


def _write_json(path: Path, doc) -> None:
    """Write ``doc`` as UTF-8 JSON with sorted keys, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_registry(out_dir, notebook: str | None = None) -> list[RegistryEntry]:
    """Read the registered outputs under ``out_dir``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The report folder.
    notebook : str, optional
        Only this notebook's entries. Default: every ``_registry/*.json``, notebooks in
        name order, entries in the order they were made.

    Returns
    -------
    list of RegistryEntry
    """
    reg = Path(out_dir) / REGISTRY_DIR
    files = [reg / f"{notebook}.json"] if notebook else sorted(reg.glob("*.json"))
    entries = []
    for f in files:
        if not f.exists():
            continue
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise OnexError(f"{f}: registry is not valid JSON ({exc}); delete it and rerun the notebook") from None
        entries += [RegistryEntry.from_dict(d) for d in doc.get("entries", [])]
    return entries


class Report:
    """Save a notebook's tables and figures under ``out_dir`` and register them.

    Parameters
    ----------
    out_dir : str or pathlib.Path, optional
        The report folder. Default: ``reports/`` at the project root
        (:data:`onex_research.paths.REPORTS`).
    notebook : str
        The notebook's file stem, e.g. ``"02_measurement"``; prefixes every file name.

    Notes
    -----
    Making a ``Report`` starts a fresh registry for ``notebook`` (a rerun replaces the
    earlier entries rather than adding to them). Registering the same ``name`` twice
    (rerunning a cell) replaces the entry in place.

    Files are laid out as::

        out_dir/tables/<notebook>__<name>.{csv,docx,tex,md}
        out_dir/figures/<notebook>__<name>.{png,svg}
        out_dir/_registry/<notebook>.json

    Examples
    --------
    >>> rep = Report("reports/", notebook="02_measurement")          # doctest: +SKIP
    >>> rep.table(alpha_table, name="reliability", caption_zh="信度分析",
    ...           caption_en="Reliability", made_by="onex_research.psychometrics.cronbach_alpha")
    """

    def __init__(self, out_dir=None, *, notebook: str):
        if out_dir is None:
            from ..paths import REPORTS
            out_dir = REPORTS
        self.out_dir = Path(out_dir)
        self.notebook = _check_name(notebook, "notebook")
        self._entries: list[RegistryEntry] = []
        self._save()

    # -- public --------------------------------------------------------------
    @property
    def entries(self) -> tuple:
        """The entries registered so far, in order."""
        return tuple(self._entries)

    @property
    def registry_path(self) -> Path:
        return self.out_dir / REGISTRY_DIR / f"{self.notebook}.json"

    def table(self, table, *, name: str, caption_zh: str, caption_en: str, made_by: str,
              notes: str | None = None, **fmt) -> RegistryEntry:
        """Write ``table`` as .csv, .docx (三线表), .tex and .md and register it.

        Parameters
        ----------
        table : pandas.DataFrame
            The table as it should appear (index included when named).
        name : str
            File-safe short name; the files are ``tables/<notebook>__<name>.*``.
        caption_zh, caption_en : str
            Captions without a number.
        made_by : str
            Dotted name of the library function that computed the table.
        notes : str, optional
            Table notes, printed under the table.
        **fmt
            Passed to :func:`onex_research.report.tables.write_table` (e.g. ``formats``,
            ``decimals``, ``stars``). ``title`` defaults to ``caption_zh`` and ``label``
            to ``tab:<notebook>:<name>``.

        Returns
        -------
        RegistryEntry
            What was registered; ``entry.files`` are the files written, relative to
            ``out_dir``.
        """
        import pandas as pd

        from .tables import write_table

        _check_name(name, "name")
        _check_text(caption_zh, "caption_zh")
        _check_text(caption_en, "caption_en")
        _check_text(made_by, "made_by")
        if not (isinstance(table, pd.DataFrame) or hasattr(table, "to_frame")):
            raise TypeError(f"Report.table({name!r}): expected a pandas DataFrame (or a result with "
                            f"to_frame()), got {type(table).__name__}")
        stem = self.out_dir / "tables" / f"{self.notebook}__{name}"
        stem.parent.mkdir(parents=True, exist_ok=True)
        fmt.setdefault("title", caption_zh)
        fmt.setdefault("formats", TABLE_FORMATS)
        fmt.setdefault("label", f"tab:{self.notebook}:{name}")
        paths = write_table(table, stem, notes=notes, **fmt)
        return self._register("table", name, caption_zh, caption_en, made_by, paths, notes)

    def figure(self, fig, *, name: str, caption_zh: str, caption_en: str, made_by: str,
               dpi: int = 300, formats=FIGURE_FORMATS) -> RegistryEntry:
        """Save ``fig`` as PNG (300 dpi) and SVG, register it, show it inline and close it.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
        name, caption_zh, caption_en, made_by : str
            As in :meth:`table`.
        dpi : int, default 300
        formats : tuple of str, default ("png", "svg")

        Returns
        -------
        RegistryEntry
            What was registered (its ``files`` are relative to ``out_dir``).
        """
        import matplotlib.pyplot as plt

        from ..plotting.figures import save_figure

        _check_name(name, "name")
        _check_text(caption_zh, "caption_zh")
        _check_text(caption_en, "caption_en")
        _check_text(made_by, "made_by")
        if not hasattr(fig, "savefig"):
            raise TypeError(f"Report.figure({name!r}): expected a matplotlib Figure, got {type(fig).__name__}")
        stem = self.out_dir / "figures" / f"{self.notebook}__{name}"
        stem.parent.mkdir(parents=True, exist_ok=True)
        paths = save_figure(fig, stem, dpi=dpi, formats=tuple(formats))
        out = self._register("figure", name, caption_zh, caption_en, made_by, paths, None)
        if _in_jupyter():
            from IPython.display import display
            display(fig)
        plt.close(fig)
        return out

    def __repr__(self) -> str:
        return f"Report({str(self.out_dir)!r}, notebook={self.notebook!r}, {len(self._entries)} outputs)"

    # -- internals -----------------------------------------------------------
    def _register(self, kind, name, caption_zh, caption_en, made_by, paths, notes) -> RegistryEntry:
        paths = tuple(Path(p) for p in (paths.values() if isinstance(paths, dict) else paths))
        root = self.out_dir.resolve()
        rel = []
        for p in paths:
            try:
                rel.append(p.resolve().relative_to(root).as_posix())
            except ValueError:
                raise OnexError(f"Report: {p} was written outside {self.out_dir}") from None
        entry = RegistryEntry(kind=kind, name=name, notebook=self.notebook, caption_zh=caption_zh,
                              caption_en=caption_en, made_by=made_by, files=tuple(sorted(rel)), notes=notes)
        for i, old in enumerate(self._entries):
            if old.kind == kind and old.name == name:
                self._entries[i] = entry
                break
        else:
            self._entries.append(entry)
        self._save()
        return entry

    def _save(self) -> None:
        _write_json(self.registry_path, {"notebook": self.notebook,
                                         "entries": [e.to_dict() for e in self._entries]})
