"""Shared helpers for the numeric, boundary and golden tests of ``ee.evaluate``.

Everything here is written from the shared reference
(/work/shared/reference/national-standards.md), not from the engine: the
indicator lists, the "per 100 students" scales, the limits and the school
thresholds are typed in again from the reference tables so that a wrong value
in a standard's data file shows up as a failing test instead of being copied
into the expectation.

``reference_moments`` is an independent implementation of the difference
coefficient of §1 in exact rational arithmetic (``fractions.Fraction``): the
only rounding is the final conversion to float, so it is a yardstick accurate
to about one ulp against which the engine's float64 arithmetic is checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import strategies as st

import eduequity as ee

BASIC = "cn.basic-balance-2012"
QUALITY = "cn.quality-balance-2017"
YEAR = 2020
COUNTY = "东区"
LEVELS = ("primary", "junior")

# §1: the 8 indicators of basic balance, in the order of the national table.
BASIC_INDICATORS = (
    "teaching_area", "sports_area", "equipment_value", "computers", "books", "teachers",
    "teachers_above_degree", "teachers_mid_senior_title",
)
# §2: the 7 resource-allocation indicators of quality balance.
QUALITY_INDICATORS = (
    "teachers_above_degree", "backbone_teachers", "pe_art_teachers", "teaching_area", "sports_area",
    "equipment_value", "multimedia_classrooms",
)
INDICATORS = {BASIC: BASIC_INDICATORS, QUALITY: QUALITY_INDICATORS}
RESOURCES = tuple(dict.fromkeys(BASIC_INDICATORS + QUALITY_INDICATORS))
# Indicators the documents state "per 100 students" (§1 table row 4; §2 table rows 1-3 and 7).
PER_100 = {
    BASIC: frozenset({"computers"}),
    QUALITY: frozenset({"teachers_above_degree", "backbone_teachers", "pe_art_teachers", "multimedia_classrooms"}),
}
# Limits (§1 item 2; §2 "Dispersion"): the CV must be <= these.
LIMITS = {
    BASIC: {"primary": 0.65, "junior": 0.55},
    QUALITY: {"primary": 0.50, "junior": 0.45},
}
# §2 resource-allocation thresholds per school, on the document's scale (primary, junior).
THRESHOLDS = {
    "teachers_above_degree": {"primary": 4.2, "junior": 5.3},
    "backbone_teachers": {"primary": 1.0, "junior": 1.0},
    "pe_art_teachers": {"primary": 0.9, "junior": 0.9},
    "teaching_area": {"primary": 4.5, "junior": 5.8},
    "sports_area": {"primary": 7.5, "junior": 10.2},
    "equipment_value": {"primary": 2000.0, "junior": 2500.0},
    "multimedia_classrooms": {"primary": 2.3, "junior": 2.4},
}
MIN_MET, FLOOR = 6, 0.85

COMPOSITE_ID = "cn.basic-balance-2012.composite-cv"
QUALITY_CV_ID = "cn.quality-balance-2017.cv"
SCHOOL_RULE_ID = "cn.quality-balance-2017.school-thresholds"
PREREQUISITE_ID = "cn.quality-balance-2017.basic-balance-prerequisite"

# Per-student resources of a comfortable school (raw per-student values, not per 100):
# every §2 threshold is met with room to spare, magnitudes like the §4 table.
GOOD = {
    "primary": {
        "teaching_area": 6.0, "sports_area": 9.0, "equipment_value": 3000.0, "computers": 0.15,
        "books": 30.0, "teachers": 0.07, "teachers_above_degree": 0.06, "teachers_mid_senior_title": 0.05,
        "backbone_teachers": 0.02, "pe_art_teachers": 0.015, "multimedia_classrooms": 0.03,
    },
    "junior": {
        "teaching_area": 7.0, "sports_area": 12.0, "equipment_value": 3500.0, "computers": 0.2,
        "books": 40.0, "teachers": 0.1, "teachers_above_degree": 0.08, "teachers_mid_senior_title": 0.07,
        "backbone_teachers": 0.02, "pe_art_teachers": 0.015, "multimedia_classrooms": 0.03,
    },
}


def scale(standard: str, indicator: str) -> int:
    """The factor from resource/students to the indicator's scale in ``standard`` (1 or 100)."""
    return 100 if indicator in PER_100[standard] else 1


# --------------------------------------------------------------------------- frames


def section(school_id: str, students: int = 1000, *, level: str = "primary", year: int = YEAR,
            county: str = COUNTY, per_student: Mapping[str, float] | None = None, **resources) -> dict:
    """One input row: resources default to ``GOOD[level]`` × students (per-student values may be
    replaced with ``per_student``; raw resource totals with keyword arguments)."""
    per = {**GOOD[level], **(per_student or {})}
    row = {"year": year, "county": county, "school_id": school_id, "level": level, "students": students}
    for name in RESOURCES:
        row[name] = round(per[name] * students, 9)  # 0.07 × 300 is 21, not 21.000000000000004
    row.update(resources)
    return row


def frame(rows: Iterable[Mapping]) -> pd.DataFrame:
    """An input DataFrame (what a user hands to ``read_schools``) from row dicts."""
    df = pd.DataFrame(list(rows))
    df["year"] = df["year"].astype("int64")
    df["students"] = df["students"].astype("int64")
    for name in RESOURCES:
        if name in df:
            df[name] = df[name].astype("float64")
    return df


def evaluate(df: pd.DataFrame, standard=BASIC, **kw):
    """``read_schools`` then ``evaluate``, as a user would call them."""
    return ee.evaluate(ee.read_schools(df), standard, **kw)


