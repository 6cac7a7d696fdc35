"""Publication output: tables (三线表 .docx, LaTeX, Markdown), CJK fonts, figures, the joint display, reproduce."""
