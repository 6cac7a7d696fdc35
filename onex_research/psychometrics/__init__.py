"""Measurement models that agree with R psych and lavaan: reliability, factorability, EFA, omega, CFA, SEM."""

from importlib import import_module as _import_module

from .reliability import *  # noqa: F401,F403
from .factorability import *  # noqa: F401,F403
from .rotation import *  # noqa: F401,F403
from .efa import *  # noqa: F401,F403
from .omega import *  # noqa: F401,F403
from .parallel import *  # noqa: F401,F403
from .cfa import *  # noqa: F401,F403
from .sem import *  # noqa: F401,F403
from .invariance import *  # noqa: F401,F403
from .harman import *  # noqa: F401,F403
from .path_diagram import *  # noqa: F401,F403

# ``from . import cfa`` would return the function ``cfa`` (it shadows the submodule
# after the star import), so take the submodules from sys.modules by name.
__all__ = [name for _m in ("reliability", "factorability", "rotation", "efa",
                        "omega", "parallel", "cfa", "sem", "invariance", "harman", "path_diagram")
           for name in _import_module(f"{__name__}.{_m}").__all__]
