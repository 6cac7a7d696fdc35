"""Exception classes of onex_research.

Every error raised at a boundary (readers, public functions) is one of these, or a
plain ``ValueError``/``TypeError``; messages name the file, column, row and the
offending values, with a hint where one helps.
"""

__all__ = ["OnexError", "InstrumentError"]


class OnexError(ValueError):
    """Base class of the project's input errors (a ``ValueError``)."""


class InstrumentError(OnexError):
    """An instrument (codebook) YAML that is missing keys or is inconsistent."""
