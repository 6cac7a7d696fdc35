"""Measurement invariance across groups: configural, metric, scalar and strict models
compared as ``semTools::measEq.syntax`` / ``lavTestLRT`` do, with Chen's (2007) cut-offs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from .sem import sem

__all__ = ["measurement_invariance", "INVARIANCE_LEVELS"]

INVARIANCE_LEVELS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
    "means": ("loadings", "intercepts", "residuals", "means"),
}
# Chen (2007, n > 300): non-invariance when CFI drops by more than .010 together with a rise
# of RMSEA above .015 or SRMR above .030 (loadings) / .010 (intercepts, residuals).
CHEN_CFI, CHEN_RMSEA, CHEN_SRMR = -0.010, 0.015, {"metric": 0.030}


def _scaled_difference(t0, df0, c0, t1, df1, c1):
    """Satorra-Bentler (2001) scaled difference test, as lavTestLRT for MLR fits."""
    cd = (df0 * c0 - df1 * c1) / (df0 - df1)
    return (t0 - t1) / cd


def measurement_invariance(data: pd.DataFrame, model: str, group: str, *,
                           levels=("configural", "metric", "scalar", "strict"),
                           estimator: str = "ML", missing: str = "listwise") -> pd.DataFrame:
    """Fit increasingly constrained multigroup models and compare each with the previous one.

    Parameters
    ----------
    data : DataFrame
        Items and the group column.
    model : str
        lavaan syntax of the measurement model (as for :func:`sem`).
    group : str
        Column with the group labels.
    levels : sequence of str, keyword-only
        In order, from ``"configural"`` (same pattern), ``"metric"`` (equal loadings),
        ``"scalar"`` (+ equal intercepts), ``"strict"`` (+ equal residual variances),
        ``"means"`` (+ equal latent means). Each is ``lavaan::cfa(group.equal = ...)``.
    estimator : {"ML", "MLR"}, keyword-only
        With ``"MLR"`` the difference test is the Satorra-Bentler (2001) scaled difference
        (lavTestLRT's default for MLR) and ΔCFI / ΔRMSEA use the robust indices.
    missing : {"listwise", "fiml"}, keyword-only
        As for :func:`sem`.

    Returns
    -------
    DataFrame
        Indexed by level: ``chi2, dof, p, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr,
        aic, bic`` (and ``chi2_scaled, cfi_robust, tli_robust, rmsea_robust`` for MLR), then
        ``delta_chi2, delta_dof, delta_p`` (likelihood-ratio test against the previous
        level), ``delta_cfi, delta_rmsea, delta_srmr`` and ``decision``: ``"supported"`` or
        ``"not supported"`` by Chen's (2007) cut-offs (ΔCFI ≥ −.010 and ΔRMSEA ≤ .015 and
        ΔSRMR ≤ .030 for metric, ≤ .010 for the later levels); the configural row has
        NaN differences and the decision ``"baseline"``.

    Notes
    -----
    Δχ² = χ²_constrained − χ²_previous with Δdf = df_constrained − df_previous;
    for MLR, Δχ² = (T0 − T1)/c_d with c_d = (df0·c0 − df1·c1)/(df0 − df1). Chen, F. F.
    (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
    Structural Equation Modeling, 14, 464-504.

    Examples
    --------
    >>> measurement_invariance(hs, "visual =~ x1 + x2 + x3 ...", "school")  # doctest: +SKIP
    # R: lavTestLRT(cfa(model, hs, group = "school"), cfa(..., group.equal = "loadings"), ...)
    """
    bad = [lv for lv in levels if lv not in INVARIANCE_LEVELS]
    if bad or not levels:
        raise ValueError(f"measurement_invariance: unknown levels {bad}; choose from "
                         f"{list(INVARIANCE_LEVELS)}")
    fits, rows = {}, []
    for lv in levels:
        res = sem(data, model, group=group, group_equal=INVARIANCE_LEVELS[lv],
                  estimator=estimator, missing=missing)
        if not res.converged:
            raise RuntimeError(f"measurement_invariance: the {lv} model did not converge "
                               f"in {res.iterations} iterations")
        fits[lv] = res.fit
    robust = estimator == "MLR"
    cols = ["chi2", "dof", "p", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr",
            "aic", "bic"] + (["chi2_scaled", "scaling_factor", "cfi_robust", "tli_robust",
                              "rmsea_robust"] if robust else [])
    out = pd.DataFrame({lv: f[cols] for lv, f in fits.items()}).T
    cfi, rmsea = ("cfi_robust", "rmsea_robust") if robust else ("cfi", "rmsea")
    for k, lv in enumerate(levels):
        if k == 0:
            rows.append((np.nan,) * 6 + ("baseline",))
            continue
        f0, f1 = fits[lv], fits[levels[k - 1]]
        ddf = f0["dof"] - f1["dof"]
        if robust:
            dchi = _scaled_difference(f0["chi2"], f0["dof"], f0["scaling_factor"],
                                      f1["chi2"], f1["dof"], f1["scaling_factor"])
        else:
            dchi = f0["chi2"] - f1["chi2"]
        p = special.chdtrc(ddf, dchi) if ddf > 0 else np.nan
        dcfi, drmsea, dsrmr = f0[cfi] - f1[cfi], f0[rmsea] - f1[rmsea], f0["srmr"] - f1["srmr"]
        ok = (dcfi >= CHEN_CFI and drmsea <= CHEN_RMSEA
              and dsrmr <= CHEN_SRMR.get(lv, 0.010))
        rows.append((dchi, ddf, p, dcfi, drmsea, dsrmr, "supported" if ok else "not supported"))
    diff = pd.DataFrame(rows, index=out.index, columns=["delta_chi2", "delta_dof", "delta_p",
                                                        "delta_cfi", "delta_rmsea", "delta_srmr",
                                                        "decision"])
    out = pd.concat([out, diff], axis=1)
    out.index.name = "level"
    return out
