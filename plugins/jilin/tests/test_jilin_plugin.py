"""The Jilin plugin: counties, the 10/30/60 schedule, the plan's targets and the national-format table."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eduequity as ee
from eduequity.reports import tables
from eduequity.testing import commitment_failures

SCHEDULE = "jilin.county-balance-2011"
PLAN = "jilin.plan-2011"
README = Path(__file__).resolve().parents[1] / "README.md"
SEED = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds" / "jilin-2011-2020-county-balance-plan.txt"
REG = ee.registry()
NAMES = [c.name for c in dict.fromkeys(REG.counties("jilin").values())]


def test_the_registry_lists_the_counties_schedules_standards_and_formats():
    assert len(NAMES) == 60
    by_pref = pd.Series([c.prefecture for c in dict.fromkeys(REG.counties("jilin").values())]).value_counts()
    assert by_pref.to_dict() == {"长春市": 10, "吉林市": 9, "延边朝鲜族自治州": 8, "通化市": 7, "四平市": 6,
                                 "白山市": 6, "松原市": 5, "白城市": 5, "辽源市": 4}
    kinds = pd.Series([c.kind for c in dict.fromkeys(REG.counties("jilin").values())]).value_counts().to_dict()
    assert kinds == {"district": 20, "county-level city": 20, "county": 17, "autonomous county": 3}
    assert {SCHEDULE, "jilin.preliminary-balance-2012"} <= set(REG.schedules)
    assert {"jilin.basic-balance-2020", "jilin.plan-2011"} <= set(REG.standards)
    assert {"jilin.cv-table.xlsx", "jilin.cv-table.md", "jilin.schedule-progress.html",
            "jilin.schedule-progress.md"} <= set(REG.report_formats)
    assert REG.owners[SCHEDULE] == "eduequity-jilin"


def test_renamed_counties_resolve_to_their_2011_names():
    counties = REG.counties("jilin")
    assert counties["扶余市"].name == "扶余县" and counties["九台区"].name == "九台市"


def test_the_schedule_encodes_the_plan():
    s = REG.schedules[SCHEDULE]
    assert [(m.year, m.count) for m in s.milestones] == [(2015, 10), (2017, 30), (2020, 60)]
    assert (s.total, s.start, s.recognition) == (60, 2011, "basic-balance")
    assert "16.7%" in s.source.text and s.source.document == "吉政办发〔2011〕18号"


def history(n_by_year: dict[int, int]) -> pd.DataFrame:
    years = [y for y, n in sorted(n_by_year.items()) for _ in range(n)]
    return pd.DataFrame({"county": NAMES[: len(years)], "year": years})


@pytest.mark.parametrize(("n_by_year", "as_of", "statuses"), [
    ({2014: 10}, 2015, ["met", "behind", "behind"]),  # exactly 10 by 2015, nothing since: behind
    ({2015: 9}, 2015, ["missed", "behind", "behind"]),  # one short at the deadline
    ({2013: 6, 2014: 6, 2015: 6}, 2015, ["met", "behind", "behind"]),  # beats 2015, but 3.6 a year: 25 by 2017
    ({2012: 10, 2013: 10, 2014: 10, 2015: 10}, 2015, ["met", "on track", "on track"]),  # 40 already, 8 a year
    ({2013: 10, 2015: 15, 2016: 3, 2017: 2}, 2017, ["met", "met", "behind"]),  # exactly 30 by 2017
    ({2013: 10, 2015: 15, 2016: 3, 2017: 1}, 2017, ["met", "missed", "behind"]),  # 29 by 2017
    ({2012: 20, 2014: 20, 2019: 20}, 2020, ["met", "met", "met"]),
    ({2012: 20, 2014: 20, 2019: 19}, 2020, ["met", "met", "missed"]),
])
def test_milestone_statuses_on_histories_that_meet_beat_or_miss(n_by_year, as_of, statuses):
    r = ee.track(SCHEDULE, history(n_by_year), as_of=as_of)
    assert r.milestones["status"].tolist() == statuses


def test_an_unknown_county_suggests_the_closest_names():
    rec = pd.DataFrame({"county": ["南关区", "宽成区"], "year": [2014, 2015]})
    with pytest.raises(ee.InputError) as info:
        ee.track(SCHEDULE, rec)
    [p] = info.value.problems
    assert (p.row, p.value) == (1, "宽成区") and "宽城区" in p.expected


def test_target_years_from_the_annex_give_county_statuses():
    rec = pd.DataFrame({"county": ["南关区", "扶余市"], "year": [2014, 2016]})
    r = ee.track(SCHEDULE, rec, as_of=2016, target_years={"南关区": 2015, "扶余县": 2015, "九台区": 2017})
    status = r.counties.set_index("county")["status"]
    assert (status["南关区"], status["扶余县"], status["九台市"]) == ("early", "late", "pending")


def test_the_plans_targets_are_judged_with_their_deadlines():
    obs = pd.DataFrame({"year": [2014, 2015, 2015], "county": "jilin",
                        "metric": ["special_grade_teachers", "special_grade_teachers", "standardised_teacher_schools"],
                        "value": [80, 100, 63]})
    ev = ee.evaluate(None, "jilin.plan-2011", metrics=obs)
    t = ev.targets.set_index(["target", "year"])["status"]
    assert t[("jilin.plan-2011.special-grade-teachers-2015", 2014)] == "pending"
    assert t[("jilin.plan-2011.special-grade-teachers-2015", 2015)] == "met"
    assert t[("jilin.plan-2011.teacher-schools-standardised-2015", 2015)] == "not met"
    assert t[("jilin.plan-2011.rural-science-labs-2013", 2015)] == "not assessable"
    approx = ev.targets[ev.targets["target"] == "jilin.plan-2011.special-grade-teachers-2015"]["approximate"]
    assert approx.all()


def test_every_target_quotes_the_plan():
    seed = SEED.read_text(encoding="utf-8") if SEED.exists() else None  # shared/ sits beside the repository
    std = REG.standards[PLAN]
    labels = {m.key: (m.zh, m.en) for m in std.metrics}
    for t in std.targets:
        assert t.source.document == "吉政办发〔2011〕18号" and t.source.clause and t.source.text, t.id
        assert t.source.confidence == "V" and t.title and t.title_en and all(labels[t.metric]), t.id
        if seed is not None:
            assert t.source.text in seed, t.id
            assert not t.lead_unit or t.lead_unit in seed, t.id  # a unit the plan names, in its words
    lead = {t.id.removeprefix(PLAN + "."): t.lead_unit for t in std.targets if t.lead_unit}
    # 省教育厅 only drafts the school standard; meeting it is the counties' (三、（五）1.).
    assert lead["basic-school-standard-2012"] == lead["full-school-standard-2020"] == "县（市、区）政府"
    assert lead["school-standard-drafted"] == "省教育厅"


def test_the_readme_lists_every_commitment_with_a_registered_id():
    assert commitment_failures(README, owner="eduequity-jilin") == []


def _satisfying_and_failing(t) -> tuple[float, float]:
    """A value at the target's boundary that meets it, and the nearest that does not."""
    v, step = float(t.value), 0.01 * max(abs(float(t.value)), 1.0)
    return {">=": (v, v - step), ">": (v + step, v), "<=": (v, v + step), "<": (v - step, v),
            "==": (v, 1.0 - v)}[t.op]


