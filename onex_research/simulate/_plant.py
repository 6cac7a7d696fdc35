"""Plant known dirt into simulated answers and keep the books (used by ``survey.simulate_study``).

Every planted reason becomes one row of ``SurveyStudy.dirty`` (``序号, rule, item,
value, detail``); the groups of respondents given each rule are disjoint, drawn from
one permutation of the respondents. Only side effects (a random-answering speeder or
a straight-liner who also misses the attention item) add a second reason to a row;
their ``detail`` starts with ``incidental``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._study import PLANT_ORDER, SurveyStudy

_IP_POOL = (  # (first two octets, region, weight): a study run from Jiangxi
    ("117.136", "江西-南昌", 30), ("223.104", "江西-赣州", 12), ("36.149", "江西-九江", 10),
    ("182.105", "江西-上饶", 8), ("59.52", "江西-宜春", 8), ("112.10", "广东-广州", 6),
    ("113.108", "广东-深圳", 5), ("120.229", "山东-济南", 4), ("221.226", "江苏-南京", 4),
    ("183.94", "湖南-长沙", 5), ("171.43", "湖北-武汉", 4), ("125.70", "四川-成都", 4),
)
_SOURCES = (("手机提交", "N/A", 0.5), ("微信", "N/A", 0.35), ("链接", "直接访问", 0.15))
_OOR_VALUES, _OOR_P = (0, 6, 9, 55), (0.3, 0.35, 0.2, 0.15)

README = [
    "truth.json: the truth behind a study simulated by onex_research.simulate.simulate_study.",
    "seed, n (respondents), n_rows (export rows = n + planted duplicates), rates (DirtRates), planted_counts "
    "(respondents per rule; duplicate = extra rows), row_counts (rows carrying each rule, incidental included).",
    "dirty_rows: rule -> sorted 序号 of the rows carrying it; truth_dirty.csv has one row per reason "
    "(序号, rule, item, value, detail). Exclusion rules: speeder, straightliner, attention, duplicate, "
    "missing, out_of_range (a cell fix); partial_skip and pii are information.",
    "duplicate: value = 序号 of the original (the earlier submission); the later row is the duplicate.",
    "out_of_range / partial_skip: one row per cell (item, value). pii: one row per piece (value = the "
    "text planted in the free-text item; detail = name | phone | qq | wechat).",
    "Model: predictors ~ N(role shift, factor_correlations); outcome = sum(structural_paths * predictors) + "
    "N(0, residual_variances); item x* = raw_loading * factor + sqrt(1 - loading^2) * e; code = 1 + #(x* > "
    "thresholds). loading is on the reverse-keyed metric (positive); raw_loading = -loading for reverse items.",
    "population_score_regression: per outcome, OLS b and standardized beta of the outcome scale score (mean "
    "of its items after reverse keying, k + 1 - code) on the predictor scale scores, intercept included, in a "
    "clean draw of n respondents seeded SeedSequence([seed, 1]); the estimand of a regression on clean data.",
    "population_item_loadings: corr(keyed item code, its latent factor) in the same clean draw: the attenuated "
    "standardized loading that a CFA of the discretised items approaches (loading itself is on the latent metric).",
    "time: 所用时间 of careful respondents ~ lognormal(median, sigma) truncated below at floor x median; "
    "speeders ~ uniform(speeder_range) x median.",
]


def _ips(rng, size):
    w = np.array([p[2] for p in _IP_POOL], float)
    pick = rng.choice(len(_IP_POOL), size=size, p=w / w.sum())
    a, b = rng.integers(0, 256, size), rng.integers(1, 255, size)
    return np.array([f"{_IP_POOL[i][0]}.{x}.{y}({_IP_POOL[i][1]})" for i, x, y in zip(pick, a, b)], dtype=object)


def _sources(rng, size):
    p = np.array([s[2] for s in _SOURCES])
    pick = rng.choice(len(_SOURCES), size=size, p=p)
    return (np.array([s[0] for s in _SOURCES], dtype=object)[pick],
            np.array([s[1] for s in _SOURCES], dtype=object)[pick])


def _timestamps(start, seconds):
    ts = pd.Timestamp(start) + pd.to_timedelta(np.rint(seconds).astype(np.int64), unit="s")
    ts = pd.DatetimeIndex(ts)
    return [f"{y}/{m}/{d} {h:02d}:{mi:02d}:{s:02d}"
            for y, m, d, h, mi, s in zip(ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second)]


def plant(ins, model, rng, *, rates, role, eta, codes, demo, text, seconds, submitted, start, seed):
    from ._model import SPEEDER_RANGE, TIME_FLOOR, TIME_MEDIAN, TIME_SIGMA
    from scipy.special import ndtr, ndtri

    n, m = codes.shape
    lik = model.likert
    kk = model.k
    L = codes.astype(float)
    it = ins.items
    order = list(it.index)
    att_items = ins.attention_items
    att = {a: np.full(n, int(it.at[a, "correct"])) for a in att_items}
    # number of Likert items before each attention item, in questionnaire order
    att_pos = {a: sum(1 for c in order[:order.index(a)] if c in set(lik)) for a in att_items}
    counts = rates.counts(n)
    perm = rng.permutation(n)
    groups, pos = {}, 0
    for rule in ("speeder", "straightliner", "attention", "missing", "partial_skip", "out_of_range", "pii"):
        groups[rule] = np.sort(perm[pos:pos + counts[rule]])
        pos += counts[rule]
    pool = perm[pos:]
    if counts["duplicate"] > len(pool):
        raise ValueError("simulate_study: not enough clean respondents to copy for the duplicates")
    rec = []  # (row key, rule, item, value, detail); row key = base index, or n + d for duplicate d

    def fail_attention(i, why):
        for a in att_items:
            correct = int(it.at[a, "correct"])
            if att[a][i] != correct:
                rec.append((i, "attention", a, str(int(att[a][i])), f"{why}; answered {int(att[a][i])}, correct is {correct}"))

    # speeders: answer at random, very fast
    for i in groups["speeder"]:
        L[i] = rng.integers(1, kk + 1)
        for a in att_items:
            k = ins.n_points(a)
            att[a][i] = int(it.at[a, "correct"]) if rng.random() < 0.5 else int(rng.integers(1, k + 1))
        seconds[i] = int(np.rint(rng.uniform(*SPEEDER_RANGE) * TIME_MEDIAN))
        rec.append((i, "speeder", "", str(int(seconds[i])),
                    f"{int(seconds[i])} s, {seconds[i] / TIME_MEDIAN:.2f} x the careful median {TIME_MEDIAN:.0f} s; answers at random"))
        fail_attention(i, "incidental: speeder answering at random")
    # straight-liners: one code on all Likert items, or on a run of >= 60% of them
    sl = groups["straightliner"]
    n_full = int(np.ceil(len(sl) / 2))
    for j, i in enumerate(sl):
        c = int(rng.choice(5, p=[0.1, 0.1, 0.3, 0.3, 0.2]) + 1)
        if j < n_full:
            s, run = 0, m
        else:
            run = int(np.ceil(rng.uniform(0.6, 0.85) * m))
            s = int(rng.integers(0, m - run + 1))
        L[i, s:s + run] = np.minimum(c, kk[s:s + run])
        for a in att_items:
            if s < att_pos[a] < s + run:
                att[a][i] = min(c, ins.n_points(a))
        where = f"all {m} Likert items" if run == m else f"a run of {run} of {m} Likert items ({lik[s]}..{lik[s + run - 1]})"
        rec.append((i, "straightliner", "", str(c), f"code {c} on {where}"))
        fail_attention(i, "incidental: straight-liner")
    # failed attention check, otherwise careful
    for i in groups["attention"]:
        for a in att_items:
            k, correct = ins.n_points(a), int(it.at[a, "correct"])
            wrong = [x for x in range(1, k + 1) if x != correct]
            att[a][i] = int(wrong[rng.integers(len(wrong))])
        fail_attention(i, "planted")
    # too many skips (> 30% of the Likert items)
    lo, hi = int(np.ceil(0.35 * m)), int(np.floor(0.6 * m))
    for i in groups["missing"]:
        k = int(rng.integers(lo, hi + 1))
        cols = rng.choice(m, size=k, replace=False)
        L[i, cols] = np.nan
        rec.append((i, "missing", "", str(k), f"skipped {k} of {m} Likert items ({k / m:.0%})"))
    # a few skips, not an exclusion
    for i in groups["partial_skip"]:
        for col in np.sort(rng.choice(m, size=int(rng.integers(1, 4)), replace=False)):
            L[i, col] = np.nan
            rec.append((i, "partial_skip", lik[col], "", "skipped"))
    # out-of-range codes, per cell
    for i in groups["out_of_range"]:
        for col in np.sort(rng.choice(m, size=int(rng.integers(1, 3)), replace=False)):
            v = int(rng.choice(_OOR_VALUES, p=_OOR_P))
            if 1 <= v <= kk[col]:
                v = 0
            rec.append((i, "out_of_range", lik[col], str(v), f"code {v} outside 1..{kk[col]} (careful answer {int(L[i, col])})"))
            L[i, col] = v
    # personal information in the free text
    text_item = next(iter(text), None)
    if text_item is not None:
        from ._respondents import PII_TEMPLATES, pii_piece
        for j, i in enumerate(groups["pii"]):
            template, kinds = PII_TEMPLATES[j % len(PII_TEMPLATES)]
            pieces = {kind: pii_piece(kind, rng) for kind in kinds}
            text[text_item][i] = template.format(**pieces)
            for kind in kinds:
                rec.append((i, "pii", text_item, pieces[kind], kind))

    # metadata of the base respondents
    ip = _ips(rng, n)
    source, source_detail = _sources(rng, n)

    # duplicates: later submissions copying an earlier careful respondent
    d = counts["duplicate"]
    orig = rng.choice(pool, size=d, replace=False)
    n_exact = int(np.ceil(d / 2))
    Ld = L[orig].copy()
    changes = []
    for j in range(n_exact, d):
        r = int(rng.integers(1, 3))
        cols = np.sort(rng.choice(m, size=r, replace=False))
        moved = []
        for col in cols:
            old = Ld[j, col]
            step = 1 if rng.random() < 0.5 else -1
            if not 1 <= old + step <= kk[col]:
                step = -step
            Ld[j, col] = old + step
            moved.append(f"{lik[col]} {int(old)}->{int(old + step)}")
        changes.append(", ".join(moved))
    u = rng.uniform(ndtr(np.log(TIME_FLOOR) / TIME_SIGMA), 1, d)
    sec_d = np.rint(TIME_MEDIAN * np.exp(TIME_SIGMA * ndtri(u))).astype(int)
    sub_d = submitted[orig] + rng.uniform(120, 2 * 86400, d)
    ip_d = np.where(np.arange(d) < n_exact, _ips(rng, d), ip[orig])
    src_d, det_d = _sources(rng, d)

    # stack base + duplicates and sort by submission time -> 序号
    base_and_dup = np.concatenate([np.arange(n), orig])
    sub_all = np.concatenate([submitted, sub_d])
    rank = np.argsort(sub_all, kind="stable")
    seq_of = np.empty(n + d, int)
    seq_of[rank] = np.arange(1, n + d + 1)
    for j in range(d):
        key = n + j
        o = int(seq_of[orig[j]])
        if j < n_exact:
            detail = f"exact copy of 序号 {o} (same answers, another IP)"
        else:
            detail = f"same IP as 序号 {o}; changed {changes[j - n_exact]}"
        rec.append((key, "duplicate", "", str(o), detail))

    L_all = np.vstack([L, Ld])[rank]
    src_idx = base_and_dup[rank]
    seq = pd.Index(np.arange(1, n + d + 1), name="序号")
    cols = {}
    for code in order:
        typ = it.at[code, "type"]
        if typ == "likert":
            v = L_all[:, lik.index(code)]
        elif typ == "attention":
            v = att[code][src_idx].astype(float)
        elif typ == "text":
            cols[code] = pd.array(text[code][src_idx].tolist(), dtype="str")
            continue
        elif typ == "multi":
            k = ins.n_points(code)
            uniq, inv = np.unique(demo[code][src_idx], return_inverse=True)
            table = np.array([multi_join(mask, k) for mask in uniq], dtype=object)
            cols[code] = pd.array(table[inv].tolist(), dtype="str")
            continue
        else:
            v = demo[code][src_idx].astype(float) if code in demo else np.full(n + d, np.nan)
        gap = np.isnan(v)
        cols[code] = pd.arrays.IntegerArray(np.where(gap, 0, v).astype(np.int64), gap)
    responses = pd.DataFrame(cols, index=seq)
    meta = pd.DataFrame({
        "submitted": _timestamps(start, sub_all[rank]),
        "seconds": np.concatenate([seconds, sec_d])[rank],
        "source": np.concatenate([source, src_d])[rank],
        "source_detail": np.concatenate([source_detail, det_d])[rank],
        "ip": np.concatenate([ip, ip_d])[rank],
    }, index=seq)
    for c in ("source", "source_detail", "ip", "submitted"):
        meta[c] = meta[c].astype("str")
    copy_of = np.full(n + d, -1)
    copy_of[seq_of[n:] - 1] = seq_of[orig]
    latent = pd.DataFrame(eta[src_idx], index=seq, columns=model.predictors + model.outcomes)
    latent.insert(0, "copy_of", pd.array(np.where(copy_of < 0, None, copy_of).tolist(), dtype="Int64"))
    latent.insert(0, "role", pd.array(np.array(model.roles, dtype=object)[role[src_idx]].tolist(), dtype="str"))

    dirty = pd.DataFrame(rec, columns=["key", "rule", "item", "value", "detail"])
    dirty.insert(0, "序号", seq_of[dirty["key"].to_numpy(int)])
    dirty = dirty.drop(columns="key")
    rule_order = {r: i for i, r in enumerate(("speeder", "straightliner", "attention", "duplicate", "missing",
                                              "out_of_range", "partial_skip", "pii"))}
    dirty = (dirty.assign(_r=dirty["rule"].map(rule_order)).sort_values(["序号", "_r"], kind="stable")
             .drop(columns="_r").reset_index(drop=True))
    for c in ("rule", "item", "value", "detail"):
        dirty[c] = dirty[c].astype("str")

    planted = {r: int(len(groups[r])) for r in groups}
    planted["duplicate"] = d
    truth = {
        "_readme": README,
        "generator": "onex_research.simulate.simulate_study",
        "instrument": ins.name,
        "seed": int(seed), "n": int(n), "n_rows": int(n + d),
        "rates": rates.to_dict(),
        "planted_counts": planted,
        "row_counts": {r: int(dirty.loc[dirty["rule"] == r, "序号"].nunique()) for r in rule_order},
        "exclusion_rules": list(PLANT_ORDER),
        "dirty_rows": {r: sorted(int(x) for x in set(dirty.loc[dirty["rule"] == r, "序号"])) for r in rule_order},
        "predictors": list(model.predictors), "outcomes": list(model.outcomes),
        "factor_correlations": {a: {b: float(model.phi[i, j]) for j, b in enumerate(model.predictors)}
                                for i, a in enumerate(model.predictors)},
        "structural_paths": {o: {p: float(model.gamma[i, j]) for j, p in enumerate(model.predictors)}
                             for i, o in enumerate(model.outcomes)},
        "residual_variances": {o: float(model.psi[i]) for i, o in enumerate(model.outcomes)},
        "role_probabilities": {r: round(float(p), 6) for r, p in zip(model.roles, model.role_p)},
        "role_mean_shifts": {r: {f: float(model.shifts[i, j]) for j, f in enumerate(model.predictors)
                                 if model.shifts[i, j]} for i, r in enumerate(model.roles)},
        "loadings": {c: {"construct": it.at[c, "construct"], "loading": float(model.loading[j]),
                         "raw_loading": float(model.loading[j] * model.sign[j]), "reverse": bool(model.sign[j] < 0)}
                     for j, c in enumerate(lik)},
        "thresholds": {str(int(k)): [float(t) for t in model.thresholds[list(kk).index(k)][:k - 1]]
                       for k in sorted(set(int(x) for x in kk))},
        "attention": {a: int(it.at[a, "correct"]) for a in att_items},
        "time": {"median": TIME_MEDIAN, "sigma": TIME_SIGMA, "floor": TIME_FLOOR,
                 "speeder_range": list(SPEEDER_RANGE), "unit": "seconds"},
        "careful_respondents": [
            "answer every attention item correctly",
            f"longest run of identical Likert answers < {int(np.ceil(0.5 * m))} of {m}, non-zero variance",
            f"所用时间 >= {TIME_FLOOR} x {TIME_MEDIAN:.0f} s",
        ],
    }
    return SurveyStudy(instrument=ins, responses=responses, meta=meta, latent=latent, dirty=dirty, truth=truth)


def multi_join(mask, k, sep="┋"):
    """Codes of the options set in bit mask ``mask`` joined with ``sep`` (``0b101`` -> ``1┋3``)."""
    return sep.join(str(b + 1) for b in range(k) if mask >> b & 1)
