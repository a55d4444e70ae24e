"""Every limit of the two national standards, exactly at it and just past it.

How the frames hit a limit exactly: two schools with the same number of
students (256, a power of two, so that every product and quotient below is
exact in binary floating point) and per-student values a·u and b·u have

    X̄ = (a + b)·u / 2,   S = |a − b|·u / 2,   CV = |a − b| / (a + b),

so (a, b) = (33, 7) gives 0.65, (31, 9) 0.55, (30, 10) 0.50 and (29, 11) 0.45.
Each of those CVs is a quotient of two exact floats, so the engine's CV is the
correctly rounded decimal — the same double as the literal limit. Where the
arithmetic cannot be exact (the mean of 8 CVs), the limit is set with
``ee.override`` to the engine's own unrounded value (must pass) and to the
next double below it (must fail): ≤ on unrounded values, as api.md says.

School thresholds (§2 table) are hit with whole counts: 9 PE/art teachers for
1000 students is exactly 0.9 per 100 students, etc.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import eduequity as ee
from conftest import (
    BASIC,
    BASIC_INDICATORS,
    COMPOSITE_ID,
    COUNTY,
    FLOOR,
    LEVELS,
    LIMITS,
    PREREQUISITE_ID,
    QUALITY,
    QUALITY_CV_ID,
    QUALITY_INDICATORS,
    THRESHOLDS,
    YEAR,
    county_row,
    evaluate,
    frame,
    indicator_row,
    is_na,
    one,
    reference_moments,
    scale,
    section,
    verdict_row,
)

EXACT = {0.65: (33, 7), 0.55: (31, 9), 0.50: (30, 10), 0.45: (29, 11)}
S = 256  # students per school in the exact frames
# per-student unit u per indicator: b·u (the smaller school) clears every §2 threshold
UNIT = {"teaching_area": 1.0, "sports_area": 2.0, "equipment_value": 256.0, "books": 4.0}


def unit(standard: str, indicator: str) -> float:
    if scale(standard, indicator) == 100:
        return 1 / 64  # 10/64 × 100 = 15.6 per 100 students, above every §2 threshold
    return UNIT.get(indicator, 1 / 64)


def pair(standard: str, level: str, indicators, ratio: tuple[float, float], *, county=COUNTY) -> list[dict]:
    """Two schools of S students; the given indicators at a·u and b·u per student, every other
    resource equal in both (CV 0)."""
    a, b = ratio
    ra = {k: a * unit(standard, k) * S for k in indicators}
    rb = {k: b * unit(standard, k) * S for k in indicators}
    return [section(f"{county}-{level}-a", S, level=level, county=county, **ra),
            section(f"{county}-{level}-b", S, level=level, county=county, **rb)]


def both_levels(standard: str, indicators, primary_ratio, junior_ratio) -> pd.DataFrame:
    return frame(pair(standard, "primary", indicators, primary_ratio)
                 + pair(standard, "junior", indicators, junior_ratio))


def test_the_exact_frames_really_sit_on_the_limits():
    """The yardstick first: in exact arithmetic each pair's CV is the limit itself."""
    for limit, (a, b) in EXACT.items():
        cv = reference_moments([S, S], [a * S, b * S])[1]
        assert cv == limit
        assert Fraction(a - b, a + b) == Fraction(str(limit))


# --------------------------------------------------------------------------- basic balance: composite


def test_composite_exactly_at_0_65_primary_and_0_55_junior_passes():
    df = both_levels(BASIC, BASIC_INDICATORS, EXACT[0.65], EXACT[0.55])
    ev = evaluate(df)
    for level, limit in LIMITS[BASIC].items():
        for ind in BASIC_INDICATORS:
            assert indicator_row(ev, ind, level=level)["cv"] == limit  # each single CV is the literal
        row = county_row(ev, level=level)
        # the mean of 8 equal doubles may round by an ulp (0.55 → 0.5499999999999999)
        assert row["composite_cv"] == pytest.approx(limit, rel=1e-15, abs=0)
        assert row["composite_cv"] <= limit
        assert row["passed"] is True or row["passed"] is np.True_
        assert row["status"] == "met"