YEARS = range(2010, 2022)


@pytest.fixture(scope="module")
def plan_statuses() -> dict[str, dict[tuple[str, int], str]]:
    """Every target observed every year 2010-2021 at a satisfying and at a failing value:
    two evaluations, {"met": …, "fails": …} each {(target, year): status}."""
    std = REG.standards[PLAN]
    out = {}
    for case, pick in (("met", 0), ("fails", 1)):
        obs = pd.DataFrame([{"year": y, "county": "南关区" if t.scope == "county" else "jilin", "metric": t.metric,
                             "value": _satisfying_and_failing(t)[pick]} for t in std.targets for y in YEARS])
        ev = ee.evaluate(None, PLAN, metrics=obs).targets
        ev = ev[ev["county"].astype(str).isin(["南关区", "jilin"])]
        out[case] = dict(zip(zip(ev["target"], ev["year"]), ev["status"].astype(str)))
    return out


@pytest.mark.parametrize("target", REG.standards[PLAN].targets, ids=lambda t: t.id.removeprefix(PLAN + "."))
def test_each_target_meets_at_its_boundary_and_is_pending_only_before_its_deadline(target, plan_statuses):
    for y in YEARS:
        met, fails = plan_statuses["met"].get((target.id, y)), plan_statuses["fails"].get((target.id, y))
        if target.start is not None and y < target.start:
            assert met is None and fails is None, y  # no row before the start
            continue
        assert met == "met", y
        assert fails == ("pending" if target.deadline is not None and y < target.deadline else "not met"), y


