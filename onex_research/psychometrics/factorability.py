"""Factorability: Kaiser-Meyer-Olkin MSA and Bartlett's test of sphericity, as R ``psych``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._common import as_frame_repr_html, as_items, pairwise_cor

__all__ = ["kmo", "KMOResult", "bartlett", "BartlettResult"]


def _kmo_label(v: float) -> str:
    # Kaiser (1974)'s labels
    for cut, label in [(0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"),
                       (0.6, "mediocre"), (0.5, "miserable")]:
        if v >= cut:
            return label
    return "unacceptable"


@dataclass(frozen=True)
class KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy (see :func:`kmo`)."""

    overall: float
    per_item: pd.Series

    @property
    def label(self) -> str:
        """Kaiser's (1974) verbal label of the overall MSA ("meritorious" for >= .80, ...)."""
        return _kmo_label(self.overall)

    def to_frame(self) -> pd.DataFrame:
        """Per-item MSA with the overall value in a last row named ``"overall"``; column ``msa``."""
        out = pd.concat([self.per_item, pd.Series({"overall": self.overall})]).to_frame("msa")
        out.index.name = "item"
        return out

    def _repr_html_(self) -> str:
        return as_frame_repr_html(self.to_frame(), f"KMO = {self.overall:.3f} ({self.label})")


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test of sphericity (see :func:`bartlett`)."""

    chi2: float
    dof: int
    p: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        """One row with columns ``chi2, dof, p, n``."""
        return pd.DataFrame([{"chi2": self.chi2, "dof": self.dof, "p": self.p, "n": self.n}])

    def _repr_html_(self) -> str:
        return as_frame_repr_html(self.to_frame(), "Bartlett's test of sphericity")


def kmo(items: pd.DataFrame) -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item; correlations use pairwise-complete observations,
        as ``psych::KMO`` (``cor(x, use = "pairwise")``).

    Returns
    -------
    KMOResult
        ``overall`` (float), ``per_item`` (Series indexed by item, named ``msa``),
        ``label`` (Kaiser's words) and ``to_frame()``.

    Notes
    -----
    With R the correlations and Q the partial (anti-image) correlations,
    ``Q = cov2cor(R^-1)``, and sums over off-diagonal cells,
    ``KMO = sum r^2 / (sum r^2 + sum q^2)``; the per-item MSA restricts the sums to
    the item's column (Kaiser 1970, 1974). A singular R falls back on the
    pseudo-inverse.

    Examples
    --------
    >>> kmo(bfi_items).overall  # doctest: +SKIP
    # R: psych::KMO(bfi[1:25])$MSA ; psych::KMO(bfi[1:25])$MSAi
    """
    x = as_items(items, func="kmo")
    r = pairwise_cor(x)
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    d = np.sqrt(np.diag(inv))
    q = inv / np.outer(d, d)
    np.fill_diagonal(q, 0.0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0.0)
    r2, q2 = r0 ** 2, q ** 2
    overall = r2.sum() / (r2.sum() + q2.sum())
    per = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    per_item = pd.Series(per, index=x.columns, name="msa")
    per_item.index.name = "item"
    return KMOResult(overall=float(overall), per_item=per_item)


def bartlett(items: pd.DataFrame, *, n: int | None = None) -> BartlettResult:
    """Bartlett's (1951) test that the correlation matrix is an identity matrix.

    Parameters
    ----------
    items : DataFrame
        Raw item data (pairwise-complete correlations), or a square correlation matrix
        with matching index and columns, in which case ``n`` is required.
    n : int, optional
        Sample size. Defaults to the number of rows of ``items`` (psych's choice, also
        when some answers are missing).

    Returns
    -------
    BartlettResult
        ``chi2``, ``dof`` (= p(p - 1)/2), ``p`` (upper tail) and ``n``; ``to_frame()``.

    Notes
    -----
    ``chi2 = -(n - 1 - (2p + 5)/6) * ln det R`` on ``p(p - 1)/2`` degrees of freedom.

    Examples
    --------
    >>> bartlett(bfi_items).chi2  # doctest: +SKIP
    # R: psych::cortest.bartlett(bfi[1:25])   # $chisq, $df, $p.value
    """
    is_matrix = (isinstance(items, pd.DataFrame) and items.shape[0] == items.shape[1]
                 and list(items.index) == list(items.columns)
                 and np.allclose(np.diag(items.to_numpy(dtype=float)), 1.0))
    if is_matrix:
        if n is None:
            raise ValueError("bartlett: items looks like a correlation matrix; pass n=<sample size>.")
        r = items.to_numpy(dtype="float64")
    else:
        x = as_items(items, func="bartlett")
        r = pairwise_cor(x)
        n = x.shape[0] if n is None else n
    p = r.shape[0]
    sign, logdet = np.linalg.slogdet(r)
    if sign <= 0:
        raise ValueError("bartlett: the correlation matrix is not positive definite "
                         "(collinear or duplicated items?).")
    chi2 = -logdet * (n - 1 - (2 * p + 5) / 6)
    dof = p * (p - 1) // 2
    return BartlettResult(chi2=float(chi2), dof=int(dof), p=float(stats.chi2.sf(chi2, dof)), n=int(n))
