"""Regression that agrees with R's lm, car and sandwich: OLS with standardized beta and VIF,
hierarchical blocks (SPSS "Model Summary"), mediation with a seeded bootstrap, moderation
with simple slopes.

Group comparisons (t tests, ANOVA with η², ω², Welch and Levene, Tukey HSD and Games–Howell,
chi-square crosstabs with Cramér's V) agree with R's ``t.test``, ``aov``/``TukeyHSD``,
``effectsize``, ``car::leveneTest``, ``rstatix::games_howell_test`` and ``chisq.test``.

Submodules: ``linear`` (ols, hierarchical), ``effects`` (mediation, moderation),
``groups`` (group comparisons) and ``pairwise`` (post-hoc comparisons).
"""

from importlib import import_module as _import_module

from .linear import *  # noqa: F401,F403
from .effects import *  # noqa: F401,F403
from .groups import *  # noqa: F401,F403
from .pairwise import *  # noqa: F401,F403

__all__ = [name for _m in ("linear", "effects", "groups", "pairwise") for name in _import_module(f"{__name__}.{_m}").__all__]
