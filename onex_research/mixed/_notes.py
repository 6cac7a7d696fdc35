"""Rule-based notes of the joint display: where the survey and interview strands agree.

The rules, per theme, over the roles present in both strands:

- the interview measure is the prevalence, or mentions per interview when every
  role's prevalence is at least ``saturation`` (prevalence then cannot rank roles);
- a role lowest (highest) in both strands, by a unique extreme, is named;
- a role highest in the survey but lowest in interviews (or the reverse) is named;
- Spearman's rho across roles: >= 0.6 "agree", <= -0.6 "opposite" (with the caveat
  that mentions measure salience, not judgement), otherwise "in part";
- survey role differences under 0.2 pooled SD are flagged as small.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

ROLE_LABELS_EN = {"学生": "students", "教师": "teachers", "管理人员": "administrators",
                  "企业人员": "enterprise staff"}

__all__ = ["ROLE_LABELS_EN"]


def _unique_extreme(values: pd.Series, which: str):
    v = values.dropna()
    if len(v) < 2:
        return None
    target = v.max() if which == "max" else v.min()
    hit = v.index[np.isclose(v, target)]
    return hit[0] if len(hit) == 1 else None


def _note(t, label_zh, label_en, saturation):
    both = t[(t["n"] > 1) & (t["n_interviews"] > 0)].set_index("role")
    if len(both) < 2:
        return ("两类数据共同覆盖的角色不足两个，无法比较。",
                "Fewer than two roles appear in both strands; no comparison is possible.", np.nan,
                "prevalence")
    m, p = both["mean"], both["prevalence"]
    en = ROLE_LABELS_EN
    zh_parts, en_parts = [], []
    measure = "prevalence"
    if saturation is not None and (p >= saturation).all():
        measure = "mentions_per_interview"
        p = both[measure]
        zh_parts.append(f"各角色提及率均≥{saturation:.0%}，故按每次访谈的提及次数比较")
        en_parts.append(f"every role's prevalence is at least {saturation:.0%}, so interviews are "
                        "compared on mentions per interview")
    n_pre = len(zh_parts)
    s_hi, s_lo = _unique_extreme(m, "max"), _unique_extreme(m, "min")
    i_hi, i_lo = _unique_extreme(p, "max"), _unique_extreme(p, "min")
    agree = [(r, zh_w, en_w) for r, other, zh_w, en_w in
             ((s_lo, i_lo, "最低位", "lowest"), (s_hi, i_hi, "最高位", "highest"))
             if r is not None and r == other]
    if agree:
        zh_parts.append("两类数据都将" + "、".join(f"{r}排在{w}" for r, w, _ in agree).replace(
            "排在", f"排在{label_zh}的", 1))
        en_parts.append("both strands rank " + " and ".join(
            f"{en.get(r, r)} {w}" for r, _, w in agree) + f" on {label_en}")
    if s_hi is not None and s_hi == i_lo:
        zh_parts.append(f"问卷中{s_hi}评分最高，而访谈中{s_hi}提及最少")
        en_parts.append(f"the survey rates {label_en} highest among {en.get(s_hi, s_hi)}, "
                        f"but interviews mention it least among them")
    if s_lo is not None and s_lo == i_hi:
        zh_parts.append(f"问卷中{s_lo}评分最低，而访谈中{s_lo}提及最多")
        en_parts.append(f"the survey rates {label_en} lowest among {en.get(s_lo, s_lo)}, "
                        f"yet they mention it most in interviews")
    if len(zh_parts) == n_pre and s_hi is not None and i_hi is not None:
        zh_parts.append(f"问卷评分最高的是{s_hi}，访谈提及最多的是{i_hi}")
        en_parts.append(f"the survey rates it highest among {en.get(s_hi, s_hi)}, "
                        f"interviews mention it most among {en.get(i_hi, i_hi)}")
    rho = np.nan
    if len(both) >= 3 and m.nunique() > 1 and p.nunique() > 1:
        rho = float(stats.spearmanr(m, p).statistic)
    r = f"ρ = {rho:.2f}".replace("-", "−") if np.isfinite(rho) else ""
    if np.isfinite(rho) and rho >= 0.6:
        zh_parts.append(f"角色排序总体一致（{r}）")
        en_parts.append(f"the role rankings broadly agree ({r})")
    elif np.isfinite(rho) and rho <= -0.6:
        zh_parts.append(f"角色排序方向相反（{r}），访谈提及反映话题显著性而非评价高低，"
                        "评分低的角色可能更常把它当作问题提出")
        en_parts.append(f"the rankings run opposite ways ({r}); mentions measure salience, "
                        "not judgement, so low-rating roles may raise it as a problem")
    elif np.isfinite(rho) and rho > 0:
        zh_parts.append(f"角色排序仅部分一致（{r}）")
        en_parts.append(f"the rankings agree only in part ({r})")
    elif np.isfinite(rho) and rho < 0:
        zh_parts.append(f"角色排序不太一致（{r}）")
        en_parts.append(f"the rankings tend to disagree ({r})")
    elif np.isfinite(rho):
        zh_parts.append(f"角色排序无关（{r}）")
        en_parts.append(f"the rankings are unrelated ({r})")
    z = both["z_survey"]
    if z.notna().any() and (z.max() - z.min()) < 0.2:
        zh_parts.append("问卷中各角色差异很小（标准化差异 < 0.2）")
        en_parts.append("survey differences between roles are small (< 0.2 SD)")
    if len(zh_parts) == n_pre:
        zh_parts.append("两类数据无明确的一致或分歧")
        en_parts.append("no clear agreement or divergence")
    zh = "；".join(zh_parts) + "。"
    en_text = "; ".join(en_parts)
    en_text = en_text[0].upper() + en_text[1:] + "."
    return zh, en_text, rho, measure
