"""Construct scores: the mean of the valid items, with a minimum number of valid items."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import OnexError
from ..instrument import Instrument

__all__ = ["score", "default_controls"]


def default_controls(instrument: Instrument, data: pd.DataFrame | None = None) -> list[str]:
    """The control variables of the study's regressions.

    The instrument's top-level ``controls:`` list when it has one (validated: each must be
    an item). Otherwise the survey's own demographic items: single-choice items outside any construct (``instrument.demographics`` without the
    multi-select ones), in questionnaire order, plus numeric items (age, amounts);
    with ``data``, only those that are columns of it and vary (a constant column
    cannot be a control). Replaces a fixed ``role`` that another survey may not have.

    Examples
    --------
    >>> default_controls(load_instrument(DEFAULT_INSTRUMENT))      # doctest: +SKIP
    ['role', 'school_type', 'major', 'tenure', 'gender']
    """
    it = instrument.items
    declared = instrument.meta.get("controls")
    if declared is not None:
        if isinstance(declared, str) or not isinstance(declared, (list, tuple)):
            raise OnexError(f"{instrument.path}: 'controls' must be a list of item codes, got {declared!r}")
        unknown = [c for c in declared if c not in it.index]
        if unknown:
            raise OnexError(f"{instrument.path}: controls {', '.join(map(str, unknown))} are not items of the "
                            f"instrument; choose from {', '.join(instrument.demographics)}")
        return [str(c) for c in declared]
    out = [c for c in it.index if it.at[c, "construct"] is None and it.at[c, "type"] in ("single", "numeric")]
    if data is not None:
        out = [c for c in out if c in data.columns and data[c].nunique(dropna=True) > 1]
    return out


def _min_valid(min_valid, construct: str, k: int) -> int:
    if min_valid is None:
        return int(math.ceil(k / 2))
    if isinstance(min_valid, dict):
        return _min_valid(min_valid.get(construct), construct, k)
    if isinstance(min_valid, float) and 0 < min_valid <= 1:
        return int(math.ceil(min_valid * k))
    if isinstance(min_valid, (int, np.integer)) and min_valid >= 1:
        return min(int(min_valid), k)
    raise ValueError(f"score: min_valid must be None, an int >= 1, a share in (0, 1] or a dict per "
                     f"construct; got {min_valid!r} for {construct!r}")


def score(data: pd.DataFrame, instrument: Instrument, *, min_valid=None, keyed: bool = True,
          long: bool = False) -> pd.DataFrame:
    """Score every construct as the mean of its valid Likert items.

    Parameters
    ----------
    data : pandas.DataFrame
        ``CleanResult.data`` (reverse-keyed items already recoded), or any frame with the
        Likert item columns and, optionally, ``respondent_id``.
    instrument : Instrument
    min_valid : None, int, float or dict, keyword-only
        Fewest valid (non-missing) items a respondent needs for a score, else the score
        is missing. ``None`` (default): ``ceil(k / 2)`` for a k-item construct (the
        "half rule", e.g. SPSS ``MEAN.2`` for 4 items); an int applies to every
        construct (capped at k); a float in (0, 1] is a share of k; a dict maps
        construct -> any of these.
    keyed : bool, default True
        True when reverse-keyed items are already recoded (as in ``clean().data``);
        False recodes them here (``lowest + highest - x``; ``k + 1 - x`` on 1..k).
    long : bool, default False
        Return the long (tidy) table instead of the wide one.

    Returns
    -------
    pandas.DataFrame
        Wide (default): indexed by ``respondent_id`` (or ``data``'s index when there is
        no such column), one float column per construct in instrument order; directly
        usable in a notebook or a regression. Long (``long=True``): columns
        ``respondent_id, construct, score, n_items, n_valid, min_valid``.

    Notes
    -----
    ``score = mean(x_j for valid j)`` when ``n_valid >= min_valid``, on the items' own
    codes (a 0..10 item scores 0..10). Codes outside the declared range raise
    ``OnexError`` (run :func:`clean` first).

    Examples
    --------
    >>> scores = score(clean(raw, ins).data, ins)          # doctest: +SKIP
    >>> # R: rowMeans(x[, items], na.rm = TRUE), set to NA when rowSums(!is.na(x)) < ceiling(k/2)
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"score: data must be a DataFrame, got {type(data).__name__}")
    groups = {c: items for c, items in instrument.construct_items().items() if items}
    lacking = [i for items in groups.values() for i in items if i not in data.columns]
    if lacking:
        raise OnexError(f"score: data has no column(s) {lacking[:10]} of instrument {instrument.name!r}")
    index = (pd.Index(data["respondent_id"], name="respondent_id") if "respondent_id" in data
             else data.index)
    wide, rows = {}, []
    for construct, items in groups.items():
        x = data[items].to_numpy(dtype=float, na_value=np.nan)
        lo = np.array([instrument.code_range(i)[0] for i in items], float)
        hi = np.array([instrument.code_range(i)[1] for i in items], float)
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(x) & ((x < lo) | (x > hi) | (x != np.round(x)))
        if bad.any():
            r, c = np.nonzero(bad)
            raise OnexError(f"score: {int(bad.sum())} code(s) outside the scale, e.g. item {items[c[0]]!r} = "
                            f"{x[r[0], c[0]]:g} in row {index[r[0]]!r}; hint: run survey.clean() first")
        if not keyed:
            rev = np.array([bool(instrument.items.at[i, "reverse"]) for i in items])
            x[:, rev] = lo[rev] + hi[rev] - x[:, rev]
        need = _min_valid(min_valid, construct, len(items))
        n_valid = (~np.isnan(x)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.nansum(x, axis=1) / n_valid
        s = np.where(n_valid >= need, s, np.nan)
        wide[construct] = s
        if long:
            rows.append(pd.DataFrame({"respondent_id": index.to_numpy(), "construct": construct, "score": s,
                                      "n_items": len(items), "n_valid": n_valid, "min_valid": need}))
    if long:
        out = pd.concat(rows, ignore_index=True)
        out["construct"] = out["construct"].astype("string")
        return out
    out = pd.DataFrame(wide, index=index)
    out.columns.name = "construct"
    return out
