"""What a report shows, independent of the output: headings, paragraphs, tables, charts.

A view turns an Evaluation or a TrackResult into blocks; each writer
(Markdown, HTML) lays blocks out its own way. So a report's content is defined
once, and a plugin's format only chooses sections and titles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd

from ..core.evaluation import Evaluation
from ..core.track import TrackResult
from . import charts


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
    columns: tuple[str, ...] = ()


@attrs.frozen
class Chart:
    draw: Callable[[Any], str]
    obj: Any = attrs.field(eq=False)
    caption: str = ""


Block = Heading | Para | Table | Chart

TRACK_SECTIONS = (("milestones", "里程碑 Milestones"), ("counties", "各县 Counties"),
                  ("cumulative", "逐年累计 By year"))


def evaluation(ev: Evaluation, fmt) -> list[Block]:
    s = ev.standard
    out: list[Block] = [
        Heading(1, f"{fmt.title}: {s.title}"),
        Para(f"{s.id} — {s.source.document} · {ev.evaluated_rows} of {ev.input_rows} input rows evaluated, "
             f"{len(ev.excluded)} excluded"),
    ]
    for sec in fmt.sections:
        out += [Heading(2, sec.title or sec.frame), Table(getattr(ev, sec.frame), sec.columns)]
    return out


def track(tr: TrackResult, fmt) -> list[Block]:
    s = tr.schedule
    projected = "—" if tr.projected_year is None else str(tr.projected_year)
    out: list[Block] = [
        Heading(1, f"{s.title}"),
        Para(f"{s.id} — {s.source.document} · 截至 as of {tr.as_of} · {int(tr.milestones['achieved'].iloc[-1])} "
             f"of {s.total} recognised · pace {tr.pace:.2f} a year · 预计完成 projected {projected}"),
        Chart(charts.cumulative, tr, "累计认定县数与规划 Recognised counties against the plan"),
    ]
    for frame, title in TRACK_SECTIONS:
        out += [Heading(2, title), Table(getattr(tr, frame))]
    return out


def blocks(obj: Any, fmt) -> list[Block]:
    if isinstance(obj, Evaluation):
        return evaluation(obj, fmt)
    if isinstance(obj, TrackResult):
        return track(obj, fmt)
    raise TypeError(f"cannot render {type(obj).__name__} as {fmt.id!r}")
