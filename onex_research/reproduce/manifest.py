"""``manifest.json``: what went in, what came out, and who made it.

The manifest records the inputs with their sha256, the versions of Python and of the
main packages, the seed and the command, and for every output its path (relative to
the report folder), sha256, notebook and the function that made it. It carries no
timestamps; keys are sorted and lists are in a fixed order, so the same run gives the
same manifest.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import platform
import re
import sys
from pathlib import Path

from ..paths import PROJECT_ROOT

__all__ = ["sha256_file", "sha256_tree", "display_path", "input_record", "package_versions",
           "environment_record", "write_manifest", "read_manifest", "MANIFEST_NAME"]

MANIFEST_NAME = "manifest.json"
_SKIP_DIRS = {".git", "__pycache__", ".ipynb_checkpoints", ".cache"}


def sha256_file(path) -> str:
    """The sha256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree_files(folder: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        out += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def sha256_tree(folder) -> tuple[str, dict]:
    """Hash a folder: ``(digest, {relative path: sha256})``.

    The digest is the sha256 of the sorted ``"<sha256>  <relative path>\\n"`` lines
    (the format of ``sha256sum``), so it changes when any file's name or bytes change.
    Hidden files and folders are skipped.
    """
    folder = Path(folder)
    files = {p.relative_to(folder).as_posix(): sha256_file(p) for p in _tree_files(folder)}
    listing = "".join(f"{h}  {name}\n" for name, h in sorted(files.items()))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest(), files


def display_path(path) -> str:
    """``path`` relative to the project root when it lies inside it, else absolute (posix)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def input_record(path) -> dict:
    """``{"path", "sha256"}`` for a file, plus ``"files"`` for a folder."""
    path = Path(path)
    if path.is_dir():
        digest, files = sha256_tree(path)
        return {"path": display_path(path), "sha256": digest, "files": files}
    return {"path": display_path(path), "sha256": sha256_file(path)}


def _requirement_names(dist: str) -> list[str]:
    try:
        reqs = md.requires(dist) or []
    except md.PackageNotFoundError:
        return []
    names = []
    for r in reqs:
        if "extra ==" in r:
            continue
        names.append(re.split(r"[<>=!~\[; (]", r.strip(), maxsplit=1)[0])
    return names


def package_versions(extra=("ipykernel", "jupyter_client", "IPython")) -> dict:
    """Installed versions of onex_research, its runtime dependencies and the kernel stack.

    Returns
    -------
    dict
        Lower-cased distribution name -> version (``"not installed"`` when missing),
        sorted by name.
    """
    names = {"onex_research", *_requirement_names("onex_research"), *extra}
    out = {}
    for name in names:
        try:
            out[name.lower().replace("_", "-")] = md.version(name)
        except md.PackageNotFoundError:
            out[name.lower().replace("_", "-")] = "not installed"
    return dict(sorted(out.items()))


def environment_record() -> dict:
    """Python version and implementation, platform, and package versions."""
    return {"python": platform.python_version(), "implementation": sys.implementation.name,
            "platform": platform.platform(), "machine": platform.machine(),
            "packages": package_versions()}


def write_manifest(path, doc: dict) -> Path:
    """Write ``doc`` as UTF-8 JSON with sorted keys and a trailing newline."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    return path


def read_manifest(out_dir) -> dict:
    """Read ``out_dir/manifest.json``."""
    return json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
