"""Reading a topic model: prevalence by group, intertopic map, topics -> codes, recovery."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon

from ..plotting.fonts import cjk_font_family as _font_family
from ..plotting.fonts import use_cjk_font as _cjk_font
from .topics import TopicResult, matched_cosine

__all__ = ["topic_prevalence", "intertopic_map", "plot_intertopic_map", "plot_prevalence",
           "topics_to_codes", "topic_recovery", "TopicRecovery"]



def topic_prevalence(result: TopicResult, groups, *, clusters=None, n_boot=1000, seed=0,
                     level=0.95) -> pd.DataFrame:
    """Mean topic share by group, with a cluster-bootstrap confidence interval.

    Parameters
    ----------
    result : TopicResult
    groups : array-like
        Group of each document (e.g. the turn's role), aligned with ``doc_topics``.
    clusters : array-like, optional
        Interview of each document: the bootstrap resamples whole interviews within
        each group (turns of one interview are not independent). Default: documents.
    n_boot : int, default 1000
    seed : int, default 0
    level : float, default 0.95

    Returns
    -------
    DataFrame
        ``group, topic, prevalence, ci_low, ci_high, n`` (documents),
        ``n_clusters``; percentile intervals.
    """
    W = result.doc_topics.to_numpy()
    groups = np.asarray(groups, dtype=object)
    clusters = np.arange(len(W)) if clusters is None else np.asarray(clusters, dtype=object)
    if len(groups) != len(W) or len(clusters) != len(W):
        raise ValueError(f"groups/clusters must have one entry per document ({len(W)})")
    rng = np.random.default_rng(seed)
    a = (1 - level) / 2
    rows = []
    for g in sorted(pd.unique(groups), key=str):
        m = groups == g
        Wg, cg = W[m], clusters[m]
        ids, inv = np.unique(cg.astype(str), return_inverse=True)
        sums = np.zeros((len(ids), W.shape[1]))
        np.add.at(sums, inv, Wg)
        counts = np.bincount(inv, minlength=len(ids)).astype(float)
        draws = rng.integers(0, len(ids), size=(n_boot, len(ids)))
        boot = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)[:, None]
        lo, hi = np.quantile(boot, [a, 1 - a], axis=0)
        est = Wg.mean(axis=0)
        for j, t in enumerate(result.doc_topics.columns):
            rows.append({"group": g, "topic": t, "prevalence": est[j], "ci_low": lo[j], "ci_high": hi[j],
                         "n": int(m.sum()), "n_clusters": len(ids)})
    return pd.DataFrame(rows)


def plot_prevalence(prevalence: pd.DataFrame, *, labels=None, ax=None):
    """Dot-and-interval plot of :func:`topic_prevalence`; returns the Figure."""
    import matplotlib.pyplot as plt

    _cjk_font()

    groups = list(pd.unique(prevalence["group"]))
    topics = list(pd.unique(prevalence["topic"]))
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(topics) + 1.5))
    else:
        fig = ax.figure
    width = 0.8 / max(len(groups), 1)
    for i, g in enumerate(groups):
        d = prevalence[prevalence["group"] == g].set_index("topic").reindex(topics)
        y = np.arange(len(topics)) + (i - (len(groups) - 1) / 2) * width
        ax.errorbar(d["prevalence"], y, xerr=[d["prevalence"] - d["ci_low"], d["ci_high"] - d["prevalence"]],
                    fmt="o", capsize=2, label=str(g))
    ax.set_yticks(range(len(topics)))
    ax.set_yticklabels([f"T{t} {labels.get(t, '')}" if labels is not None else f"T{t}" for t in topics],
                       fontfamily=_font_family())
    ax.set_xlabel("topic prevalence 主题占比 (95% CI)")
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def intertopic_map(result: TopicResult) -> pd.DataFrame:
    """Intertopic distances (Jensen-Shannon) embedded in 2-D by classical MDS.

    Returns
    -------
    DataFrame
        ``topic, x, y, prevalence`` (mean document share), ``label`` (top 3 words).

    Notes
    -----
    D_ij = Jensen-Shannon distance (base 2) between topic-word distributions; classical
    (Torgerson) MDS: B = -1/2 J D^2 J, coordinates = top two eigenvectors scaled by the
    square roots of their eigenvalues, signs fixed so that the largest-|x| topic has
    x > 0. This is the layout of LDAvis (Sievert & Shirley 2014) without pyLDAvis.
    """
    H = result.topic_word.to_numpy()
    k = H.shape[0]
    D = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            D[i, j] = D[j, i] = jensenshannon(H[i], H[j], base=2)
    J = np.eye(k) - 1.0 / k
    B = -0.5 * J @ (D ** 2) @ J
    vals, vecs = np.linalg.eigh(B)
    order = np.argsort(vals)[::-1][:2]
    coords = vecs[:, order] * np.sqrt(np.clip(vals[order], 0, None))
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(k)])
    for c in range(2):
        j = np.argmax(np.abs(coords[:, c]))
        if coords[j, c] < 0:
            coords[:, c] *= -1
    labels = result.labels(3)
    return pd.DataFrame({"topic": result.topic_word.index, "x": coords[:, 0], "y": coords[:, 1],
                         "prevalence": result.doc_topics.mean(axis=0).to_numpy(),
                         "label": labels.reindex(result.topic_word.index).to_numpy()})


def plot_intertopic_map(result_or_map, *, ax=None):
    """Bubble plot of :func:`intertopic_map` (area ~ prevalence); returns the Figure."""
    import matplotlib.pyplot as plt

    _cjk_font()

    m = intertopic_map(result_or_map) if isinstance(result_or_map, TopicResult) else result_or_map
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 6))
    else:
        fig = ax.figure
    ax.scatter(m["x"], m["y"], s=4000 * m["prevalence"] + 50, alpha=0.35, color="#3182bd", edgecolor="k")
    for row in m.itertuples(index=False):
        ax.annotate(f"T{row.topic}\n{row.label}", (row.x, row.y), ha="center", va="center", fontsize=8,
                    fontfamily=_font_family())
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("MDS 1 (Jensen-Shannon)")
    ax.set_ylabel("MDS 2")
    pad = 0.15 * max(np.ptp(m["x"]), np.ptp(m["y"]), 0.1)
    ax.set_xlim(m["x"].min() - pad, m["x"].max() + pad)
    ax.set_ylim(m["y"].min() - pad, m["y"].max() + pad)
    fig.tight_layout()
    return fig


def topics_to_codes(result: TopicResult, frame, *, top_n=30) -> pd.DataFrame:
    """Map topics to codes by the overlap of top words and code keywords.

    A topic's score for a code is the summed weight of its ``top_n`` words that
    contain a keyword of the code (``合作企业`` contains ``企业``) or are contained in one
    (``补贴`` in ``政府补贴``). Scores are divided by the topic's summed top-word weight.

    Returns
    -------
    DataFrame
        ``topic, code, label_zh, score, words`` (the matching words), ``best`` (the
        highest-scoring code of the topic, if its score > 0); sorted by topic, score.
    """
    tw = result.top_words[result.top_words["rank"] <= top_n]
    rows = []
    for t, d in tw.groupby("topic"):
        total = d["weight"].sum() or 1.0
        for c in frame.codes:
            keys = [k for k in c.keywords if k]
            hit = [(w, wt) for w, wt in zip(d["word"], d["weight"])
                   if any(k in w or (len(w) >= 2 and w in k) for k in keys)]
            rows.append({"topic": t, "code": c.name, "label_zh": c.label_zh,
                         "score": sum(wt for _, wt in hit) / total, "words": "、".join(w for w, _ in hit)})
    out = pd.DataFrame(rows).sort_values(["topic", "score"], ascending=[True, False], kind="stable")
    first = ~out["topic"].duplicated()
    out["best"] = first & (out["score"] > 0)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class TopicRecovery:
    """Hungarian matching of fitted to true topics: ``pairs`` and ``mean_cosine``."""

    pairs: pd.DataFrame
    mean_cosine: float

    def to_frame(self):
        return self.pairs


def topic_recovery(result: TopicResult, true_topic_word) -> TopicRecovery:
    """How well fitted topics recover the true topic-word distributions.

    Parameters
    ----------
    result : TopicResult
    true_topic_word : DataFrame
        True topics x words (rows: distributions). Words the model dropped (rare ones,
        below ``min_df``) count as zero in the fitted topics.

    Returns
    -------
    TopicRecovery
        ``pairs``: ``true_topic, topic, cosine``; ``mean_cosine`` over the matched
        pairs (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``, on cosine
        similarity).
    """
    truth = pd.DataFrame(true_topic_word)
    vocab = truth.columns.union(result.topic_word.columns)
    T = truth.reindex(columns=vocab, fill_value=0.0).to_numpy(float)
    F = result.topic_word.reindex(columns=vocab, fill_value=0.0).to_numpy(float)
    r, c, cos = matched_cosine(T, F)
    pairs = pd.DataFrame({"true_topic": truth.index[r], "topic": result.topic_word.index[c], "cosine": cos})
    return TopicRecovery(pairs=pairs, mean_cosine=float(cos.mean()))
