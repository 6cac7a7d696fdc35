"""Where the work runs: ``threads``, ``processes`` or a running ``distributed`` scheduler."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager

from .errors import SchedulerError

__all__ = ["Runner", "connect", "parse_scheduler"]

_ADDRESS = re.compile(r"^(?:(?:tcp|tls|inproc|ucx|ws|wss)://)?[\w.\-\[\]:]+:\d+$")


def parse_scheduler(spec: str) -> str:
    """``"threads"``, ``"processes"`` or an address (``tcp://host:8786``, ``host:8786``).

    Raises
    ------
    SchedulerError
        For anything else, with the accepted forms.
    """
    spec = str(spec).strip()
    if spec in ("threads", "processes"):
        return spec
    if _ADDRESS.match(spec) or spec.endswith(".json"):
        return spec
    raise SchedulerError(f"--scheduler {spec!r}: expected 'threads', 'processes', the address of a running "
                         f"scheduler (tcp://host:8786) or its scheduler file (.json)")


class Runner:
    """Compute Dask collections on one scheduler, with a progress bar.

    Parameters
    ----------
    client : distributed.Client or None
        None: the local threaded scheduler.
    progress : bool, default True
        A text progress bar per step (``dask.diagnostics.ProgressBar`` on threads,
        ``distributed.progress`` on a cluster).
    """

    def __init__(self, client=None, *, progress=True):
        self.client = client
        self.progress = progress

    @property
    def n_workers(self) -> int:
        """Worker processes (threads: 1)."""
        if self.client is None:
            return 1
        return max(len(self.client.scheduler_info(n_workers=-1).get("workers", {})), 1)

    def compute(self, objs, *, desc=""):
        """Compute a list of delayed objects; returns their results in order."""
        objs = list(objs)
        if not objs:
            return []
        return self._run(objs, "compute", desc)

    def iter_compute(self, objs, *, window=None):
        """Yield results in order, keeping at most ``window`` computations in flight."""
        objs = list(objs)
        if self.client is None:
            import dask

            step = window or 2
            for a in range(0, len(objs), step):
                yield from dask.compute(*objs[a:a + step], scheduler="threads")
            return
        window = window or 2 * self.n_workers
        pending = [self.client.compute(o) for o in objs[:window]]
        nxt = len(pending)
        while pending:
            fut = pending.pop(0)
            if nxt < len(objs):
                pending.append(self.client.compute(objs[nxt]))
                nxt += 1
            yield fut.result()

    def persist(self, objs, *, desc=""):
        """Keep delayed results in memory (the cluster's, or this process's on threads)."""
        return self._run(list(objs), "persist", desc)

    def _run(self, objs, how, desc):
        """``dask.compute``/``dask.persist`` on threads, or the client's, with the progress bar."""
        if self.client is None:
            import dask

            run = getattr(dask, how)
            if not self.progress:
                return list(run(*objs, scheduler="threads"))
            from dask.diagnostics import ProgressBar

            if desc:
                print(desc, file=sys.stderr)
            with ProgressBar(out=sys.stderr):
                return list(run(*objs, scheduler="threads"))
        out = getattr(self.client, how)(objs)
        if self.progress:
            from distributed import progress

            if desc:
                print(desc, file=sys.stderr)
            progress(out)
            print(file=sys.stderr)
        return self.client.gather(out) if how == "compute" else out

    def wait(self, objs) -> None:
        """Block until persisted results are in memory (no-op on threads: already computed)."""
        if self.client is not None:
            from distributed import futures_of, wait

            wait(futures_of(list(objs)))

    def shared(self, obj):
        """``obj`` as one object every task can use: scattered to every worker once."""
        import dask

        if self.client is None:
            return dask.delayed(obj, pure=True, traverse=False)
        # in a list: scatter() would split a dict into one future per value
        return self.client.scatter([obj], broadcast=True, hash=False)[0]


@contextmanager
def connect(spec, *, n_workers=None, memory_limit="2GB", progress=True, timeout=10, quiet=False):
    """A :class:`Runner` on ``spec``; a local cluster is shut down on exit.

    Parameters
    ----------
    spec : str
        ``"threads"`` (one process, no start-up cost), ``"processes"`` (a
        ``distributed.LocalCluster`` of ``n_workers`` one-thread worker processes, each
        limited to ``memory_limit``) or the address / scheduler file of a running
        ``distributed`` scheduler (e.g. started by dask-jobqueue on Slurm).
    timeout : float, default 10
        Seconds to wait for a remote scheduler.

    Raises
    ------
    SchedulerError
        If the scheduler cannot be reached.
    """
    spec = parse_scheduler(spec)
    if spec == "threads":
        yield Runner(None, progress=progress)
        return
    from distributed import Client, LocalCluster

    if spec == "processes":
        n = int(n_workers or os.cpu_count() or 1)
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, memory_limit=memory_limit,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            _announce(client, quiet)
            yield Runner(client, progress=progress)
        return
    try:
        if spec.endswith(".json"):
            client = Client(scheduler_file=spec, timeout=timeout)
        else:
            client = Client(spec, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise SchedulerError(f"cannot reach the Dask scheduler at {spec} within {timeout:g} s ({type(err).__name__}: "
                             f"{str(err).splitlines()[0] if str(err) else 'no answer'}); is it running (`dask "
                             f"scheduler`, or dask-jobqueue's cluster.scheduler_address)? Or use --scheduler "
                             f"threads|processes") from None
    with client:
        _announce(client, quiet)
        yield Runner(client, progress=progress)


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def _announce(client, quiet):
    if quiet:
        return
    n = len(client.scheduler_info(n_workers=-1).get("workers", {}))
    link = client.dashboard_link if _has_bokeh() else "no dashboard (install bokeh for one)"
    print(f"dask: {n} workers at {client.scheduler.address}; dashboard: {link}", file=sys.stderr)
