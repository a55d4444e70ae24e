"""Panzhihua (攀枝花市): its five counties, three education plans as dated targets, and a progress report.

Sources, read in the official text (confidence V):

- 攀办发〔2015〕2号 《攀枝花市均衡配置义务教育资源促进教育公平专项改革方案》
  → standard ``panzhihua.balanced-allocation-2015`` and schedule ``panzhihua.county-balance-2015``;
- 攀办发〔2019〕88号 《攀枝花市建设区域教育高地实施方案》 → ``panzhihua.education-highland-2019``;
- 攀办发〔2021〕73号 《攀枝花市新时代深化改革推进基础教育高质量发展实施方案》
  → ``panzhihua.basic-education-quality-2021``.

Everything the plans commit to is data beside this module (standards/, schedules/,
data/); the hooks only point at it. The report formats are declarations on
core's writers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import eduequity as ee

HERE = Path(__file__).parent
JURISDICTION = "panzhihua"
PROGRESS_TITLE = "攀枝花市教育规划目标推进情况（按牵头单位）"
PROGRESS_FORMATS = ("panzhihua.progress-zh.xlsx", "panzhihua.progress-zh.md", "panzhihua.progress-zh.html")


def counties() -> tuple[ee.County, ...]:
    """东区, 西区, 仁和区, 米易县, 盐边县 with their GB/T 2260 codes (shared reference data).

    The two counties' short names (米易, 盐边), as bureau tables write them, are aliases:
    the resolver then reads them as the county, where an unregistered near miss would
    only be warned about.
    """
    with (HERE / "data" / "panzhihua-counties.csv").open(encoding="utf-8") as fh:
        return tuple(ee.County(r["name"], r["kind"], r["code"], "攀枝花市", (r["short_name"],) if r["short_name"] else ())
                     for r in csv.DictReader(fh))


@ee.hookimpl
def eduequity_jurisdictions() -> list[ee.Jurisdiction]:
    return [ee.Jurisdiction(JURISDICTION, "攀枝花市", "Panzhihua", parent="sichuan", code="510400", kind="city")]


@ee.hookimpl
def eduequity_counties() -> list[ee.CountyList]:
    return [ee.CountyList(JURISDICTION, counties())]


@ee.hookimpl
def eduequity_standards() -> list[Path]:
    return sorted((HERE / "standards").glob("*.toml"))


@ee.hookimpl
def eduequity_schedules() -> list[Path]:
    return sorted((HERE / "schedules").glob("*.toml"))


@ee.hookimpl
def eduequity_report_formats() -> list[ee.ReportFormat]:
    """A progress report over one or more evaluations, one table per lead unit (牵头单位)
    across all of them (an XLSX sheet per lead unit).

    Each row: a target's latest status, value, gap, deadline and clause. The
    HTML view adds each county's composite CV by year (from an evaluation of
    ``panzhihua.balanced-allocation-2015`` with school statistics).
    """
    progress = ee.Section("progress", "目标推进情况", group_by="牵头单位")
    chart = ee.Section(chart="composite_by_year", title="各县（区）综合差异系数逐年变化")
    return [
        ee.ReportFormat("panzhihua.progress-zh.xlsx", "xlsx", PROGRESS_TITLE, (progress,)),
        ee.ReportFormat("panzhihua.progress-zh.md", "markdown", PROGRESS_TITLE, (progress,)),
        ee.ReportFormat("panzhihua.progress-zh.html", "html", PROGRESS_TITLE, (chart, progress)),
    ]