def get_standard(standard_id: str):
    return ee.registry().standards[standard_id]


# --------------------------------------------------------------------------- the reference formula


def per_student_values(students: Sequence, resources: Sequence, factor: int = 1) -> list[Fraction]:
    """X_i = resource_i / students_i (× 100 for "per 100 students"), exactly."""
    return [Fraction(r) / Fraction(p) * factor for p, r in zip(students, resources, strict=True)]


def reference_moments(students: Sequence, resources: Sequence, factor: int = 1) -> tuple[float, float]:
    """(X̄, CV) of §1, enrollment-weighted, population form, in exact arithmetic.

    X̄ = Σ P_i X_i / P;  S = sqrt(Σ (P_i / P)(X_i − X̄)²);  CV = S / X̄.
    Inputs are floats or ints; ``Fraction`` holds their exact binary values.
    """
    p = [Fraction(x) for x in students]
    x = per_student_values(students, resources, factor)
    total = sum(p)
    mean = sum(pi * xi for pi, xi in zip(p, x, strict=True)) / total
    var = sum(pi / total * (xi - mean) ** 2 for pi, xi in zip(p, x, strict=True))
    if mean == 0:
        return 0.0, math.nan
    # CV² is an exact rational; one sqrt of its float: within ~1 ulp of the true CV.
    return float(mean), math.sqrt(float(var / (mean * mean)))


def unweighted_cv(students: Sequence, resources: Sequence, factor: int = 1) -> float:
    """The CV a naive implementation would give: every school counts once, whatever its size."""
    x = per_student_values(students, resources, factor)
    mean = sum(x) / len(x)
    var = sum((xi - mean) ** 2 for xi in x) / len(x)
    return math.sqrt(float(var / (mean * mean)))


def reference_from_frame(df: pd.DataFrame, standard: str, indicator: str, *, county=COUNTY, level="primary",
                         year=YEAR) -> tuple[float, float]:
    sub = df[(df["county"] == county) & (df["level"] == level) & (df["year"] == year)]
    return reference_moments(sub["students"].tolist(), sub[indicator].tolist(), scale(standard, indicator))


# --------------------------------------------------------------------------- reading results


def one(df: pd.DataFrame, **where) -> pd.Series:
    """The single row of ``df`` matching ``where`` (fails loudly if there is not exactly one)."""
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k].astype(object) == v
    hit = df[mask]
    assert len(hit) == 1, f"expected one row for {where}, got {len(hit)}"
    return hit.iloc[0]


def indicator_row(ev, indicator: str, *, county=COUNTY, level="primary", year=YEAR) -> pd.Series:
    return one(ev.indicators, year=year, county=county, level=level, indicator=indicator)


def county_row(ev, *, county=COUNTY, level="primary", year=YEAR) -> pd.Series:
    return one(ev.counties, year=year, county=county, level=level)


def verdict_row(ev, *, county=COUNTY, year=YEAR) -> pd.Series:
    return one(ev.verdicts, year=year, county=county)


def is_na(x) -> bool:
    return x is pd.NA or (isinstance(x, float) and math.isnan(x))


def rel_close(a: float, b: float, rel: float = 1e-9, abs_: float = 0.0) -> bool:
    """|a − b| ≤ rel·max(|a|, |b|) (or ≤ ``abs_``, for values that should be 0)."""
    return a == b or abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


# --------------------------------------------------------------------------- strategies


@st.composite
def school_rows(draw, *, min_schools: int = 1, max_schools: int = 6, level: str = "primary",
                county: str = COUNTY, year: int = YEAR, prefix: str = "s", integral: bool = False) -> list[dict]:
    """Rows of one (year, county, level): sizes from a village school to a big urban one,
    per-student resources from 0.3× to 2× a comfortable school's (some fall below §2 thresholds).

    ``integral``: whole-number resources only (people, rooms, and areas in whole m²).
    """
    n = draw(st.integers(min_schools, max_schools))
    rows = []
    for i in range(n):
        students = draw(st.integers(20, 3000))
        row = {"year": year, "county": county, "school_id": f"{prefix}{i:03d}", "level": level,
               "students": students}
        for name in RESOURCES:
            ratio = draw(st.floats(0.3, 2.0, allow_nan=False, allow_infinity=False))
            value = GOOD[level][name] * ratio * students
            row[name] = float(max(1, round(value))) if integral else round(max(value, 0.01), 3)
        rows.append(row)
    return rows


@st.composite
def county_frames(draw, *, max_schools: int = 6, levels: Sequence[str] = LEVELS,
                  counties: Sequence[str] = (COUNTY,), min_schools: int = 1) -> pd.DataFrame:
    """A frame with every (county, level) given, each with 1..max_schools schools."""
    rows = []
    for c_i, county in enumerate(counties):
        for level in levels:
            rows += draw(school_rows(min_schools=min_schools, max_schools=max_schools, level=level,
                                     county=county, prefix=f"c{c_i}{level[0]}"))
    return frame(rows)


@pytest.fixture(scope="session")
def basic_standard():
    return get_standard(BASIC)


@pytest.fixture(scope="session")
def quality_standard():
    return get_standard(QUALITY)


# --------------------------------------------------------------------------- hypothesis profiles

# "ci" when $CI is set (bounded, derandomized, no example database), "dev" otherwise;
# EDUEQUITY_HYPOTHESIS_PROFILE=thorough or --hypothesis-profile=thorough for a long run.
# Profiles are defined in eduequity.testing.PROFILES.
from eduequity.testing import load_profile  # noqa: E402

load_profile()
