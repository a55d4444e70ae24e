"""Report formats and writers: the national-format CV table, progress, XLSX, HTML, determinism."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import eduequity as ee
from eduequity.reports import tables

sys.path.insert(0, str(Path(__file__).parent))
from test_evaluate import schools  # noqa: E402


@pytest.fixture(scope="module")
def ev():
    frame = schools(seed=5)
    frame.loc[frame["county"] == "西区", "county"] = "=HYPERLINK(\"http://x\")"  # hostile text in every table
    return ee.evaluate(frame, "cn.basic-balance-2012")


def test_cv_table_has_two_rows_per_county_and_level_with_the_evaluations_numbers(ev):
    t = tables.cv_table(ev)
    assert list(t.columns[:6]) == ["年份", "序号", "市", "县", "学校类别", "类型"]
    assert t.columns[6] == "生均教学及辅助用房面积(㎡)" and t.columns[-1] == "综合"
    assert len(t) == 2 * len(ev.counties)
    first = t[(t["年份"] == 2016) & (t["县"] == "东区") & (t["学校类别"] == "小学")]
    assert first["类型"].tolist() == ["全县平均值", "差异系数"]
    ind = ev.indicators[(ev.indicators["year"] == 2016) & (ev.indicators["county"] == "东区")
                        & (ev.indicators["level"] == "primary")].set_index("indicator")
    assert first.iloc[0]["生均图书册数(册)"] == ind.loc["books", "mean"]
    assert first.iloc[1]["师生比"] == ind.loc["teachers", "cv"]
    c = ev.counties[(ev.counties["year"] == 2016) & (ev.counties["county"] == "东区")
                    & (ev.counties["level"] == "primary")]
    assert first.iloc[1]["综合"] == c["composite_cv"].iloc[0] and np.isnan(first.iloc[0]["综合"])


def test_xlsx_is_formula_safe_deterministic_and_one_sheet_per_table(ev):
    from openpyxl import load_workbook

    data = ee.render(ev, "xlsx")
    assert isinstance(data, bytes) and data == ee.render(ev, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "说明" and len(wb.sheetnames) == 6
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    ws = wb[wb.sheetnames[1]]
    assert ws.freeze_panes == "A2"


def test_a_format_must_name_known_tables_and_charts():
    with pytest.raises(ValueError, match="unknown table"):
        ee.ReportFormat("x.bad", "markdown", sections=(ee.Section("no_such_frame"),))
    with pytest.raises(ValueError, match="unknown chart"):
        ee.Section(chart="pie")
    with pytest.raises(ValueError, match="table .* or a chart"):
        ee.Section()


def test_a_plugin_format_renders_the_cv_table_and_refuses_the_wrong_subject(ev):
    class Fmt:
        @ee.hookimpl
        def eduequity_report_formats(self):
            return [ee.ReportFormat("demo.cv-table.md", "markdown", "表2 差异系数表",
                                    (ee.Section("cv_table", "表2"),))]

    reg = ee.registry(plugins=[Fmt()], entry_points=False)
    md = ee.render(ev, "demo.cv-table.md", registry=reg)
    assert "| 年份 | 序号 | 市 | 县 | 学校类别 | 类型 |" in md and "全县平均值" in md
    plan = ee.PhasedSchedule("demo.s", "t", "hebei", "basic-balance", 2011, 2, (ee.Milestone(2015, 2),),
                             ee.Source("x"))
    with pytest.raises(TypeError, match="renders evaluation results"):
        ee.render(ee.track(plan, pd.DataFrame({"county": ["A"], "year": [2012]})), "demo.cv-table.md", registry=reg)


def test_progress_groups_targets_by_lead_unit():
    frame = schools(years=(2016, 2017))
    metrics = pd.DataFrame({"year": [2016, 2017], "county": "东区", "metric": "public_satisfaction",
                            "value": [0.80, 0.90]})
    ev = ee.evaluate(frame, "cn.basic-balance-2012", metrics=metrics)
    p = tables.progress(ev)
    row = p[(p["地区"] == "东区") & (p["目标"] == "公众满意度")].iloc[0]
    assert (row["年份"], row["状态"], row["最新值"], row["差距"]) == (2017, "达标", 0.90, 0.0)
    xi = p[(p["地区"] != "东区") & (p["目标"] == "公众满意度")].iloc[0]
    assert xi["状态"] == "无法评估"


def test_html_has_the_composite_chart_when_asked(ev):
    class Fmt:
        @ee.hookimpl
        def eduequity_report_formats(self):
            return [ee.ReportFormat("demo.cv.html", "html", "t", (ee.Section(chart="composite_by_year", title="图"),
                                                                  ee.Section("counties")))]

    page = ee.render(ev, "demo.cv.html", registry=ee.registry(plugins=[Fmt()], entry_points=False))
    assert page.count("<svg") == 1 and "综合差异系数" in page
