"""ee.remedy: the least additions that pass the resource rules (缺什么、补什么).

Hand cases whose least answer is worked out on paper, the optimality conditions of
the water-filling step, and a property over generated frames: remedied data passes
re-evaluation, nothing is taken away, nothing goes to a county that already passes.
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import eduequity as ee
import eduequity.testing.strategies as ees
from eduequity.criteria.dispersion import composite_caps

SOURCE = '[source]\ndocument = "测试〔2026〕1号"\nclause = "一"\ntext = "测试"\nconfidence = "V"\n'
RULE_SOURCE = '[rules.source]\ndocument = "测试〔2026〕1号"\nclause = "二"\ntext = "测试"\nconfidence = "V"\n'
AREA = '[[indicators]]\nkey = "{key}"\nzh = "{key}"\nen = "{key}"\nunit = "{unit}"\n'


def standard(rules: str, indicators=(("teaching_area", "meter ** 2 / student"),)) -> ee.Standard:
    text = ('id = "t.remedy"\ntitle = "t"\njurisdiction = "cn"\n' + SOURCE
            + "".join(AREA.format(key=k, unit=u) for k, u in indicators) + rules)
    return ee.converter.structure(tomllib.loads(text), ee.Standard)


def schools(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"year": [2020] * n, "county": ["东区"] * n, "school_id": [f"s{i}" for i in range(n)],
            "level": ["primary"] * n}
    return ee.read_schools(pd.DataFrame({**base, **columns}))


# -- one CV limit: water-filling --------------------------------------------------------------

CV_RULE = standard('[[rules]]\nkind = "dispersion"\nid = "t.cv"\ntitle = "cv"\nindicators = ["teaching_area"]\n'
                   'aggregate = "each"\nlimit = { primary = 0.2 }\n' + RULE_SOURCE)


def test_one_cv_limit_raises_the_lowest_schools_to_one_level_the_hand_solution():
    # 10, 20, 30 m² a student, 100 students each: CV 0.408 against 0.2. On paper, with the
    # two lowest at h: 3(2h² + 900) = 1.04(2h + 30)², so h = (124.8 − √2592) / 3.68 ≈ 20.078.
    frame = schools(students=[100, 100, 100], teaching_area=[1000.0, 2000.0, 3000.0])
    ev = ee.evaluate(frame, CV_RULE)
    assert not ev.verdicts["passed"].any()
    plan = ee.remedy(ev)
    h = (124.8 - math.sqrt(2592)) / 3.68
    got = plan.schools.set_index("school_id")["addition"]
    assert got.to_dict() == pytest.approx({"s0": 100 * (h - 10), "s1": 100 * (h - 20)}, rel=1e-7)
    after = ee.evaluate(plan.apply(frame), CV_RULE)
    assert after.verdicts["passed"].all()
    assert after.indicators["cv"].iloc[0] == pytest.approx(0.2, rel=1e-7)  # no more than needed
    assert plan.counties["addition"].sum() == pytest.approx(100 * (2 * h - 30), rel=1e-7)


def test_a_county_within_the_limit_gets_nothing():
    frame = schools(students=[100, 100, 100], teaching_area=[1800.0, 2000.0, 2200.0])
    plan = ee.remedy(ee.evaluate(frame, CV_RULE))
    assert plan.schools.empty and plan.counties.empty and plan.unresolved.empty


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(1.0, 100.0), min_size=2, max_size=12),
       students=st.lists(st.integers(10, 3000), min_size=12, max_size=12), limit=st.floats(0.05, 0.5))
def test_water_filling_meets_its_optimality_conditions(values, students, limit):
    """The least addition for one CV is x' = max(x, h) at the least h meeting the limit
    (docs/remedy.md): the raised schools end at one level, no unraised school is below
    it, and the CV lands on the limit (not under it: that would be more than needed)."""
    n = len(values)
    p = np.array(students[:n], dtype=float)
    frame = schools(students=p.astype(int).tolist(), teaching_area=list(np.array(values) * p))
    std = ee.override(CV_RULE, {"t.cv": limit})
    ev = ee.evaluate(frame, std)
    plan = ee.remedy(ev)
    after = ee.evaluate(plan.apply(frame), std)
    assert after.verdicts["passed"].all()
    if ev.verdicts["passed"].all():
        assert plan.schools.empty
        return
    x = np.array(values)
    add = plan.schools.set_index("school_id")["addition"].reindex([f"s{i}" for i in range(n)]).fillna(0).to_numpy()
    assert (add >= 0).all()
    x2 = x + add / p
    raised = add > 0
    level = x2[raised]
    assert np.ptp(level) <= 1e-9 * level.max()
    assert (x[~raised] >= level.min() * (1 - 1e-9)).all()
    assert after.indicators["cv"].iloc[0] == pytest.approx(limit, rel=1e-6)


# -- k of n thresholds with a floor -----------------------------------------------------------

THREE = (("teaching_area", "meter ** 2 / student"), ("sports_area", "meter ** 2 / student"),
         ("equipment_value", "yuan / student"))
K_OF_N = standard(
    '[[rules]]\nkind = "school-threshold"\nid = "t.thr"\ntitle = "thr"\nmin_met = 2\nfloor = 0.85\n'
    + "".join(f'[[rules.thresholds]]\nindicator = "{k}"\nunit = "{u}"\nvalue = {{ primary = {v} }}\n'
              for (k, u), v in zip(THREE, (4.5, 7.5, 2000.0)))
    + RULE_SOURCE, THREE)


def k_of_n_frame(teaching_a: float = 400.0) -> pd.DataFrame:
    # A: 4.0 m² teaching (89% of 4.5), 6.0 m² sports (80% of 7.5, under the floor), equipment met.
    # B passes everything. County totals: teaching 1000 m², sports 1500 m².
    return schools(students=[100, 100], teaching_area=[teaching_a, 600.0], sports_area=[600.0, 900.0],
                   equipment_value=[250000.0, 250000.0])


def test_two_missed_thresholds_the_cheaper_way_over_the_rule_unit_free():
    # Either teaching to 4.5 (+50 m²) and sports to the floor 6.375 (+37.5 m²): 50/1000 + 37.5/1500
    # = 0.075; or sports to 7.5 (+150 m²), teaching left at 89%: 150/1500 = 0.1. The first is least.
    frame = k_of_n_frame()
    plan = ee.remedy(ee.evaluate(frame, K_OF_N))
    got = plan.schools.set_index(["school_id", "indicator"])["addition"].to_dict()
    assert got == pytest.approx({("s0", "teaching_area"): 50.0, ("s0", "sports_area"): 37.5})
    assert ee.evaluate(plan.apply(frame), K_OF_N).verdicts["passed"].all()


def test_with_costs_the_least_money_chooses_the_other_way():
    # At 3000 yuan/m² of building and 100 yuan/m² of ground: 150,000 + 3,750 against 15,000.
    frame = k_of_n_frame()
    costs = {"teaching_area": 3000.0, "sports_area": 100.0}
    plan = ee.remedy(ee.evaluate(frame, K_OF_N), costs=costs)
    got = plan.schools.set_index(["school_id", "indicator"])["addition"].to_dict()
    assert got == pytest.approx({("s0", "sports_area"): 150.0})
    assert plan.counties["cost_one_off"].sum() == pytest.approx(15000.0)
    assert plan.counties["cost_yearly"].sum() == 0.0
    assert ee.evaluate(plan.apply(frame), K_OF_N).verdicts["passed"].all()


def test_a_school_at_exactly_85_percent_of_its_one_miss_needs_nothing():
    frame = schools(students=[100], teaching_area=[382.5], sports_area=[900.0], equipment_value=[250000.0])
    ev = ee.evaluate(frame, K_OF_N)
    assert ev.verdicts["passed"].all()
    plan = ee.remedy(ev)
    assert plan.schools.empty
    assert plan.shortfalls.set_index("indicator")["shortfall"].to_dict() == pytest.approx({"teaching_area": 67.5})


def test_a_school_just_under_85_percent_is_raised_to_the_floor_only():
    frame = schools(students=[100], teaching_area=[382.0], sports_area=[900.0], equipment_value=[250000.0])
    plan = ee.remedy(ee.evaluate(frame, K_OF_N))
    assert plan.schools.set_index("indicator")["addition"].to_dict() == pytest.approx({"teaching_area": 0.5})


def test_costs_must_cover_every_column_the_rules_read():
    ev = ee.evaluate(k_of_n_frame(), K_OF_N)
    with pytest.raises(ee.InputError) as err:
        ee.remedy(ev, costs={"teaching_area": 3000.0})
    assert [p.column for p in err.value.problems] == ["sports_area"]
    with pytest.raises(ee.InputError, match="teaching_area"):
        ee.remedy(ev, costs=pd.DataFrame({"column": ["teaching_area", "sports_area"], "yuan": [-1, 100]}))


# -- whole numbers, people counted twice, the composite ---------------------------------------

def test_teachers_are_hired_whole_and_a_teacher_above_the_degree_is_a_teacher():
    std = standard('[[rules]]\nkind = "school-threshold"\nid = "t.thr"\ntitle = "thr"\n'
                   '[[rules.thresholds]]\nindicator = "teachers_above_degree"\nunit = "teacher / hundred_students"\n'
                   'value = { primary = 4.2 }\n' + RULE_SOURCE,
                   (("teachers_above_degree", "teacher / hundred_students"),))
    frame = schools(students=[1000], teachers=[60.0], teachers_above_degree=[40.0])  # 4.0 per 100: 2 short
    plan = ee.remedy(ee.evaluate(frame, std))
    got = plan.schools.set_index("indicator")["addition"].to_dict()
    assert got == {"teachers_above_degree": 2.0, "teachers": 2.0}
    applied = plan.apply(frame)
    assert applied["teachers"].iloc[0] == 62.0 and applied["teachers_above_degree"].iloc[0] == 42.0


def test_composite_caps_lower_the_highest_cvs_to_one_cap():
    lim = np.array([0.4, 0.4])
    caps = composite_caps(np.array([[0.9, 0.9], [0.5, 0.8], [0.1, 0.1]]), lim, "<=")
    assert caps[:, 0].tolist() == pytest.approx([0.6, math.inf, math.inf])  # (0.6 + 0.5 + 0.1) / 3 = 0.4
    assert caps[:, 1].tolist() == pytest.approx([0.55, 0.55, math.inf])  # (0.55·2 + 0.1) / 3 = 0.4
    assert np.isinf(composite_caps(np.array([[0.3], [0.5]]), np.array([0.4]), "<=")).all()


def test_an_evaluation_from_json_needs_its_frame():
    frame = k_of_n_frame()
    ev = ee.evaluate(frame, K_OF_N)
    loaded = ee.converter.structure(ee.converter.unstructure(ev), ee.Evaluation)
    with pytest.raises(ValueError, match="frame="):
        ee.remedy(loaded)
    assert ee.remedy(loaded, frame=frame).schools.equals(ee.remedy(ev).schools)


# -- generated frames ---------------------------------------------------------------------------

STANDARDS = st.sampled_from(["cn.basic-balance-2012", "cn.quality-balance-2017"])
FRAMES = st.one_of(ees.school_frames(max_years=2, max_counties=2, max_schools=6, allow_blanks=True),
                   ees.whole_school_frames(max_years=2, max_counties=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=FRAMES, std=STANDARDS)
def test_remedied_data_passes_the_resource_rules(frame, std):
    frame = ee.read_schools(frame)
    ev = ee.evaluate(frame, std)
    plan = ee.remedy(ev)
    assert (plan.schools["addition"] > 0).all()
    applied = plan.apply(frame)
    ee.read_schools(applied)  # the remedied frame is valid input
    after = ee.evaluate(applied, std)
    key = ["year", "county", "level"]
    blank = frame[list(ev.standard.needed_columns)].isna().any(axis=1).groupby(
        [frame[k].astype(str) if k != "year" else frame[k] for k in key], observed=True).any()
    c = after.counties.astype({"county": str, "level": str}).set_index(key)
    has_blank = blank.reindex(c.index, fill_value=False)
    judged = (c["schools"] > 0) & ~has_blank
    assert c.loc[judged, "passed"].eq(True).all()  # every group without a blank cell passes
    left = plan.unresolved.astype({"county": str, "level": str}).set_index(key).index
    assert set(left) == set(c.index[~c["passed"].eq(True).fillna(False).to_numpy(dtype=bool)])
    before = ev.counties.astype({"county": str})
    passing = before.groupby(["year", "county"])["passed"].agg(lambda s: s.eq(True).all())
    got = plan.schools.astype({"county": str}).groupby(["year", "county"]).size()
    assert not any(passing.get(key, False) for key in got.index)
    for column in plan.schools["indicator"].unique():  # nothing is taken away
        assert (applied[column].fillna(0).to_numpy() >= frame[column].fillna(0).to_numpy()).all()


# -- reports and the command line -------------------------------------------------------------

EXAMPLE = "examples/panzhihua-schools-synthetic.csv"


def test_a_plan_renders_for_people_and_for_programs():
    import json

    plan = ee.remedy(ee.evaluate(ee.read_schools(EXAMPLE), "cn.quality-balance-2017"))
    md = ee.render(plan, "markdown")
    assert "各校应补" in md and "体育运动场馆面积" in md and "sports_area" not in md  # names, not column ids
    data = json.loads(ee.render(plan, "json"))
    assert data["standard"] == "cn.quality-balance-2017"
    assert ee.converter.structure(data, ee.Plan).schools.equals(plan.schools)  # JSON keeps the frames whole
    assert ee.render(plan, "xlsx")[:2] == b"PK"


def test_the_remedy_command_writes_a_plan_and_reads_costs(tmp_path):
    from click.testing import CliRunner

    from eduequity.cli import main

    costs = tmp_path / "costs.csv"
    costs.write_text("column,yuan,unit,recurring\nteaching_area,3000,,\nsports_area,200,,\nmultimedia_classrooms,"
                     "50000,,\nteachers_above_degree,120000,,true\nbackbone_teachers,130000,,true\n"
                     "pe_art_teachers,110000,,true\nteachers,100000,,true\n", encoding="utf-8")
    out = tmp_path / "plan.md"
    r = CliRunner().invoke(main, ["remedy", EXAMPLE, "-s", "cn.quality-balance-2017", "--costs", str(costs),
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "每年经常性支出（元）" in out.read_text(encoding="utf-8")
    costs.write_text("column,yuan\nteaching_area,abc\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["remedy", EXAMPLE, "-s", "cn.quality-balance-2017", "--costs", str(costs)])
    assert r.exit_code == 2 and "row 0, column 'yuan': got 'abc'" in r.output


def test_a_standard_of_metric_targets_has_nothing_to_add():
    plan = ee.remedy(ee.evaluate(None, "panzhihua.education-highland-2019"))
    assert plan.schools.empty and plan.counties.empty and plan.unresolved.empty
    assert "各县应补" in ee.render(plan, "markdown")


def test_a_cv_no_addition_can_define_is_listed_with_its_reason():
    # No school has a book: the mean is 0 and the CV undefined, so no water level exists.
    frame = schools(students=[100, 100], teaching_area=[0.0, 0.0])
    plan = ee.remedy(ee.evaluate(frame, CV_RULE))
    assert plan.schools.empty
    assert len(plan.unresolved) == 1 and "mean is 0" in plan.unresolved["reasons"].iloc[0]


def test_a_mixed_school_adds_its_shared_rooms_once_for_the_whole_school():
    raw = pd.DataFrame({"year": [2020] * 3, "county": ["东区"] * 3, "school_id": ["m", "p", "q"],
                        "school_type": ["nine_year", "primary_school", "primary_school"],
                        "level": ["", "primary", "primary"],
                        "students_primary": [300, None, None], "students_junior": [200, None, None],
                        "students": [None, 300, 300], "multimedia_classrooms": [3.0, 8.0, 8.0]})
    std = standard('[[rules]]\nkind = "school-threshold"\nid = "t.thr"\ntitle = "thr"\n'
                   '[[rules.thresholds]]\nindicator = "multimedia_classrooms"\nunit = "room / hundred_students"\n'
                   'value = { primary = 2.3, junior = 2.4 }\n' + RULE_SOURCE,
                   (("multimedia_classrooms", "room / hundred_students"),))
    frame = ee.read_schools(raw)
    plan = ee.remedy(ee.evaluate(frame, std))
    mixed = plan.schools[plan.schools["school_id"] == "m"]
    assert set(mixed["level"]) == {"primary", "junior"}
    whole = mixed["whole_school"].unique()
    assert len(whole) == 1 and whole[0] == int(whole[0])  # whole rooms, once for the school
    assert mixed["addition"].sum() == pytest.approx(whole[0])
    assert ee.evaluate(plan.apply(frame), std).verdicts["passed"].all()
