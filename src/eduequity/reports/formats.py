"""Report formats: thin declarations on core's writers.

A format says which tables go in, in what order, with which title, for which
writer; the writer does the rest. Plugins declare their formats the same way.
"""

from __future__ import annotations

import attrs

from ..core.hookspecs import hookimpl

WRITERS = ("markdown", "json", "html")


@attrs.frozen
class Section:
    """One table of a report: an Evaluation frame, optionally a subset of its columns."""

    frame: str
    title: str = ""
    columns: tuple[str, ...] = ()


@attrs.frozen
class ReportFormat:
    id: str
    writer: str = attrs.field(validator=attrs.validators.in_(WRITERS))
    title: str = ""
    sections: tuple[Section, ...] = ()
    lang: str = "zh"


EVALUATION_SECTIONS = (
    Section("verdicts", "县域结论 Verdicts"),
    Section("counties", "分学段结果 By level"),
    Section("indicators", "指标与差异系数 Indicators and CVs"),
    Section("targets", "指标目标 Targets"),
    Section("excluded", "未纳入计算的记录 Excluded rows"),
)


@hookimpl(trylast=True)
def eduequity_report_formats() -> list[ReportFormat]:
    return [
        ReportFormat("markdown", "markdown", "eduequity 评估报告", EVALUATION_SECTIONS),
        ReportFormat("json", "json", "eduequity evaluation"),
        ReportFormat("html", "html", "eduequity 评估报告", EVALUATION_SECTIONS),
    ]
