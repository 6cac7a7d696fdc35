"""How many factors: parallel analysis as ``psych::fa.parallel`` (simulated normal
data), the eigenvalue > 1 rule, and a scree plot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import extraction
from ._common import as_frame_repr_html, as_items, pairwise_cor

__all__ = ["parallel_analysis", "ParallelResult", "scree_plot"]


@dataclass(frozen=True)
class ParallelResult:
    """Result of :func:`parallel_analysis`.

    ``eigenvalues`` is indexed by position 1..p with columns ``pc_observed``,
    ``pc_simulated`` (the ``quantile`` of the simulated eigenvalues),
    ``pc_simulated_mean``, ``fa_observed``, ``fa_simulated``, ``fa_simulated_mean``.
    """

    n_factors: int
    n_components: int
    n_kaiser: int
    eigenvalues: pd.DataFrame
    n_iter: int
    quantile: float
    n: int
    seed: object = None

    def to_frame(self) -> pd.DataFrame:
        """The eigenvalue table (see the class docstring)."""
        return self.eigenvalues

    def scree_plot(self, ax=None):
        """Scree plot of observed and simulated eigenvalues; see :func:`scree_plot`."""
        return scree_plot(self, ax=ax)

    def _repr_html_(self) -> str:
        head = (f"Parallel analysis ({self.n_iter} simulations, {self.quantile:.0%} quantile): "
                f"{self.n_factors} factors, {self.n_components} components; "
                f"eigenvalues > 1: {self.n_kaiser}")
        return as_frame_repr_html(self.eigenvalues, head)


def _fa_values(r: np.ndarray, precise: bool = True) -> np.ndarray:
    """Eigenvalues of R with the communalities of a one-factor minres solution on the
    diagonal: ``psych::fa(r, nfactors = 1, fm = "minres")$values``."""
    lam, _ = extraction.minres(r, 1, precise=precise)
    s = r.copy()
    np.fill_diagonal(s, (lam ** 2).sum(axis=1))
    return np.linalg.eigvalsh(s)[::-1]


def _first_not_above(obs: np.ndarray, ref: np.ndarray) -> int:
    below = np.flatnonzero(~(obs > ref))
    return int(below[0]) if below.size else len(obs)


def parallel_analysis(items: pd.DataFrame, *, n_iter: int = 100, seed=None,
                      quantile: float = 0.95) -> ParallelResult:
    """Horn's parallel analysis for factors and components, as ``psych::fa.parallel``.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item (pairwise-complete correlations).
    n_iter : int, default 100
        Number of simulated data sets (psych's default is 20).
    seed : int or numpy.random.Generator, optional
        Seed of the normal simulations; pass one for reproducible results.
    quantile : float, default 0.95
        Quantile of the simulated eigenvalues that an observed one must exceed
        (psych's ``quant = .95``).

    Returns
    -------
    ParallelResult
        ``n_factors`` (psych's ``nfact``), ``n_components`` (``ncomp``), ``n_kaiser``
        (eigenvalues of R above 1) and the ``eigenvalues`` table; ``scree_plot()``.

    Notes
    -----
    This is psych's *simulation* variant (``sim = TRUE``), which is what decides
    ``nfact``/``ncomp`` in ``fa.parallel(x, fa = "both")``; psych's additional
    resampling of the observed data is not done. Each replicate draws an n x p
    standard normal matrix (n = rows of ``items``) from a seeded
    ``numpy.random.Generator`` and computes its correlation matrix. Components compare
    the eigenvalues of R; factors compare the eigenvalues of R with the communalities
    of a one-factor minres solution on the diagonal (psych's ``fa(.., 1)$values``,
    ``SMC = FALSE``). The number retained is the count of leading observed
    eigenvalues that exceed the simulated ``quantile``.

    Because it is random, R gives the same answer only up to simulation noise; on
    psychTools::bfi psych 2.2.9 reports 6 factors and 6 components.

    Examples
    --------
    >>> parallel_analysis(bfi_items, n_iter=100, seed=1).n_factors  # doctest: +SKIP
    # R: psych::fa.parallel(bfi[1:25], fm = "minres", fa = "both", n.iter = 100)$nfact
    """
    x = as_items(items, min_items=3, func="parallel_analysis")
    if n_iter < 1:
        raise ValueError(f"parallel_analysis: n_iter must be positive, got {n_iter}")
    if not 0 < quantile < 1:
        raise ValueError(f"parallel_analysis: quantile must be in (0, 1), got {quantile}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    r = pairwise_cor(x)
    n, p = x.shape
    pc_obs = np.linalg.eigvalsh(r)[::-1]
    fa_obs = _fa_values(r)
    pc_sim = np.empty((n_iter, p))
    fa_sim = np.empty((n_iter, p))
    with threadpool_limits(1, user_api="blas"):  # many small eigh: threads only contend
        for i in range(n_iter):
            z = rng.standard_normal((n, p))
            rs = np.corrcoef(z, rowvar=False)
            pc_sim[i] = np.linalg.eigvalsh(rs)[::-1]
            fa_sim[i] = _fa_values(rs, precise=False)
    pc_q = np.quantile(pc_sim, quantile, axis=0)
    fa_q = np.quantile(fa_sim, quantile, axis=0)
    table = pd.DataFrame({
        "pc_observed": pc_obs, "pc_simulated": pc_q, "pc_simulated_mean": pc_sim.mean(axis=0),
        "fa_observed": fa_obs, "fa_simulated": fa_q, "fa_simulated_mean": fa_sim.mean(axis=0),
    }, index=pd.RangeIndex(1, p + 1, name="number"))
    return ParallelResult(
        n_factors=_first_not_above(fa_obs, fa_q), n_components=_first_not_above(pc_obs, pc_q),
        n_kaiser=int((pc_obs > 1).sum()), eigenvalues=table, n_iter=int(n_iter),
        quantile=float(quantile), n=int(n), seed=seed if not isinstance(seed, np.random.Generator) else None,
    )


def scree_plot(result, *, ax=None, components: bool = True, factors: bool = True):
    """Scree plot: observed eigenvalues with the simulated thresholds and the line at 1.

    Parameters
    ----------
    result : ParallelResult or DataFrame
        A :func:`parallel_analysis` result, or items (then a parallel analysis with
        100 iterations and seed 0 is run first).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made otherwise.
    components, factors : bool
        Which series to draw.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (its single Axes is ``fig.axes[0]``). Fonts are left to the caller.

    Examples
    --------
    >>> fig = scree_plot(parallel_analysis(bfi_items, seed=1))  # doctest: +SKIP
    # R: psych::fa.parallel(bfi[1:25])   # draws the same plot
    """
    import matplotlib.pyplot as plt

    if isinstance(result, pd.DataFrame):
        result = parallel_analysis(result, seed=0)
    if not isinstance(result, ParallelResult):
        raise TypeError(f"scree_plot takes a ParallelResult or items, got {type(result).__name__}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    e = result.eigenvalues
    pos = e.index.to_numpy()
    q = f"{result.quantile:.0%}"
    if components:
        ax.plot(pos, e["pc_observed"], "x-", color="tab:blue", label="PC observed")
        ax.plot(pos, e["pc_simulated"], ":", color="tab:red", label=f"PC simulated ({q})")
    if factors:
        ax.plot(pos, e["fa_observed"], "^-", color="tab:green", label="FA observed")
        ax.plot(pos, e["fa_simulated"], "--", color="tab:orange", label=f"FA simulated ({q})")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xlabel("Factor / component number")
    ax.set_ylabel("Eigenvalue")
    ax.set_title(f"Parallel analysis: {result.n_factors} factors, {result.n_components} components")
    ax.legend(frameon=False)
    return fig
