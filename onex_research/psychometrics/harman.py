"""Common-method-bias check (Harman's single-factor test) and HTMT / HTMT2 with
bootstrap intervals."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ._common import as_frame_repr_html, as_items
from .cfa import _check_model, _listwise
from .sem import sem

__all__ = ["harman_test", "HarmanResult", "htmt_ci"]


def _syntax(model) -> str:
    if isinstance(model, str):
        return model
    return "\n".join(f"{f} =~ {' + '.join(items)}" for f, items in model.items())


@dataclass(frozen=True)
class HarmanResult:
    """Result of :func:`harman_test`."""

    proportion: float
    eigenvalue: float
    n_items: int
    n: int
    sentence: str
    comparison: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"proportion": [self.proportion], "eigenvalue": [self.eigenvalue],
                             "n_items": [self.n_items], "n": [self.n]})

    def _repr_html_(self) -> str:
        out = as_frame_repr_html(self.to_frame(), "Harman's single-factor test") + f"<p>{self.sentence}</p>"
        if self.comparison is not None:
            out += as_frame_repr_html(self.comparison, "Single-factor vs measurement model (CFA)")
        return out


def harman_test(items: pd.DataFrame, *, model=None, threshold: float = 0.5) -> HarmanResult:
    """Harman's single-factor test for common-method bias.

    Parameters
    ----------
    items : DataFrame
        Every questionnaire item of the study (rows with a missing item are dropped
        listwise, with a warning).
    model : str or dict, optional, keyword-only
        The measurement model (lavaan syntax or ``{factor: [items]}``). When given, a CFA
        with one factor for all items is compared with it by a χ² difference test, which
        reviewers increasingly prefer (Podsakoff et al., 2003).
    threshold : float, keyword-only
        Share of variance above which one factor is said to dominate (default 0.50).

    Returns
    -------
    HarmanResult
        ``proportion`` : share of the total variance of the first unrotated principal
        component (eigenvalue / number of items, on the correlation matrix).
        ``eigenvalue``, ``n_items``, ``n``; ``sentence`` : a sentence for the paper;
        ``comparison`` : with ``model``, a DataFrame indexed by ``one_factor`` and
        ``measurement`` with ``chi2, dof, cfi, tli, rmsea, srmr`` and ``delta_chi2,
        delta_dof, delta_p`` on the ``one_factor`` row.

    Notes
    -----
    As SPSS's unrotated PCA and ``psych::principal(items, nfactors = 1, rotate = "none")``
    (``$Vaccounted["Proportion Var", 1]``). A first component below 50% is the usual
    reading that no single factor accounts for most of the covariance; the test is weak
    (Podsakoff, MacKenzie, Lee & Podsakoff, 2003), hence the CFA comparison.

    Examples
    --------
    >>> harman_test(hs[[f"x{i}" for i in range(1, 10)]]).proportion  # doctest: +SKIP
    0.357
    # R: psych::principal(HolzingerSwineford1939[, 7:15], nfactors = 1)$Vaccounted[2, 1]
    """
    X = as_items(items, min_items=3, func="harman_test")
    keep = X.notna().all(axis=1)
    if not keep.all():
        warnings.warn(f"harman_test: {int((~keep).sum())} of {len(X)} rows with a missing item "
                      "dropped (listwise)", UserWarning, stacklevel=2)
    X = X[keep]
    R = np.corrcoef(X.to_numpy(), rowvar=False)
    ev = float(np.linalg.eigvalsh(R)[-1])
    prop = ev / R.shape[0]
    verdict = ("below" if prop < threshold else "above")
    reading = ("so no single factor accounts for the majority of the variance and common-method "
               "bias is unlikely to be a serious concern" if prop < threshold else
               "so a single factor accounts for the majority of the variance and common-method "
               "bias may be a concern")
    sentence = (f"Harman's single-factor test: the first unrotated factor of an exploratory "
                f"principal component analysis of all {R.shape[0]} items (n = {len(X)}) explained "
                f"{prop:.1%} of the total variance, {verdict} the {threshold:.0%} threshold, "
                f"{reading}.")
    comparison = None
    if model is not None:
        syntax = _syntax(model)
        one = "common_factor =~ " + " + ".join(X.columns)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            f1, f0 = sem(X, one).fit, sem(X, syntax).fit
        cols = ["chi2", "dof", "cfi", "tli", "rmsea", "srmr"]
        comparison = pd.DataFrame({"one_factor": f1[cols], "measurement": f0[cols]}).T
        d, ddf = f1["chi2"] - f0["chi2"], f1["dof"] - f0["dof"]
        comparison["delta_chi2"] = [d, np.nan]
        comparison["delta_dof"] = [ddf, np.nan]
        comparison["delta_p"] = [special.chdtrc(ddf, d) if ddf > 0 else np.nan, np.nan]
        better = "fits significantly worse than" if comparison["delta_p"].iloc[0] < .05 else \
            "does not fit significantly worse than"
        sentence += (f" A single-factor CFA {better} the measurement model "
                     f"(Δχ²({ddf:.0f}) = {d:.2f}, CFI {f1['cfi']:.3f} vs {f0['cfi']:.3f}).")
    return HarmanResult(proportion=prop, eigenvalue=ev, n_items=R.shape[0], n=len(X),
                        sentence=sentence, comparison=comparison)


def htmt_ci(data: pd.DataFrame, model: dict, *, bootstrap: int = 1000, seed=None,
            level: float = 0.95) -> pd.DataFrame:
    """HTMT (Henseler et al., 2015) and HTMT2 (Roemer et al., 2021) with bootstrap
    percentile intervals, one row per pair of factors.

    Parameters
    ----------
    data : DataFrame
        Item responses; incomplete rows are dropped listwise (as :func:`htmt`).
    model : dict
        ``{factor: [items]}``.
    bootstrap : int, keyword-only
        Number of case resamples (default 1000; 0 gives the point estimates only).
    seed : int, optional, keyword-only
    level : float, keyword-only
        Coverage of the percentile intervals (default 0.95).

    Returns
    -------
    DataFrame
        Indexed by ``factor_a, factor_b``: ``htmt, htmt_ci_low, htmt_ci_high, htmt2,
        htmt2_ci_low, htmt2_ci_high``.

    Notes
    -----
    Point estimates equal ``semTools::htmt(model, data, htmt2 = FALSE)`` and
    ``htmt2 = TRUE`` (semTools' default since 0.5-6). An upper limit below 0.85 (or 0.90)
    supports discriminant validity (Henseler et al., 2015).
    """
    factors, items, model = _check_model(data, model)
    X, _ = _listwise(data, items)
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for i, a in enumerate(factors) for b in factors[i + 1:]]
    idx = {it: k for k, it in enumerate(items)}

    def both(R):
        R = np.abs(R)
        out = []
        for mean in (np.mean, lambda v: np.exp(np.mean(np.log(v)))):
            mono = {}
            for f in factors:
                k = [idx[i] for i in model[f]]
                sub = R[np.ix_(k, k)]
                mono[f] = mean(sub[np.tril_indices(len(k), -1)])
            out.append([mean(R[np.ix_([idx[i] for i in model[a]], [idx[i] for i in model[b]])])
                        / np.sqrt(mono[a] * mono[b]) for a, b in pairs])
        return np.array(out)                                # (2, n_pairs)

    est = both(np.corrcoef(X, rowvar=False))
    cols = {"htmt": est[0], "htmt2": est[1]}
    if bootstrap:
        draws = np.array([both(np.corrcoef(X[rng.integers(0, len(X), len(X))], rowvar=False))
                          for _ in range(int(bootstrap))])
        lo, hi = np.nanquantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=0)
        cols = {"htmt": est[0], "htmt_ci_low": lo[0], "htmt_ci_high": hi[0],
                "htmt2": est[1], "htmt2_ci_low": lo[1], "htmt2_ci_high": hi[1]}
    out = pd.DataFrame(cols, index=pd.MultiIndex.from_tuples(pairs, names=["factor_a", "factor_b"]))
    return out