@pytest.mark.parametrize("level", LEVELS)
def test_composite_just_above_the_limit_fails(level):
    """One indicator's richer school gets 2⁻³⁰ more per student: the composite exceeds the
    limit by ~1e-12 — far below print precision, and still a failure."""
    limit = LIMITS[BASIC][level]
    a, b = EXACT[limit]
    rows = pair(BASIC, level, BASIC_INDICATORS, (a, b))
    rows[0]["teaching_area"] = (a + 2.0 ** -30) * unit(BASIC, "teaching_area") * S
    ev = evaluate(frame(rows))
    row = county_row(ev, level=level)
    assert limit < row["composite_cv"] < limit + 1e-9
    assert row["passed"] is False or row["passed"] is np.False_
    assert row["status"] == "not met"
    assert "0.650" in verdict_row(ev)["reasons"] or "0.550" in verdict_row(ev)["reasons"]


@pytest.mark.parametrize("level", LEVELS)
def test_composite_limit_set_to_the_engines_own_value_passes_and_just_below_fails(level, basic_standard):
    rows = pair(BASIC, level, BASIC_INDICATORS, (5, 2))
    rows[0]["books"] = 7 * unit(BASIC, "books") * S  # unequal CVs: their mean is not exact
    df = frame(rows)
    composite = county_row(evaluate(df), level=level)["composite_cv"]
    at = ee.override(basic_standard, {COMPOSITE_ID: {"primary": composite, "junior": composite}})
    row = county_row(evaluate(df, at), level=level)
    assert row["composite_limit"] == composite and (row["passed"] is True or row["passed"] is np.True_)
    below = composite * (1 - 1e-9)  # beyond the 1e-12 relative tolerance for rounding noise
    under = ee.override(basic_standard, {COMPOSITE_ID: {"primary": below, "junior": below}})
    row = county_row(evaluate(df, under), level=level)
    assert row["passed"] is False or row["passed"] is np.False_
    # the registered standard is unchanged by the what-if copies
    assert county_row(evaluate(df), level=level)["composite_limit"] == LIMITS[BASIC][level]


def test_the_primary_limit_is_not_applied_to_junior_schools():
    """A composite of 0.60 passes for primary (≤ 0.65) and fails for junior (> 0.55)."""
    df = both_levels(BASIC, BASIC_INDICATORS, (4, 1), (4, 1))  # (4 − 1)/(4 + 1) = 0.6
    ev = evaluate(df)
    assert county_row(ev, level="primary")["passed"] == True  # noqa: E712 - nullable boolean
    assert county_row(ev, level="junior")["passed"] == False  # noqa: E712


# --------------------------------------------------------------------------- quality balance: each CV


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("indicator", QUALITY_INDICATORS)
def test_quality_cv_exactly_at_the_limit_passes_and_just_above_fails(indicator, level):
    limit = LIMITS[QUALITY][level]
    a, b = EXACT[limit]
    at = pair(QUALITY, level, [indicator], (a, b))
    ev = evaluate(frame(at), QUALITY)
    row = indicator_row(ev, indicator, level=level)
    assert row["cv"] == limit and row["limit"] == limit
    assert row["passed"] is True or row["passed"] is np.True_
    others = [indicator_row(ev, k, level=level)["cv"] for k in QUALITY_INDICATORS if k != indicator]
    assert others == [0.0] * 6
    assert county_row(ev, level=level)["passed"] == True  # noqa: E712 - every school meets its thresholds

    above = pair(QUALITY, level, [indicator], (a + 2.0 ** -30, b))
    ev = evaluate(frame(above), QUALITY)
    row = indicator_row(ev, indicator, level=level)
    assert limit < row["cv"] < limit + 1e-9
    assert row["passed"] is False or row["passed"] is np.False_
    assert county_row(ev, level=level)["passed"] == False  # noqa: E712


