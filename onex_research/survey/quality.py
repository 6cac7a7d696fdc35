"""Look at data quality: missingness per item and the exclusions against a known truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..instrument import Instrument
from .clean import EXCLUSION_RULES, CleanResult

__all__ = ["missingness", "plot_missingness", "compare_with_truth"]


def _answer_columns(raw: pd.DataFrame, instrument: Instrument) -> list[str]:
    it = instrument.items
    cols = []
    for c in it.index:
        if it.at[c, "type"] == "multi":
            cols += [x for x in raw.columns if x.startswith(f"{c}__") and x[len(c) + 2:].isdigit()][:1]
        elif c in raw.columns:
            cols.append(c)
    return cols


def missingness(raw: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Missing answers per item.

    Returns
    -------
    pandas.DataFrame
        Indexed by item (a multi-select item by its first 0/1 column), columns
        ``type, n, n_missing, share_missing``.
    """
    cols = _answer_columns(raw, instrument)
    miss = raw[cols].isna()
    item = [c.split("__")[0] for c in cols]
    out = pd.DataFrame({"type": instrument.items.loc[item, "type"].to_numpy(), "n": len(raw),
                        "n_missing": miss.sum().to_numpy(), "share_missing": miss.mean().to_numpy()},
                       index=pd.Index(item, name="item"))
    return out


def plot_missingness(raw: pd.DataFrame, instrument: Instrument, *, max_rows: int = 2000, ax=None):
    """Missingness picture: respondents x items (black = missing) and the share per item.

    Parameters
    ----------
    raw : pandas.DataFrame
        ``read_export`` output (or ``clean().data``).
    instrument : Instrument
    max_rows : int, default 2000
        Show at most this many respondents (the first ones, in file order).
    ax : pair of matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    cols = _answer_columns(raw, instrument)
    miss = raw[cols].isna().to_numpy()[:max_rows]
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [3, 1]})
    else:
        fig = ax[0].figure
    names = [c.split("__")[0] for c in cols]
    ax[0].imshow(miss, aspect="auto", cmap="Greys", interpolation="nearest", vmin=0, vmax=1)
    ax[0].set_xticks(range(len(names)))
    ax[0].set_xticklabels(names, rotation=90, fontsize=6)
    ax[0].set_xlabel("item")
    ax[0].set_ylabel("respondent (file order)")
    ax[0].set_title(f"Missing answers (black), {miss.shape[0]} of {len(raw)} respondents")
    share = miss.mean(axis=0) if len(miss) else np.zeros(len(cols))
    ax[1].barh(range(len(names)), share * 100, color="0.3")
    ax[1].set_yticks(range(len(names)))
    ax[1].set_yticklabels(names, fontsize=6)
    ax[1].invert_yaxis()
    ax[1].set_xlabel("% missing")
    fig.tight_layout()
    return fig


def compare_with_truth(result: CleanResult, truth, *, id_column: str = "序号") -> pd.DataFrame:
    """Precision and recall of each rule against the simulator's ``truth_dirty.csv``.

    Parameters
    ----------
    result : CleanResult
    truth : pandas.DataFrame or path
        ``序号, rule, item, value, detail``, one row per planted reason (``detail``
        starting with ``incidental`` marks a side effect of another planted rule).
    id_column : str, default "序号"
        Truth column matching ``respondent_id``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``rule``; columns ``level`` (respondent, or cell for out_of_range),
        ``n_truth`` (all truth rows), ``n_planted`` (not incidental), ``n_flagged``,
        ``tp, fp, fn`` (against all truth rows), ``precision``, ``recall``,
        ``recall_planted``.
    """
    if not isinstance(truth, pd.DataFrame):
        truth = pd.read_csv(Path(truth), encoding="utf-8-sig")
    need = {id_column, "rule", "item", "detail"}
    if need - set(truth.columns):
        raise ValueError(f"compare_with_truth: truth lacks column(s) {sorted(need - set(truth.columns))}")
    ids = truth[id_column].astype(str)
    incidental = truth["detail"].fillna("").astype(str).str.startswith("incidental")
    exc = result.exclusions
    rows = []
    for rule in EXCLUSION_RULES:
        sel = truth["rule"] == rule
        if rule == "out_of_range":
            t_all = set(zip(ids[sel], truth.loc[sel, "item"].astype(str)))
            t_plant = set(zip(ids[sel & ~incidental], truth.loc[sel & ~incidental, "item"].astype(str)))
            ch = result.changes[result.changes["reason"] == "out_of_range"]
            flagged = set(zip(ch["respondent_id"].astype(str), ch["item"].astype(str)))
            level = "cell"
        else:
            t_all, t_plant = set(ids[sel]), set(ids[sel & ~incidental])
            flagged = set(exc.loc[exc["rule"] == rule, "respondent_id"].astype(str))
            level = "respondent"
        tp = len(flagged & t_all)
        rows.append({"rule": rule, "level": level, "n_truth": len(t_all), "n_planted": len(t_plant),
                     "n_flagged": len(flagged), "tp": tp, "fp": len(flagged - t_all), "fn": len(t_all - flagged),
                     "precision": tp / len(flagged) if flagged else np.nan,
                     "recall": tp / len(t_all) if t_all else np.nan,
                     "recall_planted": len(flagged & t_plant) / len(t_plant) if t_plant else np.nan})
    return pd.DataFrame(rows).set_index("rule")
