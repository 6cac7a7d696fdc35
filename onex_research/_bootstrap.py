"""Bootstrap confidence intervals shared by the SEM engine and the regression effects (private)."""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["boot_interval", "BOOT_CI"]

#: interval types, with the words a table note uses for them
BOOT_CI = {"percentile": ("百分位 Bootstrap", "percentile bootstrap"),
           "bc": ("偏差校正 Bootstrap", "bias-corrected bootstrap"),
           "bca": ("偏差校正加速 Bootstrap（BCa）", "bias-corrected and accelerated (BCa) bootstrap")}


def boot_interval(draws, est, level, method, jack=None):
    """Percentile, bias-corrected (bc) or bias-corrected and accelerated (bca) interval of
    each column of ``draws`` (R quantile type 7)."""
    alpha = 1 - level
    lo, hi = np.empty(draws.shape[1]), np.empty(draws.shape[1])
    for k in range(draws.shape[1]):
        d = draws[:, k]
        d = d[np.isfinite(d)]
        a1, a2 = alpha / 2, 1 - alpha / 2
        if method in ("bc", "bca"):
            share = np.mean(d < est[k]) + 0.5 * np.mean(d == est[k])
            z0 = stats.norm.ppf(np.clip(share, 1 / (len(d) + 1), len(d) / (len(d) + 1)))
            acc = 0.0
            if method == "bca":
                j = jack[:, k]
                dev = j.mean() - j
                den = 6 * np.sum(dev ** 2) ** 1.5
                acc = np.sum(dev ** 3) / den if den > 0 else 0.0
            za, zb = stats.norm.ppf(a1), stats.norm.ppf(a2)
            a1 = stats.norm.cdf(z0 + (z0 + za) / (1 - acc * (z0 + za)))
            a2 = stats.norm.cdf(z0 + (z0 + zb) / (1 - acc * (z0 + zb)))
        lo[k], hi[k] = np.quantile(d, [a1, a2])
    return lo, hi
