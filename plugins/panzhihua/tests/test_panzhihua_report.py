"""The progress report (panzhihua.progress-zh.*) over the three plans' evaluations.

One header per plan, then one progress table across all of them, split by lead unit
(牵头单位): each unit sees every plan's targets it leads in one table.

Observations are synthetic (the numbers of a made-up bureau), the school frame is
the repository's synthetic example, or a small generated one when the example is absent.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

import eduequity as ee
from panzhihua_support import COUNTIES, JURISDICTION, NATIONAL_8, evaluate, standard

P15, P19, P21 = "panzhihua.balanced-allocation-2015", "panzhihua.education-highland-2019", \
    "panzhihua.basic-education-quality-2021"
CITY = "攀枝花市"  # jurisdiction-wide rows name the city, not its id
NO_UNIT = "未注明牵头单位"  # issue #16: a heading and a sheet named "—" said nothing
UNITS = (NO_UNIT, "市教育体育局", "市教育和体育局")  # by lead unit; NO_UNIT for the 2019 plan, which names no 责任单位
TREND_PARTNERS = "市发改委、市财政局、市人社局、市委农工委"  # 2015 plan 三、（四）, the measure behind 一、（五）


def school_frame() -> pd.DataFrame:
    example = next((p / "examples" / "panzhihua-schools-synthetic.csv" for p in Path(__file__).resolve().parents
                    if (p / "examples" / "panzhihua-schools-synthetic.csv").exists()), None)
    if example is not None:
        return ee.read_schools(example)
    rows = []
    for county in ("东区", "西区", "米易县"):
        for year in (2015, 2016):
            for i, f in enumerate((0.8, 1.2)):
                row = {"year": year, "county": county, "school_id": f"{county}{i}", "level": "primary",
                       "students": 500}
                row.update({c: 500.0 * f for c in NATIONAL_8})
                rows.append(row)
    return ee.read_schools(pd.DataFrame(rows))


def obs(rows):
    return pd.DataFrame(rows, columns=["year", "county", "metric", "value"])


@pytest.fixture(scope="module")
def evaluations():
    ev15 = ee.evaluate(school_frame(), P15, recognitions=pd.DataFrame({"county": ["东区", "西区"], "year": [2015, 2015]}),
                       metrics=obs([(2016, JURISDICTION, "special_education_funding_per_student", 5500.0),
                                    (2016, JURISDICTION, "three_links_rate", 0.80),
                                    (2016, JURISDICTION, "exercise_book_fees_waived", 1.0),
                                    (2016, "盐边县", "basic_balance_recognised", 1.0)]))
    ev19 = evaluate(P19, obs([(2022, JURISDICTION, "municipal_master_studios", 24.0),
                              (2022, JURISDICTION, "regional_education_highland_formed", 1.0)]))
    ev21 = evaluate(P21, obs([(2024, JURISDICTION, "nine_year_retention", 0.960),
                              (2024, JURISDICTION, "inclusive_kindergarten_coverage", 0.90)]))
    return [ev15, ev19, ev21]


@pytest.fixture(scope="module")
def markdown(evaluations):
    return ee.render(evaluations, "panzhihua.progress-zh.md")


HEAD = ["目标", "地区", "学段", "年份", "状态", "最新值", "要求", "差距", "期限", "配合单位", "条款", "文件"]
LEVEL_ZH = {None: "", "primary": "小学", "junior": "初中"}


def unit_table(md: str, unit: str) -> str:
    """The text of one lead unit's table (from its ### heading to the next heading)."""
    start = md.index(f"\n### {unit}\n") + 1
    nxt = md.find("\n#", start)
    return md[start: nxt if nxt != -1 else None]


def rows(part: str) -> list[dict[str, str]]:
    """The body rows of the Markdown table(s) in ``part``, as dicts by column name."""
    out = []
    for line in part.splitlines():
        if not line.startswith("| ") or line == "| " + " | ".join(HEAD) + " |":
            continue
        out.append(dict(zip(HEAD, [c.strip() for c in line.strip("|").split("|")], strict=True)))
    return out


def row(part: str, goal: str, place: str = CITY, level: str = "") -> dict[str, str]:
    """The one row of ``goal`` at ``place`` (and level)."""
    found = [r for r in rows(part) if (r["目标"], r["地区"], r["学段"]) == (goal, place, level)]
    assert len(found) == 1, (goal, place, level, found)
    return found[0]


def trend_rule():
    return next(r for r in standard(P15).rules if r.KIND == "trend")


