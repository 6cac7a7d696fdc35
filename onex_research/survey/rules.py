"""The data-quality rules behind :func:`onex_research.survey.clean`, one function each.

Every rule takes arrays over all respondents at once (no loop over respondents) and
returns ``(flag, detail)``: a boolean array and a string Series with the reason.

References
----------
* Greszki, R., Meyer, M. & Schoen, H. (2015). Exploring the effects of removing "too
  fast" responses and respondents from web surveys. *Public Opinion Quarterly*, 79(2),
  471-503. (Speeders as a fraction of the median completion time.)
* Leiner, D. J. (2019). Too fast, too straight, too weird: non-reactive indicators for
  meaningless data in internet surveys. *Survey Research Methods*, 13(3), 229-248.
* Curran, P. G. (2016). Methods for the detection of carelessly invalid responses in
  survey data. *Journal of Experimental Social Psychology*, 66, 4-19. (Long-string
  analysis, attention checks.)
* Meade, A. W. & Craig, S. B. (2012). Identifying careless responses in survey data.
  *Psychological Methods*, 17(3), 437-455. (Instructed-response items.)
* Kim, Y., Dykema, J., Stevenson, J., Black, P. & Moberg, D. P. (2019). Straightlining:
  overview of measurement, comparison of indicators, and effects in mail-web mixed-mode
  surveys. *Social Science Computer Review*, 37(2), 214-233.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["longest_run", "speeders", "straightliners", "attention_failures", "too_many_missing",
           "exact_duplicates", "near_duplicates"]


def _fmt(values, fmt="{:.0f}") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float)).map(fmt.format)


def _detail(flag, build) -> pd.Series:
    """Reasons for the flagged rows only (``build(idx)`` -> strings); ``""`` elsewhere."""
    out = np.full(len(flag), "", dtype=object)
    idx = np.flatnonzero(flag)
    if len(idx):
        out[idx] = np.asarray(build(idx), dtype=object)
    return pd.Series(out, dtype=object)


def longest_run(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longest run of identical answers per row, skipping missing cells.

    Parameters
    ----------
    x : ndarray, respondents x items (questionnaire order), NaN = missing.

    Returns
    -------
    run, code : ndarray
        Length of the longest run and the answer code it repeats (NaN when the row is
        all missing). Loops over the items, vectorised over respondents.
    """
    n, m = x.shape
    run = np.zeros(n, int)
    best = np.zeros(n, int)
    best_code = np.full(n, np.nan)
    prev = np.full(n, np.nan)
    for j in range(m):
        cur = x[:, j]
        gap = np.isnan(cur)
        run = np.where(gap, run, np.where(cur == prev, run + 1, 1))
        prev = np.where(gap, prev, cur)
        better = run > best
        best = np.where(better, run, best)
        best_code = np.where(better, prev, best_code)
    return best, best_code


def speeders(duration: np.ndarray, ratio: float):
    """Completion time below ``ratio`` x the median completion time (all submissions)."""
    d = np.asarray(duration, dtype=float)
    med = np.nanmedian(d) if np.isfinite(d).any() else np.nan
    flag = np.isfinite(d) & (d < ratio * med)
    detail = _detail(flag, lambda i: _fmt(d[i]) + f" s < {ratio:.2f} x median {med:.0f} s ("
                     + _fmt(d[i] / med, "{:.2f}") + " x median)")
    return flag, detail


def straightliners(x: np.ndarray, share: float, *, min_answered: int):
    """Longest identical run >= ``ceil(share * n_items)``, or zero variance.

    Zero variance counts only when at least ``min_answered`` Likert items are answered.
    """
    m = x.shape[1]
    need = int(np.ceil(share * m))
    run, code = longest_run(x)
    answered = np.sum(~np.isnan(x), axis=1)
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanmin(np.where(answered[:, None] > 0, x, 0), axis=1), \
            np.nanmax(np.where(answered[:, None] > 0, x, 0), axis=1)
    flat = (answered >= min_answered) & (lo == hi)
    flag = (run >= need) | flat

    def build(i):
        all_same = "code " + _fmt(code[i]) + " on all " + pd.Series(answered[i]).astype(str) \
            + " answered Likert items"
        runs = ("run of " + pd.Series(run[i]).astype(str) + " identical answers (code " + _fmt(code[i])
                + f") over {m} Likert items; limit {need}")
        return np.where(flat[i], all_same, runs)

    return flag, _detail(flag, build)


