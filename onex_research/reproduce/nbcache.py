"""A notebook-level cache for ``reproduce``: skip a notebook whose inputs have not changed.

A notebook's result is keyed on everything it can read: the notebook's bytes, the
injected parameters (with the sha256 of each input file or folder instead of its path
alone), the source of the whole ``onex_research`` package, the bundled ``corpus/``
resources (coding frame, dictionaries, roster), the Python version and the installed
package versions. On a hit, ``reproduce`` copies the cached outputs (registry, tables,
figures, executed notebook and its HTML) into the report folder instead of running the
kernel; the bytes are those of the run that made them. Change any input, the library or
an installed package, and the notebook runs again. ``reproduce(..., use_cache=False)``
(``--no-cache``) always runs.

Layout: ``<cache_dir>/notebooks/<notebook>/<key>/`` holds the files under their paths
relative to the report folder plus ``files.json``; only the latest key per notebook is
kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..paths import CORPUS, PROJECT_ROOT
from . import manifest as _manifest

__all__ = ["library_digest", "notebook_key", "lookup", "store", "restore"]

_INDEX = "files.json"


def library_digest() -> str:
    """sha256 over the package's source files, the corpus resources, Python and package versions."""
    h = hashlib.sha256()
    pkg = PROJECT_ROOT / "onex_research"
    for p in sorted(pkg.rglob("*.py"), key=lambda p: p.relative_to(pkg).as_posix()):
        if "__pycache__" in p.parts:
            continue
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for name in ("coding_frame.yaml", "userdict.txt", "stopwords_extra.txt", "roster.csv", "schools.txt"):
        p = CORPUS / name
        h.update(name.encode() + b"\0" + (p.read_bytes() if p.exists() else b"-") + b"\0")
    env = _manifest.environment_record()
    h.update(json.dumps([env["python"], env["packages"]], sort_keys=True).encode())
    return h.hexdigest()


def _digest(value) -> str | None:
    if value is None:
        return None
    p = Path(value)
    if p.is_dir():
        return _manifest.sha256_tree(p)[0]
    if p.is_file():
        return _manifest.sha256_file(p)
    return None


def notebook_key(notebook: Path, params: dict, library: str) -> str:
    """The cache key of running ``notebook`` with ``params`` (see the module docstring)."""
    record = {"notebook": _manifest.sha256_file(notebook), "library": library,
              "params": {k: [v, _digest(v) if k.endswith(("_path", "_dir")) and k not in ("out_dir", "cache_dir")
                             else None] for k, v in sorted(params.items())}}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:32]


def lookup(cache_dir, stem: str, key: str) -> Path | None:
    """The cached entry's folder, or None."""
    entry = Path(cache_dir) / "notebooks" / stem / key
    return entry if (entry / _INDEX).exists() else None


def store(cache_dir, stem: str, key: str, out_dir, files) -> Path:
    """Copy ``files`` (relative to ``out_dir``) into the cache under ``key``; drop older keys."""
    out_dir = Path(out_dir)
    folder = Path(cache_dir) / "notebooks" / stem
    if folder.exists():
        shutil.rmtree(folder)
    entry = folder / key
    files = sorted(set(files))
    for rel in files:
        target = entry / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out_dir / rel, target)
    (entry / _INDEX).write_text(json.dumps(files, indent=1) + "\n", encoding="utf-8")
    return entry


def restore(entry, out_dir) -> list[str]:
    """Copy a cached entry's files into ``out_dir``; returns their relative paths."""
    entry, out_dir = Path(entry), Path(out_dir)
    files = json.loads((entry / _INDEX).read_text(encoding="utf-8"))
    for rel in files:
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry / rel, target)
    return files
