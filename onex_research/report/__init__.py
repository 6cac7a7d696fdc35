"""Publication tables (三线表 .docx, LaTeX, Markdown) and the output registry (:class:`Report`).

Fonts and figure style live in :mod:`onex_research.plotting`, the joint display in
:mod:`onex_research.mixed`, and the notebook pipeline in :mod:`onex_research.reproduce`.
"""

from .tables import format_table, significance_note, to_docx, to_latex, to_markdown, write_table
from .registry import Report, RegistryEntry, read_registry

__all__ = ["format_table", "significance_note", "to_docx", "to_latex", "to_markdown", "write_table",
           "Report", "RegistryEntry", "read_registry"]
