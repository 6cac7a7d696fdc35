"""Ordinary least squares with SPSS-style standardized coefficients and VIF, and
hierarchical (blockwise) regression with R² change."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

__all__ = ["ols", "OLSResult", "hierarchical", "HierarchicalResult", "term"]

_ROBUST = (None, "HC0", "HC1", "HC2", "HC3")
_FMT = {"float_format": lambda v: f"{v:.3f}"}


def term(data: pd.DataFrame, column: str) -> str:
    """Formula term for a column: ``Q("name")`` if the name is not a Python identifier,
    wrapped in ``C(...)`` if the column is not numeric (treatment dummies, first level
    as reference)."""
    if column not in data.columns:
        raise ValueError(f"column {column!r} not in data; data has {list(data.columns)[:30]}")
    name = column if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", column) else f'Q("{column}")'
    numeric = pd.api.types.is_numeric_dtype(data[column]) and not pd.api.types.is_bool_dtype(data[column])
    return name if numeric else f"C({name})"


def _unquote(name: str) -> str:
    """``Q("成效")`` -> ``成效`` in a term name (``C(Q("x"))[T.a]`` -> ``C(x)[T.a]``)."""
    return re.sub(r'Q\("((?:[^"\\]|\\.)*)"\)', r"\1", name)


@dataclass(frozen=True)
class OLSResult:
    """Result of :func:`ols`; see there for the columns of ``table``."""

    table: pd.DataFrame
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_model: float
    df_resid: float
    n: int
    formula: str
    robust: str | None
    excluded: pd.Index
    model: object = field(repr=False, compare=False)

    @property
    def fvalue(self) -> float:
        return self.f

    @property
    def fit(self) -> pd.Series:
        """The model summary: ``n, r2, adj_r2, f, df1, df2, p``."""
        return pd.Series({"n": self.n, "r2": self.r2, "adj_r2": self.adj_r2, "f": self.f,
                          "df1": self.df_model, "df2": self.df_resid, "p": self.f_p}, name=self.formula)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def gvif(self) -> pd.DataFrame:
        """Generalized VIF of each predictor (Fox & Monette, 1992), as ``car::vif``.

        Indexed by ``term``, the predictor as entered (a factor is one row, named by its
        column, not by its dummies), with ``gvif``, ``dof`` (its number of coefficients)
        and ``gvif_adj`` = GVIF^(1/(2·dof)), comparable across predictors with different dof.
        For a one-coefficient predictor GVIF is the ordinary VIF.

        Notes
        -----
        With R the correlation matrix of the design columns (intercept left out), and a
        predictor's columns ``i``, GVIF = det(R_ii)·det(R_jj)/det(R), j the other columns.

        Examples
        --------
        >>> ols(mtcars, "mpg ~ wt + C(cyl)").gvif  # doctest: +SKIP
        # R: car::vif(lm(mpg ~ wt + factor(cyl), mtcars))
        """
        return _gvif(self.model)

    def _repr_html_(self) -> str:
        head = (f"<p>OLS <code>{self.formula}</code>{' (' + self.robust + ' SE)' if self.robust else ''}: "
                f"n = {self.n}, R² = {self.r2:.3f}, adj. R² = {self.adj_r2:.3f}, "
                f"F({self.df_model:g}, {self.df_resid:g}) = {self.f:.3f}, p = {self.f_p:.3g}</p>")
        return head + self.table.to_html(**_FMT)


def _vif(X: np.ndarray, names: list[str]) -> np.ndarray:
    """VIF of each design column: 1/(1 − R²_j), R²_j from that column on the others
    (with intercept) = diagonal of the inverse correlation matrix."""
    out = np.full(len(names), np.nan)
    cols = [j for j, nm in enumerate(names) if nm != "Intercept" and np.std(X[:, j]) > 0]
    if len(cols) == 1:
        out[cols] = 1.0
    elif len(cols) > 1:
        R = np.corrcoef(X[:, cols], rowvar=False)
        try:
            out[cols] = np.diag(np.linalg.inv(R))
        except np.linalg.LinAlgError:
            out[cols] = np.inf
    return out


def _term_column(name: str) -> str:
    """patsy term -> the predictor as entered: ``C(role)`` -> ``role``, ``C(Q("成效"))`` -> ``成效``."""
    name = _unquote(name)
    m = re.fullmatch(r"C\((.+)\)", name)
    return m.group(1) if m else name


def _gvif(fit) -> pd.DataFrame:
    info = getattr(fit.model.data, "model_spec", None) or getattr(fit.model.data, "design_info", None)
    if info is None:
        raise ValueError("gvif needs a model fitted from a formula")
    names = list(fit.model.exog_names)
    keep = [j for j, nm in enumerate(names) if nm != "Intercept"]
    X = np.asarray(fit.model.exog)[:, keep]
    R = np.corrcoef(X, rowvar=False).reshape(len(keep), len(keep))
    det_all = np.linalg.det(R)
    rows = {}
    for term_name, sl in info.term_name_slices.items():
        cols = [keep.index(j) for j in range(sl.start, sl.stop) if j in keep]
        if not cols:
            continue
        rest = [j for j in range(len(keep)) if j not in cols]
        det_rest = np.linalg.det(R[np.ix_(rest, rest)]) if rest else 1.0
        g = np.linalg.det(R[np.ix_(cols, cols)]) * det_rest / det_all if det_all > 0 else np.inf
        rows[_term_column(term_name)] = {"gvif": g, "dof": len(cols), "gvif_adj": g ** (1 / (2 * len(cols)))}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["gvif", "dof", "gvif_adj"])
    out.index.name = "term"
    return out


def ols(data: pd.DataFrame, formula: str, *, robust: str | None = None, level: float = 0.95) -> OLSResult:
    """Ordinary least squares on a statsmodels formula, with standardized beta and VIF.

    Parameters
    ----------
    data : DataFrame
        One row per respondent. Rows with a missing value in a formula variable are
        dropped (as R's ``na.omit``); a warning says how many, ``result.excluded`` lists them.
    formula : str
        statsmodels/patsy formula, e.g. ``"effectiveness ~ recognition + C(role)"``.
        Non-numeric columns become treatment dummies (first level as reference).
    robust : {None, "HC0", "HC1", "HC2", "HC3"}, keyword-only
        Heteroskedasticity-consistent covariance (``sandwich::vcovHC(type=...)``); t tests
        and CIs keep the residual df, and ``f`` becomes the robust Wald F
        (``car::linearHypothesis(fit, ..., vcov. = vcovHC(fit, "HC3"))``). Default None.
    level : float, keyword-only
        Confidence level of ``ci_low, ci_high`` (default 0.95).

    Returns
    -------
    OLSResult
        ``table`` indexed by ``term`` (statsmodels' names, ``Intercept`` first, with any
        ``Q("...")`` quoting removed, so a column's own name indexes its row) with
        ``b, se, beta, t, p, ci_low, ci_high, vif``; ``r2, adj_r2, f, f_p`` (also
        ``fvalue``), ``df_model, df_resid, n``; ``model`` is the statsmodels results object.

    Notes
    -----
    ``beta`` is SPSS's standardized coefficient b·sd(x)/sd(y), with x the column of the
    design matrix: for a dummy it is the dummy's own SD (as SPSS with dummies entered as
    variables); for an interaction it is the SD of the product column (not the product of
    standardized variables). NaN for the intercept.
    ``vif`` = 1/(1 − R²_j) of each design column on the others; for numeric predictors this
    equals ``car::vif``; for a factor with more than two levels car reports one generalized
    VIF instead, whereas this gives one VIF per dummy: use ``result.gvif`` for car's table.
    NaN for the intercept.

    Examples
    --------
    >>> res = ols(mtcars, "mpg ~ wt + hp + qsec")            # doctest: +SKIP
    # R: summary(lm(mpg ~ wt + hp + qsec, mtcars)); car::vif(...)
    >>> ols(mtcars, "mpg ~ wt + hp + qsec", robust="HC3")    # doctest: +SKIP
    # R: lmtest::coeftest(fit, vcov = sandwich::vcovHC(fit, type = "HC3"))
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if robust not in _ROBUST:
        raise ValueError(f"robust must be one of {_ROBUST}, got {robust!r}")
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"formula must look like 'y ~ x1 + x2', got {formula!r}")
    try:
        model = smf.ols(formula, data=data, missing="drop")
    except Exception as err:  # patsy/formulaic raise many types; name the formula
        raise ValueError(f"ols: cannot build the design for {formula!r}: {err}") from err
    kept = pd.Index(model.data.row_labels)
    excluded = data.index.difference(kept, sort=False)
    if len(excluded):
        warnings.warn(f"ols: dropped {len(excluded)} of {len(data)} rows with missing values in "
                      f"{formula!r}; their index is in result.excluded", UserWarning, stacklevel=2)
    fit = model.fit(cov_type=robust, use_t=True) if robust else model.fit()
    X, y, names = model.exog, model.endog, list(model.exog_names)
    if fit.df_resid <= 0:
        raise ValueError(f"ols: {int(fit.nobs)} complete rows for {len(names)} coefficients in {formula!r}")
    ci = fit.conf_int(alpha=1 - level)
    sd_y = np.std(y, ddof=1)
    beta = np.asarray(fit.params) * np.std(X, axis=0, ddof=1) / sd_y
    beta[[nm == "Intercept" for nm in names]] = np.nan
    table = pd.DataFrame({
        "b": fit.params.to_numpy(), "se": fit.bse.to_numpy(), "beta": beta,
        "t": fit.tvalues.to_numpy(), "p": fit.pvalues.to_numpy(),
        "ci_low": ci.iloc[:, 0].to_numpy(), "ci_high": ci.iloc[:, 1].to_numpy(),
        "vif": _vif(X, names)}, index=pd.Index([_unquote(nm) for nm in names], name="term"))
    f, f_p = (float(np.squeeze(fit.fvalue)), float(fit.f_pvalue)) if fit.df_model > 0 else (np.nan, np.nan)
    return OLSResult(table=table, r2=float(fit.rsquared), adj_r2=float(fit.rsquared_adj), f=f, f_p=f_p,
                     df_model=float(fit.df_model), df_resid=float(fit.df_resid), n=int(fit.nobs),
                     formula=formula, robust=robust, excluded=excluded, model=fit)


