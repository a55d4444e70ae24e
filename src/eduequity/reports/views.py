"""What a report shows, independent of the output: headings, paragraphs, tables, charts.

A view turns an Evaluation or a TrackResult into blocks following a format's
sections; each writer (Markdown, HTML, XLSX) lays blocks out its own way. So a
report's content is defined once, and a plugin's format only chooses sections
and titles.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import pandas as pd

from ..core.equity import is_equity
from ..core.evaluation import Evaluation
from ..core.explain import Explanation
from ..core.remedy import Plan
from ..core.track import TrackResult
from ..criteria.reasons import localise
from . import charts, labels, language, tables
from . import summary as summaries
from .blocks import Block, Break, Chart, Heading, Para, Table  # noqa: F401  (the writers import them from here)
from .formats import DEFAULT_SECTIONS

#: Text beginning with one of these is run as a formula by spreadsheets (OWASP, "CSV
#: injection"): writers for spreadsheets store it as text (XLSX) or with a leading
#: ``'`` (CSV), so a school or county name typed as ``=HYPERLINK(…)`` stays a name.
UNSAFE: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CHARTS = {"cumulative": charts.cumulative, "composite_by_year": charts.composite_by_year,
          "threshold_heatmap": charts.threshold_heatmap}
CHART_APPLIES = {
    "cumulative": lambda tr: True,
    "composite_by_year": lambda ev: "composite_cv" in ev.counties.columns and len(ev.counties) > 0,
    "threshold_heatmap": lambda ev: len(ev.schools) > 0,
}


def subject(obj: Any) -> str:
    if isinstance(obj, Evaluation):
        return "evaluation"
    if isinstance(obj, TrackResult):
        return "track"
    if isinstance(obj, Explanation):
        return "explanation"
    if isinstance(obj, Plan):
        return "plan"
    if is_equity(obj):
        return "equity"
    raise TypeError(f"cannot render {type(obj).__name__}")


def header(obj: Any, lang: str = "zh", registry=None) -> list[Block]:
    """The title and one line of what was evaluated, in ``lang`` ("zh" or "en")."""
    zh = lang == "zh"
    if isinstance(obj, Evaluation):
        s = obj.standard
        line = (f"{s.source.reference} · 纳入计算 {obj.evaluated_rows} / {obj.input_rows} 行，未纳入 {len(obj.excluded)} 行"
                if zh else f"{s.source.reference} · {obj.evaluated_rows} of {obj.input_rows} input rows evaluated, "
                f"{len(obj.excluded)} excluded")
        return [Heading(1, s.title if zh or not s.title_en else s.title_en), Para(line)]
    if isinstance(obj, Explanation):
        return explanation_header(obj, lang, language.names(_standard(obj, registry), lang))
    if isinstance(obj, Plan):
        return plan_header(obj, lang)
    if is_equity(obj):
        return [Heading(1, "公平性指标 Equity measures"),
                Para(f"{obj.attrs.get('standard', '')} — {len(obj)} rows, measures: "
                     + ", ".join(pd.unique(obj["measure"].astype(str))))]
    s = obj.schedule
    projected = "—" if obj.projected_year is None else str(obj.projected_year)
    done = int(obj.milestones["achieved"].iloc[-1]) if len(obj.milestones) else 0
    line = (f"{s.source.reference} · 截至 {obj.as_of} 年已认定 {done} / {s.total} 个县 · 每年约 {obj.pace:.2f} 个 · "
            f"预计 {projected} 年完成" if zh else
            f"{s.source.reference} · as of {obj.as_of} · {done} of {s.total} recognised · pace {obj.pace:.2f} a year"
            f" · projected {projected}")
    if s.lead_unit or s.partner_units:  # who answers for the plan, as the progress tables of targets say
        units = "、".join(s.partner_units) or "—"
        line += (f" · 牵头单位 {s.lead_unit or '—'}，配合单位 {units}" if zh else
                 f" · lead unit {s.lead_unit or '—'}, partner units {units}")
    return [Heading(1, s.title if zh or not s.title_en else s.title_en), Para(line)]


def explanation_header(ex: Explanation, lang: str = "zh", names: dict | None = None) -> list[Block]:
    from .language import LEVEL, STATUS

    both = "小学、初中" if lang == "zh" else "primary and junior secondary"
    level = LEVEL[lang].get(ex.level, both) if ex.level else both
    status = STATUS[lang].get(ex.status, ex.status)
    reason = localise(ex.reason, lang, names) if ex.reason else ""
    verdict = "结论：" if lang == "zh" else "verdict: "
    return [Heading(1, f"{ex.title}：{ex.county} {ex.year} {level}"),
            Para(f"{verdict}{status}" + (f" · {reason}" if reason else ""))]


def plan_header(plan: Plan, lang: str = "zh") -> list[Block]:
    places = plan.counties[["year", "county"]].drop_duplicates()
    schools = plan.schools[["year", "school_id"]].drop_duplicates().shape[0]
    costs = "cost_one_off" in plan.counties.columns
    one_off = plan.counties["cost_one_off"].sum() if costs else 0
    yearly = plan.counties["cost_yearly"].sum() if costs else 0
    if lang == "zh":
        money = f" · 一次性投入 {one_off:,.0f} 元，每年 {yearly:,.0f} 元" if costs else ""
        return [Heading(1, "缺什么、补什么：达标所需的最少补充"),
                Para(f"{len(places)} 个县·年需要补充，涉及 {schools} 所学校·年{money} · "
                     f"补充后仍无法达标（缺数据或无学校）：{len(plan.unresolved)}")]
    money = f" · one-off {one_off:,.0f} yuan, yearly {yearly:,.0f} yuan" if costs else ""
    return [Heading(1, "What to add: the least additions that meet the standard"),
            Para(f"{len(places)} county-years need additions at {schools} school-years{money} · "
                 f"left unresolved (missing data, or no school): {len(plan.unresolved)}")]


#: Rows a table of a paged report (HTML, Markdown, PDF) prints at most; a longer one with a
#: ``year`` column prints its latest year and says where the rest is (XLSX and CSV hold every
#: row). A national panel's indicator table is a million rows; 500 counties' targets over
#: eight years made a 37 MB page that a browser took over a minute to open.
PAGED_ROWS = 3000


def blocks(items: list[Any], fmt, registry, lang: str | None = None, paged: bool = False) -> list[Block]:
    """Blocks for one object or several: headers, then each section in order.

    A derived table (``progress``, ``cv_table``) over several evaluations is one
    table across all of them — one report per lead unit across three plans —
    while frames and charts come once per object. With ``lang`` (reports for
    people) headings and cell values are in that language alone
    (``language.frame``); without it (CSV) the frames are written as they are. ``paged``
    reports (read page by page, not filtered like a spreadsheet) shorten long tables
    (``PAGED_ROWS``).
    """
    kinds = {subject(o) for o in items}
    for kind in kinds:
        if fmt.subject not in ("any", kind):
            raise TypeError(f"format {fmt.id!r} renders {fmt.subject} results, not {kind} results")
    out: list[Block] = [b for o in items for b in header(o, lang or "zh", registry)]
    by_kind = {kind: fmt.sections if fmt.subject == kind and fmt.sections else DEFAULT_SECTIONS[kind]
               for kind in kinds}
    for kind in sorted(kinds):
        mine = [o for o in items if subject(o) == kind]
        for sec in by_kind[kind]:
            title = one_language(sec.title, lang)
            if sec.chart:
                out += [Chart(CHARTS[sec.chart], o, title, lang or "zh") for o in mine if CHART_APPLIES[sec.chart](o)]
            elif sec.frame in summaries.SECTIONS:  # blocks of their own: a summary, a page per county
                out += [b for o in mine for b in summaries.SECTIONS[sec.frame](o, lang or "zh", title)]
            elif sec.frame in tables.TABLES:
                parts = [tables.TABLES[sec.frame](o, registry) for o in mine]
                df, note = _shortened(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], paged, lang)
                out += _table(sec, df, "", title, lang) + note
            else:
                for o in mine:
                    df = o if kind == "equity" else getattr(o, sec.frame)  # an equity result is its frame
                    df, note = _shortened(df, paged, lang)
                    if lang:
                        df = language.frame(df, lang, language.names(_standard(o, registry), lang))
                    out += _table(sec, df, _name(o) if len(mine) > 1 else "", title, lang) + note
    return out


def _shortened(df: pd.DataFrame, paged: bool, lang: str | None) -> tuple[pd.DataFrame, list[Block]]:
    """``df`` as a paged report prints it, and the note saying what was left out (none if nothing)."""
    if not paged or len(df) <= PAGED_ROWS:
        return df, []
    total, zh = len(df), lang != "en"
    year = int(df["year"].max()) if "year" in df.columns and df["year"].notna().any() else None
    if year is not None:
        df = df[df["year"] == year]
    first = len(df) > PAGED_ROWS  # even one year is too long: its first rows, in the frame's order
    df = df.head(PAGED_ROWS).reset_index(drop=True)
    n = f"{len(df):,}"
    if zh:
        which = (f"最近一年（{year}年）的" if year is not None else "") + ("前 " if first else " ") + f"{n} 行"
        text = f"此表共 {total:,} 行，这里列出{which}；全部数据见 XLSX 或 CSV 报告（--out 报告.xlsx）。"
    else:
        which = ("the first " if first else "the ") + f"{n} rows" + (f" of the latest year, {year}" if year else "")
        text = f"This table has {total:,} rows; shown here are {which}. Every row is in the XLSX or CSV report (--out report.xlsx)."
    return df, [Para(text)]


def _name(obj: Any) -> str:
    if isinstance(obj, Explanation):
        return f"{obj.county} {obj.year}"
    if isinstance(obj, Plan):
        return obj.standard
    if is_equity(obj):
        return str(obj.attrs.get("standard", "equity"))
    return obj.standard.id if isinstance(obj, Evaluation) else obj.schedule.id


def _standard(obj: Any, registry) -> Any:
    """The Standard an object was judged against, for naming its ids (None for a schedule)."""
    if isinstance(obj, Evaluation):
        return obj.standard
    sid = getattr(obj, "standard", None)
    try:
        return registry.standard(sid) if isinstance(sid, str) and registry is not None else None
    except (KeyError, ValueError):
        return None


_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?) (?P<en>[A-Z][^\u3400-\u9fff]*)$")


def one_language(title: str, lang: str | None) -> str:
    """A built-in title "县域结论 Verdicts" as "县域结论" (zh) or "Verdicts" (en); others as they are."""
    m = _BILINGUAL.match(title or "")
    if not lang or m is None:
        return title
    return m["zh"] if lang == "zh" else m["en"]


def _table(sec, df: pd.DataFrame, suffix: str, title: str = "", lang: str | None = None) -> list[Block]:
    if sec.columns:
        df = df[[c for c in sec.columns if c in df.columns]]
    title = " ".join(p for p in (title or sec.title or sec.frame, suffix) if p)
    out: list[Block] = [Heading(2, title)]
    if sec.group_by and sec.group_by in df.columns and len(df):
        named = labels.header(sec.group_by, lang or "zh")
        unnamed = f"未注明{named}" if lang != "en" else f"(no {named.lower()})"
        for value, part in df.groupby(sec.group_by, sort=True, dropna=False):
            label = unnamed if pd.isna(value) or value in ("", "—") else str(value)
            out += [Heading(3, label), Table(part.drop(columns=sec.group_by).reset_index(drop=True), f"{label}")]
    elif lang and not len(df):
        out += [Para("（无）" if lang == "zh" else "(none)"), Table(df, title, said_empty=True)]  # Markdown/HTML skip it
    else:
        out.append(Table(df, title))
    return out


def relabel(blocks: list[Block], lang: str) -> list[Block]:
    """Headers for people in ``lang``; the frames keep their names for programs."""
    return [attrs.evolve(b, frame=labels.relabel(b.frame, lang)) if isinstance(b, Table) else b for b in blocks]
