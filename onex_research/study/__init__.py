"""The study's steps, called alike by the CLI, the notebooks and ``reproduce``.

:mod:`.data` loads the questionnaire (:func:`load_survey`, :func:`write_clean`,
:func:`read_clean`) and the interviews (:func:`resolve_corpus`, :func:`load_corpus`);
:mod:`.tables` makes the tables that the commands and the notebooks share.
"""

from . import tables
from .data import (CLEAN_FILES, DEFAULT_SEED, DEFAULT_SURVEY, TRANSCRIPT_SUFFIXES, Corpus, CorpusPaths, Survey,
                   default_controls, load_corpus, load_survey, read_clean, resolve_corpus, write_clean)

__all__ = ["tables", "CLEAN_FILES", "DEFAULT_SEED", "DEFAULT_SURVEY", "TRANSCRIPT_SUFFIXES", "Corpus",
           "CorpusPaths", "Survey", "default_controls", "load_corpus", "load_survey", "read_clean",
           "resolve_corpus", "write_clean"]