@dataclass(frozen=True)
class HierarchicalResult:
    """Result of :func:`hierarchical`."""

    fit: pd.DataFrame
    coefficients: pd.DataFrame
    steps: tuple
    excluded: pd.Index

    def to_frame(self) -> pd.DataFrame:
        return self.fit.copy()

    def format_models(self, stat: str = "beta", *, digits: int = 3, stars: bool = True) -> pd.DataFrame:
        """Models 1–k side by side, as a paper prints a hierarchical regression.

        Parameters
        ----------
        stat : {"beta", "b"}
            The coefficient in each cell: SPSS's standardized Beta or the unstandardized b.
        digits : int, keyword-only
            Decimals of every number.
        stars : bool, keyword-only
            Append ``*``/``**``/``***`` (:func:`onex_research.vocabulary.stars`) from the
            coefficient's p; the ``f`` row from the model's F test, the ``r2_change`` and
            ``f_change`` rows from the F-change test.

        Returns
        -------
        DataFrame of str
            One column per step (``1 … k``, named ``step``) and one row per term, in the
            order the terms entered (``Intercept`` first for ``b``; a standardized table has
            no intercept row; a term's cell is empty before its step), then the rows ``r2, adj_r2, r2_change,
            f, f_dof`` (the F test's df, "7, 520"), ``f_change``. Numbers are those of :attr:`coefficients` and :attr:`fit`.

        Examples
        --------
        >>> hierarchical(mtcars, "mpg", [["wt"], ["hp", "qsec"]]).format_models("b")  # doctest: +SKIP
        # R: summary(lm(mpg ~ wt)); summary(lm(mpg ~ wt + hp + qsec)); anova(m1, m2)
        """
        from ..vocabulary import stars as _stars

        if stat not in ("beta", "b"):
            raise ValueError(f"stat must be 'beta' or 'b', got {stat!r}")
        mark = _stars if stars else (lambda p: "")
        num = lambda v: "" if pd.isna(v) else f"{v:.{digits}f}"
        order = []
        for res in self.steps:
            order += [t for t in res.table.index if t not in order]
        order = (["Intercept"] if "Intercept" in order and stat == "b" else []) + [t for t in order if t != "Intercept"]
        cols = {}
        for k, res in enumerate(self.steps, start=1):
            fit = self.fit.loc[k]
            cell = {t: (num(res.table.at[t, stat]) + (mark(res.table.at[t, "p"])
                                                       if pd.notna(res.table.at[t, stat]) else ""))
                    if t in res.table.index else "" for t in order}
            cell.update({"r2": num(fit["r2"]), "adj_r2": num(fit["adj_r2"]),
                         "r2_change": num(fit["r2_change"]) + mark(fit["p_change"]),
                         "f": num(res.f) + mark(res.f_p), "f_dof": f"{res.df_model:g}, {res.df_resid:g}",
                         "f_change": num(fit["f_change"]) + mark(fit["p_change"])})
            cols[k] = cell
        out = pd.DataFrame(cols)
        out.columns.name = "step"
        out.index.name = "term"
        return out

    def _repr_html_(self) -> str:
        return ("<h4>Model summary (hierarchical regression)</h4>" + self.fit.to_html(**_FMT)
                + "<h5>Coefficients</h5>" + self.coefficients.to_html(**_FMT))