def test_the_plans_relative_and_open_dates_as_read():
    """用3年时间 from July 2011 is 2014; 从2013年开始 has no row before 2013; 大部分 is more than
    half; a standing duty (三个增长) has no grace year; 全省市（州） is every prefecture."""
    cases = [("info-platform-2014", 2013, 0, "pending"), ("info-platform-2014", 2014, 0, "not met"),
             ("basic-assessment-from-2013", 2013, 0, "not met"), ("basic-assessment-from-2013", 2014, 1, "met"),
             ("rural-books-arts-equipment-from-2011", 2011, 0, "not met"),
             ("special-post-plan-coverage", 2020, 0.5, "not met"), ("special-post-plan-coverage", 2019, 0.5, "pending"),
             ("prefecture-colleges-standardised-2015", 2015, 8 / 9, "not met"),
             ("expert-principal-programme-2015", 2014, 0, "pending"), ("expert-principal-programme-2015", 2015, 0, "not met")]
    std = {t.id: t for t in REG.standards[PLAN].targets}
    obs = pd.DataFrame([{"year": y, "county": "jilin", "metric": std[f"{PLAN}.{tid}"].metric, "value": v}
                        for tid, y, v, _ in cases] +
                       [{"year": 2011, "county": "南关区", "metric": "three_growths_met", "value": 0},
                        {"year": 2012, "county": "jilin", "metric": "basic_assessment_begun", "value": 0}])
    t = ee.evaluate(None, PLAN, metrics=obs).targets.set_index(["target", "county", "year"])["status"]
    for tid, y, _, status in cases:
        assert t[(f"{PLAN}.{tid}", "jilin", y)] == status, (tid, y)
    assert t[(f"{PLAN}.three-growths", "南关区", 2011)] == "not met"
    assert (f"{PLAN}.basic-assessment-from-2013", "jilin", 2012) not in t.index


def jilin_schools(seed: int = 0, counties=("南关区", "扶余市", "延吉市")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in counties:
        for lv in ("primary", "junior"):
            for s in range(5):
                p = int(rng.integers(100, 1500))
                row = {"year": 2015, "county": c, "school_id": f"{c}{lv}{s}", "level": lv, "students": p}
                for k, v in {"teaching_area": 5, "sports_area": 8, "equipment_value": 3000, "computers": .15,
                             "books": 30, "teachers": .08, "teachers_above_degree": .07,
                             "teachers_mid_senior_title": .05}.items():
                    row[k] = v * p * rng.uniform(0.6, 1.6)
                rows.append(row)
    return pd.DataFrame(rows)


def test_the_national_format_table_has_the_evaluations_numbers():
    ev = ee.evaluate(jilin_schools(), "jilin.basic-balance-2020")
    assert set(ev.counties["county"].astype(str)) == {"南关区", "扶余县", "延吉市"}  # 扶余市 → its 2011 name
    t = tables.cv_table(ev, REG)
    assert t["县"].drop_duplicates().tolist() == ["南关区", "扶余县", "延吉市"]  # the plan's order of counties
    assert t.loc[t["县"] == "南关区", "市"].iloc[0] == "长春市"
    for _, row in t[t["类型"] == "差异系数"].iterrows():
        level = {"小学": "primary", "初中": "junior"}[row["学校类别"]]
        c = ev.counties[(ev.counties["county"] == row["县"]) & (ev.counties["level"] == level)].iloc[0]
        assert row["综合"] == c["composite_cv"]
    md = ee.render(ev, "jilin.cv-table.md")
    assert "表2 吉林省60个县义务教育学校校际差异系数表" in md and "| 2015 | 1 | 长春市 | 南关区 | 小学 | 全县平均值 |" in md
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(ee.render(ev, "jilin.cv-table.xlsx")))
    ws = wb[wb.sheetnames[1]]
    assert [c.value for c in ws[1]][:6] == ["年份", "序号", "市", "县", "学校类别", "类型"]


def test_a_county_outside_jilin_is_an_input_error():
    with pytest.raises(ee.InputError) as info:
        ee.evaluate(jilin_schools(counties=("南关区", "东区")), "jilin.basic-balance-2020")
    assert {p.value for p in info.value.problems} == {"东区"}


def test_schedule_progress_renders():
    r = ee.track(SCHEDULE, history({2013: 4, 2014: 5, 2015: 3}), as_of=2015)
    md = ee.render(r, "jilin.schedule-progress.md")
    assert "阶段目标" in md and "| 2015 | 10 | 0.167 | 12 | 达标 | 0 |" in md
    assert ee.render(r, "jilin.schedule-progress.html").count("<svg") == 1


@settings(max_examples=40, deadline=None)
@given(years=st.lists(st.integers(2011, 2020), max_size=60), as_of=st.integers(2011, 2020))
def test_achieved_counts_recognitions_up_to_each_milestone(years, as_of):
    rec = pd.DataFrame({"county": NAMES[: len(years)], "year": years}, dtype=object)
    r = ee.track(SCHEDULE, rec, as_of=as_of)
    for m in r.milestones.itertuples():
        assert m.achieved == sum(y <= min(m.year, as_of) for y in years)
        if m.year <= as_of:
            assert m.status == ("met" if m.achieved >= m.required else "missed")
