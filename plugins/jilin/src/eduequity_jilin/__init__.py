"""Jilin province: its 60 counties, the 10/30/60 schedule, its plan's targets and report formats.

Source: 《吉林省推进县域义务教育均衡发展规划（2011—2020年）》, 吉政办发〔2011〕18号.
Everything the plan commits to is data beside this module (standards/, schedules/,
data/); the hooks only point at it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from eduequity.core.hookspecs import hookimpl
from eduequity.core.jurisdictions import County, CountyList
from eduequity.reports.formats import ReportFormat, Section

HERE = Path(__file__).parent
CV_TABLE = "表2 吉林省60个县义务教育学校校际差异系数表"
PROGRESS = "吉林省县域义务教育基本均衡推进情况"


def counties() -> tuple[County, ...]:
    """The 60 county-level units of 2011, with later names as aliases (扶余县 → 扶余市, 九台市 → 九台区).

    Division codes are left out: the shared data gives none we can cite.
    """
    with (HERE / "data" / "jilin-counties-2011.csv").open(encoding="utf-8") as fh:
        return tuple(County(r["name"], r["kind"], "", r["prefecture"], (r["later_name"],) if r["later_name"] else ())
                     for r in csv.DictReader(fh))


@hookimpl
def eduequity_counties() -> list[CountyList]:
    return [CountyList("jilin", counties())]


@hookimpl
def eduequity_standards() -> list[Path]:
    return sorted((HERE / "standards").glob("*.toml"))


@hookimpl
def eduequity_schedules() -> list[Path]:
    return sorted((HERE / "schedules").glob("*.toml"))


@hookimpl
def eduequity_report_formats() -> list[ReportFormat]:
    table = (Section("cv_table", CV_TABLE),)
    progress = (Section(chart="cumulative", title="累计认定县数与规划"), Section("milestones", "阶段目标"),
                Section("counties", "各县（市、区）"))
    return [
        ReportFormat("jilin.cv-table.xlsx", "xlsx", CV_TABLE, table),
        ReportFormat("jilin.cv-table.md", "markdown", CV_TABLE, table),
        ReportFormat("jilin.schedule-progress.html", "html", PROGRESS, progress, subject="track"),
        ReportFormat("jilin.schedule-progress.md", "markdown", PROGRESS, progress, subject="track"),
    ]
