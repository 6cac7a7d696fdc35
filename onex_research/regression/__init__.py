"""Regression that agrees with R's lm, car and sandwich: OLS with standardized beta and VIF,
hierarchical blocks (SPSS "Model Summary"), mediation with a seeded bootstrap, moderation
with simple slopes.

Group comparisons (t tests, ANOVA with Tukey HSD, chi-square crosstabs) agree with R's
``t.test``, ``aov``/``TukeyHSD`` and ``chisq.test``.

Submodules: ``linear`` (ols, hierarchical), ``effects`` (mediation, moderation) and
``groups`` (group comparisons).
"""

from importlib import import_module as _import_module

from .linear import *  # noqa: F401,F403
from .effects import *  # noqa: F401,F403
from .groups import *  # noqa: F401,F403

__all__ = [name for _m in ("linear", "effects", "groups") for name in _import_module(f"{__name__}.{_m}").__all__]
