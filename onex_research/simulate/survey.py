"""Simulate a whole 1+X survey study from a known truth and a seed.

``simulate_study(instrument, n=600, seed=20240512)`` draws respondents from a
latent-variable model, plants known dirt at known rates and returns a
:class:`SurveyStudy`; ``write_study(study, folder)`` writes it as a Wenjuanxin (问卷星)
export plus its truth. The default study in ``surveys/default_study/`` is made by
``scripts/make_default_study.py``.

The model
---------
* 10 predictor factors (``recognition, demand, motivation, enterprise_drive,
  government, execution, resources, quality, teachers, cooperation``) are normal with
  unit variance, correlations 0.2-0.5 (``factor_correlations``) and role mean shifts
  (``role_mean_shifts``; roles 学生 60%, 教师 20%, 管理人员 10%, 企业人员 10%).
* The outcomes ``effectiveness`` and ``intention`` are ``sum(paths * predictors) +
  residual`` (``structural_paths``, ``residual_variances``; the residual variance makes
  the outcome's variance 1 before role shifts).
* Item ``j`` of factor ``f``: ``x*_j = raw_loading_j * eta_f + sqrt(1 - loading_j**2) * e_j``
  with ``raw_loading = -loading`` for reverse-keyed items; the answer code is
  ``1 + #(x*_j > thresholds)``. Loadings are drawn from U(0.6, 0.85), U(0.7, 0.85) for
  factors with only three items (two decimals).

Files of a study (``write_study``)
----------------------------------
``wjx_text.xlsx``
    按选项文本 export: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, then one column
    per item headed ``instrument.header(item)``; skipped = ``(跳过)``; multi-select
    labels joined with ``┋``; an out-of-range code is the bare number string (``6``).
``wjx_codes.csv``
    按序号 export, GBK, CRLF: the same with codes; skipped = ``-3``; multi ``1┋3``.
``truth.json``
    Everything planted; ``_readme`` explains the keys. ``population_score_regression``
    holds, per outcome, the OLS ``b`` and ``beta`` of the outcome scale score (mean of
    its items after reverse keying) on the 10 predictor scale scores in a very large
    clean draw: the estimand of an n = 600 regression. ``population_item_loadings``:
    each keyed item's correlation with its latent factor in the same draw, what the
    standardized loading of a CFA on the discretised (Pearson-correlated) items is near.
``truth_dirty.csv``
    ``序号, rule, item, value, detail``: one row per planted reason (per cell for
    ``out_of_range`` and ``partial_skip``; per piece of personal information for ``pii``).
    Rules: ``speeder, straightliner, attention, duplicate, missing, out_of_range``
    (exclusions or cell fixes) and ``partial_skip, pii`` (information). ``detail``
    starts with ``incidental`` when the reason is a side effect of another planted
    rule (a random-answering speeder who also fails the attention check).
``truth_latent.csv``
    ``序号, role, copy_of`` and the 12 latent factor scores of each row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ..instrument import Instrument
from ..survey.rules import longest_run as _longest_run
from ._study import DEFAULT_SEED, DIRT_RULES, PLANT_ORDER, DirtRates, SurveyStudy
from ._model import (PREDICTORS, ROLE_MEAN_SHIFTS, ROLE_PROBABILITIES, SPEEDER_RANGE, THRESHOLDS_5,  # noqa: F401
                     TIME_FLOOR, TIME_MEDIAN, TIME_SIGMA, _build_model, _discretise, _draw, _population)
from ._respondents import demographics as _demographics, suggestions as _suggestions
from ._wjx import (WJX_META_HEADERS, MULTI_SEP, SKIP_CODE, SKIP_TEXT, export_wenjuanxin, read_truth,
                   read_truth_dirty, truth_loadings, write_study, write_wenjuanxin)

__all__ = ["DEFAULT_SEED", "DIRT_RULES", "PLANT_ORDER", "WJX_META_HEADERS", "MULTI_SEP",
           "SKIP_CODE", "SKIP_TEXT", "DirtRates", "SurveyStudy", "simulate_study",
           "export_wenjuanxin", "write_wenjuanxin", "write_study", "extend_instrument",
           "truth_loadings", "read_truth", "read_truth_dirty"]

# -- the study -------------------------------------------------------------------
def extend_instrument(instrument: Instrument, n_extra: int) -> Instrument:
    """A copy of ``instrument`` with ``n_extra`` filler Likert items (for benchmarks).

    The fillers form one new matrix question after the last one (codes ``x01, x02, ...``)
    and are spread round-robin over the constructs, so they load on the latent factors.
    """
    it = instrument.items
    if n_extra < 0:
        raise ValueError(f"extend_instrument: n_extra must be >= 0, got {n_extra}")
    lik = it[it["type"] == "likert"]
    if lik.empty:
        raise ValueError(f"extend_instrument: {instrument.name} has no Likert item to copy the scale from")
    q = int(it["question"].max()) + 1
    cons = list(instrument.constructs.index)
    rows = []
    for i in range(1, n_extra + 1):
        c = cons[(i - 1) % len(cons)]
        label = instrument.constructs.at[c, "label_zh"]
        rows.append({"code": f"x{i:02d}", "question": q, "sub": f"补充题{i}：关于{label}的陈述",
                     "text_zh": f"补充题{i}：关于{label}的陈述", "text_en": f"Filler item {i} ({c})",
                     "construct": c, "scale": lik["scale"].iloc[0], "reverse": False,
                     "type": "likert", "correct": None})
    extra = pd.DataFrame(rows, dtype=object).set_index("code") if rows else it.iloc[:0]
    items = pd.concat([it, extra])
    items["question"] = items["question"].astype(int)
    items["reverse"] = items["reverse"].astype(bool)
    return Instrument(name=f"{instrument.name}+{n_extra}", title_zh=instrument.title_zh,
                      title_en=instrument.title_en, scales=instrument.scales,
                      constructs=instrument.constructs, items=items, path=None, meta=dict(instrument.meta))


def simulate_study(instrument: Instrument, *, n: int = 600, seed: int = DEFAULT_SEED,
                   rates: DirtRates | None = None, population_n: int = 200_000,
                   start: str = "2024-05-12 08:00:00", days: float = 14.0) -> SurveyStudy:
    """Draw a whole study from the latent-variable model and plant known dirt.

    Parameters
    ----------
    instrument : Instrument
        Any codebook; constructs with ``role: outcome`` are outcomes, the rest predictors.
    n : int, default 600
        Respondents before the planted duplicate rows are added.
    seed : int, default 20240512
        The same seed gives the same study. Three independent streams:
        ``SeedSequence([seed, 0])`` draws the model parameters (loadings), ``[seed, 2]``
        the respondents and their dirt, ``[seed, 1]`` the population draw; so the
        parameters do not change with ``n`` or ``rates``.
    rates : DirtRates, optional
        Planted dirt rates; ``DirtRates()`` when omitted.
    population_n : int, default 200000
        Size of the clean draw behind ``truth["population_score_regression"]`` (seeded
        with ``SeedSequence([seed, 1])``); 0 skips it (fast, for benchmarks).
    start, days
        Submissions are spread uniformly over ``days`` days from ``start``.

    Returns
    -------
    SurveyStudy
        ``.responses`` (item-coded answers as exported), ``.meta``, ``.latent``,
        ``.dirty`` (one row per planted reason) and ``.truth``.

    Notes
    -----
    The dirt groups are disjoint (see :class:`DirtRates`). Careful respondents answer
    the attention item correctly, take at least 0.45 x 420 s, and never give the same
    answer to half or more of the Likert items in a row, so that the cleaning defaults
    (time < median / 3, a run over 60% of the items, a wrong attention answer, > 30% of
    the Likert items skipped) separate them from the planted rows exactly.

    Examples
    --------
    >>> from onex_research.instrument import load_instrument
    >>> from onex_research.paths import DEFAULT_INSTRUMENT
    >>> study = simulate_study(load_instrument(DEFAULT_INSTRUMENT), n=600, seed=20240512)
    >>> study.summary()                                    # doctest: +SKIP
    >>> write_study(study, "surveys/default_study")        # doctest: +SKIP
    >>> big = simulate_study(extend_instrument(load_instrument(DEFAULT_INSTRUMENT), 16),
    ...                      n=100_000, seed=1, population_n=0)  # 60 Likert items, ~2 s
    """
    from ._plant import plant  # the dirt and the bookkeeping

    if not isinstance(instrument, Instrument):
        raise TypeError(f"simulate_study: instrument must be an Instrument, got {type(instrument).__name__}")
    if not isinstance(n, (int, np.integer)) or n < 20:
        raise ValueError(f"simulate_study: n must be an integer >= 20, got {n!r}")
    rates = DirtRates() if rates is None else rates
    if not isinstance(rates, DirtRates):
        raise TypeError("simulate_study: rates must be a DirtRates")
    model = _build_model(instrument, np.random.default_rng(np.random.SeedSequence([seed, 0])))
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    role, eta, signal, sd = _draw(model, n, rng)
    codes = _discretise(signal + rng.standard_normal(signal.shape) * sd, model.thresholds)
    # careful respondents do not straight-line: redraw the (rare) long runs; with fewer
    # than 10 Likert items such runs are common and straight-lining is not identifiable
    limit = int(np.ceil(0.5 * len(model.likert)))
    for _ in range(50 if len(model.likert) >= 10 else 0):
        bad = np.flatnonzero((_longest_run(np.asarray(codes, dtype=float))[0] >= limit) | (codes.std(axis=1) == 0))
        if not len(bad):
            break
        codes[bad] = _discretise(signal[bad] + rng.standard_normal((len(bad), signal.shape[1])) * sd,
                                 model.thresholds)
    demo = _demographics(instrument, role, rng)
    text = {c: _suggestions(n, rng) for c in instrument.items.index[instrument.items["type"] == "text"]}
    u = rng.uniform(ndtr(np.log(TIME_FLOOR) / TIME_SIGMA), 1, n)
    seconds = np.rint(TIME_MEDIAN * np.exp(TIME_SIGMA * ndtri(u))).astype(int)
    submitted = np.sort(rng.uniform(0, days * 86400, n))
    study = plant(instrument, model, rng, rates=rates, role=role, eta=eta, codes=codes, demo=demo,
                  text=text, seconds=seconds, submitted=submitted, start=start, seed=seed)
    truth = study.truth
    if population_n:
        reg, item_r = _population(model, population_n, np.random.default_rng(np.random.SeedSequence([seed, 1])))
        truth["population_score_regression"] = {"n": population_n, "seed": [seed, 1], **reg}
        truth["population_item_loadings"] = item_r
    return study
