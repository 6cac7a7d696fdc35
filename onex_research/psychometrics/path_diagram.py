"""Path diagram of a fitted :func:`sem` model: latent ovals, observed boxes, standardized
coefficients with significance stars, Chinese labels."""

from __future__ import annotations

import numpy as np

from .sem import SEMResult, _stars

__all__ = ["plot_path_diagram"]


def _levels(nodes, edges):
    """Longest-path depth of each structural node (edges: rhs -> lhs of ``~``)."""
    depth = {n: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for a, b in edges:
            if depth[b] < depth[a] + 1:
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    return depth


def plot_path_diagram(result: SEMResult, *, labels: dict | None = None, group=None,
                      show_indicators: bool = True, show_covariances: bool = True,
                      ax=None, figsize=None, cjk: bool = True):
    """Draw the path diagram of a fitted SEM.

    Parameters
    ----------
    result : SEMResult
        From :func:`sem`.
    labels : dict, optional, keyword-only
        Display names, e.g. ``{"drive": "驱动因素"}``; unnamed variables keep their name.
    group : optional, keyword-only
        Which group of a multigroup model (default: the first).
    show_indicators : bool, keyword-only
        Draw the observed indicators (boxes) of each latent variable (default True).
    show_covariances : bool, keyword-only
        Draw covariances among latent / structural variables as dashed curved arrows.
    ax : matplotlib Axes, optional, keyword-only
    figsize : tuple, optional, keyword-only
    cjk : bool, keyword-only
        Call :func:`onex_research.plotting.use_cjk_font` first (default True), so that
        Chinese labels render.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Coefficients are lavaan's std.all (``result.parameters["std"]``) with stars from the
    unstandardized Wald test: * p < .05, ** p < .01, *** p < .001. Structural variables
    are laid out left to right by their depth in the regression graph; indicators sit
    above (odd) or below (even) their factor.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch

    if not isinstance(result, SEMResult):
        raise TypeError(f"plot_path_diagram takes a SEMResult (from sem()), got {type(result).__name__}")
    if cjk:
        from onex_research.plotting import use_cjk_font
        use_cjk_font()
    labels = labels or {}
    par = result.parameters
    if "group" in par:
        g = result.groups[0] if group is None else group
        par = par[par["group"] == g]
    name = lambda v: labels.get(v, v)                                       # noqa: E731
    latent = list(dict.fromkeys(par.loc[par["op"] == "=~", "lhs"]))
    reg = par[par["op"] == "~"]
    structural = list(dict.fromkeys(latent + list(reg["lhs"]) + list(reg["rhs"])))
    depth = _levels(structural, list(zip(reg["rhs"], reg["lhs"])))
    by_level: dict = {}
    for v in structural:
        by_level.setdefault(depth[v], []).append(v)
    pos = {}
    dx, dy = 5.0, 4.4
    for lv, vs in by_level.items():
        for k, v in enumerate(vs):
            pos[v] = (lv * dx, (k - (len(vs) - 1) / 2) * dy)
    n_levels = max(by_level) + 1
    max_rows = max(len(v) for v in by_level.values())
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (max(6, 3.2 * n_levels), max(4, 2.6 * max_rows + 2)))
    else:
        fig = ax.figure
    w_lat, h_lat, w_obs, h_obs = 2.3, 1.0, 0.8, 0.5
    shapes = {}
    for v, (x, y) in pos.items():
        if v in latent:
            ax.add_patch(Ellipse((x, y), w_lat, h_lat, fc="#eef3fb", ec="#1f3b63", lw=1.4, zorder=3))
            shapes[v] = (w_lat / 2, h_lat / 2, "ellipse")
        else:
            ax.add_patch(FancyBboxPatch((x - w_obs, y - h_obs / 2), 2 * w_obs, h_obs,
                                        boxstyle="square,pad=0.02", fc="white", ec="#333", lw=1.2,
                                        zorder=3))
            shapes[v] = (w_obs, h_obs / 2, "box")
        ax.text(x, y, name(v), ha="center", va="center", fontsize=10, zorder=4)

    def edge_point(v, toward):
        (x, y), (tx, ty) = pos[v], toward
        a, b, kind = shapes[v]
        ang = np.arctan2(ty - y, tx - x)
        if kind == "ellipse":
            r = a * b / np.hypot(b * np.cos(ang), a * np.sin(ang))
        else:
            r = min(a / max(abs(np.cos(ang)), 1e-9), b / max(abs(np.sin(ang)), 1e-9))
        return x + r * np.cos(ang), y + r * np.sin(ang)

    def arrow(a, b, text, *, style="-|>", ls="-", rad=0.0, color="#1f3b63", t=0.5, size=8.5):
        p0, p1 = edge_point(a, pos[b]), edge_point(b, pos[a])
        if rad:                      # leave and enter the shapes along the curve's tangent
            p0 = edge_point(a, (pos[b][0] + rad * (pos[b][1] - pos[a][1]),
                                pos[b][1] - rad * (pos[b][0] - pos[a][0])))
            p1 = edge_point(b, (pos[a][0] + rad * (pos[b][1] - pos[a][1]),
                                pos[a][1] - rad * (pos[b][0] - pos[a][0])))
        ax.add_patch(FancyArrowPatch(p0, p1, arrowstyle=style, mutation_scale=12, lw=1.2,
                                     ls=ls, color=color, connectionstyle=f"arc3,rad={rad}",
                                     zorder=2))
        mx, my = p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1])
        if rad:                      # the arc's midpoint (matplotlib's arc3 control point / 2)
            mx, my = mx + rad * (p1[1] - p0[1]) / 2, my - rad * (p1[0] - p0[0]) / 2
        ax.text(mx, my, text, ha="center", va="center", fontsize=size, zorder=5,
                bbox=dict(fc="white", ec="none", pad=0.3))

    coef = lambda row: f"{row['std']:.2f}{_stars([row['p']])[0] if np.isfinite(row['p']) else ''}"  # noqa: E731
    for _, row in reg.iterrows():             # paths that skip a level bend around the middle
        skip = abs(depth[row["lhs"]] - depth[row["rhs"]]) > 1
        arrow(row["rhs"], row["lhs"], coef(row), rad=-0.35 if skip else 0.0)
    if show_indicators:
        k_lat = 0
        for f in latent:
            ind = par[(par["op"] == "=~") & (par["lhs"] == f)]
            x, y = pos[f]
            side = 1 if k_lat % 2 == 0 else -1
            k_lat += 1
            step = 1.5
            span = (len(ind) - 1) * step
            for j, (_, row) in enumerate(ind.iterrows()):
                key = f"{row['rhs']}\0{f}"
                pos[key] = (x - span / 2 + j * step, y + side * 2.1)
                ax.add_patch(FancyBboxPatch((pos[key][0] - 0.42, pos[key][1] - 0.22), 0.84, 0.44,
                                            boxstyle="square,pad=0.02", fc="white", ec="#555",
                                            lw=1.0, zorder=3))
                shapes[key] = (0.44, 0.24, "box")
                ax.text(*pos[key], name(row["rhs"]), ha="center", va="center", fontsize=8, zorder=4)
                arrow(f, key, coef(row), color="#555", t=0.7, size=7.5)
    if show_covariances:
        cov = par[(par["op"] == "~~") & (par["lhs"] != par["rhs"])
                  & par["lhs"].isin(structural) & par["rhs"].isin(structural)]
        for _, row in cov.iterrows():
            arrow(row["lhs"], row["rhs"], coef(row), style="<|-|>", ls="--", rad=0.3, color="#888")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
    ax.set_ylim(min(ys) - 1.0, max(ys) + 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    fit = result.fit
    ax.set_title(f"χ²({fit['dof']:.0f}) = {fit['chi2']:.2f}, CFI = {fit['cfi']:.3f}, "
                 f"RMSEA = {fit['rmsea']:.3f}, SRMR = {fit['srmr']:.3f}", fontsize=9)
    ax.text(0.99, 0.01, "* p < .05, ** p < .01, *** p < .001 (standardized)", transform=ax.transAxes,
            ha="right", va="bottom", fontsize=7, color="#555")
    return fig
