"""Parameter table of a lavaan model with ``lavaan::sem``'s defaults (private).

Rows are dicts with ``lhs, op, rhs, group, free, value, label, exo``; ``free`` is the
1-based index of the free parameter (0 = fixed) after equality constraints (shared labels
and ``group_equal``) have been applied, as ``lavaanify(...)$free``.
"""

from __future__ import annotations

import numpy as np

from ._lavaan_syntax import ModelSyntaxError, ParsedModel

__all__: list[str] = []

GROUP_EQUAL = ("loadings", "intercepts", "means", "residuals", "residual.covariances",
               "lv.variances", "lv.covariances", "regressions")


def _kind(row: dict, latent: set) -> str:
    op, lhs, rhs = row["op"], row["lhs"], row["rhs"]
    if op == "=~":
        return "loadings"
    if op == "~":
        return "regressions"
    if op == "~1":
        return "means" if lhs in latent else "intercepts"
    if lhs in latent:
        return "lv.variances" if lhs == rhs else "lv.covariances"
    return "residuals" if lhs == rhs else "residual.covariances"


def build_partable(parsed: ParsedModel, names: dict, *, n_groups: int = 1, group_equal=(),
                   meanstructure: bool = False, fixed_x: bool = True, x_moments=None,
                   independence: bool = False) -> list[dict]:
    """Rows of the parameter table for every group, lavaan's order within a group.

    ``x_moments[g] = (mean, cov)`` of the exogenous observed variables (fixed.x) per group.
    ``independence=True`` builds lavaan's baseline: free variances (and intercepts) only.
    """
    bad = [g for g in group_equal if g not in GROUP_EQUAL]
    if bad:
        raise ValueError(f"group_equal has unknown entries {bad}; choose from {list(GROUP_EQUAL)}")
    latent, ov = names["latent"], names["observed"]
    ov_x = names["ov_x"] if fixed_x else []
    lat = set(latent)
    rows: list[dict] = []
    for g in range(n_groups):
        grp: list[dict] = []
        have = set()

        def add(lhs, op, rhs, *, free=True, value=np.nan, label="", exo=0, user=False):
            key = (lhs, op, rhs) if op != "~~" else (min(lhs, rhs), op, max(lhs, rhs))
            if key in have:
                return
            have.add(key)
            grp.append(dict(lhs=lhs, op=op, rhs=rhs, group=g + 1, free=free, value=value,
                            label=label, exo=exo, user=user))

        if not independence:
            first = {}
            for f in parsed.formulas:
                mod = f.modifier
                if isinstance(mod, list):
                    if len(mod) != n_groups:
                        raise ModelSyntaxError(f"c(...) gives {len(mod)} modifiers but there are "
                                               f"{n_groups} groups, in the model line {f.line!r}")
                    mod = mod[g]
                free, value, label = True, np.nan, ""
                if isinstance(mod, float):
                    free, value = False, mod
                elif isinstance(mod, str) and mod != "NA":
                    label = mod
                if f.op == "=~" and f.lhs not in first:
                    first[f.lhs] = f.rhs
                    if mod is None or (isinstance(mod, str) and mod != "NA"):
                        free, value = False, 1.0              # auto.fix.first
                key = (f.lhs, f.op, f.rhs) if f.op != "~~" else (min(f.lhs, f.rhs), "~~", max(f.lhs, f.rhs))
                if key in have:
                    raise ModelSyntaxError(f"the parameter {f.lhs} {f.op} {f.rhs} is given twice "
                                           f"(again in the model line {f.line!r})")
                add(f.lhs, f.op, f.rhs, free=free, value=value, label=label, user=True)
        xm = x_moments[g] if x_moments is not None else None
        for v in ov + ([] if independence else latent):          # auto.var
            if v in ov_x:
                k = ov_x.index(v)
                add(v, "~~", v, free=False, value=float(xm[1][k, k]), exo=1)
            else:
                add(v, "~~", v)
        if not independence:
            lv_x, y = names["lv_x"], names["y"]
            for a in range(len(lv_x)):                                 # auto.cov.lv.x
                for b in range(a + 1, len(lv_x)):
                    add(lv_x[a], "~~", lv_x[b])
            for a in range(len(y)):                                    # auto.cov.y
                for b in range(a + 1, len(y)):
                    add(y[a], "~~", y[b])
        for a in range(len(ov_x)):                                     # fixed.x covariances
            for b in range(a + 1, len(ov_x)):
                add(ov_x[a], "~~", ov_x[b], free=False, value=float(xm[1][a, b]), exo=1)
        if meanstructure:
            for v in ov:
                if v in ov_x:
                    add(v, "~1", "", free=False, value=float(xm[0][ov_x.index(v)]), exo=1)
                else:
                    add(v, "~1", "")
            if not independence:
                lv_free = g > 0 and "intercepts" in group_equal and "means" not in group_equal
                for v in latent:
                    add(v, "~1", "", free=lv_free, value=np.nan if lv_free else 0.0)
        rows += grp
    # equality: user labels (across groups too, as lavaan) and group_equal sets
    keys: dict = {}
    n_free = 0
    for r in rows:
        if not r["free"]:
            r["free"] = 0
            continue
        kind = _kind(r, lat)
        if r["label"]:
            key = ("label", r["label"])
        elif kind in group_equal and not (kind == "means" and r["group"] > 1 and "means" not in group_equal):
            key = ("eq", r["lhs"], r["op"], r["rhs"])
            r["label"] = ""
        else:
            key = ("row", id(r))
        if key not in keys:
            n_free += 1
            keys[key] = n_free
        r["free"] = keys[key]
    # lavaan's plabel for group-equal rows: the label column stays empty (as lavaan prints
    # .p1. style labels); user labels are kept.
    return rows


