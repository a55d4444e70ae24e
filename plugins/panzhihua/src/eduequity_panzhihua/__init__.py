"""Panzhihua (攀枝花市): its five counties, three education plans as dated targets, and a progress report.

Sources, read in the official text (confidence V):

- 攀办发〔2015〕2号 《攀枝花市均衡配置义务教育资源促进教育公平专项改革方案》
  → standard ``panzhihua.balanced-allocation-2015`` and schedule ``panzhihua.county-balance-2015``;
- 攀办发〔2019〕88号 《攀枝花市建设区域教育高地实施方案》 → ``panzhihua.education-highland-2019``;
- 攀办发〔2021〕73号 《攀枝花市新时代深化改革推进基础教育高质量发展实施方案》
  → ``panzhihua.basic-education-quality-2021``.

Everything the plans commit to is data beside this module (plugin.toml, data/,
standards/, schedules/), registered by ``ee.data_hooks``. The report formats are
declarations on core's writers.
"""

from __future__ import annotations

import eduequity as ee

JURISDICTION = "panzhihua"
PROGRESS_TITLE = "攀枝花市教育规划目标推进情况（按牵头单位）"
PROGRESS_FORMATS = ("panzhihua.progress-zh.xlsx", "panzhihua.progress-zh.md", "panzhihua.progress-zh.html")

# The city and its counties (plugin.toml, data/), standards/*.toml and schedules/*.toml.
eduequity_jurisdictions, eduequity_counties, eduequity_standards, eduequity_schedules = ee.data_hooks(__file__)


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
