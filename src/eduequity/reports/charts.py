"""Charts as inline SVG, text kept as text so Chinese labels show in any browser.

matplotlib is optional (the ``charts`` extra) and imported only here, on first
use, so ``import eduequity`` stays cheap; without it reports say the chart is
unavailable instead of failing.
"""

from __future__ import annotations

import io
import warnings

from ..core.columns import LEVEL_ZH


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "eduequity", "font.size": 10})
    return plt


def _svg(fig) -> str:
    buf = io.StringIO()
    with warnings.catch_warnings():
        # Text stays text in the SVG (the browser draws the Chinese), so matplotlib's own
        # fonts lacking CJK glyphs only affects its layout estimate, not the picture.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        # No date or tool version in the file: the same data gives the same bytes.
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    _pyplot().close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def cumulative(track) -> str:
    """Counties recognised so far against the plan's milestones (a step line)."""
    plt = _pyplot()
    c = track.cumulative
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.step(c["year"], c["planned"], where="post", label="规划 plan", color="#888888", linestyle="--")
    ax.plot(c["year"], c["cumulative"], marker="o", label="已认定 recognised", color="#1f5fa8")
    for m in track.schedule.milestones:
        ax.annotate(f"{m.count}", (m.year, m.count), textcoords="offset points", xytext=(0, 6), ha="center",
                    color="#555555")
    ax.axvline(track.as_of, color="#cc6600", linewidth=1, label=f"截至 as of {track.as_of}")
    ax.set_xlabel("年份 year")
    ax.set_ylabel("县数 counties")
    ax.set_title(f"{track.schedule.title}")
    ax.set_ylim(0, track.schedule.total * 1.08)
    ax.legend(loc="upper left", frameon=False)
    ax.grid(True, alpha=0.3)
    return _svg(fig)


def composite_by_year(ev) -> str:
    """Each county's composite CV by year, one panel per level, against the limit."""
    plt = _pyplot()
    c = ev.counties
    if "composite_cv" not in c.columns or not len(c):
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "（无综合差异系数）no composite CV in this evaluation", ha="center", va="center")
        return _svg(fig)
    levels = [lv for lv in ("primary", "junior") if (c["level"].astype(str) == lv).any()]
    fig, axes = plt.subplots(1, len(levels), figsize=(6 * len(levels), 3.6), squeeze=False)
    for ax, lv in zip(axes[0], levels, strict=True):
        part = c[c["level"].astype(str) == lv]
        for county, rows in part.groupby(part["county"].astype(str), sort=True):
            ax.plot(rows["year"], rows["composite_cv"], marker="o", label=county)
        limit = part["composite_limit"].dropna()
        if len(limit):
            ax.axhline(float(limit.iloc[0]), color="#cc0000", linestyle="--", label=f"限值 limit {limit.iloc[0]:g}")
        ax.set_title(f"{LEVEL_ZH[lv]} {lv}")
        ax.set_xlabel("年份 year")
        ax.set_ylabel("综合差异系数 composite CV")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, frameon=False)
    return _svg(fig)


def threshold_heatmap(ev, limit: int = 40) -> str:
    """Schools × thresholds: each value as a share of its threshold (the schools furthest below first)."""
    plt = _pyplot()
    s = ev.schools
    latest = s[s["year"] == s["year"].max()]
    ratio = latest.assign(ratio=(latest["value"] / latest["threshold"]).clip(upper=1.5),
                          school=latest["county"].astype(str) + " " + latest["school_id"].astype(str))
    wide = ratio.pivot_table(index="school", columns="indicator", values="ratio", observed=True, aggfunc="first")
    wide = wide.loc[wide.min(axis=1).sort_values(kind="stable").index[:limit]]
    fig, ax = plt.subplots(figsize=(1.2 * len(wide.columns) + 3, 0.28 * len(wide) + 1.5))
    im = ax.imshow(wide.to_numpy(dtype=float), cmap="RdYlGn", vmin=0.5, vmax=1.5, aspect="auto")
    ax.set_xticks(range(len(wide.columns)), [str(c) for c in wide.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(wide)), list(wide.index), fontsize=7)
    ax.set_title(f"学校达标情况（{int(s['year'].max())}年，值/标准）school value / threshold")
    fig.colorbar(im, ax=ax, fraction=0.03)
    return _svg(fig)