def test_a_header_per_plan_then_one_table_per_lead_unit_across_the_plans(evaluations, markdown):
    titles = [ev.standard.title for ev in evaluations]
    for title in titles:
        assert markdown.count("# " + title + "\n") == 1
    headings = [ln for ln in markdown.splitlines() if ln.startswith("#")]
    assert headings == [*("# " + t for t in titles), "## 目标推进情况", *("### " + u for u in UNITS)]
    assert markdown.count("| " + " | ".join(HEAD) + " |") == len(UNITS)
    # Each unit's table holds the plans it leads in: the 2015 plan's composite-CV trend has the
    # units of 三、（四）, so only the 2019 plan (no 责任单位 at all) is under NO_UNIT.
    assert {r["文件"] for r in rows(unit_table(markdown, "市教育体育局"))} == {"攀办发〔2015〕2号"}
    assert {r["文件"] for r in rows(unit_table(markdown, "市教育和体育局"))} == {"攀办发〔2021〕73号"}
    assert {r["文件"] for r in rows(unit_table(markdown, NO_UNIT))} == {"攀办发〔2019〕88号"}
    # Within a table: by document, goal, place, level.
    for unit in UNITS:
        keys = [(r["文件"], r["目标"], r["地区"], r["学段"]) for r in rows(unit_table(markdown, unit))]
        assert keys == sorted(keys), unit


def test_rows_give_status_latest_value_gap_deadline_units_and_clause(markdown):
    part21 = unit_table(markdown, "市教育和体育局")
    assert row(part21, "九年义务教育巩固率达到96.5%") == {
        "目标": "九年义务教育巩固率达到96.5%", "地区": CITY, "学段": "", "年份": "2024", "状态": "未到期",
        "最新值": "0.960", "要求": ">= 0.965", "差距": "0.005", "期限": "2025",
        "配合单位": "市发展改革委、市财政局、市住房城乡建设局、市残联", "条款": "一、（二）", "文件": "攀办发〔2021〕73号"}
    cells = row(part21, "普惠性幼儿园覆盖率达到87%以上")
    assert [cells[k] for k in ("状态", "最新值", "要求", "差距")] == ["达标", "0.900", ">= 0.87", "0"]
    cells = row(unit_table(markdown, NO_UNIT), "建好30个市级中小学（中职）名师及名校长工作室")
    assert [cells[k] for k in ("状态", "最新值", "要求", "差距", "期限")] == ["未达标", "24", ">= 30", "6", "2022"]
    part15 = unit_table(markdown, "市教育体育局")
    cells = row(part15, "义务教育阶段特殊教育学校生均公用经费6000元/生·年")
    assert [cells[k] for k in ("状态", "最新值", "要求", "差距")] == ["未达标", "5500", ">= 6000", "500"]
    assert row(part15, "“三通”通达率达到90%")["状态"] == "未到期"
    assert "| panzhihua |" not in markdown


def test_the_composite_cv_trend_is_listed_under_its_lead_unit_with_its_clause(markdown):
    trend = trend_rule()
    assert (trend.lead_unit, "、".join(trend.partner_units)) == ("市教育体育局", TREND_PARTNERS)
    judged = [r for r in rows(unit_table(markdown, "市教育体育局")) if r["目标"] == trend.title]
    assert judged  # 东区 and 西区 are recognised in 2015 and have school statistics after it
    for r in judged:
        assert (r["配合单位"], r["条款"], r["文件"], r["期限"]) == (TREND_PARTNERS, "一、（五）", "攀办发〔2015〕2号", "—")
        assert r["地区"] in ("东区", "西区") and r["学段"] in ("小学", "初中")
        assert r["要求"].startswith("<= ")  # the county's composite of the year before
    assert trend.title not in unit_table(markdown, NO_UNIT)


def test_every_city_wide_target_of_a_plan_is_in_its_lead_units_table(evaluations, markdown):
    for ev in evaluations:
        for t in ev.standard.targets:
            if t.scope == "jurisdiction":
                r = row(unit_table(markdown, t.lead_unit or NO_UNIT), t.title, CITY, LEVEL_ZH[t.level])
                assert (r["文件"], r["条款"], r["期限"]) == (t.source.document, t.source.clause, str(t.deadline)), t.id
                assert r["配合单位"] == "、".join(t.partner_units), t.id


def test_a_county_target_without_observations_is_listed_for_every_county(evaluations, markdown):
    # The 2021 plan is evaluated from city-wide observations only: teacher pay (per county) is
    # still listed for each of the five counties, not assessable, in the latest year judged.
    title = "义务教育教师平均工资收入水平不低于当地公务员平均工资收入水平"
    listed = [r for r in rows(unit_table(markdown, "市教育和体育局")) if r["目标"] == title]
    assert sorted(r["地区"] for r in listed) == sorted(COUNTIES)
    for r in listed:
        assert [r[k] for k in ("学段", "年份", "状态", "最新值", "要求", "差距", "期限")] == \
            ["", "2024", "无法评估", "—", ">= 1", "—", "2025"]
    assert CITY not in {r["地区"] for r in listed}


