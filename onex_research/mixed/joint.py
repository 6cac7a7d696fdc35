"""Mixed-methods joint display: survey constructs and interview codes side by side.

For each theme (recognition, execution, resources, quality, teachers, enterprise)
:func:`joint_display` puts together, by respondent role,

(a) the survey construct's mean with a 95% t confidence interval,
(b) the interview code's prevalence: the % of that role's interviews with at least
    one hit of the code (with a Wilson 95% interval),
(c) one or two exemplar quotes from the coding output (already redacted), and
(d) a short rule-based note, in Chinese and English, on where the strands agree or
    diverge (role rankings, Spearman's rho across roles, standardised differences).

Prevalence measures how salient a theme is in a role's interviews, not whether the
role judges it well or badly; the notes say so when the strands run opposite ways.
Inputs are tidy frames, so any coding tool's output can be used.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import OnexError
from ..regression.groups import describe_groups
from ..text.coding import code_matrix, exemplars
from ..vocabulary import ROLE_ALIASES, ROLES, canonical_role
from ._notes import ROLE_LABELS_EN, _note
from .figures import plot_joint_theme as plot_theme

__all__ = [
    "THEMES", "CONSTRUCT_MAP", "CODE_MAP", "THEME_LABELS", "ROLE_LABELS_EN",
    "JointDisplay", "ThemeDisplay", "joint_display", "plot_theme",
]

THEMES = ("recognition", "execution", "resources", "quality", "teachers", "enterprise")
#: Theme -> survey construct (column of ``survey_scores``).
CONSTRUCT_MAP = {"recognition": "recognition", "execution": "execution", "resources": "resources",
                 "quality": "quality", "teachers": "teachers", "enterprise": "cooperation"}
#: Theme -> interview code (``coded["code"]``), the codes of ``corpus/coding_frame.yaml``.
CODE_MAP = {t: t for t in THEMES}
THEME_LABELS = {
    "recognition": ("社会认可", "recognition"), "execution": ("试点执行", "execution"),
    "resources": ("资源保障", "resources"), "quality": ("证书质量", "certificate quality"),
    "teachers": ("师资队伍", "teachers"), "enterprise": ("企业参与", "enterprise cooperation"),
}


class JointDisplayError(OnexError):
    """Inputs of the joint display that do not fit together."""


# ------------------------------------------------------------------- results
@dataclass(frozen=True)
class ThemeDisplay:
    """One theme of the joint display.

    Attributes
    ----------
    theme, construct, code, label_zh, label_en : str
    table : pandas.DataFrame
        Indexed by ``role``: ``n, mean, sd, ci_low, ci_high`` (survey) and
        ``n_interviews, n_coded, prevalence, prevalence_ci_low, prevalence_ci_high``
        (interviews; prevalence as a proportion).
    quotes : pandas.DataFrame
        ``interview_id, role, text``.
    note_zh, note_en : str
    rho : float
        Spearman's rho between role means and the interview measure (NaN if < 3 roles).
    measure : {"prevalence", "mentions_per_interview"}
        The interview measure the note compares (see ``saturation``).
    """

    theme: str
    construct: str
    code: str
    label_zh: str
    label_en: str
    table: pd.DataFrame
    quotes: pd.DataFrame
    note_zh: str
    note_en: str
    rho: float
    measure: str = "prevalence"

    @property
    def caption_zh(self) -> str:
        return f"{self.label_zh}：问卷均值与访谈提及率（按角色）"

    @property
    def caption_en(self) -> str:
        return f"{self.label_en.capitalize()}: survey means and interview prevalence by role"

    def to_frame(self) -> pd.DataFrame:
        """Publication table by role: ``n, mean, ci_low, ci_high, n_interviews, n_coded,
        prevalence_pct, mentions_per_interview`` (SD left out so that it fits a page;
        it is in :attr:`table`)."""
        t = self.table
        out = pd.DataFrame({
            "n": t["n"], "mean": t["mean"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
            "n_interviews": t["n_interviews"], "n_coded": t["n_coded"],
            "prevalence_pct": (100 * t["prevalence"]).round(1),
            "mentions_per_interview": t["mentions_per_interview"],
        }, index=t.index)
        out.index.name = "role"
        return out

    @property
    def notes(self) -> str:
        """Table note: the strand comparison, then the quotes (for ``to_docx(notes=...)``)."""
        quotes = "；".join(f"“{q.text}”（{q.role}，{q.interview_id}）"
                          for q in self.quotes.itertuples(index=False))
        return self.note_zh + (f"典型引述：{quotes}。" if quotes else "")

    def _repr_html_(self) -> str:
        quotes = "".join(f"<li>“{q.text}” ({q.role}, {q.interview_id})</li>"
                         for q in self.quotes.itertuples(index=False))
        return (f"<h4>{self.label_zh} / {self.label_en}</h4>{self.to_frame().to_html()}"
                f"<ul>{quotes}</ul><p>{self.note_zh}<br>{self.note_en}</p>")


@dataclass(frozen=True)
class JointDisplay:
    """The joint display for several themes.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy, one row per theme x role: ``theme, role, construct, code, n, mean, sd,
        se, ci_low, ci_high, n_interviews, n_coded, prevalence, prevalence_ci_low,
        prevalence_ci_high, n_mentions, mentions_per_interview, z_survey, z_interview``
        (``n_mentions``: coded units, e.g. sentences, in the role's interviews). ``z_*`` are standardised
        differences of a role from the average role (survey: in pooled within-role
        SDs; interviews: in SDs of a proportion at the average prevalence).
    quotes : pandas.DataFrame
        ``theme, code, interview_id, role, text``.
    notes : pandas.DataFrame
        Indexed by theme: ``note_zh, note_en, rho, measure``.
    excluded : dict
        Reason -> count of what was left out: survey rows or interviews without a
        role, or of a role not in ``roles``. Empty when nothing was.
    """

    table: pd.DataFrame
    quotes: pd.DataFrame
    notes: pd.DataFrame
    themes: tuple
    construct_map: dict
    code_map: dict
    excluded: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def for_theme(self, theme: str) -> ThemeDisplay:
        """The table, quotes and notes of one theme."""
        if theme not in self.themes:
            raise KeyError(f"unknown theme {theme!r}; themes: {', '.join(self.themes)}")
        t = self.table[self.table["theme"] == theme].set_index("role")
        zh, en = THEME_LABELS.get(theme, (theme, theme))
        return ThemeDisplay(
            theme=theme, construct=self.construct_map[theme], code=self.code_map[theme],
            label_zh=zh, label_en=en,
            table=t.drop(columns=["theme", "construct", "code"]),
            quotes=self.quotes.loc[self.quotes["theme"] == theme, ["interview_id", "role", "text"]]
            .reset_index(drop=True),
            note_zh=self.notes.loc[theme, "note_zh"], note_en=self.notes.loc[theme, "note_en"],
            rho=float(self.notes.loc[theme, "rho"]), measure=self.notes.loc[theme, "measure"],
        )

    def plot(self, theme: str, **kwargs):
        """Figure of one theme; see :func:`plot_theme`."""
        return plot_theme(self.for_theme(theme), **kwargs)

    def _repr_html_(self) -> str:
        return "".join(self.for_theme(t)._repr_html_() for t in self.themes)


# ---------------------------------------------------------------- validation
def _require(df, name, columns):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise JointDisplayError(
            f"{name} lacks column(s) {missing}; it has: {', '.join(map(str, df.columns))}")


def _roles(series, aliases):
    return series.map(lambda r: r if pd.isna(r) else canonical_role(str(r), aliases))


# ---------------------------------------------------------------- statistics
# The numbers come from the strands' own functions, so a prevalence, a group mean or a
# quote is defined once: text.code_matrix, text.exemplars, regression.describe_groups.
def _survey_by_role(scores, construct, roles, level):
    desc = describe_groups(scores[["role", construct]].dropna(), construct, "role", level=level)
    desc = desc.reindex(roles)
    desc["n"] = desc["n"].fillna(0).astype(int)
    return desc.rename_axis("role").reset_index()[["role", "n", "mean", "sd", "se", "ci_low", "ci_high"]]


def _interviews_by_role(hits, interviews, code, roles, level):
    m = code_matrix(hits[hits["code"] == code], interviews, by="role", codes=[code], level=level)
    m = m[m["code"] == code].set_index("group").reindex(roles)
    n = m["n_interviews"].fillna(0).astype(int)
    return pd.DataFrame({
        "role": roles, "n_interviews": n.to_numpy(), "n_coded": m["interviews"].fillna(0).astype(int).to_numpy(),
        "prevalence": (m["pct_interviews"] / 100).to_numpy(),
        "prevalence_ci_low": (m["pct_ci_low"] / 100).to_numpy(),
        "prevalence_ci_high": (m["pct_ci_high"] / 100).to_numpy(),
        "n_mentions": m["hits"].fillna(0).astype(int).to_numpy(),
        "mentions_per_interview": m["mentions_per_interview"].to_numpy()})


def _standardise(t):
    ok = t["n"] > 0
    pooled = np.sqrt(np.nansum((t["n"] - 1) * t["sd"] ** 2) / max(1, (t.loc[ok, "n"] - 1).sum()))
    z_s = (t["mean"] - t.loc[ok, "mean"].mean()) / pooled if pooled > 0 else t["mean"] * np.nan
    has = t["n_interviews"] > 0
    pbar = t.loc[has, "prevalence"].mean()
    spread = np.sqrt(pbar * (1 - pbar)) if has.any() else np.nan
    z_i = (t["prevalence"] - pbar) / spread if spread and spread > 0 else t["prevalence"] * 0.0
    return z_s, z_i


def _pick_quotes(hits, code, n_quotes, length):
    """:func:`onex_research.text.exemplars` of the code, roles spread, in the length window."""
    lo, hi = length
    q = hits[(hits["code"] == code) & hits["text"].notna()]
    if q.empty or n_quotes == 0:
        return pd.DataFrame(columns=["interview_id", "role", "text"])
    ex = exemplars(q, n=n_quotes, min_len=lo, max_len=hi, codes=[code], spread_by="role")
    return ex.rename(columns={"quote": "text"})[["interview_id", "role", "text"]]


# ------------------------------------------------------------------ builder
def joint_display(
    survey_scores: pd.DataFrame,
    coded: pd.DataFrame,
    interviews: pd.DataFrame,
    *,
    themes=THEMES,
    construct_map: dict | None = None,
    code_map: dict | None = None,
    roles=None,
    role_aliases: dict | None = None,
    n_quotes: int = 2,
    quote_length=(15, 120),
    level: float = 0.95,
    saturation: float | None = 0.8,
) -> JointDisplay:
    """Build the survey x interview joint display, theme by theme.

    Parameters
    ----------
    survey_scores : DataFrame
        One row per respondent: ``role`` and one score column per construct.
    coded : DataFrame
        One row per code hit: ``interview_id, code`` and optionally ``doc`` (order),
        ``text`` (the redacted segment, for quotes) and ``role`` (ignored: roles come
        from ``interviews``).
    interviews : DataFrame
        ``interview_id, role``: one row per interview (the denominators), or the turns
        of :func:`onex_research.text.read_transcripts` (one row per turn; the rows of
        an interview must agree on its role).
    themes : sequence of str, default :data:`THEMES`
    construct_map : dict, optional
        Theme -> survey column; default :data:`CONSTRUCT_MAP`
        (``enterprise -> cooperation``, the others by the same name).
    code_map : dict, optional
        Theme -> interview code; default :data:`CODE_MAP` (same name).
    roles : sequence of str, optional
        Roles in display order; default :data:`ROLES` present in either strand, then
        any other roles in sorted order.
    role_aliases : dict, optional
        Other role spellings -> survey role, applied to both strands; default
        :data:`ROLE_ALIASES` (e.g. 企业导师 -> 企业人员).
    n_quotes : int, default 2
        Exemplar quotes per theme; different roles first, segments of
        ``quote_length`` characters preferred, ties broken by interview id.
    level : float, default 0.95
        Level of the t interval of means and the Wilson interval of prevalences.
    saturation : float or None, default 0.8
        When every role's prevalence is at least this, prevalence cannot rank the
        roles (keyword coding finds most themes in most interviews), and the notes
        compare the survey with ``mentions_per_interview`` instead, saying so.
        None always uses prevalence.

    Returns
    -------
    JointDisplay
        ``.table`` (tidy, theme x role), ``.quotes``, ``.notes``, ``.for_theme(theme)``
        and ``.plot(theme)``.

    Raises
    ------
    JointDisplayError
        Missing columns (named), interviews coded but absent from ``interviews``, an
        interview with two roles.
    """
    if not isinstance(n_quotes, (int, np.integer)) or n_quotes < 0:
        raise ValueError(f"n_quotes must be a non-negative int, got {n_quotes!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    construct_map = {**CONSTRUCT_MAP, **(construct_map or {})}
    code_map = {**CODE_MAP, **(code_map or {})}
    aliases = ROLE_ALIASES if role_aliases is None else role_aliases
    themes = tuple(themes)
    unknown = [t for t in themes if t not in construct_map or t not in code_map]
    if unknown:
        raise JointDisplayError(f"theme(s) {unknown} have no construct/code; pass construct_map= and code_map=")
    _require(survey_scores, "survey_scores", ["role", *[construct_map[t] for t in themes]])
    _require(coded, "coded", ["interview_id", "code"])
    _require(interviews, "interviews", ["interview_id", "role"])
    ivs = interviews[["interview_id", "role"]].drop_duplicates()
    dup = ivs["interview_id"][ivs["interview_id"].duplicated()].unique().tolist()
    if dup:
        raise JointDisplayError(f"interviews gives several roles for interview_id(s): {dup[:10]}")
    stray = sorted(set(coded["interview_id"]) - set(interviews["interview_id"]), key=str)
    if stray:
        raise JointDisplayError(
            f"coded has interview_id(s) not in interviews: {stray[:10]}; hint: join the "
            "transcript metadata (read_transcripts) for every coded document")

    scores = survey_scores.assign(role=_roles(survey_scores["role"], aliases))
    ivs = ivs.assign(role=_roles(ivs["role"], aliases))
    hits = coded.drop(columns=[c for c in ("role",) if c in coded.columns])
    hits = hits.merge(ivs[["interview_id", "role"]], on="interview_id", how="left")
    if "text" not in hits.columns:
        hits = hits.assign(text=pd.NA)
    if "doc" not in hits.columns:
        hits = hits.assign(doc=np.arange(len(hits)))
    if "unit" not in hits.columns:
        hits = hits.assign(unit=0)
    if "n_matches" not in hits.columns:
        hits = hits.assign(n_matches=1, match="")
    excluded = {}
    n_norole = int(scores["role"].isna().sum())
    if n_norole:
        excluded["survey rows without a role"] = n_norole
        scores = scores[scores["role"].notna()]
    n_iv_norole = int(ivs["role"].isna().sum())
    if n_iv_norole:
        excluded["interviews without a role"] = n_iv_norole
    present = set(scores["role"]) | set(ivs["role"].dropna())
    if roles is None:
        roles = [r for r in ROLES if r in present] + sorted(present - set(ROLES), key=str)
    roles = list(roles)
    n_other = int((~scores["role"].isin(roles)).sum())
    if n_other:
        excluded["survey rows of roles not shown"] = n_other
    iv_other = int((ivs["role"].notna() & ~ivs["role"].isin(roles)).sum())
    if iv_other:
        excluded["interviews of roles not shown"] = iv_other
    absent_codes = [code_map[t] for t in themes if code_map[t] not in set(hits["code"])]
    if absent_codes and len(hits):
        warnings.warn(f"code(s) {absent_codes} have no hits in coded (prevalence 0); codes present: "
                      f"{sorted(set(hits['code']), key=str)}", UserWarning, stacklevel=2)

    tables, quotes, notes = [], [], []
    for theme in themes:
        construct, code = construct_map[theme], code_map[theme]
        t = _survey_by_role(scores, construct, roles, level).merge(
            _interviews_by_role(hits, ivs, code, roles, level), on="role")
        t["z_survey"], t["z_interview"] = _standardise(t)
        t.insert(0, "theme", theme)
        t.insert(2, "construct", construct)
        t.insert(3, "code", code)
        tables.append(t)
        q = _pick_quotes(hits, code, n_quotes, quote_length)
        quotes.append(q.assign(theme=theme, code=code))
        zh, en = THEME_LABELS.get(theme, (theme, theme))
        nz, ne, rho, measure = _note(t, zh, en, saturation)
        notes.append({"theme": theme, "note_zh": nz, "note_en": ne, "rho": rho, "measure": measure})
    quote_df = pd.concat(quotes, ignore_index=True)[["theme", "code", "interview_id", "role", "text"]]
    return JointDisplay(
        table=pd.concat(tables, ignore_index=True), quotes=quote_df,
        notes=pd.DataFrame(notes).set_index("theme"), themes=themes,
        construct_map={t: construct_map[t] for t in themes}, code_map={t: code_map[t] for t in themes},
        excluded=excluded,
    )
