"""Jilin province: its 60 counties, the 10/30/60 schedule, its plan's targets and report formats.

Source: 《吉林省推进县域义务教育均衡发展规划（2011—2020年）》, 吉政办发〔2011〕18号.
Everything the plan commits to is data beside this module (plugin.toml, data/,
standards/, schedules/), registered by ``ee.data_hooks``; the Python here declares
the report formats.
"""

from __future__ import annotations

import eduequity as ee

CV_TABLE = "表2 吉林省60个县义务教育学校校际差异系数表"
PROGRESS = "吉林省县域义务教育基本均衡推进情况"

# Counties (plugin.toml, data/), standards/*.toml and schedules/*.toml.
eduequity_jurisdictions, eduequity_counties, eduequity_standards, eduequity_schedules = ee.data_hooks(__file__)


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