def test_quality_limit_override_to_the_cv_passes_and_just_below_fails(quality_standard):
    rows = pair(QUALITY, "primary", ["sports_area"], (7, 3))
    rows[1]["students"] = 300  # unequal sizes: the CV is no longer a neat decimal
    df = frame(rows)
    cv = indicator_row(evaluate(df, QUALITY), "sports_area")["cv"]
    assert 0 < cv < 0.5
    ok = indicator_row(evaluate(df, ee.override(quality_standard, {QUALITY_CV_ID: cv})), "sports_area")
    assert ok["passed"] == True  # noqa: E712
    below = cv * (1 - 1e-9)  # beyond the 1e-12 relative tolerance for rounding noise
    bad = indicator_row(evaluate(df, ee.override(quality_standard, {QUALITY_CV_ID: below})), "sports_area")
    assert bad["passed"] == False  # noqa: E712


# --------------------------------------------------------------------------- school thresholds


def exact_resource(indicator: str, level: str, students: int, fraction: Fraction = Fraction(1)) -> float:
    """The resource total at which a school of ``students`` sits at ``fraction`` × its threshold."""
    thr = Fraction(str(THRESHOLDS[indicator][level])) / scale(QUALITY, indicator)
    value = thr * fraction * students
    assert float(value) == value, "pick students so that the resource is exactly representable"
    return float(value)


def school(ev, school_id: str, indicator: str | None = None, level: str = "primary") -> pd.DataFrame:
    s = ev.schools
    hit = s[(s["school_id"].astype(str) == school_id) & (s["level"].astype(str) == level)]
    if indicator is not None:
        hit = hit[hit["indicator"].astype(str) == indicator]
    return hit


def school_passed(ev, school_id: str, level: str = "primary"):
    values = school(ev, school_id, level=level)["school_passed"]
    assert values.isna().all() or values.nunique() == 1
    return values.iloc[0]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("indicator", QUALITY_INDICATORS)
def test_a_school_exactly_at_a_threshold_meets_it(indicator, level):
    """1000 students and exactly the threshold: e.g. 4500 m² (4.5 m²/student primary teaching
    area), 9 PE/art teachers (0.9 per 100 students), 23 multimedia rooms (2.3 per 100)."""
    students = 1000
    rows = [section("at", students, level=level,
                    **{indicator: exact_resource(indicator, level, students)}),
            section("below", students, level=level,
                    **{indicator: exact_resource(indicator, level, students) * (1 - 1e-9)})]
    ev = evaluate(frame(rows), QUALITY)
    at = school(ev, "at", indicator, level)
    assert at["threshold"].iloc[0] == THRESHOLDS[indicator][level]
    assert at["met"].iloc[0] == True, (at["value"].iloc[0], at["threshold"].iloc[0])  # noqa: E712
    assert school_passed(ev, "at", level) == True  # noqa: E712
    below = school(ev, "below", indicator, level)
    assert below["met"].iloc[0] == False  # noqa: E712
    assert school_passed(ev, "below", level) == True  # noqa: E712 - 6 of 7, the seventh above 85%


def floor_students(indicator: str, level: str) -> int:
    """Fewest students (≥ 100) for which 85% of the threshold is a whole count or a decimal area."""
    per = Fraction(str(THRESHOLDS[indicator][level])) * Fraction(85, 100) / scale(QUALITY, indicator)
    s = per.denominator
    while s < 100:
        s *= 2
    return s


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("indicator", QUALITY_INDICATORS)
def test_six_of_seven_with_the_missed_one_exactly_at_85_percent_passes(indicator, level):
    s = floor_students(indicator, level)
    at = exact_resource(indicator, level, s, Fraction(85, 100))
    rows = [section("at85", s, level=level, **{indicator: at}),
            section("under85", s, level=level, **{indicator: at * (1 - 1e-6)})]
    ev = evaluate(frame(rows), QUALITY)
    cell = school(ev, "at85", indicator, level)
    assert cell["met"].iloc[0] == False  # noqa: E712 - missed…
    assert cell["floor"].iloc[0] == pytest.approx(FLOOR * THRESHOLDS[indicator][level], rel=1e-12)
    assert school_passed(ev, "at85", level) == True, (cell["value"].iloc[0], cell["floor"].iloc[0])  # noqa: E712
    assert school_passed(ev, "under85", level) == False  # noqa: E712 - …by more than 15%
    assert county_row(ev, level=level)["passed"] == False  # noqa: E712


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(indicator=st.sampled_from(["teaching_area", "sports_area", "equipment_value"]),
       level=st.sampled_from(LEVELS), students=st.integers(20, 3000), at_floor=st.booleans())
