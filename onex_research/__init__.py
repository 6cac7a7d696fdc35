"""onex_research: mixed-methods research toolkit for China's 1+X certificate pilot."""

__version__ = "0.1.0"