@pytest.fixture(scope="module")
def html(evaluations):
    return ee.render(evaluations, "panzhihua.progress-zh.html")


def test_the_html_view_draws_each_countys_composite_cv_by_year(evaluations, html):
    page = html
    # One chart: only the 2015 evaluation has composite CVs (the 2019 and 2021 ones have no schools).
    assert page.count("<svg") == 1 and page.count("各县（区）综合差异系数逐年变化") == 1
    first = page[page.index("<svg"): page.index("</svg>")]
    counties = set(evaluations[0].counties["county"].astype(str))
    assert counties and all(c in first for c in counties)  # text kept as text: county names in the SVG
    assert "市教育和体育局" in page and "攀办发〔2021〕73号" in page


def test_the_xlsx_has_a_sheet_per_lead_unit_with_numbers_as_numbers(evaluations):
    from openpyxl import load_workbook

    data = ee.render(evaluations, "panzhihua.progress-zh.xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["说明", *UNITS]  # one sheet per lead unit, named by it
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert all(ev.standard.title in notes for ev in evaluations)
    ws = wb["市教育和体育局"]
    header = [c.value for c in ws[1]]
    assert header == HEAD
    body = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    retention = body[("九年义务教育巩固率达到96.5%", CITY)]
    assert (retention["最新值"], retention["期限"], retention["状态"]) == (0.96, 2025, "未到期")
    assert type(retention["期限"]) is int
    assert retention["差距"] == pytest.approx(0.005)
    assert {r["文件"] for r in body.values()} == {"攀办发〔2021〕73号"}


def test_rendering_is_deterministic(evaluations, markdown, html):
    assert ee.render(evaluations, "panzhihua.progress-zh.md") == markdown
    assert ee.render(evaluations, "panzhihua.progress-zh.html") == html
    assert ee.render(evaluations, "panzhihua.progress-zh.xlsx") == ee.render(evaluations, "panzhihua.progress-zh.xlsx")


@pytest.mark.parametrize("fmt", ["panzhihua.progress-zh.md", "panzhihua.progress-zh.xlsx"])
def test_one_evaluation_renders_too(evaluations, fmt):
    assert len(ee.render(evaluations[2], fmt)) > 0


def test_the_formats_render_evaluations_not_tracking_results():
    r = ee.track("panzhihua.county-balance-2015", pd.DataFrame({"county": ["东区"], "year": [2015]}))
    with pytest.raises(TypeError, match="evaluation"):
        ee.render(r, "panzhihua.progress-zh.md")


def test_an_unmet_yes_no_item_shows_its_gap():
    ev = evaluate(P19, obs([(2021, JURISDICTION, "regional_education_highland_formed", 0.0)]))
    md = ee.render(ev, "panzhihua.progress-zh.md")
    cells = row(md, "区域教育高地基本形成")
    assert [cells[k] for k in ("年份", "状态", "最新值", "要求", "差距")] == ["2021", "未达标", "0", "== 1", "1"]


def test_latest_value_is_the_latest_observation():
    ev = evaluate(P21, obs([(2023, JURISDICTION, "nine_year_retention", 0.97),
                            (2024, JURISDICTION, "inclusive_kindergarten_coverage", 0.90)]))
    md = ee.render(ev, "panzhihua.progress-zh.md")
    cells = row(md, "九年义务教育巩固率达到96.5%")
    assert [cells[k] for k in ("年份", "状态", "最新值")] == ["2023", "达标", "0.970"]
    # Never observed: the latest year judged, not assessable.
    cells = row(md, "高中阶段毛入学率达到96%")
    assert [cells[k] for k in ("年份", "状态", "最新值")] == ["2024", "无法评估", "—"]


def test_markdown_has_no_unfilled_placeholders(markdown):
    assert not re.search(r"\bnan\b|None|<NA>", markdown)


def test_deadlines_print_as_years_next_to_trend_rows(markdown):
    part15 = unit_table(markdown, "市教育体育局")
    assert any(r["目标"] == trend_rule().title for r in rows(part15))  # the table does hold trend rows
    assert row(part15, "“三通”通达率达到90%")["期限"] == "2017"
    assert all(re.fullmatch(r"\d{4}|—", r["期限"]) for r in rows(markdown))
