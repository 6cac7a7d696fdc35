"""Publication output: tables (三线表 .docx, LaTeX, Markdown), CJK fonts, figures, the joint display, reproduce."""

# -- tables, fonts, figures ----------------------------------------------------
from .tables import (  # noqa: F401
    format_table,
    significance_note,
    to_docx,
    to_latex,
    to_markdown,
    write_table,
)
from .fonts import FontChoice, FontNotFoundError, cjk_font_path, find_cjk_font, set_theme, use_cjk_font  # noqa: F401
from .figures import save_figure, theme  # noqa: F401
from .joint import JointDisplay, ThemeDisplay, joint_display  # noqa: F401

# -- the output registry (Report) and the reproduce pipeline -----------------
from .registry import Report, RegistryEntry, read_registry  # noqa: E402,F401
# (``reproduce`` itself stays in onex_research.report.reproduce: a function of the same
# name here would shadow the module)
