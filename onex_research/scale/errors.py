"""Exceptions of :mod:`onex_research.scale`; all are :class:`onex_research.text.TextError`.

They are :class:`onex_research.errors.OnexError` (a ``ValueError``), so the command
line reports them in one line with exit code 2 (bad input).
"""

from __future__ import annotations

from onex_research.text.errors import TextError

__all__ = ["ScaleError", "MissingColumnError", "UndecodablePartitionError", "MalformedPartitionError",
           "SchedulerError"]


class ScaleError(TextError):
    """Base class of the errors of the Dask text pipeline."""


class MissingColumnError(ScaleError, KeyError):
    """The export has no column of the given name (``--column`` or ``--group``)."""

    def __str__(self):  # KeyError would quote the message
        return ValueError.__str__(self)


class UndecodablePartitionError(ScaleError):
    """A partition of a CSV export whose bytes cannot be decoded; names file and byte range.

    Attributes
    ----------
    start, stop : int
        The partition's byte range ``[start, stop)`` in ``path``.
    """

    def __init__(self, message, *, path=None, start=None, stop=None):
        self.start, self.stop = start, stop
        super().__init__(message, path=path)

    def __reduce__(self):  # survives the trip from a worker process to the client
        return (_rebuild, (type(self), self.args[0], self.path, self.start, self.stop))


def _rebuild(cls, text, path, start, stop):
    err = cls.__new__(cls)
    Exception.__init__(err, text)
    err.path, err.line, err.start, err.stop = path, None, start, stop
    return err


class MalformedPartitionError(UndecodablePartitionError):
    """A CSV partition that decodes but does not parse (a row with too many fields)."""


class SchedulerError(ScaleError):
    """A ``--scheduler`` that is not ``threads``, ``processes`` or a reachable address."""