# 48 students and 183.6 m² of teaching area: exactly 3.825 m²/student, 85% of 4.5
@example(indicator="teaching_area", level="primary", students=48, at_floor=True)
def test_an_area_recorded_in_decimals_exactly_at_the_threshold_or_its_85_percent_counts(
        indicator, level, students, at_floor):
    """Areas and equipment values are recorded in decimals (183.6 m², 1234.50 yuan). A school
    whose recorded figure is exactly the threshold (or exactly 85% of it) has reached it: the
    verdict must not depend on 183.6 having no exact binary representation."""
    fraction = Decimal("0.85") if at_floor else Decimal(1)
    recorded = Decimal(repr(THRESHOLDS[indicator][level])) * fraction * students
    assume(recorded == recorded.quantize(Decimal("0.01")))  # at most two decimals, as recorded
    rows = [section("s", students, level=level, **{indicator: float(recorded)})]
    ev = evaluate(frame(rows), QUALITY)
    cell = school(ev, "s", indicator, level)
    value = cell["value"].iloc[0]
    if at_floor:
        assert school_passed(ev, "s", level) == True, (str(recorded), students, value)  # noqa: E712
    else:
        assert cell["met"].iloc[0] == True, (str(recorded), students, value)  # noqa: E712


def test_five_of_seven_fails_even_when_both_misses_are_above_85_percent():
    s = 1000
    # 4050 m² = 90% of 4.5 m²/student; 21 rooms = 2.1 per 100 students, 91% of 2.3
    two = {"teaching_area": exact_resource("teaching_area", "primary", s, Fraction(9, 10)),
           "multimedia_classrooms": 21.0}
    rows = [section("five", s, **two),
            section("six", s, teaching_area=two["teaching_area"]),
            section("seven", s)]
    ev = evaluate(frame(rows), QUALITY)
    assert school_passed(ev, "five") == False  # noqa: E712
    assert school_passed(ev, "six") == True  # noqa: E712
    assert school_passed(ev, "seven") == True  # noqa: E712
    row = county_row(ev)
    assert (row["schools_met"], row["schools_not_met"], row["schools_not_assessable"]) == (2, 1, 0)


def test_a_blank_in_one_of_seven_with_six_met_is_not_assessable():
    rows = [section("blank", 1000, sports_area=np.nan),
            section("blank+miss", 1000, sports_area=np.nan,
                    teaching_area=exact_resource("teaching_area", "primary", 1000, Fraction(9, 10))),
            section("blank+floor", 1000, sports_area=np.nan,
                    teaching_area=exact_resource("teaching_area", "primary", 1000, Fraction(8, 10))),
            section("full", 1000)]
    ev = evaluate(frame(rows), QUALITY)
    assert is_na(school(ev, "blank", "sports_area")["met"].iloc[0])
    assert is_na(school_passed(ev, "blank"))  # the blank could be a miss or a meet: unknown
    assert is_na(school_passed(ev, "blank+miss"))  # one miss above 85%: the blank decides
    assert school_passed(ev, "blank+floor") == False  # noqa: E712 - below the floor: fails whatever the blank
    assert school_passed(ev, "full") == True  # noqa: E712
    row = county_row(ev)
    assert (row["schools_met"], row["schools_not_met"], row["schools_not_assessable"]) == (1, 1, 2)
    assert row["passed"] == False  # noqa: E712 - a definite failure decides the level


def test_a_blank_with_every_other_school_met_leaves_the_level_not_assessable():
    rows = [section("blank", 1000, sports_area=np.nan), section("full", 1000)]
    ev = evaluate(frame(rows), QUALITY)
    row = county_row(ev)
    assert is_na(row["passed"]) and row["status"] == "not assessable"


# --------------------------------------------------------------------------- exclusions