def hierarchical(data: pd.DataFrame, outcome: str, blocks: list, *, robust: str | None = None,
                 level: float = 0.95) -> HierarchicalResult:
    """Hierarchical (blockwise) regression with R² change, as SPSS's "Model Summary".

    Parameters
    ----------
    data : DataFrame
    outcome : str
        Column of the dependent variable.
    blocks : list of list of str
        Predictors entered at each step (a bare string is a one-predictor block); each is a column name (non-numeric columns become
        dummies via ``C()``) or a formula term such as ``"C(role)"`` or ``"x:w"``.
    robust : {None, "HC0", ..., "HC3"}, keyword-only
        Passed to :func:`ols` for the coefficient tables (R² change tests stay classical).
    level : float, keyword-only
        Confidence level of the coefficient CIs.

    Returns
    -------
    HierarchicalResult
        ``fit`` (the model summary) indexed by ``step`` with ``r2, adj_r2, r2_change, f_change, df1, df2,
        p_change, n, predictors``; ``coefficients``: long table with ``step, term`` and
        :func:`ols`'s columns; ``steps``: the :class:`OLSResult` of each step.

    Notes
    -----
    All steps use the same rows: those complete on the outcome and every predictor of
    every block (as SPSS's listwise default); the rows dropped are warned about and kept in
    ``excluded``. F change = (ΔR²/df1) / ((1 − R²_k)/df2), df1 = coefficients added,
    df2 = residual df of step k; step 1 is compared with the intercept-only model.

    Examples
    --------
    >>> hierarchical(mtcars, "mpg", [["wt"], ["hp", "qsec"]])   # doctest: +SKIP
    # R: anova(lm(mpg ~ wt, mtcars), lm(mpg ~ wt + hp + qsec, mtcars))
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    blocks = [[b] if isinstance(b, str) else list(b) for b in (blocks or [])]
    if not blocks or not all(blocks):
        raise ValueError("blocks must be a non-empty list of non-empty lists of predictors, "
                         "e.g. [['gender', 'role'], ['recognition', 'motivation']]")
    y_term = term(data, outcome)
    block_terms = [[term(data, v) if v in data.columns else v for v in block] for block in blocks]
    entries = [t for block in blocks for t in block]
    named = [t for t in entries if t in data.columns]
    terms_ = [t for t in entries if t not in data.columns]          # e.g. "C(role)", "x:w"
    used = [outcome] + [c for c in data.columns if c != outcome and (c in named or any(
        re.search(rf"(?<![\w]){re.escape(c)}(?![\w(])", t) for t in terms_))]
    complete = data[used].notna().all(axis=1)
    excluded = data.index[~complete]
    if len(excluded):
        warnings.warn(f"hierarchical: dropped {len(excluded)} of {len(data)} rows with missing "
                      f"values in {used} (listwise over all blocks)", UserWarning, stacklevel=2)
    sub = data.loc[complete, used]          # only the model columns: a column named "C" would shadow C()
    rows, coefs, steps, terms = [], [], [], []
    prev_r2, prev_df = 0.0, 0.0
    for k, block in enumerate(block_terms, start=1):
        terms += block
        res = ols(sub, f"{y_term} ~ " + " + ".join(terms), robust=robust, level=level)
        df1, df2 = res.df_model - prev_df, res.df_resid
        d_r2 = res.r2 - prev_r2
        f_ch = (d_r2 / df1) / ((1 - res.r2) / df2) if df1 > 0 else np.nan
        rows.append({"step": k, "r2": res.r2, "adj_r2": res.adj_r2, "r2_change": d_r2,
                     "f_change": f_ch, "df1": int(round(df1)), "df2": int(round(df2)),
                     "p_change": stats.f.sf(f_ch, df1, df2) if df1 > 0 else np.nan,
                     "n": res.n, "predictors": " + ".join(blocks[k - 1])})
        coefs.append(res.table.reset_index().assign(step=k))
        steps.append(res)
        prev_r2, prev_df = res.r2, res.df_model
    summary = pd.DataFrame(rows).set_index("step")
    coefficients = pd.concat(coefs, ignore_index=True)
    coefficients = coefficients[["step", "term"] + [c for c in coefficients.columns if c not in ("step", "term")]]
    return HierarchicalResult(fit=summary, coefficients=coefficients, steps=tuple(steps), excluded=excluded)