def meanstructure_needed(parsed: ParsedModel, *, n_groups: int, missing: str) -> bool:
    return n_groups > 1 or missing == "fiml" or any(f.op == "~1" for f in parsed.formulas)


def simple_start(partable: list[dict], names: dict, covs: list, means: list) -> np.ndarray:
    """lavaan's "simple" starting values: free loadings 1, paths and covariances 0, factor
    variances 0.05, residual variances half the observed variance, intercepts the means."""
    ov = names["observed"]
    theta = np.zeros(max((r["free"] for r in partable), default=0))
    for r in partable:
        if not r["free"]:
            continue
        S, mean = covs[r["group"] - 1], means[r["group"] - 1]
        op, lhs, rhs = r["op"], r["lhs"], r["rhs"]
        if op == "=~":
            v = 1.0
        elif op == "~1":
            v = float(mean[ov.index(lhs)]) if lhs in ov else 0.0
        elif op == "~~" and lhs == rhs:
            v = 0.5 * S[ov.index(lhs), ov.index(lhs)] if lhs in ov else 0.05
        else:
            v = 0.0
        theta[r["free"] - 1] = v
    return theta


def start_values(partable: list[dict], names: dict, covs: list, means: list) -> np.ndarray:
    """Starting values for the free parameters: indicator loadings from the first principal
    component of each factor's indicators (marker scaled), factor variances from the marker,
    residual variances from what is left, intercepts at the sample means, paths at 0."""
    ov = names["observed"]
    q = max((r["free"] for r in partable), default=0)
    theta = np.full(q, np.nan)
    for g, (S, mean) in enumerate(zip(covs, means), start=1):
        rows = [r for r in partable if r["group"] == g]
        lam, psi = {}, {}
        for f in names["latent"]:
            ind = [r for r in rows if r["op"] == "=~" and r["lhs"] == f and r["rhs"] in ov]
            if not ind:
                psi[f] = 1.0
                continue
            idx = [ov.index(r["rhs"]) for r in ind]
            w, vec = np.linalg.eigh(S[np.ix_(idx, idx)])
            ld = vec[:, -1] * np.sqrt(max(w[-1], 1e-8))
            marker = next((k for k, r in enumerate(ind) if not r["free"]), 0)
            scale = ind[marker]["value"] if not ind[marker]["free"] else 1.0
            ref = ld[marker] if abs(ld[marker]) > 1e-6 else 1e-6
            for k, r in enumerate(ind):             # a weak marker must not explode the rest
                lam[(f, r["rhs"])] = float(np.clip(ld[k] / ref * scale, -5, 5))
            psi[f] = max((ref / scale) ** 2, 0.05)
        common = {}
        for (f, x), l in lam.items():
            common[x] = common.get(x, 0.0) + l * l * psi[f]
        for r in rows:
            if not r["free"] or not np.isnan(theta[r["free"] - 1]):
                continue
            op, lhs, rhs = r["op"], r["lhs"], r["rhs"]
            if op == "=~":
                val = lam.get((lhs, rhs), 1.0)
            elif op == "~":
                val = 0.0
            elif op == "~1":
                val = float(mean[ov.index(lhs)]) if lhs in ov else 0.0
            elif lhs != rhs:
                val = 0.0
            elif lhs in ov:
                s = S[ov.index(lhs), ov.index(lhs)]
                val = max(s - common.get(lhs, 0.0), 0.1 * s) if lhs in common else s
            else:
                val = psi.get(lhs, 1.0)
            theta[r["free"] - 1] = val
    return np.nan_to_num(theta, nan=0.0)
