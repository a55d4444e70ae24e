"""The plugin's data: places, the three standards as written from the plans, their sources, JSON round trip.

``EXPECTED`` is typed again from the plans (and the issue's list), not read from
the data files, so a changed op, value, deadline or scope fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import eduequity as ee
import eduequity_panzhihua
from eduequity.testing import commitment_failures
from panzhihua_support import (
    DOCUMENTS,
    JURISDICTION,
    NATIONAL_8,
    SCHEDULE,
    SEEDS,
    STANDARDS,
    all_targets,
    seeds_dir,
    standard,
)

P15, P19, P21 = (s + "." for s in STANDARDS)
J, C = "jurisdiction", "county"

# id: (op, value, deadline, scope, clause) [+ extras]
EXPECTED = {
    # 攀办发〔2015〕2号
    P15 + "county-basic-balance": ("==", 1.0, 2015, C, "一、"),
    P15 + "citywide-balance": ("==", 1.0, 2020, J, "一、"),
    P15 + "principal-teacher-exchange": (">=", 0.10, 2018, C, "一、（二）"),
    P15 + "three-links": (">=", 0.90, 2017, J, "一、（三）"),
    P15 + "quota-allocation": (">=", 0.50, 2020, J, "三、（四）"),
    P15 + "in-district-enrolment": (">=", 0.90, 2020, C, "三、（四）"),
    P15 + "special-education-funding": (">=", 6000.0, 2016, J, "三、（五）"),
    P15 + "disabled-compulsory-universal": ("==", 1.0, 2017, J, "三、（五）"),
    P15 + "weak-school-renovation": ("==", 1.0, 2018, J, "三、（一）"),
    P15 + "basic-hardware-standard": (">=", 1.0, 2015, J, "三、（三）"),
    P15 + "exercise-book-fees": ("==", 1.0, 2014, J, "三、（五）"),
    P15 + "public-service-system": ("==", 1.0, 2018, J, "一、"),
    P15 + "county-town-oversized-classes": ("==", 1.0, 2020, J, "一、（一）"),
    P15 + "urban-rural-conditions-balanced": ("==", 1.0, 2018, J, "一、（一）"),
    P15 + "d-class-buildings": ("==", 0.0, 2020, J, "二、（三）"),
    P15 + "digital-service-system": ("==", 1.0, 2020, J, "二、（五）"),
    P15 + "school-conditions-standardised": ("==", 1.0, 2018, J, "三、（一）"),
    P15 + "exchange-teachers-2014": (">=", 1.0, 2014, J, "三、（二）"),
    P15 + "teacher-exchange-routine": ("==", 1.0, 2018, J, "三、（二）"),
    P15 + "teacher-resources-balanced": ("==", 1.0, 2020, C, "三、（二）"),
    P15 + "school-broadband": ("==", 1.0, 2015, J, "三、（三）"),
    P15 + "rural-class-multimedia": (">=", 1.0, 2020, J, "三、（三）"),
    P15 + "education-it-network": ("==", 1.0, 2015, J, "三、（三）"),
    P15 + "ethnic-remote-schools-reached": (">=", 1.0, 2018, J, "三、（三）"),
    P15 + "three-links-two-platforms": ("==", 1.0, 2015, J, "三、（三）"),
    P15 + "project-11311": ("==", 1.0, 2020, J, "三、（三）"),
    P15 + "main-city-large-classes": ("==", 1.0, 2020, J, "三、（四）"),
    P15 + "senior-disabled-free-education": (">=", 1.0, 2020, J, "三、（五）"),
    P15 + "weak-township-support": ("==", 1.0, 2020, J, "三、（六）"),
    # 攀办发〔2019〕88号
    P19 + "highland-formed": ("==", 1.0, 2020, J, "一、"),
    P19 + "strong-education-city": ("==", 1.0, 2025, J, "一、"),
    P19 + "urban-brand-kindergartens": (">=", 5.0, 2025, J, "二、（一）1."),
    P19 + "township-brand-kindergartens": (">=", 3.0, 2025, J, "二、（一）1."),
    P19 + "urban-brand-schools": (">=", 10.0, 2025, J, "二、（一）1."),
    P19 + "rural-brand-schools": (">=", 5.0, 2025, J, "二、（一）1."),
    P19 + "county-first-class-high-school": (">=", 1.0, 2025, J, "二、（一）1."),
    P19 + "provincial-demonstration-high-coverage": (">=", 1.0, 2025, J, "二、（一）1."),
    P19 + "municipal-studios": (">=", 30.0, 2022, J, "二、（一）4."),
    P19 + "provincial-studios": (">=", 10.0, 2022, J, "二、（一）4."),
    P19 + "urban-demonstration-district": (">=", 1.0, 2025, J, "二、（一）5."),
    P19 + "rural-demonstration-county": (">=", 1.0, 2025, J, "二、（一）5."),
    P19 + "vocational-enrolment": (">=", 20000.0, 2025, J, "二、（一）6."),
    P19 + "quality-communities": (">=", 7.0, 2025, J, "二、（二）2."),
    P19 + "quality-balance-all-counties": (">=", 1.0, 2025, J, "二、（三）2."),
    P19 + "national-brand-high-schools": (">=", 2.0, 2025, J, "二、（一）1."),
    P19 + "vocational-flagship-schools": (">=", 4.0, 2025, J, "二、（一）2."),
    P19 + "high-level-universities": (">=", 2.0, 2025, J, "二、（一）3."),
    P19 + "highland-showcase-areas": (">=", 2.0, 2025, J, "二、（一）6."),
    P19 + "city-quality-brands": (">=", 10.0, 2025, J, "二、（二）2."),
    P19 + "county-quality-brands": (">=", 10.0, 2025, C, "二、（二）2."),
    P19 + "integration-brand-projects": (">=", 5.0, 2025, J, "二、（三）4."),
    P19 + "education-spending": (">=", 1.0, 2020, J, "三、（二）"),
    P19 + "per-student-spending": (">=", 1.0, 2020, J, "三、（二）"),
    P19 + "county-annual-assessment": ("==", 1.0, 2020, J, "三、（四）"),
    P19 + "publicity-month": ("==", 1.0, 2020, J, "三、（五）"),
    # 攀办发〔2021〕73号
    P21 + "inclusive-kindergarten-coverage": (">=", 0.87, 2025, J, "一、（二）"),
    P21 + "public-kindergarten-share": (">", 0.50, 2025, J, "一、（二）"),
    P21 + "nine-year-retention": (">=", 0.965, 2025, J, "一、（二）"),
    P21 + "senior-secondary-gross-enrolment": (">=", 0.96, 2025, J, "一、（二）"),
    P21 + "class-size-primary": ("<", 56.0, 2025, J, "二、（四）推进义务教育优质均衡发展"),
    P21 + "class-size-junior": ("<", 56.0, 2025, J, "二、（四）推进义务教育优质均衡发展"),
    P21 + "school-management-standard": (">=", 1.0, 2023, J, "二、（四）推进义务教育优质均衡发展"),
    P21 + "disabled-enrolment": (">=", 0.96, 2025, J, "二、（四）推进义务教育优质均衡发展"),
    P21 + "senior-high-class-size": ("<", 56.0, 2025, J, "二、（四）推进普通高中多样化特色发展"),
    P21 + "senior-high-campus-size": ("<", 5000.0, 2025, J, "二、（四）推进普通高中多样化特色发展"),
    P21 + "layout-plans": (">=", 1.0, 2021, J, "二、（四）优化中小学幼儿园布局调整"),
    P21 + "layout-construction": ("==", 1.0, 2023, J, "二、（四）优化中小学幼儿园布局调整"),
    P21 + "layout-adjustment": ("==", 1.0, 2024, J, "二、（四）优化中小学幼儿园布局调整"),
    P21 + "layout-optimised": ("==", 1.0, 2025, J, "二、（四）优化中小学幼儿园布局调整"),
    P21 + "daily-exercise": (">=", 1.0, 2025, J, "二、（三）健康为基"),
    P21 + "labour-practice-bases": (">=", 1.0, 2025, J, "二、（三）劳育为线"),
    P21 + "labour-education-sites": (">=", 1.0, 2025, J, "二、（三）劳育为线"),
    P21 + "teacher-pay": (">=", 1.0, 2025, C, "二、（六）保障教师工资待遇"),
    P21 + "online-parent-school": ("==", 1.0, 2021, J, "二、（七）切实加强家校共育"),
    P21 + "after-school-schools": (">=", 1.0, 2021, J, "二、（八）"),
    P21 + "after-school-students": (">=", 1.0, 2021, J, "二、（八）"),
    P21 + "highland-built": ("==", 1.0, 2025, J, "一、（二）"),
    P21 + "public-school-places": (">=", 1.0, 2025, J, "一、（二）"),
    P21 + "provincial-basic-conditions": (">=", 1.0, 2025, J, "一、（二）"),
    P21 + "head-teacher-workload": (">=", 0.5, 2025, J, "二、（三）德育为先"),
    P21 + "league-pioneer-commendation": ("==", 1.0, 2021, J, "二、（三）德育为先"),
    P21 + "sports-skills": (">=", 1.0, 2025, J, "二、（三）健康为基"),
    P21 + "art-skill": (">=", 1.0, 2025, J, "二、（三）美育为底"),
    P21 + "volunteer-commendation": ("==", 1.0, 2021, J, "二、（三）劳育为线"),
    P21 + "dropout-control": ("==", 1.0, 2025, J, "二、（五）提升民族地区教育质量"),
    P21 + "canteen-food-safety": (">=", 1.0, 2025, J, "二、（五）推进信息技术与教育教学深度融合"),
    P21 + "family-education-handbook": ("==", 1.0, 2021, J, "二、（七）切实加强家校共育"),
    P21 + "primary-homework-in-school": (">=", 1.0, 2025, J, "二、（八）"),
    P21 + "junior-homework-in-school": (">=", 1.0, 2025, J, "二、（八）"),
}
APPROXIMATE = {P15 + "principal-teacher-exchange", P15 + "weak-township-support"}
STARTS = {P15 + "exercise-book-fees": 2014, P21 + "after-school-schools": 2021, P21 + "after-school-students": 2021,
          # 每年 / 逐年 / 年度 of the 2019 plan (issued 2019-11-29): every year from the first full one, 2020.
          **{P19 + k: 2020 for k in ("education-spending", "per-student-spending", "county-annual-assessment",
                                     "publicity-month")},
          # 每年 of the 2021 plan (issued 2021-08-17): every year from the plan's own.
          P21 + "league-pioneer-commendation": 2021, P21 + "volunteer-commendation": 2021}
LEVELS = {P21 + "class-size-primary": "primary", P21 + "class-size-junior": "junior"}


def test_the_city_node_and_its_five_counties():
    reg = ee.registry()
    city = reg.jurisdictions[JURISDICTION]
    assert (city.name_zh, city.parent, city.code, city.kind) == ("攀枝花市", "sichuan", "510400", "city")
    counties = {c.name: c.code for c in city.counties}
    assert counties == {"东区": "510402", "西区": "510403", "仁和区": "510411", "米易县": "510421", "盐边县": "510422"}
    assert set(reg.counties("sichuan")) >= set(counties)  # a county belongs to every ancestor


def test_the_plugin_registers_its_standards_schedule_and_formats_under_its_distribution():
    reg = ee.registry()
    for sid in STANDARDS:
        assert reg.owners[sid] == "eduequity-panzhihua"
        assert reg.standards[sid].source.document == DOCUMENTS[sid]
    assert SCHEDULE in reg.schedules
    assert {"panzhihua.progress-zh.xlsx", "panzhihua.progress-zh.md",
            "panzhihua.progress-zh.html"} <= set(reg.report_formats)


def test_data_files_live_inside_the_package_so_the_wheel_carries_them():
    pkg = Path(eduequity_panzhihua.__file__).parent
    names = {p.relative_to(pkg).as_posix() for p in pkg.rglob("*") if p.suffix in (".toml", ".csv")}
    assert names == {"plugin.toml", "data/panzhihua-counties.csv", "schedules/panzhihua.county-balance-2015.toml",
                     *(f"standards/{s}.toml" for s in STANDARDS)}


def test_every_target_the_plans_commit_to_is_there_as_written():
    got = {t.id: t for _, t in all_targets()}
    assert set(EXPECTED) <= set(got), sorted(set(EXPECTED) - set(got))
    for tid, (op, value, deadline, scope, clause) in EXPECTED.items():
        t = got[tid]
        assert (t.op, t.value, t.deadline, t.scope, t.source.clause) == (op, value, deadline, scope, clause), tid
        assert t.approximate == (tid in APPROXIMATE), tid
        assert t.start == STARTS.get(tid), tid
        assert t.level == LEVELS.get(tid), tid
    assert set(got) == set(EXPECTED), "a target without an expectation: add it to EXPECTED"


@pytest.mark.parametrize("sid", STANDARDS)
def test_every_target_cites_its_plan_in_chinese_with_lead_units_where_the_plan_lists_them(sid):
    std = standard(sid)
    assert std.id.startswith("panzhihua.") and std.jurisdiction == JURISDICTION
    for t in std.targets:
        assert t.id.startswith(sid + ".")
        s = t.source
        assert (s.document, s.confidence) == (DOCUMENTS[sid], "V"), t.id
        assert s.clause and re.search(r"[\u4e00-\u9fff]", s.text), t.id
        assert t.title, t.id
        if sid == "panzhihua.education-highland-2019":
            assert t.lead_unit == "" and t.partner_units == (), "the 2019 plan names no 责任单位"
        else:
            assert t.lead_unit in ("市教育体育局", "市教育和体育局"), t.id
            assert t.lead_unit not in t.partner_units


def test_relative_deadlines_keep_their_wording_and_explain_the_year():
    for tid, year, words, span in [(P15 + "disabled-compulsory-universal", 2017, "力争经过3年努力", "3"),
                                   (P15 + "weak-township-support", 2020, "通过6年左右", "6"),
                                   (P19 + "municipal-studios", 2022, "力争3年内", "3"),
                                   (P19 + "provincial-studios", 2022, "力争3年内", "3")]:
        t = next(x for _, x in all_targets() if x.id == tid)
        assert t.deadline == year and words in t.source.text
        assert str(year) in t.source.note and span in t.source.note


def test_the_composite_is_the_national_one_and_its_trend_cites_the_plan():
    std = standard("panzhihua.balanced-allocation-2015")
    national = ee.registry().standards["cn.basic-balance-2012"]
    composite = next(r for r in std.rules if r.KIND == "dispersion")
    theirs = next(r for r in national.rules if r.KIND == "dispersion")
    assert composite.indicators == NATIONAL_8 == theirs.indicators
    assert (composite.aggregate, composite.column, composite.limit) == ("mean", "composite_cv", theirs.limit)
    assert {i.key: (i.unit, i.zh) for i in std.indicators} == {i.key: (i.unit, i.zh) for i in national.indicators}
    assert [(e.column, e.values, e.source.document) for e in std.exclusions] == \
        [(e.column, e.values, e.source.document) for e in national.exclusions]
    trend = next(r for r in std.rules if r.KIND == "trend")
    assert (trend.value, trend.after) == ("composite_cv", "basic-balance")
    assert (trend.source.document, trend.source.clause) == ("攀办发〔2015〕2号", "一、（五）")
    assert "生师比" in trend.source.text and "生师比" in trend.source.note and "师生比" in trend.source.note
    # 一、（五） is a goal of part 一 (no 责任单位 line): the units of 三、（四）, the measure that
    # carries 推进县域义务教育均衡发展监测和评估认定, as for the plan's other part-一 county goals.
    assert (trend.lead_unit, trend.partner_units) == ("市教育体育局", ("市发改委", "市财政局", "市人社局", "市委农工委"))
    assert "三、（四）" in trend.source.note


@pytest.mark.parametrize("sid", STANDARDS)
def test_standards_round_trip_through_the_converter_unchanged(sid):
    std = standard(sid)
    data = json.loads(json.dumps(ee.converter.unstructure(std), ensure_ascii=False))
    assert ee.converter.structure(data, ee.Standard) == std


def test_the_schedule_round_trips_and_is_the_plans_2015_milestone():
    sched = ee.registry().schedules[SCHEDULE]
    data = json.loads(json.dumps(ee.converter.unstructure(sched), ensure_ascii=False))
    assert ee.converter.structure(data, ee.PhasedSchedule) == sched
    assert (sched.jurisdiction, sched.recognition, sched.start, sched.total) == (JURISDICTION, "basic-balance", 2015, 5)
    assert [(m.year, m.count) for m in sched.milestones] == [(2015, 5)]
    assert (sched.source.document, sched.source.clause) == ("攀办发〔2015〕2号", "一、")


# --------------------------------------------------------------------------- against the seed texts

SEED_DIR = seeds_dir()
needs_seeds = pytest.mark.skipif(SEED_DIR is None, reason="the seed documents (../shared/seeds) are not in this checkout")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _seed(document: str) -> str:
    return _plain((SEED_DIR / SEEDS[document]).read_text(encoding="utf-8"))


def _sources():
    reg = ee.registry()
    out = [(sid, reg.standards[sid].source) for sid in STANDARDS]
    out += [(t.id, t.source) for _, t in all_targets()]
    out += [(r.id, r.source) for sid in STANDARDS for r in reg.standards[sid].rules]
    out.append((SCHEDULE, reg.schedules[SCHEDULE].source))
    return [(i, s) for i, s in out if s.document in SEEDS]


@needs_seeds
@pytest.mark.parametrize(("where", "source"), _sources(), ids=[i for i, _ in _sources()])
def test_quoted_wording_is_the_documents_own(where, source):
    """Every quoted ``text`` occurs verbatim in its plan (spaces and line breaks of the copy ignored)."""
    assert _plain(source.text) in _seed(source.document), where


@needs_seeds
@pytest.mark.parametrize("sid", ["panzhihua.balanced-allocation-2015", "panzhihua.basic-education-quality-2021"])
def test_lead_and_partner_units_are_a_responsibility_line_of_the_plan(sid):
    """Lead first, then partners, exactly as one 责任单位 line lists them."""
    text = _seed(DOCUMENTS[sid])
    lines = set()
    for m in re.finditer(r"责任单位[:：]([^。）)]*)", text):
        lines.add(tuple(u for u in re.split(r"[,，、]", m.group(1)) if u))
    std = standard(sid)
    # Targets, and the trend and recognition rules (which carry units too).
    for t in (*std.targets, *(r for r in std.rules if r.KIND in ("trend", "recognition"))):
        assert (t.lead_unit, *t.partner_units) in lines, t.id


@needs_seeds
def test_the_2019_plan_really_names_no_responsible_units():
    assert "责任单位" not in _seed("攀办发〔2019〕88号")


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readmes_commitments_tables_list_every_criterion_and_only_registered_ids():
    """Issue 18: each plan's table names every target and rule of its standard, or says why not."""
    assert commitment_failures(README, owner="eduequity-panzhihua") == []


def test_the_readme_example_runs():
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    assert blocks
    namespace: dict = {"__name__": "doc_panzhihua_readme"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md[block {i}]", "exec"), namespace)  # noqa: S102 - our own docs