def attention_failures(values: pd.DataFrame, correct: dict, *, missing_fails: bool):
    """Any instructed-response item answered with a code other than its ``correct`` one."""
    flag = np.zeros(len(values), bool)
    detail = pd.Series("", index=range(len(values)), dtype=object)
    for item, ok in correct.items():
        v = values[item].to_numpy(dtype=float, na_value=np.nan)
        wrong = np.where(np.isnan(v), missing_fails, v != ok)
        text = _detail(wrong, lambda i: f"{item}: answered " + _fmt(v[i]).str.replace("nan", "nothing")
                       + f", correct is {ok}")
        sep = np.where(detail.to_numpy() == "", "", "; ")
        detail = pd.Series(np.where(wrong, detail.to_numpy() + sep + text.to_numpy(), detail.to_numpy()),
                           dtype=object)
        flag |= wrong
    return flag, detail.astype(str)


def too_many_missing(x: np.ndarray, max_share: float):
    """More than ``max_share`` of the Likert items missing (skipped or out of range)."""
    m = x.shape[1]
    k = np.isnan(x).sum(axis=1)
    flag = k > max_share * m
    detail = _detail(flag, lambda i: "missing " + pd.Series(k[i]).astype(str) + f" of {m} Likert items ("
                     + _fmt(100 * k[i] / m) + f"%; limit {100 * max_share:.0f}%)")
    return flag, detail


def exact_duplicates(answers: pd.DataFrame, ids: pd.Series, order: np.ndarray):
    """Later submissions whose whole answer vector equals an earlier one.

    ``order`` gives each row's rank in submission order; the earliest copy is kept.
    """
    h = pd.util.hash_pandas_object(answers, index=False).to_numpy()
    rank = np.argsort(order, kind="stable")
    groups, _ = pd.factorize(h[rank])
    _, first = np.unique(groups, return_index=True)
    first_pos = first[groups]
    flag_sorted = first_pos != np.arange(len(h))
    flag = np.zeros(len(h), bool)
    flag[rank] = flag_sorted
    orig = np.empty(len(h), dtype=np.int64)
    orig[rank] = rank[first_pos]
    detail = _detail(flag, lambda i: "same answers as respondent_id "
                     + ids.iloc[orig[i]].astype(str).reset_index(drop=True))
    return flag, detail, orig


def near_duplicates(x: np.ndarray, ip: pd.Series, ids: pd.Series, order: np.ndarray, *,
                    max_diff: int, items: list, chunk: int = 1_000_000):
    """Later submissions from the same hashed IP that differ in at most ``max_diff`` answers.

    Pairs are formed only within an IP hash; missing counts as an answer (``NaN == NaN``).
    """
    n = len(x)
    flag = np.zeros(n, bool)
    detail = pd.Series("", index=range(n), dtype=object)
    ipv = ip.astype("string")
    fac, _ = pd.factorize(ipv, use_na_sentinel=True)
    ok = fac >= 0
    counts = np.bincount(fac[ok]) if ok.any() else np.array([], int)
    multi = ok & (counts[np.where(ok, fac, 0)] >= 2) if len(counts) else ok
    rows = np.flatnonzero(multi)
    if len(rows) < 2:
        return flag, detail
    g = pd.DataFrame({"row": rows, "ip": fac[rows], "order": order[rows]})
    pairs = g.merge(g, on="ip", suffixes=("_a", "_b"))
    pairs = pairs[pairs["order_a"] < pairs["order_b"]]
    a, b = pairs["row_a"].to_numpy(), pairs["row_b"].to_numpy()
    xf = np.where(np.isnan(x), -1.0, x)
    ndiff = np.concatenate([(xf[a[s:s + chunk]] != xf[b[s:s + chunk]]).sum(axis=1)
                            for s in range(0, len(a), chunk)]) if len(a) else np.array([], int)
    hit = ndiff <= max_diff
    if not hit.any():
        return flag, detail
    best = (pd.DataFrame({"a": a[hit], "b": b[hit], "oa": order[a[hit]], "nd": ndiff[hit]})
            .sort_values(["b", "oa"]).drop_duplicates("b"))
    flag[best["b"].to_numpy()] = True
    first_diff = [", ".join(items[j] for j in np.flatnonzero(xf[i] != xf[o])[:3])
                  for i, o in zip(best["b"], best["a"])]   # one per flagged pair, not per respondent
    detail.iloc[best["b"].to_numpy()] = [
        f"same IP as respondent_id {ids.iloc[o]}; {d} answer(s) differ ({fd})"
        for o, d, fd in zip(best["a"], best["nd"], first_diff)]
    return flag, detail
