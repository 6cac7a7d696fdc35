"""Shared plumbing for the psychometrics modules: input checks, pairwise correlations, SMC.

Private; the public functions live in ``reliability``, ``factorability``, ``efa``,
``rotation``, ``omega`` and ``parallel``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__: list[str] = []


def as_items(items, *, min_items: int = 2, func: str = "this function") -> pd.DataFrame:
    """Validate a DataFrame of numeric items and return it as float64 (a copy).

    Raises ``TypeError`` for non-DataFrames and ``ValueError`` naming the offending
    columns for non-numeric or constant items.
    """
    if not isinstance(items, pd.DataFrame):
        raise TypeError(
            f"{func} takes a pandas DataFrame of items (one column per item), "
            f"got {type(items).__name__}. Hint: pass data[item_columns]."
        )
    if items.shape[1] < min_items:
        raise ValueError(f"{func} needs at least {min_items} item columns, got {items.shape[1]}: "
                         f"{list(items.columns)}")
    bad = [c for c in items.columns
           if not (pd.api.types.is_numeric_dtype(items[c]) or pd.api.types.is_bool_dtype(items[c]))]
    if bad:
        kinds = {c: str(items[c].dtype) for c in bad}
        raise ValueError(f"{func}: item columns must be numeric; non-numeric columns {kinds}. "
                         "Hint: score or recode the items first (onex_research.survey.score).")
    if items.columns.duplicated().any():
        dup = list(items.columns[items.columns.duplicated()])
        raise ValueError(f"{func}: duplicated item names {dup}")
    out = items.astype("float64")
    sd = out.std()
    const = list(sd.index[(sd.fillna(0) <= 0)])
    if const:
        raise ValueError(f"{func}: items with no variance (or fewer than 2 answers): {const}. "
                         "Hint: drop them before the analysis.")
    return out


def pairwise_cor(x: pd.DataFrame) -> np.ndarray:
    """Pearson correlations on pairwise-complete observations, as R ``cor(x, use="pairwise")``."""
    a = x.to_numpy(dtype="float64")
    if not np.isnan(a).any():
        return np.corrcoef(a, rowvar=False)
    r = x.corr().to_numpy()
    if np.isnan(r).any():
        raise ValueError("some pairs of items have fewer than 2 joint answers, so their "
                         "correlation is undefined; drop the sparsest items.")
    return r


def pairwise_cov(x: pd.DataFrame) -> np.ndarray:
    """Covariances on pairwise-complete observations, as R ``cov(x, use="pairwise")``."""
    a = x.to_numpy(dtype="float64")
    if not np.isnan(a).any():
        return np.cov(a, rowvar=False)
    return x.cov().to_numpy()


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^-1)``, as ``psych::smc`` for a
    positive definite correlation matrix (a pseudo-inverse is used if it is singular)."""
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    return 1.0 - 1.0 / np.diag(inv)


def as_frame_repr_html(frame: pd.DataFrame, title: str) -> str:
    """HTML for a result's ``_repr_html_``: a heading and a DataFrame."""
    return f"<p><b>{title}</b></p>" + frame.to_html(float_format=lambda v: f"{v:.3f}")
