"""The built-in report formats, and the default sections of a report.

A format (``core/formats.py``) says which tables and charts go in, in what order,
with which titles, for which writer; the writer does the rest. Plugins declare
their formats the same way: a table is a frame of the rendered object
(``verdicts``, ``milestones`` …) or a derived table core provides (``tables.py``:
the national-format CV table, a progress table by lead unit); a chart is one of
``charts.py``.
"""

from __future__ import annotations

from ..core.hookspecs import hookimpl

from ..core.formats import ReportFormat, Section

EVALUATION_SECTIONS = (
    Section("summary", "概要 Summary"),
    Section("verdicts", "县域结论 Verdicts"),
    Section(chart="composite_by_year", title="各县综合差异系数 Composite CV by county and year"),
    Section(chart="threshold_heatmap", title="学校 × 标准 Schools against their thresholds"),
    Section("counties", "分学段结果 By level"),
    Section("indicators", "指标与差异系数 Indicators and CVs"),
    Section("targets", "指标目标 Targets"),
    Section("excluded", "未纳入计算的记录 Excluded rows"),
    Section("by_county", "分县报告 County by county"),
)
TRACK_SECTIONS = (
    Section(chart="cumulative", title="累计认定县数与规划 Recognised counties against the plan"),
    Section("milestones", "里程碑 Milestones"),
    Section("counties", "各县 Counties"),
    Section("cumulative", "逐年累计 By year"),
)
EXPLANATION_SECTIONS = (
    Section("criteria", "各项评估 Criteria"),
    Section("schools", "学校 Schools"),
    Section("missing", "需补充的数据 To supply"),
)
_PLACE = ("year", "county", "level")
PLAN_SECTIONS = (
    Section("counties", "各县应补 What each county adds",
            (*_PLACE, "resource", "unit", "schools", "addition", "shortfall", "cost_one_off", "cost_yearly")),
    Section("schools", "各校应补 What to add at each school",
            (*_PLACE, "school_id", "school_name", "resource", "unit", "addition", "whole_school", "cost_one_off",
             "cost_yearly"), group_by="county"),
    Section("unresolved", "补充资源仍无法达标 What additions cannot settle", (*_PLACE, "status", "reasons")),
)
EQUITY_SECTIONS = (Section("measures", "公平性指标 Equity measures"),)
DEFAULT_SECTIONS = {"evaluation": EVALUATION_SECTIONS, "track": TRACK_SECTIONS, "explanation": EXPLANATION_SECTIONS,
                    "plan": PLAN_SECTIONS, "equity": EQUITY_SECTIONS}


@hookimpl
def eduequity_report_formats() -> list[ReportFormat]:
    """The built-in formats. CSV is for data teams, so one file is one table, and the
    frames' own column names (``lang="en"``: what ``ev.indicators`` and the JSON use)
    head it: ``cn.indicators.csv`` (long form, every number an evaluation computed,
    one row per year, county, level and indicator), ``cn.verdicts.csv`` (one row per
    county-year) and ``cn.cv-table.csv`` (the national-format 表2 CV table, whose
    headers are the document's). ``--lang zh`` relabels the first two for people."""
    return [
        ReportFormat("markdown", "markdown", "评估报告 Evaluation report", subject="any"),
        ReportFormat("json", "json", "eduequity evaluation", subject="any"),
        ReportFormat("html", "html", "评估报告 Evaluation report", subject="any"),
        ReportFormat("xlsx", "xlsx", "评估报告 Evaluation report", subject="any"),
        ReportFormat("pdf", "pdf", "评估报告 Evaluation report", subject="any"),
        ReportFormat("cn.indicators.csv", "csv", "指标与差异系数 Indicators and CVs",
                     (Section("indicators"),), lang="en"),
        ReportFormat("cn.verdicts.csv", "csv", "县域结论 Verdicts", (Section("verdicts"),), lang="en"),
        ReportFormat("cn.cv-table.csv", "csv", "义务教育学校校际差异系数表", (Section("cv_table"),)),
    ]
