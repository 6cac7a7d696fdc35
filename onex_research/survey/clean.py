"""Clean a raw export with a complete audit trail: :func:`clean` and :class:`CleanResult`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import OnexError
from ..instrument import Instrument
from . import rules as R
from .read import multi_columns

__all__ = ["clean", "CleanResult", "EXCLUSION_RULES", "RULE_LABELS"]

EXCLUSION_RULES = ("duplicate", "speeder", "attention", "straightliner", "missing", "out_of_range")
"""Exclusion rules in the default order of :func:`clean` (the flow table's order)."""

RULE_LABELS = {
    "duplicate": ("重复提交", "Duplicate submission"),
    "speeder": ("作答时间过短", "Completion time too short (speeder)"),
    "attention": ("注意力检测未通过", "Failed attention check"),
    "straightliner": ("直线作答", "Straight-lining"),
    "missing": ("缺失题目过多", "Too many missing items"),
    "out_of_range": ("超出量表范围的编码", "Out-of-range codes"),
}


@dataclass(frozen=True)
class CleanResult:
    """What :func:`clean` returns.

    Attributes
    ----------
    data : pandas.DataFrame
        Kept respondents, raw column order: out-of-range cells set to missing,
        reverse-keyed items recoded ``lowest + highest - x`` (``k + 1 - x`` on 1..k),
        single-choice demographics as ``Categorical`` ordered by the scale (the
        Chinese labels in scale order, so tables and dummies follow the questionnaire).
    exclusions : pandas.DataFrame
        ``respondent_id, rule, detail, primary``: one row per excluded respondent per
        rule that fired (every reason is listed); ``primary`` marks the first rule in
        ``order``, the one the flow table counts.
    changes : pandas.DataFrame
        Cell-level log ``respondent_id, item, old, new, reason`` (out-of-range codes
        set to missing; ``new`` is ``<NA>``). Reverse keying is not logged per cell;
        see ``reversed_items``.
    flow : pandas.DataFrame
        ``step, rule, n_flagged, n_excluded, n_remaining, setting_zh, setting_en``: N
        raw, then each rule in order (flagged = all respondents the rule fired on,
        excluded = those not already excluded by an earlier rule), then N analysed.
        ``setting_*`` states the threshold used; a rule that cannot run on this export
        (no completion times, no attention item) has ``<NA>`` counts and says why.
    settings : dict
        The rule settings used.
    reversed_items : tuple of str
        Items recoded ``k + 1 - x``.
    """

    data: pd.DataFrame
    exclusions: pd.DataFrame
    changes: pd.DataFrame
    flow: pd.DataFrame
    settings: dict = field(default_factory=dict)
    reversed_items: tuple = ()

    @property
    def n_raw(self) -> int:
        return int(self.flow["n_remaining"].iloc[0])

    @property
    def n_analysed(self) -> int:
        return len(self.data)

    def flow_table(self, lang: str = "zh") -> pd.DataFrame:
        """The flow table with labels in Chinese (``"zh"``) or English (``"en"``)."""
        if lang not in ("zh", "en"):
            raise ValueError(f"flow_table: lang must be 'zh' or 'en', got {lang!r}")
        i = 0 if lang == "zh" else 1
        names = {"raw": ("原始答卷", "Raw submissions"), "analysed": ("有效样本（纳入分析）", "Analysed")}
        step = [names[r][i] if r in names else RULE_LABELS[r][i] for r in self.flow["rule"]]
        cols = (["步骤", "标记人数", "剔除人数", "剩余人数", "规则设置"] if lang == "zh"
                else ["step", "n_flagged", "n_excluded", "n_remaining", "setting"])
        out = pd.DataFrame({cols[0]: step, cols[1]: self.flow["n_flagged"].array,
                            cols[2]: self.flow["n_excluded"].array,
                            cols[3]: self.flow["n_remaining"].to_numpy()})
        if "setting_zh" in self.flow:
            out[cols[4]] = self.flow[f"setting_{lang}"].to_numpy()
        return out

    def to_frame(self) -> pd.DataFrame:
        return self.flow_table("en")

    def _repr_html_(self) -> str:
        return (f"<p>CleanResult: {self.n_raw} raw -> {self.n_analysed} analysed, "
                f"{self.exclusions['respondent_id'].nunique()} excluded, {len(self.changes)} cell changes</p>"
                + self.flow_table("en").to_html(index=False))

    def __repr__(self) -> str:
        return (f"CleanResult({self.n_raw} raw -> {self.n_analysed} analysed; "
                f"{len(self.exclusions)} exclusion reasons, {len(self.changes)} cell changes)")


def _coded_items(instrument):
    it = instrument.items
    return [c for c in it.index if it.at[c, "type"] in ("likert", "single", "attention")]


def _check(raw, instrument):
    if not isinstance(raw, pd.DataFrame):
        raise TypeError(f"clean: raw must be a DataFrame from read_export, got {type(raw).__name__}")
    if not isinstance(instrument, Instrument):
        raise TypeError(f"clean: instrument must be an Instrument, got {type(instrument).__name__}")
    need = ["respondent_id"] + _coded_items(instrument)
    lacking = [c for c in need if c not in raw.columns]
    if lacking:
        raise OnexError(f"clean: raw has no column(s) {lacking[:10]}; pass the DataFrame read_export "
                        f"returned for instrument {instrument.name!r}")
    dup = raw["respondent_id"][raw["respondent_id"].duplicated(keep=False)]
    if len(dup) or raw["respondent_id"].isna().any():
        raise OnexError(f"clean: respondent_id must be unique and present; repeated: "
                        f"{sorted(set(dup.astype(str)))[:10]}, missing in {int(raw['respondent_id'].isna().sum())} row(s)")


def _out_of_range(raw, instrument):
    """Cells that are not a declared code (Likert/single/attention) or not 0/1 (multi): log and blank."""
    cols, upper, lower, gaps = [], [], [], {}
    for j, c in enumerate(_coded_items(instrument)):
        cols.append(c)
        codes = instrument.codes(c)
        lo, hi = min(codes), max(codes)
        lower.append(lo)
        upper.append(hi)
        if len(codes) != hi - lo + 1:
            gaps[j] = np.array(codes, float)
    for c in instrument.items.index[instrument.items["type"] == "multi"]:
        mc = [x for x in multi_columns(instrument, c) if x in raw.columns]
        cols += mc
        upper += [1] * len(mc)
        lower += [0] * len(mc)
    x = np.column_stack([raw[c].to_numpy(dtype=float, na_value=np.nan) for c in cols])
    with np.errstate(invalid="ignore"):
        bad = (x < np.array(lower)) | (x > np.array(upper)) | (x % 1 > 0)   # NaN compares False
    for j, codes in gaps.items():          # declared codes with holes (1, 2, 3, 9)
        bad[:, j] |= ~np.isnan(x[:, j]) & ~np.isin(x[:, j], codes)
    r, c = np.nonzero(bad)
    changes = pd.DataFrame({
        "respondent_id": raw["respondent_id"].to_numpy()[r],
        "item": pd.array(np.array(cols, dtype=object)[c], dtype="string"),
        "old": pd.array(x[r, c], dtype="Float64"),
        "new": pd.array([pd.NA] * len(r), dtype="Float64"),
        "reason": pd.array(["out_of_range"] * len(r), dtype="string"),
    })
    detail = {}
    if len(r):
        k = np.array(upper)[c]
        txt = pd.Series(np.array(cols, dtype=object)[c]) + ": code " + pd.Series(x[r, c]).map("{:g}".format) \
            + " outside " + pd.Series(np.array(lower)[c]).astype(str) + ".." + pd.Series(k).astype(str)
        if gaps:
            txt = txt.where(~pd.Series(c).isin(list(gaps)).to_numpy(), txt + " (declared codes)")
        detail = txt.groupby(r).agg("; ".join).to_dict()
    x[bad] = np.nan
    return cols, x, bad.any(axis=1), detail, changes


def _duplicate_information(raw, instrument, answer_cols):
    """Informative answers per row for the duplicate guard, and a note of what is compared, as (中文, English).

    Counts answered items whose answers vary across the sample (a multi-select item
    once), answered free-text and numeric items, and one each for a completion time and
    an IP hash.
    """
    it = instrument.items
    n = len(raw)
    info = np.zeros(n, int)
    kinds = {"closed": 0, "text": 0}
    for code in it.index:
        kind = it.at[code, "type"]
        if kind == "multi":
            cols = [c for c in answer_cols if c.startswith(f"{code}__")]
            if not cols:
                continue
            x = raw[cols].to_numpy(dtype=float, na_value=np.nan)
            answered = ~np.isnan(x).all(axis=1)
            varies = pd.DataFrame(x).drop_duplicates().shape[0] > 1
        elif code in raw.columns:
            col = raw[code]
            answered = col.notna().to_numpy()
            varies = col.nunique(dropna=True) > 1
        else:
            continue
        if varies:
            info += answered
            kinds["text" if kind in ("text", "numeric") else "closed"] += 1
    what = f"{kinds['closed']} varying closed item(s)"
    what_zh = f"{kinds['closed']} 道有变异的封闭题"
    if kinds["text"]:
        what += f", {kinds['text']} free-text/numeric item(s)"
        what_zh += f"、{kinds['text']} 道填空/数值题"
    present = []
    for col, label in (("duration_s", "completion time"), ("ip_hash", "IP")):
        if col in raw and raw[col].notna().any():
            info += raw[col].notna().to_numpy()
            present.append(label)
    if present:
        what += "; counted as information: " + ", ".join(present)
        zh = {"completion time": "作答时长", "IP": "IP"}
        what_zh += "；计入信息：" + "、".join(zh[p] for p in present)
    return info, (what_zh, what)


def clean(raw: pd.DataFrame, instrument: Instrument, *, speeder_ratio: float | None = 1 / 3,
          straightline_share: float | None = 0.6, straightline_min_answered: int = 10,
          attention: bool = True, attention_missing_fails: bool = False,
          duplicates: bool = True, near_duplicate_max_diff: int | None = 2, duplicate_min_items: int = 5,
          max_missing: float | None = 0.3, exclude_out_of_range: bool = False,
          order: tuple = EXCLUSION_RULES, reverse: bool = True) -> CleanResult:
    """Apply the data-quality rules, reverse keying and labels, with an audit trail.

    Parameters
    ----------
    raw : pandas.DataFrame
        The result of :func:`read_export` (one row per submission).
    instrument : Instrument
    speeder_ratio : float or None, default 1/3
        Exclude completion times below ``speeder_ratio`` x the median completion time of
        all submissions. Median-relative cut-offs follow Greszki, Meyer & Schoen (2015),
        who study 30-50 % of the median; Leiner (2019) finds meaningless data mostly
        among respondents at least twice as fast as typical. ``None`` disables.
    straightline_share : float or None, default 0.6
        Exclude when the longest run of identical answers over the Likert items (in
        questionnaire order, raw codes, missing cells skipped) reaches
        ``ceil(straightline_share * n_likert)``, or when every answered Likert item has
        the same code (zero variance; needs ``straightline_min_answered`` answers).
        Long-string analysis after Johnson (2005), Curran (2016), Kim et al. (2019);
        since the questionnaire mixes reverse-keyed items, a long run contradicts
        itself. ``None`` disables.
    straightline_min_answered : int, default 10
    attention : bool, default True
        Exclude when an attention (instructed-response) item is not answered with its
        ``correct`` code (Meade & Craig 2012; Curran 2016).
    attention_missing_fails : bool, default False
        Whether skipping the attention item counts as failing it.
    duplicates : bool, default True
        Exclude later submissions whose answers (all coded items) equal an earlier one;
        the earliest submission is kept and ``detail`` names it.
    near_duplicate_max_diff : int or None, default 2
        Also exclude a later submission from the same ``ip_hash`` that differs from an
        earlier one in at most this many coded answers. ``None`` disables.
    duplicate_min_items : int, default 5
        Minimum-information guard of the duplicate rule: a submission is called a
        duplicate only when it has at least this many informative answers: answered
        items whose answers vary across the sample (closed, numeric or free text), plus
        one each for a completion time and an IP hash. With fewer, two identical rows are
        as likely to be two people who chose the same few options. Free text and numeric
        answers are compared along with the closed ones; the flow table's setting says
        what was compared.
    max_missing : float or None, default 0.3
        Exclude when more than this share of the Likert items is missing (skipped or out
        of range), a common rule of thumb (e.g. Hair et al., *Multivariate Data
        Analysis*, on case-wise deletion). ``None`` disables.
    exclude_out_of_range : bool, default False
        Out-of-range codes are always set to missing and logged in ``changes``; with
        True, their respondents are also excluded.
    order : tuple of str, default ``EXCLUSION_RULES``
        Order in which rules claim respondents in the flow table (``primary``).
    reverse : bool, default True
        Recode reverse-keyed items as ``k + 1 - x``.

    Returns
    -------
    CleanResult
        ``data``, ``exclusions`` (``respondent_id, rule, detail, primary``), ``changes``
        (``respondent_id, item, old, new, reason``), ``flow`` (``step, rule, n_flagged,
        n_excluded, n_remaining``) and ``flow_table(lang="zh"|"en")``.

    Notes
    -----
    Every raw ``respondent_id`` is in exactly one of ``data`` and ``exclusions``. Rule
    names are the simulator's vocabulary: ``speeder, straightliner, attention,
    duplicate, missing, out_of_range``. All rules are vectorised over respondents.
    """
    _check(raw, instrument)
    if set(order) - set(EXCLUSION_RULES):
        raise ValueError(f"clean: unknown rule(s) in order: {sorted(set(order) - set(EXCLUSION_RULES))}; known: {EXCLUSION_RULES}")
    n = len(raw)
    ids = raw["respondent_id"].reset_index(drop=True)
    coded, x_all, oor_any, oor_detail, changes = _out_of_range(raw.reset_index(drop=True), instrument)
    likert = instrument.likert_items
    xl = x_all[:, [coded.index(c) for c in likert]]
    flags, details, settings_txt, not_run = {}, {}, {}, {}
    if speeder_ratio is not None:
        d = (raw["duration_s"].to_numpy(dtype=float, na_value=np.nan) if "duration_s" in raw
             else np.full(n, np.nan))
        if np.isfinite(d).sum() >= 2:
            flags["speeder"], details["speeder"] = R.speeders(d, speeder_ratio)
            settings_txt["speeder"] = (f"< {speeder_ratio:.2f} × 中位数 {np.nanmedian(d):.0f} 秒",
                                       f"< {speeder_ratio:.2f} x median {np.nanmedian(d):.0f} s")
        else:
            not_run["speeder"] = ("未运行：导出文件没有作答时长", "not run: the export has no completion times")
    if straightline_share is not None:
        if len(likert) >= 2:
            flags["straightliner"], details["straightliner"] = R.straightliners(
                xl, straightline_share, min_answered=straightline_min_answered)
            need = int(np.ceil(straightline_share * len(likert)))
            settings_txt["straightliner"] = (
                f"连续相同 ≥ {need}/{len(likert)} 题，或 ≥ {straightline_min_answered} 题全同",
                f"run >= {need} of {len(likert)} Likert items, or all equal with >= "
                f"{straightline_min_answered} answered")
        else:
            not_run["straightliner"] = ("未运行：量表题少于 2 题（或未指定构念）",
                                        "not run: fewer than 2 Likert items with a construct")
    att = {c: int(instrument.items.at[c, "correct"]) for c in instrument.attention_items}
    if attention:
        if att:
            vals = pd.DataFrame(x_all[:, [coded.index(c) for c in att]], columns=list(att))
            flags["attention"], details["attention"] = R.attention_failures(
                vals, att, missing_fails=attention_missing_fails)
            settings_txt["attention"] = (f"{len(att)} 道检测题" + ("，未答算未通过" if attention_missing_fails else ""),
                                         f"{len(att)} attention item(s)"
                                         + ("; skipped counts as failed" if attention_missing_fails else ""))
        else:
            not_run["attention"] = ("未运行：问卷没有注意力检测题", "not run: the instrument has no attention item")
    if max_missing is not None:
        if likert:
            flags["missing"], details["missing"] = R.too_many_missing(xl, max_missing)
            settings_txt["missing"] = (f"缺失 > {100 * max_missing:.0f}%（{len(likert)} 道量表题）",
                                       f"> {100 * max_missing:.0f}% of {len(likert)} Likert items missing")
        else:
            not_run["missing"] = ("未运行：没有量表题", "not run: no Likert items with a construct")
    if duplicates:
        if "submitted_at" in raw and raw["submitted_at"].notna().all():
            order_ = raw["submitted_at"].rank(method="first").to_numpy(dtype=np.int64) - 1
        else:
            order_ = np.arange(n)
        answer_cols = [c for c in raw.columns if c in coded or "__" in c and not c.endswith("__other")]
        answers = raw[answer_cols].reset_index(drop=True).astype("Float64")
        info, (what_zh, what) = _duplicate_information(raw.reset_index(drop=True), instrument, answer_cols)
        extra = [c for c in instrument.items.index
                 if instrument.items.at[c, "type"] in ("text", "numeric") and c in raw.columns]
        if extra:      # free text and numbers take part in the comparison
            answers = pd.concat([answers, raw[extra].reset_index(drop=True).astype("string")], axis=1)
        enough = info >= duplicate_min_items
        f1, d1, _ = R.exact_duplicates(answers, ids, order_)
        f1 = f1 & enough
        d1 = d1.where(enough, "")
        flag, detail = f1, d1
        if near_duplicate_max_diff is not None and "ip_hash" in raw:
            xa = answers[answer_cols].to_numpy(dtype=float, na_value=np.nan)
            f2, d2 = R.near_duplicates(xa, raw["ip_hash"].reset_index(drop=True), ids, order_,
                                       max_diff=near_duplicate_max_diff, items=answer_cols)
            f2 = f2 & enough
            detail = detail.where(f1, d2.where(enough, ""))
            flag = f1 | f2
        flags["duplicate"], details["duplicate"] = flag, detail
        settings_txt["duplicate"] = (
            f"答案完全相同，且 ≥ {duplicate_min_items} 项有效作答（{what_zh}）"
            + (f"；同一IP且 ≤ {near_duplicate_max_diff} 处不同" if near_duplicate_max_diff is not None else ""),
            f"identical answers with >= {duplicate_min_items} informative answers ({what})"
            + (f"; same IP and <= {near_duplicate_max_diff} differences" if near_duplicate_max_diff is not None
               else ""))
    if exclude_out_of_range:
        flags["out_of_range"] = oor_any
        details["out_of_range"] = pd.Series([oor_detail.get(i, "") for i in range(n)], dtype=object)
        settings_txt["out_of_range"] = ("不在量表声明的编码内", "code not declared on the item's scale")

    rows = []
    claimed = np.zeros(n, bool)
    flow = [{"step": 0, "rule": "raw", "n_flagged": n, "n_excluded": 0, "n_remaining": n,
             "setting_zh": "", "setting_en": ""}]
    for step, rule in enumerate([r for r in order if r in flags or r in not_run], start=1):
        if rule in not_run:
            flow.append({"step": step, "rule": rule, "n_flagged": pd.NA, "n_excluded": pd.NA,
                         "n_remaining": int(n - claimed.sum()), "setting_zh": not_run[rule][0],
                         "setting_en": not_run[rule][1]})
            continue
        f = np.asarray(flags[rule], bool)
        primary = f & ~claimed
        idx = np.flatnonzero(f)
        rows.append(pd.DataFrame({"row": idx, "respondent_id": ids.iloc[idx].to_numpy(), "rule": rule,
                                  "detail": pd.Series(details[rule]).iloc[idx].astype(str).to_numpy(),
                                  "primary": primary[idx], "rank": step}))
        claimed |= f
        flow.append({"step": step, "rule": rule, "n_flagged": int(f.sum()), "n_excluded": int(primary.sum()),
                     "n_remaining": int(n - claimed.sum()), "setting_zh": settings_txt[rule][0],
                     "setting_en": settings_txt[rule][1]})
    flow.append({"step": len(flow), "rule": "analysed", "n_flagged": int((~claimed).sum()),
                 "n_excluded": 0, "n_remaining": int((~claimed).sum()), "setting_zh": "", "setting_en": ""})
    if rows:
        exc = pd.concat(rows, ignore_index=True).sort_values(["row", "rank"], kind="stable")
    else:
        exc = pd.DataFrame({"row": [], "respondent_id": [], "rule": [], "detail": [], "primary": [], "rank": []})
    exclusions = exc[["respondent_id", "rule", "detail", "primary"]].reset_index(drop=True)
    exclusions["respondent_id"] = exclusions["respondent_id"].astype(raw["respondent_id"].dtype)
    exclusions["rule"] = exclusions["rule"].astype("string")
    exclusions["detail"] = exclusions["detail"].astype("string")
    exclusions["primary"] = exclusions["primary"].astype(bool)

    data = raw.reset_index(drop=True).copy()
    for j, c in enumerate(coded):
        data[c] = pd.array(x_all[:, j], dtype="Float64").astype("Int64")
    reversed_items = tuple(c for c in instrument.reverse_items() if c in data) if reverse else ()
    for c in reversed_items:
        lo, hi = instrument.code_range(c)
        data[c] = lo + hi - data[c]
    for c in instrument.demographics:
        if instrument.items.at[c, "type"] == "single":
            vals = data[c].to_numpy(dtype=float, na_value=np.nan)
            pos = np.full(len(vals), -1, dtype=np.int64)
            for k, code in enumerate(instrument.codes(c)):
                pos[vals == code] = k
            data[c] = pd.Categorical.from_codes(pos, categories=instrument.labels(c), ordered=True)
    data = data.loc[~claimed].reset_index(drop=True)
    settings = dict(speeder_ratio=speeder_ratio, straightline_share=straightline_share,
                    straightline_min_answered=straightline_min_answered, attention=attention,
                    attention_missing_fails=attention_missing_fails, duplicates=duplicates,
                    near_duplicate_max_diff=near_duplicate_max_diff, duplicate_min_items=duplicate_min_items,
                    max_missing=max_missing,
                    exclude_out_of_range=exclude_out_of_range, order=tuple(order), reverse=reverse)
    flow = pd.DataFrame(flow)
    for c in ("n_flagged", "n_excluded"):
        flow[c] = flow[c].astype("Int64")
    return CleanResult(data=data, exclusions=exclusions, changes=changes, flow=flow,
                       settings=settings, reversed_items=reversed_items)
