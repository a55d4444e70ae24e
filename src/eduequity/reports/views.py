"""What a report shows, independent of the output: headings, paragraphs, tables, charts.

A view turns an Evaluation or a TrackResult into blocks following a format's
sections; each writer (Markdown, HTML, XLSX) lays blocks out its own way. So a
report's content is defined once, and a plugin's format only chooses sections
and titles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd

from ..core.equity import is_equity
from ..core.evaluation import Evaluation
from ..core.explain import Explanation
from ..core.remedy import Plan
from ..core.track import TrackResult
from ..core.columns import LEVEL_ZH
from ..core.verdicts import STATUS_ZH
from . import charts, labels, tables
from .formats import DEFAULT_SECTIONS


@attrs.frozen
class Heading:
    level: int
    text: str


@attrs.frozen
class Para:
    text: str


@attrs.frozen
class Table:
    frame: pd.DataFrame = attrs.field(eq=False)
    title: str = ""


@attrs.frozen
class Chart:
    draw: Callable[[Any], str]
    obj: Any = attrs.field(eq=False)
    caption: str = ""


Block = Heading | Para | Table | Chart

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


def header(obj: Any) -> list[Block]:
    if isinstance(obj, Evaluation):
        s = obj.standard
        return [Heading(1, s.title),
                Para(f"{s.id} — {s.source.document} · {obj.evaluated_rows} of {obj.input_rows} input rows "
                     f"evaluated, {len(obj.excluded)} excluded")]
    if isinstance(obj, Explanation):
        return explanation_header(obj)
    if isinstance(obj, Plan):
        return plan_header(obj)
    if is_equity(obj):
        return [Heading(1, "公平性指标 Equity measures"),
                Para(f"{obj.attrs.get('standard', '')} — {len(obj)} rows, measures: "
                     + ", ".join(pd.unique(obj["measure"].astype(str))))]
    s = obj.schedule
    projected = "—" if obj.projected_year is None else str(obj.projected_year)
    return [Heading(1, s.title),
            Para(f"{s.id} — {s.source.document} · 截至 as of {obj.as_of} · "
                 f"{int(obj.milestones['achieved'].iloc[-1])} of {s.total} recognised · pace {obj.pace:.2f} a year · "
                 f"预计完成 projected {projected}")]


def explanation_header(ex: Explanation) -> list[Block]:
    level = LEVEL_ZH.get(ex.level, "小学、初中") if ex.level else "小学、初中"
    return [Heading(1, f"{ex.title}：{ex.county} {ex.year} {level}"),
            Para(f"{ex.standard} — 结论 verdict: {STATUS_ZH.get(ex.status, ex.status)} {ex.status}"
                 + (f" · {ex.reason}" if ex.reason else ""))]


def plan_header(plan: Plan) -> list[Block]:
    places = plan.counties[["year", "county"]].drop_duplicates()
    money = ""
    if "cost_one_off" in plan.counties.columns:
        money = (f" · 一次性投入 one-off {plan.counties['cost_one_off'].sum():,.0f} 元，每年 yearly "
                 f"{plan.counties['cost_yearly'].sum():,.0f} 元")
    return [Heading(1, f"缺什么、补什么：达标所需的最少补充 — {plan.standard}"),
            Para(f"{len(places)} 个县·年需要补充 county-years need additions, "
                 f"{plan.schools[['year', 'school_id']].drop_duplicates().shape[0]} 所学校·年 school-years"
                 f"{money} · 补充后仍无法达标 left unresolved: {len(plan.unresolved)} (缺数据 missing data, or no school)")]


def blocks(items: list[Any], fmt, registry) -> list[Block]:
    """Blocks for one object or several: headers, then each section in order.

    A derived table (``progress``, ``cv_table``) over several evaluations is one
    table across all of them — one report per lead unit across three plans —
    while frames and charts come once per object.
    """
    kinds = {subject(o) for o in items}
    for kind in kinds:
        if fmt.subject not in ("any", kind):
            raise TypeError(f"format {fmt.id!r} renders {fmt.subject} results, not {kind} results")
    out: list[Block] = [b for o in items for b in header(o)]
    by_kind = {kind: fmt.sections if fmt.subject == kind and fmt.sections else DEFAULT_SECTIONS[kind]
               for kind in kinds}
    for kind in sorted(kinds):
        mine = [o for o in items if subject(o) == kind]
        for sec in by_kind[kind]:
            if sec.chart:
                out += [Chart(CHARTS[sec.chart], o, sec.title) for o in mine if CHART_APPLIES[sec.chart](o)]
            elif sec.frame in tables.TABLES:
                parts = [tables.TABLES[sec.frame](o, registry) for o in mine]
                out += _table(sec, pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0], "")
            else:
                for o in mine:
                    df = o if kind == "equity" else getattr(o, sec.frame)  # an equity result is its frame
                    out += _table(sec, df, _name(o) if len(mine) > 1 else "")
    return out


def _name(obj: Any) -> str:
    if isinstance(obj, Explanation):
        return f"{obj.county} {obj.year}"
    if isinstance(obj, Plan):
        return obj.standard
    if is_equity(obj):
        return str(obj.attrs.get("standard", "equity"))
    return obj.standard.id if isinstance(obj, Evaluation) else obj.schedule.id


def _table(sec, df: pd.DataFrame, suffix: str) -> list[Block]:
    if sec.columns:
        df = df[[c for c in sec.columns if c in df.columns]]
    title = " ".join(p for p in (sec.title or sec.frame, suffix) if p)
    out: list[Block] = [Heading(2, title)]
    if sec.group_by and sec.group_by in df.columns and len(df):
        for value, part in df.groupby(sec.group_by, sort=True, dropna=False):
            label = "—" if pd.isna(value) or value == "" else str(value)
            out += [Heading(3, label), Table(part.drop(columns=sec.group_by).reset_index(drop=True), f"{label}")]
    else:
        out.append(Table(df, title))
    return out


def relabel(blocks: list[Block], lang: str) -> list[Block]:
    """Headers for people in ``lang``; the frames keep their names for programs."""
    return [attrs.evolve(b, frame=labels.relabel(b.frame, lang)) if isinstance(b, Table) else b for b in blocks]
