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


#: Fonts with Chinese glyphs, first found first; DejaVu last so Latin text always has one.
#: With ``svg.fonttype = "none"`` the list is also the SVG's font-family, so a reader's
#: browser picks its own CJK font where matplotlib's machine had none.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
             "SimHei", "WenQuanYi Zen Hei", "DejaVu Sans"]
#: At most this many counties drawn in colour and named in a panel's legend; the rest grey.
MAX_SERIES = 8
TEXT = {
    "zh": {"plan": "规划", "recognised": "已认定", "as_of": "截至", "year": "年份", "counties": "县数",
           "cv": "综合差异系数", "limit": "限值", "others": "其他 {n} 个县", "none": "（无综合差异系数）",
           "heat": "学校达标情况（{year}年，值/标准）", "floor": "底线 {p}%", "below": "× 低于底线"},
    "en": {"plan": "plan", "recognised": "recognised", "as_of": "as of", "year": "year", "counties": "counties",
           "cv": "composite CV", "limit": "limit", "others": "{n} other counties", "none": "no composite CV",
           "heat": "Schools against their thresholds ({year}, value / threshold)", "floor": "floor {p}%",
           "below": "× below the floor"},
}
LEVEL_EN = {"primary": "primary", "junior": "junior secondary"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "eduequity", "font.size": 10,
                         "font.family": "sans-serif", "font.sans-serif": CJK_FONTS, "axes.unicode_minus": False})
    return plt


def _words(lang: str) -> dict[str, str]:
    return TEXT["en" if lang == "en" else "zh"]


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


def cumulative(track, lang: str = "zh") -> str:
    """Counties recognised so far against the plan's milestones (a step line)."""
    plt, w = _pyplot(), _words(lang)
    c = track.cumulative
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.step(c["year"], c["planned"], where="post", label=w["plan"], color="#888888", linestyle="--")
    ax.plot(c["year"], c["cumulative"], marker="o", label=w["recognised"], color="#1f5fa8")
    for m in track.schedule.milestones:
        ax.annotate(f"{m.count}", (m.year, m.count), textcoords="offset points", xytext=(0, 6), ha="center",
                    color="#555555")
    ax.axvline(track.as_of, color="#cc6600", linewidth=1, label=f"{w['as_of']} {track.as_of}")
    ax.set_xlabel(w["year"])
    ax.set_ylabel(w["counties"])
    ax.set_title(f"{track.schedule.title}")
    ax.set_ylim(0, track.schedule.total * 1.08)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)  # beside the plot, never on it
    ax.grid(True, alpha=0.3)
    return _svg(fig)


def highlighted(part, limit: float | None, n: int = MAX_SERIES) -> list[str]:
    """The counties worth a colour: those over the limit in their latest year, then the nearest
    to it, at most ``n``; by name, so the same data gives the same picture."""
    latest = part.sort_values("year", kind="stable").groupby(part["county"].astype(str), sort=True).tail(1)
    value = latest["composite_cv"].to_numpy(dtype=float)
    gap = value - limit if limit is not None else -value
    order = sorted(zip(-gap, latest["county"].astype(str)), key=lambda t: (t[0] if t[0] == t[0] else 1e9, t[1]))
    return sorted(name for _, name in order[:n])


