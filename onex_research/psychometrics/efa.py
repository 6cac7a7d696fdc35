"""Exploratory factor analysis as R ``psych::fa`` / ``psych::principal``, and Tucker's
congruence for comparing loading matrices."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

from . import extraction
from ._common import as_frame_repr_html, as_items, pairwise_cor
from .rotation import _oblimin, _promax, _varimax

__all__ = ["efa", "EFAResult", "HeywoodWarning", "tucker_congruence", "match_factors"]

ROTATIONS = ("none", "varimax", "promax", "oblimin")
_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA", "principal": "PC"}


class HeywoodWarning(UserWarning):
    """A communality reached 1 (or a uniqueness its lower bound): a Heywood case."""


@dataclass(frozen=True)
class EFAResult:
    """Result of :func:`efa`. See :func:`efa` for the meaning of each part."""

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    phi: pd.DataFrame
    variance: pd.DataFrame
    eigenvalues: pd.Series
    common_eigenvalues: pd.Series
    method: str
    rotation: str
    n_factors: int
    n: int
    heywood: tuple = ()
    warnings: tuple = ()
    converged: bool = True
    fit: pd.Series | None = None
    rotmat: np.ndarray | None = field(default=None, repr=False)

    @property
    def structure(self) -> pd.DataFrame:
        """Structure matrix (item-factor correlations), ``loadings @ phi``."""
        return self.loadings @ self.phi

    @property
    def oblique(self) -> bool:
        """True when the factors may correlate (promax, oblimin)."""
        return self.rotation in ("promax", "oblimin")

    def to_frame(self) -> pd.DataFrame:
        """Loadings with ``h2`` (communality), ``u2`` (uniqueness) and ``complexity``
        (Hofmann's index, as psych's ``com``)."""
        out = self.loadings.copy()
        out["h2"] = self.communalities
        out["u2"] = self.uniquenesses
        l2 = self.loadings.to_numpy() ** 2
        out["complexity"] = l2.sum(axis=1) ** 2 / (l2 ** 2).sum(axis=1)
        return out

    @property
    def table(self) -> pd.DataFrame:
        """The loading table for a paper with the defaults of :meth:`format_loadings`
        (sorted, ``|l| < .30`` blanked)."""
        return self.format_loadings()

    def format_loadings(self, threshold: float = 0.3, *, sort: bool = True) -> pd.DataFrame:
        """Loading table for a paper: items sorted as ``psych::fa.sort`` (by the factor of
        their largest absolute loading, then by that loading, descending), loadings with
        ``|l| < threshold`` blanked (NaN), plus ``h2``, ``u2`` and ``complexity``.

        # R: print(psych::fa.sort(f), cut = 0.3)
        """
        out = self.to_frame()
        k = self.n_factors
        lo = out.iloc[:, :k]
        if sort:
            main = lo.abs().to_numpy().argmax(axis=1)
            size = lo.abs().to_numpy().max(axis=1)
            order = np.lexsort((-size, main))
            out = out.iloc[order]
        cols = list(out.columns[:k])
        out[cols] = out[cols].where(out[cols].abs() >= threshold)
        return out

    def _repr_html_(self) -> str:
        head = (f"EFA: {self.method}, {self.rotation} rotation, {self.n_factors} factors, "
                f"n = {self.n}")
        if self.heywood:
            head += f" — Heywood case(s): {', '.join(map(str, self.heywood))}"
        return as_frame_repr_html(self.table, head) + as_frame_repr_html(self.variance, "Variance")


def _rotate(lam: np.ndarray, rotation: str, method: str):
    k = lam.shape[1]
    if k < 2 or rotation == "none":
        return lam, None, None
    if rotation == "varimax":
        z, tt = _varimax(lam)
        return z, None, tt
    if rotation == "promax":
        z, u, phi = _promax(lam, kaiser_rows=(method != "principal"))
        return z, phi, u
    if rotation == "oblimin":
        z, tmat, phi, ok = _oblimin(lam)
        if not ok:
            warnings.warn("oblimin did not converge in 1000 iterations", RuntimeWarning, stacklevel=3)
        return z, phi, tmat
    raise ValueError(f"efa: rotation must be one of {ROTATIONS}, got {rotation!r}")


def _order_and_sign(lam, phi, method, rotation):
    """psych's conventions after rotation: flip columns so sums are positive and order
    factors by (Phi-weighted) sums of squares; names keep the pre-ordering number."""
    k = lam.shape[1]
    prefix = _PREFIX[method]
    if method == "principal" and rotation != "none":
        prefix = "TC" if rotation == "oblimin" else "RC"
    names = np.array([f"{prefix}{i + 1}" for i in range(k)])
    if method == "principal":  # principal: order first (unweighted), then sign
        order = np.argsort(-(lam ** 2).sum(axis=0), kind="stable")
        lam, names = lam[:, order], names[order]
        phi = None if phi is None else phi[np.ix_(order, order)]
    sign = np.sign(lam.sum(axis=0))
    sign[sign == 0] = 1
    lam = lam * sign
    if phi is not None:
        phi = phi * np.outer(sign, sign)
    if method != "principal" and k > 1:
        ss = (lam ** 2).sum(axis=0) if phi is None else np.diag(phi @ lam.T @ lam)
        order = np.argsort(-ss, kind="stable")
        lam, names = lam[:, order], names[order]
        phi = None if phi is None else phi[np.ix_(order, order)]
    return lam, phi, list(names)


def efa(items: pd.DataFrame, n_factors: int, *, method: str = "minres",
        rotation: str = "oblimin", pa_min_err: float = 0.001, pa_max_iter: int = 50) -> EFAResult:
    """Exploratory factor analysis with psych's defaults and conventions.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item. Correlations use pairwise-complete observations
        (psych's ``use = "pairwise"``). A square correlation matrix (index == columns,
        unit diagonal) is also accepted; then ``n`` is reported as 0.
    n_factors : int
        Number of factors (components for ``method="principal"``).
    method : {"minres", "ml", "pa", "principal"}, default "minres"
        ``minres``: minimum residual (unweighted least squares), ``psych::fa``'s default;
        ``ml``: maximum likelihood; ``pa``: iterated principal axis (SPSS's PAF), with
        psych's stopping rule ``pa_min_err``/``pa_max_iter``; ``principal``: principal
        components as ``psych::principal`` (SPSS's default "extraction").
    rotation : {"oblimin", "promax", "varimax", "none"}, default "oblimin"
        ``oblimin``: ``GPArotation::oblimin`` (quartimin, gamma = 0) without Kaiser
        normalisation, as ``psych::fa`` calls it; ``promax``: psych's promax (m = 4)
        on Kaiser-normalised rows (``stats::promax`` for ``principal``, as psych);
        ``varimax``: ``stats::varimax`` (Kaiser-normalised).

    Returns
    -------
    EFAResult
        - ``loadings``: items x factors DataFrame (pattern matrix), factors named as psych
          names them (``MR1..``, ``ML..``, ``PA..``; ``PC``/``RC``/``TC`` for principal),
          keeping psych's number when the order changes (e.g. ``MR2, MR1, MR3``);
        - ``communalities`` (h2) and ``uniquenesses`` (u2 = 1 - h2): Series by item;
        - ``phi``: factor correlations; the identity matrix for ``"none"`` and
          ``"varimax"`` (psych returns NULL there);
        - ``structure``: ``loadings @ phi``;
        - ``variance``: by factor, ``ss_loadings``, ``proportion``, ``cumulative``,
          ``proportion_explained``, ``cumulative_explained`` (psych's ``Vaccounted``;
          SS loadings of oblique factors are ``diag(phi L'L)``);
        - ``eigenvalues`` of the correlation matrix, ``common_eigenvalues`` of the
          matrix with communalities on the diagonal (psych's ``e.values``, ``values``;
          for ``pa`` the communalities of the last iteration, for ``principal`` the
          eigenvalues of the correlation matrix, as psych);
        - ``heywood``: items whose communality reached 1 (or whose uniqueness sits on
          the 0.005 bound); a :class:`HeywoodWarning` is issued and the text kept in
          ``warnings``;
        - ``fit``: Series ``chi2, dof, p, tli, rmsea, rmsea_ci_low, rmsea_ci_high`` (90%),
          ``bic``, ``rms`` (root mean square off-diagonal residual), ``crms``,
          ``objective``, ``n``, computed as ``psych::factor.stats`` (NaN from a
          correlation matrix, where n is unknown);
        - ``table(threshold=0.3)``: sorted loading table with small loadings blanked;
          ``to_frame()``: loadings with h2, u2, complexity.

    Notes
    -----
    Extraction follows ``psych::fa``: minres is unweighted least squares over the
    uniquenesses (start ``1 - smc``, bounds [0.005, 1]), solved in its concentrated form
    ``0.5 * sum_{j > k} e_j(R - Psi)^2`` with the exact gradient psych also uses
    (``FAgr.minres``); ml minimises the concentrated likelihood (same start and bounds).
    Both are solved to a tighter tolerance than R's ``optim`` (``factr = 1e7``), so they
    differ from R by ~1e-5.
    Factors are then rotated; columns are flipped so each sums positive and ordered by
    their (Phi-weighted) sums of squared loadings, as psych does.

    Rotations follow R's stopping rules exactly (``stats::varimax`` stops at a relative
    change of 1e-5 in its criterion, which leaves ~1e-4 in the loadings; GPArotation
    stops when the projected gradient norm is below 1e-5), so the rotated loadings
    agree with R to its own precision rather than to a different, more converged
    solution. Tests compare with R at 1e-3 after sign and order alignment.

    Examples
    --------
    >>> f = efa(bfi[items], 5)  # doctest: +SKIP
    >>> f.loadings, f.phi  # doctest: +SKIP
    # R: f <- psych::fa(bfi[1:25], nfactors = 5, fm = "minres", rotate = "oblimin")
    #    f$loadings; f$Phi; f$communality; f$Vaccounted
    # R: psych::principal(bfi[1:25], nfactors = 5, rotate = "varimax")
    """
    if method not in extraction.METHODS:
        raise ValueError(f"efa: method must be one of {tuple(extraction.METHODS)}, got {method!r}")
    if rotation not in ROTATIONS:
        raise ValueError(f"efa: rotation must be one of {ROTATIONS}, got {rotation!r}")
    is_matrix = (isinstance(items, pd.DataFrame) and items.shape[0] == items.shape[1]
                 and list(items.index) == list(items.columns)
                 and np.allclose(np.diag(items.to_numpy(dtype=float)), 1.0))
    np_obs = None
    if is_matrix:
        r, n, names = items.to_numpy(dtype="float64"), 0, list(items.columns)
    else:
        x = as_items(items, min_items=3, func="efa")
        r, n, names = pairwise_cor(x), x.shape[0], list(x.columns)
        ok = x.notna().to_numpy().astype("float64")
        np_obs = ok.T @ ok
    p = r.shape[0]
    if not isinstance(n_factors, (int, np.integer)) or not 1 <= n_factors < p:
        raise ValueError(f"efa: n_factors must be an integer from 1 to {p - 1}, got {n_factors!r}")
    with threadpool_limits(1, user_api="blas"):  # small matrices: BLAS threads only contend
        if method == "pa":
            lam, info = extraction.principal_axis(r, n_factors, min_err=pa_min_err, max_iter=pa_max_iter)
        else:
            lam, info = extraction.METHODS[method](r, n_factors)
    h2 = (lam ** 2).sum(axis=1)
    s = r.copy()
    np.fill_diagonal(s, h2)
    common_ev = info.get("values", np.linalg.eigvalsh(s)[::-1])
    ev = np.linalg.eigvalsh(r)[::-1]

    sign = np.sign(lam.sum(axis=0))
    sign[sign == 0] = 1
    lam = lam * sign
    lam = np.where(lam == 0, 1e-15, lam)
    rot, phi, rotmat = _rotate(lam, rotation, method)
    rot, phi, fnames = _order_and_sign(rot, phi, method, rotation)
    if phi is None:
        phi = np.eye(n_factors)

    ss = np.diag(phi @ rot.T @ rot)
    # psych::principal calls factor.stats without the pairwise counts; fa passes them
    fit = extraction.fit_statistics(r, rot @ phi @ rot.T, n_factors, n,
                                    None if method == "principal" else np_obs)
    total = p if method != "principal" else np.trace(r)
    variance = pd.DataFrame({
        "ss_loadings": ss, "proportion": ss / total, "cumulative": np.cumsum(ss / total),
        "proportion_explained": ss / ss.sum(), "cumulative_explained": np.cumsum(ss / ss.sum()),
    }, index=pd.Index(fnames, name="factor"))

    idx = pd.Index(names, name="item")
    heywood = tuple(nm for nm, h, b in zip(names, h2, info["at_bound"]) if h >= 1 - 1e-12 or b)
    notes = []
    if heywood:
        msg = (f"Heywood case: communality at or above 1 (uniqueness at its bound) for "
               f"{list(heywood)}; examine the solution (too many factors? too few items?).")
        warnings.warn(msg, HeywoodWarning, stacklevel=2)
        notes.append(msg)
    if not info["converged"] and not heywood:  # at a Heywood boundary the criterion is flat
        msg = f"{method} extraction did not converge"
        warnings.warn(msg, RuntimeWarning, stacklevel=2)
        notes.append(msg)
    return EFAResult(
        loadings=pd.DataFrame(rot, index=idx, columns=pd.Index(fnames, name="factor")),
        communalities=pd.Series(h2, index=idx, name="h2"),
        uniquenesses=pd.Series(np.diag(r) - h2, index=idx, name="u2"),
        phi=pd.DataFrame(phi, index=pd.Index(fnames, name="factor"), columns=fnames),
        variance=variance,
        eigenvalues=pd.Series(ev, index=range(1, p + 1), name="eigenvalue"),
        common_eigenvalues=pd.Series(common_ev, index=range(1, p + 1), name="eigenvalue"),
        method=method, rotation=rotation, n_factors=int(n_factors), n=int(n),
        heywood=heywood, warnings=tuple(notes), converged=bool(info["converged"]),
        fit=pd.Series(fit, name="fit"), rotmat=rotmat,
    )


def tucker_congruence(a, b):
    """Tucker's congruence coefficient between loading vectors or matrices.

    Parameters
    ----------
    a, b : Series, DataFrame or array
        Loadings on the same items (rows). DataFrames are aligned on their index.

    Returns
    -------
    float or DataFrame
        ``phi = sum(a*b) / sqrt(sum(a^2) * sum(b^2))``; for two matrices a DataFrame of
        a's factors (rows) by b's factors (columns).

    Notes
    -----
    Lorenzo-Seva & ten Berge (2006): >= .95 means the factors are "equal", .85-.94 "fair".

    Examples
    --------
    >>> tucker_congruence(f1.loadings, f2.loadings)  # doctest: +SKIP
    # R: psych::factor.congruence(f1, f2)
    """
    if isinstance(a, (pd.Series, pd.DataFrame)) and isinstance(b, (pd.Series, pd.DataFrame)):
        common = a.index.intersection(b.index, sort=False)
        if len(common) < len(a.index) or len(common) < len(b.index):
            raise ValueError("tucker_congruence: the two loading sets cover different items: "
                             f"{sorted(set(a.index) ^ set(b.index), key=str)}")
        b = b.loc[a.index]
    av, bv = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if av.ndim == 1 and bv.ndim == 1:
        return float(av @ bv / np.sqrt((av @ av) * (bv @ bv)))
    av, bv = av.reshape(len(av), -1), bv.reshape(len(bv), -1)
    c = (av.T @ bv) / np.sqrt(np.outer((av ** 2).sum(0), (bv ** 2).sum(0)))
    rows = a.columns if isinstance(a, pd.DataFrame) else range(c.shape[0])
    cols = b.columns if isinstance(b, pd.DataFrame) else range(c.shape[1])
    return pd.DataFrame(c, index=rows, columns=cols)


def match_factors(estimated: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Pair estimated factors with reference factors by maximal absolute congruence
    (Hungarian assignment) and report the signed-aligned congruence of each pair.

    Returns
    -------
    DataFrame
        One row per reference factor: ``truth``, ``factor`` (the matched estimated
        factor), ``congruence`` (absolute value, i.e. after sign alignment) and ``sign``.

    Examples
    --------
    >>> match_factors(efa(x, 5).loadings, truth_loadings)  # doctest: +SKIP
    # R: psych::factor.congruence(f, truth)  then match columns by hand
    """
    c = tucker_congruence(estimated, truth)
    rows, cols = linear_sum_assignment(-np.abs(c.to_numpy()))
    out = pd.DataFrame({
        "truth": [c.columns[j] for j in cols],
        "factor": [c.index[i] for i in rows],
        "congruence": np.abs(c.to_numpy()[rows, cols]),
        "sign": np.sign(c.to_numpy()[rows, cols]).astype(int),
    })
    return out.sort_values("truth", key=lambda s: s.map(list(truth.columns).index)).reset_index(drop=True)
