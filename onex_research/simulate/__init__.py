"""Simulators with a saved truth: a whole 1+X survey study, and planted-theme interview corpora."""

from .survey import *  # noqa: F401,F403
from .corpus import *  # noqa: F401,F403
from .open_ended import *  # noqa: F401,F403
from . import survey as _survey, corpus as _corpus, open_ended as _open_ended

__all__ = list(_survey.__all__) + list(_corpus.__all__) + list(_open_ended.__all__)
