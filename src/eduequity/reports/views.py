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

from ..core.evaluation import Evaluation
from ..core.track import TrackResult
from . import charts, tables
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
CHARTS = {"cumulative": charts.cumulative, "composite_by_year": charts.composite_by_year}


def subject(obj: Any) -> str:
    if isinstance(obj, Evaluation):
        return "evaluation"
    if isinstance(obj, TrackResult):
        return "track"
    raise TypeError(f"cannot render {type(obj).__name__}")


def header(obj: Any) -> list[Block]:
    if isinstance(obj, Evaluation):
        s = obj.standard
        return [Heading(1, s.title),
                Para(f"{s.id} — {s.source.document} · {obj.evaluated_rows} of {obj.input_rows} input rows "
                     f"evaluated, {len(obj.excluded)} excluded")]
    s = obj.schedule
    projected = "—" if obj.projected_year is None else str(obj.projected_year)
    return [Heading(1, s.title),
            Para(f"{s.id} — {s.source.document} · 截至 as of {obj.as_of} · "
                 f"{int(obj.milestones['achieved'].iloc[-1])} of {s.total} recognised · pace {obj.pace:.2f} a year · "
                 f"预计完成 projected {projected}")]


def blocks(obj: Any, fmt, registry) -> list[Block]:
    kind = subject(obj)
    if fmt.subject not in ("any", kind):
        raise TypeError(f"format {fmt.id!r} renders {fmt.subject} results, not {type(obj).__name__}")
    sections = fmt.sections if fmt.subject == kind and fmt.sections else DEFAULT_SECTIONS[kind]
    out = header(obj)
    for sec in sections:
        if sec.chart:
            out.append(Chart(CHARTS[sec.chart], obj, sec.title))
            continue
        df = getattr(obj, sec.frame) if sec.frame not in tables.TABLES else tables.TABLES[sec.frame](obj, registry)
        if sec.columns:
            df = df[[c for c in sec.columns if c in df.columns]]
        out.append(Heading(2, sec.title or sec.frame))
        if sec.group_by and sec.group_by in df.columns and len(df):
            for value, part in df.groupby(sec.group_by, sort=True, dropna=False):
                label = "—" if pd.isna(value) or value == "" else str(value)
                out += [Heading(3, label), Table(part.drop(columns=sec.group_by).reset_index(drop=True),
                                                 f"{sec.title or sec.frame} {label}")]
        else:
            out.append(Table(df, sec.title or sec.frame))
    return out
