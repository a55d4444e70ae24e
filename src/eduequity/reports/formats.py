"""Report formats: thin declarations on core's writers.

A format says which tables and charts go in, in what order, with which titles,
for which writer; the writer does the rest. Plugins declare their formats the
same way: a table is a frame of the rendered object (``verdicts``,
``milestones`` …) or a derived table core provides (``tables.py``: the
national-format CV table, a progress table by lead unit); a chart is one of
``charts.py``. Names are checked when the format is declared.
"""

from __future__ import annotations

import attrs

from ..core.hookspecs import hookimpl

WRITERS = ("markdown", "json", "html", "xlsx", "csv")
SUBJECTS = ("any", "evaluation", "track")
FRAMES = {
    "evaluation": ("verdicts", "counties", "indicators", "schools", "targets", "excluded"),
    "track": ("milestones", "counties", "cumulative"),
}
TABLES = ("cv_table", "progress")  # derived tables, reports/tables.py
CHARTS = ("cumulative", "composite_by_year", "threshold_heatmap")  # reports/charts.py


@attrs.frozen
class Section:
    """One part of a report: a table (``frame``) or a chart (``chart``), with a title.

    ``columns`` keeps a subset of the table's columns; ``group_by`` splits the
    table into one sub-table per value of that column (e.g. the lead unit).
    """

    frame: str = ""
    title: str = ""
    columns: tuple[str, ...] = ()
    chart: str = ""
    group_by: str = ""

    def __attrs_post_init__(self) -> None:
        if bool(self.frame) == bool(self.chart):
            raise ValueError(f"a section is a table (frame=) or a chart (chart=), got {self!r}")
        if self.chart and self.chart not in CHARTS:
            raise ValueError(f"unknown chart {self.chart!r}; known: {', '.join(CHARTS)}")


@attrs.frozen
class ReportFormat:
    """One output: a writer, the kind of object it renders, and its sections in order.

    ``subject = "any"`` (the built-in formats) renders whatever it is given with
    that object's default sections.
    """

    id: str
    writer: str = attrs.field(validator=attrs.validators.in_(WRITERS))
    title: str = ""
    sections: tuple[Section, ...] = ()
    lang: str = "zh"
    subject: str = attrs.field(default="evaluation", validator=attrs.validators.in_(SUBJECTS))

    def __attrs_post_init__(self) -> None:
        known = TABLES + (FRAMES[self.subject] if self.subject != "any" else sum(FRAMES.values(), ()))
        for sec in self.sections:
            if sec.frame and sec.frame not in known:
                raise ValueError(f"format {self.id!r}: unknown table {sec.frame!r}; known: {', '.join(known)}")
        if self.writer == "csv" and (self.subject == "any" or [bool(s.frame) for s in self.sections] != [True]):
            raise ValueError(f"format {self.id!r}: a CSV format names exactly one table (one section with "
                             "frame=) for one subject, since a CSV file holds one table")


EVALUATION_SECTIONS = (
    Section("verdicts", "县域结论 Verdicts"),
    Section(chart="composite_by_year", title="各县综合差异系数 Composite CV by county and year"),
    Section(chart="threshold_heatmap", title="学校 × 标准 Schools against their thresholds"),
    Section("counties", "分学段结果 By level"),
    Section("indicators", "指标与差异系数 Indicators and CVs"),
    Section("targets", "指标目标 Targets"),
    Section("excluded", "未纳入计算的记录 Excluded rows"),
)
TRACK_SECTIONS = (
    Section(chart="cumulative", title="累计认定县数与规划 Recognised counties against the plan"),
    Section("milestones", "里程碑 Milestones"),
    Section("counties", "各县 Counties"),
    Section("cumulative", "逐年累计 By year"),
)
DEFAULT_SECTIONS = {"evaluation": EVALUATION_SECTIONS, "track": TRACK_SECTIONS}


@hookimpl(trylast=True)
def eduequity_report_formats() -> list[ReportFormat]:
    """The built-in formats. CSV is for data teams, so one file is one table, and the
    frames' own column names (``lang="en"``: what ``ev.indicators`` and the JSON use)
    head it: ``cn.indicators.csv`` (long form, every number an evaluation computed,
    one row per year, county, level and indicator), ``cn.verdicts.csv`` (one row per
    county-year) and ``cn.cv-table.csv`` (the national-format 表2 CV table, whose
    headers are the document's). ``--lang zh`` relabels the first two for people."""
    return [
        ReportFormat("markdown", "markdown", "eduequity 评估报告", subject="any"),
        ReportFormat("json", "json", "eduequity evaluation", subject="any"),
        ReportFormat("html", "html", "eduequity 评估报告", subject="any"),
        ReportFormat("xlsx", "xlsx", "eduequity 评估报告", subject="any"),
        ReportFormat("cn.indicators.csv", "csv", "指标与差异系数 Indicators and CVs",
                     (Section("indicators"),), lang="en"),
        ReportFormat("cn.verdicts.csv", "csv", "县域结论 Verdicts", (Section("verdicts"),), lang="en"),
        ReportFormat("cn.cv-table.csv", "csv", "义务教育学校校际差异系数表", (Section("cv_table"),)),
    ]
