"""Per-worker state: the segmenter and the coding frame are built once per process.

Tasks receive small, picklable specifications (a segmenter's parameters, a frame's
path); :func:`segmenter` and :func:`coding_frame` look them up in a module-level cache,
so that a worker process (a ``distributed`` worker, or the client under the threaded
scheduler) loads jieba and the dictionaries once, however many partitions it runs.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from pathlib import Path

__all__ = ["SegmenterSpec", "segmenter", "coding_frame", "load_counts"]

_LOCK = threading.Lock()
_SEGMENTERS: dict = {}
_FRAMES: dict = {}
_LOADS: Counter = Counter()  # what this process has built: {"segmenter": 1, "frame": 1}


class SegmenterSpec:
    """A picklable recipe for a :class:`~onex_research.text.Segmenter`.

    Parameters
    ----------
    **params
        Arguments of :class:`~onex_research.text.Segmenter` (``cache_dir`` and
        ``n_jobs`` are forced to ``None`` and 1: Dask does the parallelism).

    Attributes
    ----------
    key : str
        sha256 of the parameters; the per-worker cache key.
    """

    def __init__(self, **params):
        params = {**params, "cache_dir": None, "n_jobs": 1, "progress": False}
        self.params = params
        blob = json.dumps({k: (sorted(map(str, v)) if isinstance(v, (set, frozenset)) else str(v))
                           for k, v in sorted(params.items())}, ensure_ascii=False, sort_keys=True)
        self.key = hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @classmethod
    def from_segmenter(cls, seg) -> "SegmenterSpec":
        """The spec of an existing (fitted or not) segmenter."""
        return cls(**seg.get_params())

    def build(self):
        """A new fitted :class:`~onex_research.text.Segmenter` with the tokenizer loaded."""
        from onex_research.text import Segmenter

        seg = Segmenter(**self.params).fit()
        seg.tokenizer_  # load jieba and the user dictionary now, once
        return seg

    def __repr__(self):
        return f"SegmenterSpec(key={self.key[:12]})"


def segmenter(spec: SegmenterSpec):
    """This process's segmenter for ``spec``, built on first use."""
    seg = _SEGMENTERS.get(spec.key)
    if seg is None:
        with _LOCK:
            seg = _SEGMENTERS.get(spec.key)
            if seg is None:
                seg = _SEGMENTERS[spec.key] = spec.build()
                _LOADS["segmenter"] += 1
    return seg


def coding_frame(frame):
    """This process's :class:`~onex_research.text.CodingFrame` for a path (or the frame itself)."""
    from onex_research.text import CodingFrame, load_frame

    if isinstance(frame, CodingFrame):
        return frame
    key = str(Path(frame).resolve())
    out = _FRAMES.get(key)
    if out is None:
        with _LOCK:
            out = _FRAMES.get(key)
            if out is None:
                out = _FRAMES[key] = load_frame(key)
                _LOADS["frame"] += 1
    return out


def load_counts() -> dict:
    """How many segmenters and frames this process has built (for tests and logs)."""
    return dict(_LOADS)
