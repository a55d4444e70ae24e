"""Jilin province: its 60 counties, the 10/30/60 schedule, its plan's targets and report formats.

Source: 《吉林省推进县域义务教育均衡发展规划（2011—2020年）》, 吉政办发〔2011〕18号.
Everything the plan commits to is data beside this module (standards/, schedules/,
data/); the hooks only point at it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import eduequity as ee

HERE = Path(__file__).parent
CV_TABLE = "表2 吉林省60个县义务教育学校校际差异系数表"
PROGRESS = "吉林省县域义务教育基本均衡推进情况"


def counties() -> tuple[ee.County, ...]:
    """The 60 county-level units of 2011, with later names as aliases (扶余县 → 扶余市, 九台市 → 九台区).

    Division codes are left out: the shared data gives none we can cite.
    """
    with (HERE / "data" / "jilin-counties-2011.csv").open(encoding="utf-8") as fh:
        return tuple(ee.County(r["name"], r["kind"], "", r["prefecture"], (r["later_name"],) if r["later_name"] else ())
                     for r in csv.DictReader(fh))


@ee.hookimpl
def eduequity_counties() -> list[ee.CountyList]:
    return [ee.CountyList("jilin", counties())]


@ee.hookimpl
def eduequity_standards() -> list[Path]:
    return sorted((HERE / "standards").glob("*.toml"))


@ee.hookimpl
def eduequity_schedules() -> list[Path]:
    return sorted((HERE / "schedules").glob("*.toml"))


@ee.hookimpl
def eduequity_report_formats() -> list[ee.ReportFormat]:
    table = (ee.Section("cv_table", CV_TABLE),)
    progress = (ee.Section(chart="cumulative", title="累计认定县数与规划"), ee.Section("milestones", "阶段目标"),
                ee.Section("counties", "各县（市、区）"))
    return [
        ee.ReportFormat("jilin.cv-table.xlsx", "xlsx", CV_TABLE, table),
        ee.ReportFormat("jilin.cv-table.md", "markdown", CV_TABLE, table),
        ee.ReportFormat("jilin.schedule-progress.html", "html", PROGRESS, progress, subject="track"),
        ee.ReportFormat("jilin.schedule-progress.md", "markdown", PROGRESS, progress, subject="track"),
    ]
