"""Execute one notebook for ``reproduce``: inject parameters, run the kernel, export HTML.

The kernel is the ``python3`` kernel of the running interpreter (whatever kernelspecs
are installed), reached over IPC sockets in a private temporary folder. Parameters
are injected papermill-style (a cell tagged ``injected-parameters`` after the cell
tagged ``parameters``), plus a first cell tagged ``injected-setup`` that makes every
matplotlib "Glyph ... missing" warning print, so that it can be found in the outputs.
The executed notebook is scrubbed of run-dependent bits (timings, object addresses)
and written as ``.ipynb`` and as HTML (nbconvert's lab template).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from ..errors import OnexError

__all__ = ["run_notebook", "inject_parameters", "glyph_messages", "notebook_title", "NotebookError",
           "GlyphWarningError", "GLYPH_RE", "SETUP_SOURCE"]

GLYPH_RE = re.compile(r"Glyph \d+ .*?missing from (?:current )?font")
_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")
_INPUT_ERRORS = {"OnexError", "InstrumentError", "ValueError", "FileNotFoundError", "TypeError", "KeyError"}

SETUP_SOURCE = """\
# Injected by onex_research.reproduce.run: record every missing-glyph warning.
import warnings
warnings.filterwarnings("always", message=r"Glyph .* missing", category=UserWarning)"""


class NotebookError(RuntimeError):
    """A notebook failed for a reason other than bad input (a bug, a missing package)."""


class GlyphWarningError(RuntimeError):
    """A notebook drew characters its font lacks (matplotlib's "Glyph ... missing")."""


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def inject_parameters(nb, params: dict, *, setup: str | None = SETUP_SOURCE):
    """Insert the parameters (and a setup cell) into a notebook node, papermill-style.

    A code cell tagged ``injected-parameters`` assigning each of ``params`` (as Python
    literals) goes right after the first cell tagged ``parameters``, or first when
    there is none; earlier injected cells are removed. ``setup`` (the glyph-warning
    filter) goes first, tagged ``injected-setup``.
    """
    import nbformat

    nb.cells = [c for c in nb.cells if not {"injected-parameters", "injected-setup"} & set(_tags(c))]
    lines = ["# Parameters injected by onex-research reproduce"]
    lines += [f"{k} = {v!r}" for k, v in params.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    at = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in _tags(c)), 0)
    nb.cells.insert(at, cell)
    if setup:
        nb.cells.insert(0, nbformat.v4.new_code_cell(setup, metadata={"tags": ["injected-setup"]}))
    for i, c in enumerate(nb.cells):  # stable ids: same notebook, same bytes
        c["id"] = f"cell-{i}"
    return nb


def _kernel_manager_class(socket_dir: Path):
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        """The ``python3`` kernel of the running interpreter, whatever kernelspecs are installed.

        It talks over local IPC sockets in a private temporary folder rather than TCP.
        """

        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(socket_dir / "k"))
            super().__init__(**kwargs)

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                from ipykernel.kernelspec import get_kernel_dict

                spec = get_kernel_dict()
                self._kernel_spec = KernelSpec(resource_dir="", argv=spec["argv"],
                                               display_name=spec["display_name"],
                                               language=spec["language"], metadata=spec.get("metadata", {}))
            return self._kernel_spec

    return ThisPythonKernelManager


def _kernel_env() -> dict:
    env = dict(os.environ)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONHASHSEED"] = "0"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def glyph_messages(nb) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            for line in str(text).splitlines():
                if GLYPH_RE.search(line):
                    found.append(line.strip())
    return sorted(set(found))


def _scrub(nb):
    """Drop run-dependent bits from an executed notebook (timings, object addresses, stream chunking)."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        merged = []  # consecutive stream chunks as one output: how stdout was flushed varies by run
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (prev is not None and out.get("output_type") == "stream" and prev.get("output_type") == "stream"
                    and prev.get("name") == out.get("name")):
                prev["text"] = prev["text"] + out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                out["text"] = _ADDRESS_RE.sub(" at 0x…", out["text"])
            data = out.get("data", {})
            if "text/plain" in data:
                data["text/plain"] = _ADDRESS_RE.sub(" at 0x…", data["text/plain"])
    return nb


def _write_html(nb, path: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    nbformat.write(nb, str(path.with_suffix(".ipynb")))
    return path


def notebook_title(nb, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return default


def _input_error_names() -> set:
    names, todo = set(_INPUT_ERRORS), [OnexError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def run_notebook(path: Path, params: dict, html_path: Path, *, timeout, progress, cwd: Path):
    import shutil
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from tqdm.auto import tqdm

    nb = inject_parameters(nbformat.read(str(path), as_version=4), params)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    sockets = Path(tempfile.mkdtemp(prefix="onex-kernel-"))
    bar = tqdm(total=n_code, desc=f"{path.stem:<20}", unit="cell", disable=not progress,
               file=sys.stderr, leave=True, dynamic_ncols=True)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            kernel_manager_class=_kernel_manager_class(sockets),
                            resources={"metadata": {"path": str(cwd)}},
                            on_cell_executed=lambda **_: bar.update(1))
    t0 = time.perf_counter()
    try:
        client.execute(env=_kernel_env())
    except CellExecutionError as exc:
        _write_html(_scrub(nb), html_path)
        where = f"notebook {path.stem} failed: {exc.ename}: {exc.evalue} (executed notebook: {html_path})"
        if exc.ename in _input_error_names():
            raise OnexError(where) from None
        raise NotebookError(where) from None
    finally:
        bar.close()
        shutil.rmtree(sockets, ignore_errors=True)
    seconds = time.perf_counter() - t0
    _write_html(_scrub(nb), html_path)
    return nb, seconds


