"""Publication output: tables (三线表 .docx, LaTeX, Markdown), CJK fonts, figures, the joint display, reproduce."""

# -- the output registry (Report) and the reproduce pipeline -----------------
from .registry import Report, RegistryEntry, read_registry  # noqa: E402,F401
