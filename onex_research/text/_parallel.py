"""cut_many: parallel segmentation over worker processes, with the shard cache.

Workers are forked where the platform can (they inherit the loaded dictionaries), else
spawned; the environment variable ``ONEX_START_METHOD`` (``fork``, ``spawn`` or
``forkserver``) overrides the choice. A spawned worker builds its own segmenter once,
from the parent's class and parameters.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing as mp
import os
from pathlib import Path

from ._cache import _SEP, ShardCache, default_cache_dir

__all__ = ["cut_many"]

# one fitted segmenter per worker process, set by _init_worker (or inherited by fork)
_WORKER = {"key": None, "seg": None}


def _init_worker(factory, params, key):
    if _WORKER["key"] != key:
        seg = factory(**{**params, "cache_dir": None, "n_jobs": 1})
        _WORKER["seg"], _WORKER["key"] = seg.fit(), key


def _cut_chunk(job):
    # one joined string per text pickles several times faster than a list of short strings
    texts, normalized = job
    seg = _WORKER["seg"]
    return [_SEP.join(seg.cut(t, normalized=normalized)) for t in texts]


def _chunks(texts, n_chunks):
    """Split into about n_chunks contiguous runs of similar total length."""
    total = sum(len(t) for t in texts) or 1
    target, out, cur, size = total / n_chunks, [], [], 0
    for t in texts:
        cur.append(t)
        size += len(t)
        if size >= target:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def _parallel_cut(seg, texts, n_jobs, progress, normalized=False):
    if n_jobs == 1 or len(texts) < 2 or sum(len(t) for t in texts) < 100_000:
        it = texts
        if progress:
            from tqdm.auto import tqdm
            it = tqdm(texts, desc="segmenting", unit="text")
        return [seg.cut(t, normalized=normalized) for t in it]
    method = os.environ.get("ONEX_START_METHOD") or ("fork" if "fork" in mp.get_all_start_methods() else None)
    ctx = mp.get_context(method)
    key = seg.config_hash_
    if ctx.get_start_method() == "fork":
        seg.tokenizer_  # load jieba once here: the children inherit it
        if seg.pos:
            seg.postokenizer_
        _WORKER["seg"], _WORKER["key"] = seg, key
    chunks = [(chunk, normalized) for chunk in _chunks(texts, n_jobs * 4)]
    gc.freeze()  # the children's garbage collector then leaves the inherited dictionaries' pages alone
    try:
        with ctx.Pool(n_jobs, initializer=_init_worker, initargs=(type(seg), seg.get_params(), key)) as pool:
            results = pool.imap(_cut_chunk, chunks)
            if progress:
                from tqdm.auto import tqdm
                results = tqdm(results, total=len(chunks), desc="segmenting", unit="chunk")
            return [joined.split(_SEP) if joined else [] for chunk in results for joined in chunk]
    finally:
        gc.unfreeze()


def cut_many(seg, texts, *, normalized=False):
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"cut_many(): text {i} is a {type(t).__name__}, not a str")
    n_jobs = seg.n_jobs if seg.n_jobs and seg.n_jobs > 0 else (os.cpu_count() or 1)
    progress = seg.progress
    if progress is None:
        progress = sum(len(t) for t in texts) > 1_000_000
    if seg.cache_dir is None:
        return _parallel_cut(seg, texts, n_jobs, progress, normalized)
    root = default_cache_dir() if seg.cache_dir == "auto" else Path(seg.cache_dir)
    cache = ShardCache(root / seg.config_hash_[:24])
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    found = cache.get_many(keys)
    todo = sorted({k: i for i, k in enumerate(keys) if k not in found}.values())
    if todo:
        new = _parallel_cut(seg, [texts[i] for i in todo], n_jobs, progress, normalized)
        fresh = {keys[i]: toks for i, toks in zip(todo, new)}
        cache.put_many(fresh)
        found.update(fresh)
    return [list(found[k]) for k in keys]
