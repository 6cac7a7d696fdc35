"""McDonald's omega (total and hierarchical) by the Schmid-Leiman transformation, as
``psych::omega``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import extraction
from ._common import as_frame_repr_html, as_items, pairwise_cor
from .efa import efa
from .rotation import _oblimin

__all__ = ["omega", "OmegaResult"]


@dataclass(frozen=True)
class OmegaResult:
    """Result of :func:`omega`."""

    omega_h: float
    omega_total: float
    alpha: float
    omega_limit: float
    loadings: pd.DataFrame
    phi: pd.DataFrame
    g_loadings: pd.Series
    n_factors: int
    n: int
    reversed: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: ``omega_h, omega_total, alpha, omega_limit, n_factors, n``."""
        return pd.DataFrame([{"omega_h": self.omega_h, "omega_total": self.omega_total,
                              "alpha": self.alpha, "omega_limit": self.omega_limit,
                              "n_factors": self.n_factors, "n": self.n}])

    def _repr_html_(self) -> str:
        head = (f"omega_h = {self.omega_h:.3f}, omega_total = {self.omega_total:.3f}, "
                f"alpha = {self.alpha:.3f} ({self.n_factors} group factors, Schmid-Leiman)")
        return as_frame_repr_html(self.loadings, head)


def omega(items: pd.DataFrame, n_factors: int = 3) -> OmegaResult:
    """McDonald's omega hierarchical and total, as ``psych::omega`` with its defaults.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item (pairwise-complete correlations), or a square
        correlation matrix.
    n_factors : int, default 3
        Number of group factors (psych's default is 3). With 2 the general loadings
        are set equal, as psych's ``option = "equal"`` (identification needs 3).

    Returns
    -------
    OmegaResult
        ``omega_h`` (general factor saturation), ``omega_total``, ``alpha``
        (standardized, from the correlation matrix), ``omega_limit`` (omega_h / omega_total
        on the common variance, psych's ``omega.lim``), ``loadings`` (Schmid-Leiman
        table by item: ``g``, ``F1*``.., ``h2``, ``u2``, ``p2`` = g^2/h2), ``phi``
        (correlations of the oblique group factors), ``g_loadings`` (of the group
        factors on g), ``reversed`` (items flipped because they load negatively on g).

    Notes
    -----
    As psych: minres EFA with ``n_factors`` factors, varimax, then oblimin from the
    varimax solution; a one-factor minres EFA of the factor correlations gives the
    g loadings ``gamma``. Schmid-Leiman loadings are ``g_i = sum_j L_ij gamma_j`` and
    ``s_ij = L_ij sqrt(1 - gamma_j^2)``. Items loading negatively on g are reversed.
    With V the sum of the (keyed) correlation matrix and u2 the uniquenesses,
    ``omega_h = (sum g)^2 / V`` and ``omega_total = (V - sum u2) / V``
    (McDonald 1999; Zinbarg et al. 2005; Revelle & Zinbarg 2009).

    Examples
    --------
    >>> omega(bfi_items, n_factors=5).omega_h  # doctest: +SKIP
    # R: o <- psych::omega(bfi[1:25], nfactors = 5); o$omega_h; o$omega.tot
    """
    if not isinstance(n_factors, (int, np.integer)) or n_factors < 1:
        raise ValueError(f"omega: n_factors must be a positive integer, got {n_factors!r}")
    is_matrix = (isinstance(items, pd.DataFrame) and items.shape[0] == items.shape[1]
                 and list(items.index) == list(items.columns)
                 and np.allclose(np.diag(items.to_numpy(dtype=float)), 1.0))
    if is_matrix:
        r, n, names = items.to_numpy(dtype="float64"), 0, list(items.columns)
    else:
        x = as_items(items, min_items=3, func="omega")
        r, n, names = pairwise_cor(x), x.shape[0], list(x.columns)
    p = r.shape[0]
    if n_factors >= p:
        raise ValueError(f"omega: n_factors ({n_factors}) must be smaller than the number of items ({p})")
    rmat = pd.DataFrame(r, index=names, columns=names)
    fa = efa(rmat, n_factors, method="minres", rotation="varimax")
    orth = fa.loadings.to_numpy()
    if n_factors == 1:
        fload, phi, gload = orth, np.ones((1, 1)), np.ones(1)
    else:
        fload, _, phi, _ = _oblimin(orth)
        if n_factors > 2:
            g, _ = extraction.minres(phi, 1)
            gload = g[:, 0] if g.sum() >= 0 else -g[:, 0]
        else:
            a = np.sqrt(abs(phi[0, 1]))
            gload = np.array([a, np.sign(phi[0, 1]) * a])
    g_item = fload @ gload
    h2 = (orth ** 2).sum(axis=1)
    u2 = np.diag(r) - h2
    uniq2 = np.clip(fload ** 2 * (1.0 - gload ** 2)[None, :], 0, None)
    sm = np.sign(fload) * np.sqrt(uniq2)

    key = np.sign(g_item)
    key[key == 0] = 1
    rk = r * np.outer(key, key)
    g_item = g_item * key
    sm = sm * key[:, None]
    vt = rk.sum()
    gsq = g_item.sum() ** 2
    om_tot = (vt - u2.sum()) / vt
    alpha = (vt - np.trace(rk)) / vt * p / (p - 1)

    group = [f"F{j + 1}*" for j in range(n_factors)]
    table = pd.DataFrame(sm, index=pd.Index(names, name="item"), columns=group)
    table.insert(0, "g", g_item)
    table["h2"] = h2
    table["u2"] = u2
    table["p2"] = g_item ** 2 / h2
    fn = [f"F{j + 1}" for j in range(n_factors)]
    return OmegaResult(
        omega_h=float(gsq / vt), omega_total=float(om_tot), alpha=float(alpha),
        omega_limit=float(gsq / (vt - u2.sum())), loadings=table,
        phi=pd.DataFrame(phi, index=fn, columns=fn), g_loadings=pd.Series(gload, index=fn, name="g"),
        n_factors=int(n_factors), n=int(n),
        reversed=tuple(nm for nm, k in zip(names, key) if k < 0),
    )
