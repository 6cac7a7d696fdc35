"""Measurement models that agree with R psych and lavaan: reliability, factorability, EFA, omega, CFA."""

from .reliability import *  # noqa: F401,F403
from .efa import *  # noqa: F401,F403
from .cfa import *  # noqa: F401,F403
from . import reliability as _rel, efa as _efa, cfa as _cfa

__all__ = list(_rel.__all__) + list(_efa.__all__) + list(_cfa.__all__)
