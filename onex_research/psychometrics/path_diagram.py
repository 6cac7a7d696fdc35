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
    dx, dy = 5.0, (4.4 if show_indicators else 1.6)
    preds: dict = {}
    for a, b in zip(reg["rhs"], reg["lhs"]):
        preds.setdefault(b, []).append(a)
    for lv in sorted(by_level):
        vs = by_level[lv]
        if lv == 0:
            ys = [(k - (len(vs) - 1) / 2) * dy for k in range(len(vs))]
        else:                       # barycentre of the predecessors, then keep them dy apart
            want = [np.mean([pos[a][1] for a in preds.get(v, []) if a in pos] or [0.0]) for v in vs]
            order = np.argsort(want, kind="stable")
            vs = [vs[k] for k in order]
            ys = [want[k] for k in order]
            for k in range(1, len(ys)):
                ys[k] = max(ys[k], ys[k - 1] + dy)
            shift = (np.mean(want) - np.mean(ys))
            ys = [y + shift for y in ys]
        for v, y in zip(vs, ys):
            pos[v] = (lv * dx, y)
    by_level = {lv: [v for v in structural if depth[v] == lv] for lv in by_level}
    xs0, ys0 = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    pad = 2.6 if show_indicators else 0.8
    width, height = max(xs0) - min(xs0) + 3, max(ys0) - min(ys0) + 2 * pad
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (float(np.clip(0.75 * width, 6, 16)),
                                                   float(np.clip(0.75 * height, 3.5, 12))))
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
    def clearance(a, b, rad):
        """Smallest distance from the arc a -> b (matplotlib arc3) to the other nodes."""
        (x0, y0), (x1, y1) = pos[a], pos[b]
        cx, cy = (x0 + x1) / 2 + rad * (y1 - y0), (y0 + y1) / 2 - rad * (x1 - x0)
        t = np.linspace(0.1, 0.9, 17)[:, None]
        pts = (1 - t) ** 2 * [x0, y0] + 2 * t * (1 - t) * [cx, cy] + t ** 2 * [x1, y1]
        others = np.array([pos[v] for v in structural if v not in (a, b)] or [[1e9, 1e9]])
        return np.min(np.hypot(*(pts[:, None, :] - others[None]).transpose(2, 0, 1)))

    for _, row in reg.iterrows():    # paths that skip a level bend away from the nodes between
        a, b, rad = row["rhs"], row["lhs"], 0.0
        if abs(depth[b] - depth[a]) > 1:
            rad = max((-0.35, 0.35), key=lambda r: clearance(a, b, r))
        # straight paths carry their label a third of the way from the source: where paths
        # from different sources cross (mid-way), labels would sit on one another
        arrow(a, b, coef(row), rad=rad, t=0.5 if rad else 0.3)
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