def composite_by_year(ev, lang: str = "zh") -> str:
    """Each county's composite CV by year, one panel per level, against the limit.

    At 60 counties a line each is unreadable: at most ``MAX_SERIES`` counties (over the
    limit, or nearest it) are coloured and named, the rest drawn thin and grey as one
    legend entry; the legend sits beside the panel and the limit is labelled on its line.
    """
    plt, w = _pyplot(), _words(lang)
    from matplotlib.ticker import MaxNLocator

    c = ev.counties
    if "composite_cv" not in c.columns or not len(c):
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, w["none"], ha="center", va="center")
        return _svg(fig)
    levels = [lv for lv in ("primary", "junior") if (c["level"].astype(str) == lv).any()]
    fig, axes = plt.subplots(1, len(levels), figsize=(6.5 * len(levels), 3.8), squeeze=False)
    colours = plt.get_cmap("tab10").colors
    for ax, lv in zip(axes[0], levels, strict=True):
        part = c[c["level"].astype(str) == lv]
        limits = part["composite_limit"].dropna()
        limit = float(limits.iloc[0]) if len(limits) else None
        shown = highlighted(part, limit)
        grey = 0
        for county, rows in part.groupby(part["county"].astype(str), sort=True):
            if county in shown:
                ax.plot(rows["year"], rows["composite_cv"], marker="o", label=county, linewidth=1.6,
                        color=colours[shown.index(county) % len(colours)], zorder=3)
            else:
                ax.plot(rows["year"], rows["composite_cv"], color="#bbbbbb", linewidth=0.8, zorder=1,
                        label=w["others"].format(n=part["county"].nunique() - len(shown)) if not grey else None)
                grey += 1
        if limit is not None:
            ax.axhline(limit, color="#cc0000", linestyle="--", linewidth=1, zorder=2)
            ax.annotate(f"{w['limit']} {limit:g}", (1, limit), xycoords=("axes fraction", "data"), ha="right",
                        va="bottom", color="#cc0000", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2013.5
        ax.set_title(LEVEL_ZH[lv] if lang != "en" else LEVEL_EN[lv])
        ax.set_xlabel(w["year"])
        ax.set_ylabel(w["cv"])
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.subplots_adjust(wspace=0.55)  # room for the first panel's legend beside it
    return _svg(fig)


def threshold_heatmap(ev, limit: int = 40, lang: str = "zh") -> str:
    """Schools × thresholds: each value as a share of its threshold (the schools furthest below first).

    The colour scale turns red at the floor (85% of a threshold in the quality-balance
    method), the colour bar marks it, and a cell below the floor carries a ×, so the
    schools that fail show without reading colours.
    """
    plt, w = _pyplot(), _words(lang)
    s = ev.schools
    latest = s[s["year"] == s["year"].max()]
    ratio = latest.assign(ratio=(latest["value"] / latest["threshold"]).clip(upper=1.5),
                          school=latest["county"].astype(str) + " " + latest["school_id"].astype(str))
    wide = ratio.pivot_table(index="school", columns="indicator", values="ratio", observed=True, aggfunc="first")
    wide = wide.loc[wide.min(axis=1).sort_values(kind="stable").index[:limit]]
    floors = (latest["floor"] / latest["threshold"]).dropna() if "floor" in latest else latest["value"].iloc[:0]
    floor = float(floors.median()) if len(floors) else None
    names = {i.key: (i.zh if lang != "en" else i.en) for i in ev.standard.indicators}
    fig, ax = plt.subplots(figsize=(1.2 * len(wide.columns) + 3.5, 0.28 * len(wide) + 1.8))
    values = wide.to_numpy(dtype=float)
    im = ax.imshow(values, cmap="RdYlGn", vmin=0.5, vmax=1.5, aspect="auto")
    if floor is not None:
        for i, j in zip(*(values < floor - 1e-12).nonzero(), strict=True):
            ax.text(j, i, "×", ha="center", va="center", fontsize=7, color="#000000")
    ax.set_xticks(range(len(wide.columns)), [names.get(str(k), str(k)) for k in wide.columns], rotation=30,
                  ha="right", fontsize=8)
    ax.set_yticks(range(len(wide)), list(wide.index), fontsize=7)
    ax.set_title(w["heat"].format(year=int(s["year"].max())))
    bar = fig.colorbar(im, ax=ax, fraction=0.03)
    if floor is not None:
        bar.ax.axhline(floor, color="#000000", linewidth=1.5)
        bar.ax.text(1.6, floor, w["floor"].format(p=f"{floor * 100:g}"), va="center", fontsize=8,
                    transform=bar.ax.get_yaxis_transform())
        ax.set_xlabel(w["below"], fontsize=8)
    return _svg(fig)