def mixed_kinds() -> pd.DataFrame:
    kinds = [("ok1", "primary_school", "public", "county"), ("ok2", "nine_year", "public", "county"),
             ("tp", "teaching_point", "public", "county"), ("sp", "special", "public", "county"),
             ("vo", "vocational", "public", "county"), ("pr", "primary_school", "private", "county"),
             ("ci", "primary_school", "public", "city"), ("pv", "primary_school", "public", "province")]
    rows = []
    for i, (sid, kind, own, sponsor) in enumerate(kinds):
        r = section(sid, 200 + 100 * i, teaching_area=(4 + i) * (200 + 100 * i))
        r.update(school_type=kind, ownership=own, sponsor=sponsor)
        rows.append(r)
    return frame(rows)


def test_basic_balance_leaves_out_teaching_points_special_vocational_private_and_city_province_run():
    df = mixed_kinds()
    ev = evaluate(df, BASIC)
    excluded = ev.excluded.set_index(ev.excluded["school_id"].astype(str))
    assert set(excluded.index) == {"tp", "sp", "vo", "pr", "ci", "pv"}
    assert (excluded["reason"].astype(str).str.len() > 0).all()
    assert "教学点" in excluded.loc["tp", "reason"] and "民办" in excluded.loc["pr", "reason"]
    assert ev.evaluated_rows == 2 and ev.input_rows == 8
    kept = df[df["school_id"].isin(["ok1", "ok2"])]
    mean, cv = reference_moments(kept["students"], kept["teaching_area"])
    row = indicator_row(ev, "teaching_area")
    assert row["schools"] == 2
    assert row["mean"] == pytest.approx(mean, rel=1e-9) and row["cv"] == pytest.approx(cv, rel=1e-9)


def test_quality_balance_leaves_out_only_special_and_vocational_schools():
    df = mixed_kinds()
    ev = evaluate(df, QUALITY)
    assert set(ev.excluded["school_id"].astype(str)) == {"sp", "vo"}
    assert set(ev.schools["school_id"].astype(str)) == {"ok1", "ok2", "tp", "pr", "ci", "pv"}
    assert ev.evaluated_rows == 6
    kept = df[~df["school_id"].isin(["sp", "vo"])]
    mean, cv = reference_moments(kept["students"], kept["teaching_area"])
    row = indicator_row(ev, "teaching_area")
    assert row["mean"] == pytest.approx(mean, rel=1e-9) and row["cv"] == pytest.approx(cv, rel=1e-9)


# --------------------------------------------------------------------------- the 3-year prerequisite


def prerequisite(recognitions):
    ev = evaluate(frame([section("a", 400), section("b", 600)]), QUALITY, recognitions=recognitions)
    return one(ev.targets, target=PREREQUISITE_ID, year=YEAR, county=COUNTY), ev


def test_without_recognitions_the_prerequisite_is_not_assessable():
    row, ev = prerequisite(None)
    assert row["status"] == "not assessable" and is_na(row["passed"])
    assert verdict_row(ev)["passed"] is not True


@pytest.mark.parametrize(("recognised", "status"), [
    (YEAR - 3, "met"), (YEAR - 5, "met"), (YEAR - 2, "not met"), (YEAR, "not met")])
def test_basic_balance_must_be_recognised_at_least_three_years_earlier(recognised, status):
    row, ev = prerequisite(pd.DataFrame({"county": [COUNTY], "year": [recognised]}))
    assert row["status"] == status
    assert row["passed"] == (status == "met")
    if status == "not met":
        assert verdict_row(ev)["passed"] == False  # noqa: E712 - a failed prerequisite decides


def test_the_prerequisite_is_judged_for_each_year_evaluated():
    rows = [section("a", 400, year=2019), section("a", 400, year=2020)]
    ev = evaluate(frame(rows), QUALITY, recognitions=pd.DataFrame({"county": [COUNTY], "year": [2017]}))
    assert one(ev.targets, target=PREREQUISITE_ID, year=2019, county=COUNTY)["status"] == "not met"
    assert one(ev.targets, target=PREREQUISITE_ID, year=2020, county=COUNTY)["status"] == "met"


def test_an_unrecognised_county_does_not_meet_the_prerequisite():
    row, _ = prerequisite(pd.DataFrame({"county": ["西区"], "year": [2010]}))
    assert row["status"] == "not met" and row["passed"] == False  # noqa: E712


