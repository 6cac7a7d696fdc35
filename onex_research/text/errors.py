"""Exceptions of :mod:`onex_research.text`; all are :class:`onex_research.errors.OnexError`."""

from __future__ import annotations

from onex_research.errors import OnexError

__all__ = ["TextError", "TranscriptError", "CodingFrameError", "SegmenterError"]


class TextError(OnexError):
    """Base class of the text library's input errors.

    Parameters
    ----------
    message : str
        What is wrong, with a hint.
    path : str or Path, optional
        The file at fault.
    line : int, optional
        1-based line in ``path``.
    """

    def __init__(self, message, *, path=None, line=None):
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}" + (f", line {line}" if line is not None else "") + ": "
        super().__init__(where + message)


class TranscriptError(TextError):
    """A transcript that is empty, undecodable, has no turns or misses a header field."""


class CodingFrameError(TextError):
    """A coding frame (YAML) with missing keys or bad patterns."""


class SegmenterError(TextError):
    """A bad user dictionary, stop-word file or synonym map."""
