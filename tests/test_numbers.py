"""The difference coefficient (reference §1) as ``ee.evaluate`` computes it.

Every expected number comes from ``conftest.reference_moments``, an exact
rational implementation of

    X̄ = Σ P_i X_i / P,   S = sqrt(Σ (P_i/P)(X_i − X̄)²),   CV = S / X̄,

with X_i = resource_i / students_i, × 100 for the indicators the documents
state per 100 students (computers in 2012; teachers above degree, backbone,
PE/art teachers and multimedia rooms in 2017). The engine's float64 results
are compared with it to 1e-9 relative. The invariance properties (rescaling,
shuffling, duplicating, …) moved to test_properties.py, onto the strategies of
``eduequity.testing``: they hold for the formula whatever its implementation.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    BASIC,
    BASIC_INDICATORS,
    COUNTY,
    INDICATORS,
    LEVELS,
    LIMITS,
    QUALITY,
    QUALITY_INDICATORS,
    county_frames,
    county_row,
    evaluate,
    frame,
    indicator_row,
    is_na,
    reference_from_frame,
    reference_moments,
    rel_close,
    section,
    unweighted_cv,
    verdict_row,
)

# Deterministic (derandomize) so that a run is reproducible; small budgets: each example is one
# evaluation (~40 ms) and the property files share a ~40 s budget on 2 cores.
_COMMON = dict(deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROPS = settings(max_examples=20, **_COMMON)  # one evaluation per example
STANDARDS = st.sampled_from([BASIC, QUALITY])


def cvs(ev) -> pd.Series:
    """CV per (year, county, level, indicator), as a plain float Series."""
    ind = ev.indicators.astype({"county": str, "level": str, "indicator": str})
    return ind.set_index(["year", "county", "level", "indicator"])["cv"].astype(float).sort_index()


def assert_all_close(a: pd.Series, b: pd.Series, rel: float = 1e-9) -> None:
    assert list(a.index) == list(b.index)
    bad = [(k, x, y) for k, x, y in zip(a.index, a, b, strict=True) if not rel_close(x, y, rel, abs_=1e-12)]
    assert not bad, bad[:5]


# --------------------------------------------------------------------------- against the formula


def test_a_small_county_worked_by_hand():
    """Two schools, 100 and 300 students, 2 and 4 m²/student: X̄ = 1400/400 = 3.5,
    S² = ¼·1.5² + ¾·0.5² = 0.75, CV = √0.75 / 3.5."""
    rows = [section("a", 100, teaching_area=200.0), section("b", 300, teaching_area=1200.0)]
    row = indicator_row(evaluate(frame(rows)), "teaching_area")
    assert row["mean"] == pytest.approx(3.5, rel=1e-12)
    assert row["cv"] == pytest.approx(math.sqrt(0.75) / 3.5, rel=1e-12)


@PROPS
@given(df=county_frames(max_schools=6, counties=(COUNTY, "西区")), standard=STANDARDS)
def test_mean_and_cv_of_every_indicator_match_the_reference_formula(df, standard):
    ev = evaluate(df, standard)
    assert set(ev.indicators["indicator"].astype(str)) == set(INDICATORS[standard])
    assert len(ev.indicators) == 2 * 2 * len(INDICATORS[standard])
    for county in (COUNTY, "西区"):
        for level in LEVELS:
            for ind in INDICATORS[standard]:
                mean, cv = reference_from_frame(df, standard, ind, county=county, level=level)
                row = indicator_row(ev, ind, county=county, level=level)
                assert rel_close(row["mean"], mean), (ind, row["mean"], mean)
                # abs 1e-12: a CV that is exactly 0 in the reference is held to "exactly 0" by its own test
                assert rel_close(row["cv"], cv, abs_=1e-12), (ind, row["cv"], cv)


@PROPS
@given(df=county_frames(max_schools=6))
def test_the_composite_is_the_mean_of_the_8_reference_cvs_and_decides_the_level(df):
    ev = evaluate(df, BASIC)
    for level in LEVELS:
        ref = [reference_from_frame(df, BASIC, ind, level=level)[1] for ind in BASIC_INDICATORS]
        composite = math.fsum(ref) / 8
        row = county_row(ev, level=level)
        assert rel_close(row["composite_cv"], composite, abs_=1e-12), (row["composite_cv"], composite)
        assert row["composite_limit"] == LIMITS[BASIC][level]
        if abs(composite - LIMITS[BASIC][level]) > 1e-9:  # clear of the boundary (tested exactly elsewhere)
            assert row["passed"] == (composite <= LIMITS[BASIC][level])


@PROPS
@given(df=county_frames(max_schools=6))
def test_quality_each_indicator_is_held_to_its_level_limit(df):
    ev = evaluate(df, QUALITY)
    for level in LEVELS:
        for ind in QUALITY_INDICATORS:
            cv = reference_from_frame(df, QUALITY, ind, level=level)[1]
            row = indicator_row(ev, ind, level=level)
            assert row["limit"] == LIMITS[QUALITY][level]
            if abs(cv - LIMITS[QUALITY][level]) > 1e-9:
                assert row["passed"] == (cv <= LIMITS[QUALITY][level]), (ind, level, cv)


def test_per_100_indicators_are_on_the_scale_of_their_document():
    """1000 students and 150 computers: 15 per 100 in 2012; 60 teachers above degree: 6 per 100 in
    2017 but 0.06 per student in 2012 (the 2012 table states that one per student)."""
    rows = [section("a", 1000, computers=150.0, teachers_above_degree=60.0, backbone_teachers=20.0,
                    pe_art_teachers=15.0, multimedia_classrooms=30.0, books=30000.0)]
    basic, quality = evaluate(frame(rows), BASIC), evaluate(frame(rows), QUALITY)
    assert indicator_row(basic, "computers")["mean"] == pytest.approx(15.0, rel=1e-12)
    assert indicator_row(basic, "books")["mean"] == pytest.approx(30.0, rel=1e-12)
    assert indicator_row(basic, "teachers_above_degree")["mean"] == pytest.approx(0.06, rel=1e-12)
    assert indicator_row(quality, "teachers_above_degree")["mean"] == pytest.approx(6.0, rel=1e-12)
    assert indicator_row(quality, "backbone_teachers")["mean"] == pytest.approx(2.0, rel=1e-12)
    assert indicator_row(quality, "pe_art_teachers")["mean"] == pytest.approx(1.5, rel=1e-12)
    assert indicator_row(quality, "multimedia_classrooms")["mean"] == pytest.approx(3.0, rel=1e-12)


def test_the_weighting_by_enrolment_matters():
    """A big well-equipped school and two small poor ones: the enrollment-weighted CV of the
    reference and the naive unweighted one differ by far more than rounding."""
    students = [2000, 60, 80]
    area = [2000 * 6.0, 60 * 2.0, 80 * 3.0]
    rows = [section(f"s{i}", p, teaching_area=a) for i, (p, a) in enumerate(zip(students, area, strict=True))]
    got = indicator_row(evaluate(frame(rows)), "teaching_area")["cv"]
    _, weighted = reference_moments(students, area)
    naive = unweighted_cv(students, area)
    assert abs(weighted - naive) > 0.1  # the example does discriminate
    assert rel_close(got, weighted)
    assert abs(got - naive) > 0.1


# --------------------------------------------------------------------------- blank cells, worked examples
# The invariants (rescaling, shuffling, duplicating, equal and one-school counties, the composite's
# bounds, raising a resource, row accounting, blank cells never passing) are in test_properties.py,
# on the strategies of eduequity.testing.


def test_a_blank_cell_in_quality_balance_is_never_a_pass_and_is_named():
    rows = [section("a", 500), section("b", 800), section("c", 300)]
    df = frame(rows)
    df.loc[1, "multimedia_classrooms"] = np.nan
    ev = evaluate(df, QUALITY)
    ind = indicator_row(ev, "multimedia_classrooms")
    assert is_na(ind["passed"]) and "b" in ind["missing"].split(", ")
    school = ev.schools[(ev.schools["school_id"] == "b") & (ev.schools["indicator"] == "multimedia_classrooms")]
    assert is_na(school["met"].iloc[0])
    row = county_row(ev)
    assert is_na(row["passed"]) and row["status"] == "not assessable"
    assert "b" in verdict_row(ev)["reasons"]


def test_a_blank_in_a_column_the_standard_does_not_use_changes_nothing():
    df = frame([section("a", 300), section("b", 700, books=700 * 35.0)])
    blank = df.copy()
    blank.loc[0, "backbone_teachers"] = np.nan  # a 2017 indicator, unused in 2012
    before, after = evaluate(df, BASIC), evaluate(blank, BASIC)
    assert county_row(after)["passed"] == True  # noqa: E712
    assert_all_close(cvs(after), cvs(before), rel=0)