def test_only_a_basic_balance_recognition_counts():
    row, _ = prerequisite(pd.DataFrame({"county": [COUNTY], "year": [2010], "kind": ["provincial"]}))
    assert row["status"] == "not met"


# --------------------------------------------------------------------------- metric targets and the verdict

GOOD_METRICS = {"schools_meeting_provincial_standard": 1.0, "government_work_score": 90.0,
                "public_satisfaction": 0.9}
TARGET = {"public_satisfaction": "cn.basic-balance-2012.public-satisfaction",
          "government_work_score": "cn.basic-balance-2012.government-work-score",
          "schools_meeting_provincial_standard": "cn.basic-balance-2012.provincial-school-standard"}


def metrics(**values) -> pd.DataFrame:
    """Observations for 东区 in YEAR; a value of None leaves the metric out."""
    merged = {**GOOD_METRICS, **values}
    return pd.DataFrame([{"year": YEAR, "county": COUNTY, "metric": k, "value": v}
                         for k, v in merged.items() if v is not None])


def balanced() -> pd.DataFrame:
    """Both levels well inside the composite limits (CV 0 except books)."""
    return both_levels(BASIC, ["books"], (3, 2), (3, 2))


@pytest.mark.parametrize(("metric", "value", "status"), [
    ("public_satisfaction", 0.85, "met"),
    ("public_satisfaction", 0.8499, "not met"),
    ("public_satisfaction", None, "not assessable"),
    ("government_work_score", 85, "met"),
    ("government_work_score", 84.99, "not met"),
    ("schools_meeting_provincial_standard", 1.0, "met"),
    ("schools_meeting_provincial_standard", 0.99, "not met"),
])
def test_metric_targets_at_their_boundaries(metric, value, status):
    ev = evaluate(balanced(), BASIC, metrics=metrics(**{metric: value}))
    row = one(ev.targets, target=TARGET[metric], year=YEAR, county=COUNTY)
    assert row["status"] == status
    expected = {"met": True, "not met": False}.get(status)
    assert is_na(row["passed"]) if expected is None else row["passed"] == expected
    verdict = verdict_row(ev)
    assert verdict["status"] == status  # every other criterion is met here
    if status != "met":  # the target is named: in full, or after its standard's id said once
        std_id, _, short = TARGET[metric].rpartition(".")
        assert TARGET[metric] in verdict["reasons"] or f"({std_id}): {short}" in verdict["reasons"]


def test_the_verdict_is_met_only_when_every_criterion_is_met():
    ev = evaluate(balanced(), BASIC, metrics=metrics())
    assert all(county_row(ev, level=lv)["passed"] == True for lv in LEVELS)  # noqa: E712
    v = verdict_row(ev)
    assert v["passed"] == True and v["status"] == "met"  # noqa: E712


def test_any_definite_failure_makes_the_verdict_false_even_with_unknowns():
    ev = evaluate(balanced(), BASIC, metrics=metrics(public_satisfaction=None, government_work_score=80))
    v = verdict_row(ev)
    assert v["passed"] == False and v["status"] == "not met"  # noqa: E712


def test_a_failing_level_makes_the_verdict_false():
    df = both_levels(BASIC, BASIC_INDICATORS, (1, 1), (4, 1))  # junior composite 0.6 > 0.55
    ev = evaluate(df, BASIC, metrics=metrics())
    assert county_row(ev, level="primary")["passed"] == True  # noqa: E712
    v = verdict_row(ev)
    assert v["passed"] == False and "0.600" in v["reasons"]  # noqa: E712


def test_an_unknown_and_no_failure_makes_the_verdict_not_assessable():
    df = balanced()
    df.loc[0, "books"] = np.nan
    ev = evaluate(df, BASIC, metrics=metrics())
    v = verdict_row(ev)
    assert is_na(v["passed"]) and v["status"] == "not assessable"
    assert df.loc[0, "school_id"] in v["reasons"]
    ev = evaluate(df, BASIC, metrics=metrics(public_satisfaction=0.5))
    assert verdict_row(ev)["passed"] == False  # noqa: E712 - a failure outweighs the unknown
