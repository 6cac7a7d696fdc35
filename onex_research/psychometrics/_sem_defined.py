"""Defined parameters (``:=``), the delta method and bootstrap intervals (private)."""

from __future__ import annotations

import re
import warnings

import numpy as np
from scipy import stats

from ._lavaan_syntax import ModelSyntaxError

__all__: list[str] = []

_FUNCS = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs}


def compile_defined(defined, labels):
    """Check every := expression; returns [(name, code, line)]. Names may use labels and
    earlier definitions."""
    out, known = [], set(labels)
    for name, expr, line in defined:
        py = expr.replace("^", "**")
        used = set(re.findall(r"[A-Za-z_][\w.]*", py)) - set(_FUNCS)
        unknown = sorted(u for u in used if u not in known)
        if unknown:
            raise ModelSyntaxError(f"unknown label(s) {unknown} in the definition {line!r}; "
                                   f"labels in the model: {sorted(labels)}")
        try:
            code = compile(re.sub(r"[A-Za-z_][\w.]*", lambda m: m.group().replace(".", "_"), py),
                           "<:=>", "eval")
        except SyntaxError:
            raise ModelSyntaxError(f"cannot parse the definition {line!r}") from None
        out.append((name, code, line))
        known.add(name)
    return out


def evaluate(compiled, label_values: dict) -> np.ndarray:
    env = {k.replace(".", "_"): v for k, v in label_values.items()}
    env.update(_FUNCS)
    vals = []
    for name, code, _ in compiled:
        v = float(eval(code, {"__builtins__": {}}, env))          # noqa: S307 (checked names)
        env[name.replace(".", "_")] = v
        vals.append(v)
    return np.array(vals)


def delta_se(fun, theta, vcov, h=1e-6, *, central=True, jacobian=False):
    """Values of fun(theta) and delta-method standard errors (central differences, or
    forward ones with ``central=False``: half the evaluations, error ~1e-6 relative);
    with ``jacobian=True`` also the Jacobian."""
    base = fun(theta)
    J = np.empty((base.size, theta.size))
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h * max(1.0, abs(theta[k]))
        J[:, k] = ((fun(theta + e) - fun(theta - e)) / (2 * e[k]) if central
                   else (fun(theta + e) - base) / e[k])
    se = np.sqrt(np.clip(np.einsum("ik,kl,il->i", J, vcov, J), 0, None))
    return (base, se, J) if jacobian else (base, se)


def bootstrap(problem, theta_hat, fun, B, seed, *, jackknife=False):
    """Case-resampling bootstrap within groups; refits start at theta_hat. Non-converged
    replications are dropped (as lavaan) and counted."""
    rng = np.random.default_rng(seed)
    Xs = problem.Xs
    draws, failed = [], 0
    for _ in range(B):
        try:
            problem.setup([X[rng.integers(0, len(X), len(X))] for X in Xs])
            th, _, _, _, ok = problem.fit(theta_hat, max_iter=100)
        except (ValueError, np.linalg.LinAlgError):
            ok = False
        if ok:
            draws.append(fun(th))
        else:
            failed += 1
    jack = None
    if jackknife:
        jack = []
        for g, X in enumerate(Xs):
            for i in range(len(X)):
                sub = list(Xs)
                sub[g] = np.delete(X, i, axis=0)
                problem.setup(sub)
                th, *_ = problem.fit(theta_hat, max_iter=100)
                jack.append(fun(th))
        jack = np.array(jack)
    problem.setup(Xs)
    if failed:
        warnings.warn(f"sem: {failed} of {B} bootstrap samples did not converge and were "
                      "dropped", RuntimeWarning, stacklevel=4)
    return np.array(draws), jack
