"""A content-addressed token cache: 256 pickle shards keyed by sha256."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import defaultdict
from pathlib import Path

from ..paths import PROJECT_ROOT

__all__ = ["ShardCache", "default_cache_dir"]

_SEP = "\x1f"  # tokens never contain it: normalize() keeps control characters out of words


class ShardCache:
    """Map sha256 hex keys to token lists, stored in ``root/<first two hex>.pkl``.

    Each shard is a dict key -> tokens joined by U+001F (one string loads much faster
    than a list of strings). Writes are atomic (temporary file, then ``os.replace``),
    so two processes never see half a shard; a concurrent writer can lose the other's
    new entries, which only costs a recomputation.
    """

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, shard: str) -> Path:
        return self.root / f"{shard}.pkl"

    def _load(self, shard: str) -> dict:
        try:
            with open(self._path(shard), "rb") as fh:
                return pickle.load(fh)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return {}

    def get_many(self, keys) -> dict:
        by_shard = defaultdict(list)
        for k in keys:
            by_shard[k[:2]].append(k)
        out = {}
        for shard, ks in by_shard.items():
            data = self._load(shard)
            for k in ks:
                joined = data.get(k)
                if joined is not None:
                    out[k] = joined.split(_SEP) if joined else []
        return out

    def put_many(self, items: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        by_shard = defaultdict(dict)
        for k, toks in items.items():
            by_shard[k[:2]][k] = _SEP.join(toks)
        for shard, new in by_shard.items():
            data = self._load(shard)
            data.update(new)
            fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(shard))


def default_cache_dir() -> Path:
    """``<project>/.cache/segment`` if writable (git-ignored), else ``~/.cache/onex_research/segment``."""
    project = PROJECT_ROOT / ".cache"
    if os.access(PROJECT_ROOT, os.W_OK):
        return project / "segment"
    return Path.home() / ".cache" / "onex_research" / "segment"
