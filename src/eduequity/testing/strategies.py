"""Hypothesis strategies for eduequity's inputs: school statistics, metric observations, recognitions.

For plugin authors and for eduequity's own property suite. The strategies
follow Hypothesis' API style: plural nouns, arguments that are themselves
strategies (``years=st.integers(2015, 2020)``), and ``min_…`` / ``max_…`` for
sizes::

    from hypothesis import given, strategies as st
    import eduequity as ee
    from eduequity.testing import strategies as ees

    @given(ees.school_frames(counties=st.sampled_from(["东区", "西区"]), max_schools=5))
    def test_every_row_is_accounted_for(frame):
        ev = ee.evaluate(frame, "cn.basic-balance-2012")
        assert ev.evaluated_rows + len(ev.excluded) == ev.input_rows

Every frame these strategies produce passes ``ee.read_schools``. By default
``school_frames`` and ``whole_school_frames`` return the **canonical** frame
(the output of ``read_schools``); ``raw=True`` returns the input DataFrame a
user would hand to ``read_schools`` instead (English headers, ``level`` and
``school_type`` as text, whole numbers of students as int64, resources as
float64 with NaN for a blank cell).

How numbers are made: Hypothesis draws the structure (which years, counties and
levels, how many schools in each (year, county, level), which groups are
perfectly equal, which cells are blank, how uneven each group is) and one seed;
the magnitudes are then drawn with numpy from that seed, vectorised, so a frame
of hundreds of schools costs about a millisecond. Structure shrinks well (a
failing example shrinks to few years, counties and schools); magnitudes are
reproducible from the seed.

Magnitudes are realistic per student (``PER_STUDENT``): teaching area 3–6.5 m²,
sports area 4–11 m², equipment 1200–4700 yuan, computers 0.08–0.25, books
15–50, teachers 0.05–0.12, of whom about 0.9 above the required degree and 0.6
with an intermediate or higher title, backbone teachers about 0.012, PE and art
teachers about 0.011, multimedia classrooms about 0.025; students are whole
numbers from 20 to 3000. A group's per-student values vary around a centre
inside those ranges, with a spread from balanced to very uneven (so both met
and unmet verdicts occur); every value lies within ``BOUNDS`` (a third of the
range's low end to 1.5 times its high end) before counts are rounded to whole
numbers. Counts of people, computers, books and rooms are whole numbers;
areas have two decimals; equipment is in whole yuan. Each school has at least
one teacher, and no more teachers above the degree or with a title than
teachers. A small school may have no backbone teacher or multimedia room, but
every (year, county, level) has some of every resource: without blank cells,
every mean is positive and every CV defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..core.columns import COLUMNS, LEVELS, RESOURCES

__all__ = [
    "BOUNDS",
    "COUNTY_CODES",
    "COUNTY_NAMES",
    "JILIN_COUNTIES",
    "MIXED_SCHOOL_TYPES",
    "PANZHIHUA_COUNTIES",
    "PER_STUDENT",
    "metrics_frames",
    "overrides",
    "recognitions",
    "school_frames",
    "whole_school_frames",
]

# --------------------------------------------------------------------------- vocabulary

#: Panzhihua's five county-level units, with their division codes (shared reference data).
PANZHIHUA_COUNTIES: tuple[str, ...] = ("东区", "西区", "仁和区", "米易县", "盐边县")
COUNTY_CODES = MappingProxyType({"东区": "510402", "西区": "510403", "仁和区": "510411", "米易县": "510421",
                                 "盐边县": "510422"})
#: Some of Jilin's county-level units as of 2011 (no division codes: none are cited in the reference data).
JILIN_COUNTIES: tuple[str, ...] = (
    "南关区", "宽城区", "朝阳区", "二道区", "绿园区", "双阳区", "榆树市", "德惠市", "农安县", "船营区",
    "昌邑区", "蛟河市", "磐石市", "梨树县", "伊通满族自治县", "东丰县", "集安市", "抚松县",
    "长白朝鲜族自治县", "通榆县", "延吉市", "珲春市", "汪清县", "安图县",
)
#: County names drawn by default: real names, Panzhihua's first (they shrink towards 东区).
COUNTY_NAMES: tuple[str, ...] = PANZHIHUA_COUNTIES + JILIN_COUNTIES

#: Realistic range of each resource per student, in canonical units (m², yuan, counts).
#: ``teachers_above_degree`` and ``teachers_mid_senior_title`` are drawn as shares of
#: ``teachers`` (``TEACHER_SHARES``) and their range here follows from it.
PER_STUDENT = MappingProxyType({
    "teaching_area": (3.0, 6.5),
    "sports_area": (4.0, 11.0),
    "equipment_value": (1200.0, 4700.0),
    "computers": (0.08, 0.25),
    "books": (15.0, 50.0),
    "teachers": (0.05, 0.12),
    "teachers_above_degree": (0.04, 0.12),
    "teachers_mid_senior_title": (0.0225, 0.09),
    "backbone_teachers": (0.006, 0.02),
    "pe_art_teachers": (0.006, 0.018),
    "multimedia_classrooms": (0.012, 0.04),
})
TEACHER_SHARES = MappingProxyType({"teachers_above_degree": (0.8, 1.0), "teachers_mid_senior_title": (0.45, 0.75)})
#: Every per-student value before rounding lies in [low / 3, high * 1.5] of its ``PER_STUDENT`` range.
BOUNDS = MappingProxyType({k: (lo / 3, hi * 1.5) for k, (lo, hi) in PER_STUDENT.items()})
#: Spreads of log per-student values within a group: balanced, typical, uneven, very uneven.
SPREADS: tuple[float, ...] = (0.1, 0.3, 0.7, 1.3)
DECIMALS = MappingProxyType({"teaching_area": 2, "sports_area": 2})  # others: whole numbers
MIN_STUDENTS, MAX_STUDENTS = 20, 3000
MIXED_SCHOOL_TYPES: tuple[str, ...] = ("nine_year", "twelve_year", "complete_secondary")
_SECTIONS_OF = {"nine_year": (True, True, False), "twelve_year": (True, True, True),
                "complete_secondary": (False, True, True)}
_BASE = tuple(k for k in PER_STUDENT if k not in TEACHER_SHARES)
_SPLIT = tuple(c.name for c in COLUMNS if c.role == "resource" and c.split)
_PEOPLE = tuple(c.name for c in COLUMNS if c.role == "resource" and not c.split)
_LEVEL_DIGIT = {"primary": "1", "junior": "2"}
_LEVEL_ZH = {"primary": "小学", "junior": "中学"}


# --------------------------------------------------------------------------- validation


def _check_strategy(name: str, value: Any) -> None:
    if not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy (e.g. st.sampled_from([...]))")


def _check_sizes(name: str, lo: int, hi: int | None, floor: int = 0) -> None:
    if not isinstance(lo, int) or lo < floor:
        raise InvalidArgument(f"min_{name}={lo!r} must be an integer >= {floor}")
    if hi is not None and (not isinstance(hi, int) or hi < lo):
        raise InvalidArgument(f"max_{name}={hi!r} must be an integer >= min_{name}={lo}")


def _check_resources(resources: Sequence[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(resources))
    unknown = [r for r in out if r not in RESOURCES]
    if unknown:
        raise InvalidArgument(f"unknown resource columns {unknown}; expected some of {', '.join(RESOURCES)}")
    return out


def _unique_lists(elements: st.SearchStrategy, lo: int, hi: int) -> st.SearchStrategy[list]:
    return st.lists(elements, min_size=lo, max_size=hi, unique=True)


# --------------------------------------------------------------------------- magnitudes (numpy)


def _resources(rng: np.random.Generator, students: np.ndarray, codes: np.ndarray, spread: np.ndarray,
               n_groups: int) -> dict[str, np.ndarray]:
    """Whole-school totals of every resource for sections with ``students``, grouped by ``codes``.

    Each group has its own centre per resource and its own spread; a school's
    advantage is shared across resources (well-equipped schools tend to be
    well-staffed too).
    """
    n = len(students)
    advantage = rng.standard_normal(n)
    per: dict[str, np.ndarray] = {}
    centre: dict[str, np.ndarray] = {}
    for key in _BASE:
        lo, hi = PER_STUDENT[key]
        a, b = np.log(lo), np.log(hi)
        c = rng.uniform(a + (b - a) / 4, b - (b - a) / 4, n_groups)
        z = 0.6 * advantage + 0.8 * rng.standard_normal(n)
        per[key] = np.exp(np.clip(c[codes] + spread[codes] * z, a - np.log(3), b + np.log(1.5)))
        centre[key] = np.exp(c)
    out = {key: per[key] * students for key in _BASE}
    teachers = np.maximum(1.0, np.rint(out["teachers"]))
    out["teachers"] = teachers
    for key, (lo, hi) in TEACHER_SHARES.items():
        out[key] = np.minimum(teachers, np.rint(teachers * rng.uniform(lo, hi, n)))
    for key in _BASE:
        if key != "teachers":
            out[key] = np.round(out[key], DECIMALS.get(key, 0))
    # A small school may have no backbone teacher or multimedia room, but no group has none
    # at all: its mean would be 0 and its CV undefined. The group's biggest school gets one.
    biggest = None
    for key, values in out.items():
        zero = np.flatnonzero(np.bincount(codes, weights=values, minlength=n_groups) == 0)
        if len(zero):
            if biggest is None:
                order = np.lexsort((-students, codes))
                first = np.ones(n, dtype=bool)
                first[1:] = codes[order][1:] != codes[order][:-1]
                biggest = np.full(n_groups, -1)
                biggest[codes[order][first]] = order[first]
            rows = biggest[zero]
            values[rows[rows >= 0]] = 1.0
    out["_centre"] = centre  # type: ignore[assignment]
    return out


def _equal_groups(rng: np.random.Generator, students: np.ndarray, values: dict, codes: np.ndarray,
                  equal: np.ndarray) -> None:
    """Make every school of the groups flagged in ``equal`` identical per student, exactly.

    Students are multiples of d (50, 100 or 200) and each resource is a whole
    multiple k·(students / d): every school has k / d per student, the same
    rational number, so its float is the same too. In place.
    """
    rows = np.flatnonzero(equal[codes])
    if not len(rows):
        return
    centre = values["_centre"]
    groups = np.flatnonzero(equal)
    d = rng.choice(np.array([50, 100, 200]), len(groups))
    d_of = np.zeros(len(equal), dtype=np.int64)
    d_of[groups] = d
    dr = d_of[codes[rows]]
    m = rng.integers(1, MAX_STUDENTS // dr + 1)
    students[rows] = m * dr
    k: dict[str, np.ndarray] = {}
    for key in _BASE:
        k[key] = np.maximum(1, np.rint(centre[key][groups] * d)).astype(np.int64)
    for key, (lo, hi) in TEACHER_SHARES.items():
        k[key] = np.clip(np.rint(k["teachers"] * (lo + hi) / 2), 1, k["teachers"]).astype(np.int64)
    k_of = np.zeros(len(equal), dtype=np.int64)
    for key, ks in k.items():
        k_of[groups] = ks
        values[key][rows] = (k_of[codes[rows]] * m).astype(np.float64)


def _log_uniform_students(rng: np.random.Generator, n: int, lo: int = MIN_STUDENTS, hi: int = MAX_STUDENTS
                          ) -> np.ndarray:
    s = np.rint(np.exp(rng.uniform(np.log(lo), np.log(hi), n)))
    return np.clip(s, lo, hi).astype(np.float64)


# --------------------------------------------------------------------------- school frames


def _descriptive(rng: np.random.Generator, level: np.ndarray, students: np.ndarray, county: np.ndarray,
                 index: np.ndarray) -> dict[str, np.ndarray]:
    """school_name, school_type, ownership, sponsor, urban_rural, county_code: mostly ordinary
    public county schools, with a few that national standards exclude."""
    n = len(level)
    u = rng.uniform(size=n)
    primary = level == "primary"
    school_type = np.where(primary, "primary_school", "junior_school").astype(object)
    school_type[primary & (students < 150) & (u < 0.35)] = "teaching_point"
    school_type[primary & (u >= 0.35) & (u < 0.45)] = "nine_year"
    school_type[~primary & (u < 0.12)] = "complete_secondary"
    school_type[~primary & (u >= 0.12) & (u < 0.2)] = "nine_year"
    school_type[u > 0.97] = "special"
    school_type[~primary & (u > 0.955) & (u <= 0.97)] = "vocational"
    v = rng.uniform(size=n)
    ownership = np.where(v < 0.9, "public", "private").astype(object)
    w = rng.uniform(size=n)
    sponsor = np.where(w < 0.85, "county", np.where(w < 0.95, "city", "province")).astype(object)
    urban = rng.choice(np.array(["城区", "镇区", "乡村"], dtype=object), n)
    name = np.array([f"{c}第{i + 1}{_LEVEL_ZH[lv]}" for c, i, lv in zip(county, index, level, strict=True)],
                    dtype=object)
    code = np.array([COUNTY_CODES.get(c, np.nan) for c in county], dtype=object)
    return {"county_code": code, "school_name": name, "school_type": school_type, "ownership": ownership,
            "sponsor": sponsor, "urban_rural": urban}


def _raw_frame(columns: dict[str, Any], resources: tuple[str, ...], descriptive: bool) -> pd.DataFrame:
    order = ["year", "county"] + (["county_code"] if descriptive else []) + ["school_id"]
    order += (["school_name"] if descriptive else []) + ["level", "students", *resources]
    order += ["school_type", "ownership", "sponsor", "urban_rural"] if descriptive else []
    df = pd.DataFrame({c: columns[c] for c in order})
    df["year"] = df["year"].astype("int64")
    df["students"] = df["students"].astype("int64")
    for r in resources:
        df[r] = df[r].astype("float64")
    return df


def school_frames(
    *,
    years: st.SearchStrategy[int] | None = None,
    counties: st.SearchStrategy[str] | None = None,
    levels: st.SearchStrategy[str] | None = None,
    min_years: int = 1,
    max_years: int = 2,
    min_counties: int = 1,
    max_counties: int = 3,
    min_levels: int = 1,
    max_levels: int = 2,
    min_schools: int = 1,
    max_schools: int = 6,
    resources: Sequence[str] = RESOURCES,
    allow_equal_values: bool = True,
    allow_blanks: bool = False,
    min_blanks: int = 0,
    max_blanks: int = 3,
    descriptive: bool = False,
    raw: bool = False,
) -> st.SearchStrategy[pd.DataFrame]:
    """School-section frames: every (year, county, level) drawn, each with its own schools.

    ``years``, ``counties`` and ``levels`` are strategies for one element each;
    between ``min_…`` and ``max_…`` distinct ones are drawn and every
    combination gets ``min_schools`` to ``max_schools`` schools (``min_schools=1``
    lets one-school counties occur; they are drawn often). School ids are
    10-digit strings, unique per (year, level) and stable across years (the
    same school in a later year keeps its id).

    ``resources``: the resource columns to include (default all eleven).
    ``allow_equal_values``: some groups have every school exactly equal per
    student (the CV is then exactly 0). ``allow_blanks``: ``min_blanks`` to
    ``max_blanks`` resource cells are blank (NaN, kept as missing); a
    ``min_blanks`` above 0 implies ``allow_blanks``. ``descriptive``: add
    ``county_code`` (Panzhihua's counties; blank elsewhere), ``school_name``,
    ``school_type``, ``ownership``, ``sponsor`` and ``urban_rural`` — mostly
    ordinary public county schools, with teaching points, special, vocational,
    private and city- or province-run schools that national standards exclude.

    Returns the canonical frame (``read_schools``' output), or with ``raw=True``
    the input frame, rows ordered by (year, county, level, school).
    """
    years = st.integers(2013, 2024) if years is None else years
    counties = st.sampled_from(COUNTY_NAMES) if counties is None else counties
    levels = st.sampled_from(LEVELS) if levels is None else levels
    for name, value in (("years", years), ("counties", counties), ("levels", levels)):
        _check_strategy(name, value)
    _check_sizes("years", min_years, max_years, 1)
    _check_sizes("counties", min_counties, max_counties, 1)
    _check_sizes("levels", min_levels, max_levels, 1)
    _check_sizes("schools", min_schools, max_schools, 1)
    _check_sizes("blanks", min_blanks, max_blanks)
    allow_blanks = allow_blanks or min_blanks > 0
    if min_levels > len(LEVELS):
        raise InvalidArgument(f"min_levels={min_levels}: there are only {len(LEVELS)} levels")
    resources = _check_resources(resources)
    max_levels = min(max_levels, len(LEVELS))
    blanks_possible = allow_blanks and max_blanks > 0 and bool(resources)

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        ys = sorted(draw(_unique_lists(years, min_years, max_years), label="years"))
        cs = draw(_unique_lists(counties, min_counties, max_counties), label="counties")
        drawn = draw(_unique_lists(levels, min_levels, max_levels), label="levels")
        if any(lv not in LEVELS for lv in drawn):
            raise InvalidArgument(f"levels drew {drawn!r}; levels are {' and '.join(LEVELS)}")
        ls = [lv for lv in LEVELS if lv in drawn]
        groups = [(y, c_i, lv) for y in ys for c_i in range(len(cs)) for lv in ls]
        sizes = [draw(st.integers(min_schools, max_schools), label=f"schools in {y} {cs[c]} {lv}")
                 for y, c, lv in groups]
        spread = np.array([draw(st.sampled_from(SPREADS), label="spread") for _ in groups])
        equal = np.array([allow_equal_values and draw(st.integers(0, 3), label="equal?") == 3 for _ in groups])
        seed = draw(st.integers(0, 2**32 - 1), label="seed")
        rng = np.random.default_rng(seed)

        codes = np.repeat(np.arange(len(groups)), sizes)
        index = np.concatenate([np.arange(k) for k in sizes])
        year = np.array([g[0] for g in groups], dtype=np.int64)[codes]
        c_idx = np.array([g[1] for g in groups], dtype=np.int64)[codes]
        county = np.asarray(cs, dtype=object)[c_idx]
        level = np.array([g[2] for g in groups], dtype=object)[codes]
        digit = np.array([_LEVEL_DIGIT[lv] for lv in level], dtype=object)
        school_id = np.char.add(np.char.add(np.char.mod("51%02d", c_idx % 100), digit.astype(str)),
                                np.char.mod("%05d", index)).astype(object)
        students = _log_uniform_students(rng, len(codes))
        values = _resources(rng, students, codes, spread, len(groups))
        _equal_groups(rng, students, values, codes, equal)
        columns: dict[str, Any] = {"year": year, "county": county, "school_id": school_id, "level": level,
                                   "students": students, **{r: values[r].copy() for r in resources}}
        if blanks_possible:
            cells = draw(st.lists(st.tuples(st.integers(0, len(codes) - 1), st.sampled_from(resources)),
                                  min_size=min(min_blanks, len(codes) * len(resources)),
                                  max_size=max_blanks, unique=True), label="blank cells")
            for i, r in cells:
                columns[r][i] = np.nan
        if descriptive:
            columns.update(_descriptive(rng, level, students, county, index))
        df = _raw_frame(columns, resources, descriptive)
        if raw:
            return df
        from ..read.schools import read_schools

        return read_schools(df)

    return build()


# --------------------------------------------------------------------------- whole-school frames


def whole_school_frames(
    *,
    years: st.SearchStrategy[int] | None = None,
    counties: st.SearchStrategy[str] | None = None,
    school_types: st.SearchStrategy[str] | None = None,
    min_years: int = 1,
    max_years: int = 2,
    min_counties: int = 1,
    max_counties: int = 2,
    min_whole: int = 1,
    max_whole: int = 3,
    min_schools: int = 0,
    max_schools: int = 3,
    raw: bool = False,
) -> st.SearchStrategy[pd.DataFrame]:
    """Frames mixing whole-school rows of mixed schools with ordinary section rows.

    Per (year, county): ``min_whole`` to ``max_whole`` whole-school rows of
    ``school_types`` (nine-year, twelve-year, complete secondary) and, per
    level, ``min_schools`` to ``max_schools`` ordinary schools (typed
    ``primary_school`` / ``junior_school``). A whole-school row leaves
    ``level`` and ``students`` blank and gives ``students_primary``,
    ``students_junior`` (and ``students_senior``), the physical resources as
    whole-school totals, and people per section (``teachers_primary``,
    ``teachers_junior`` …). Now and then a nine-year or twelve-year school has
    no junior students yet (a new school), so only its primary section is emitted.

    Returns the canonical frame (mixed schools split into sections by the
    national weights; ``row`` points at the input row), or with ``raw=True``
    the input frame.
    """
    years = st.integers(2013, 2024) if years is None else years
    counties = st.sampled_from(COUNTY_NAMES) if counties is None else counties
    school_types = st.sampled_from(MIXED_SCHOOL_TYPES) if school_types is None else school_types
    for name, value in (("years", years), ("counties", counties), ("school_types", school_types)):
        _check_strategy(name, value)
    _check_sizes("years", min_years, max_years, 1)
    _check_sizes("counties", min_counties, max_counties, 1)
    _check_sizes("whole", min_whole, max_whole)
    _check_sizes("schools", min_schools, max_schools)
    if max_whole == 0 and max_schools == 0:
        raise InvalidArgument("max_whole and max_schools are both 0: the frames would be empty")

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        ys = sorted(draw(_unique_lists(years, min_years, max_years), label="years"))
        cs = draw(_unique_lists(counties, min_counties, max_counties), label="counties")
        places = [(y, c) for y in ys for c in range(len(cs))]
        types: list[list[str]] = []
        ordinary: list[tuple[int, int]] = []
        for _ in places:
            n_whole = draw(st.integers(min_whole, max_whole), label="whole-school rows")
            kinds = [draw(school_types, label="school type") for _ in range(n_whole)]
            bad = [t for t in kinds if t not in _SECTIONS_OF]
            if bad:
                raise InvalidArgument(f"school_types drew {bad[0]!r}; expected one of {MIXED_SCHOOL_TYPES}")
            types.append(kinds)
            ordinary.append((draw(st.integers(min_schools, max_schools), label="primary schools"),
                             draw(st.integers(min_schools, max_schools), label="junior schools")))
        if not any(types) and not any(a or b for a, b in ordinary):
            ordinary[0] = (1, ordinary[0][1])  # never an empty frame
        seed = draw(st.integers(0, 2**32 - 1), label="seed")
        rng = np.random.default_rng(seed)
        frames = [_whole_rows(rng, cs, places, types), _ordinary_rows(rng, cs, places, ordinary)]
        df = pd.concat([f for f in frames if len(f)], ignore_index=True)
        df = df.sort_values(["year", "county", "school_id"], kind="stable").reset_index(drop=True)
        df["year"] = df["year"].astype("int64")
        if raw:
            return df
        from ..read.schools import read_schools

        return read_schools(df)

    return build()


def _whole_rows(rng: np.random.Generator, cs: list[str], places: list[tuple[int, int]],
                types: list[list[str]]) -> pd.DataFrame:
    n = sum(len(t) for t in types)
    if n == 0:
        return pd.DataFrame()
    place = np.repeat(np.arange(len(places)), [len(t) for t in types])
    index = np.concatenate([np.arange(len(t)) for t in types if t])
    kind = np.array([t for ts in types for t in ts], dtype=object)
    has = np.array([_SECTIONS_OF[t] for t in kind])  # (n, 3) primary, junior, senior
    counts = np.column_stack([_log_uniform_students(rng, n, 40, 2000) for _ in range(3)]) * has
    # a new nine- or twelve-year school without junior students yet
    new = has[:, 0] & (rng.uniform(size=n) < 0.1)
    counts[new, 1:] = 0
    total = counts.sum(axis=1)
    compulsory = counts[:, :2]
    values = _resources(rng, total, place, np.full(len(places), 0.25), len(places))
    c_idx = np.array([places[p][1] for p in place])
    out: dict[str, Any] = {
        "year": np.array([places[p][0] for p in place], dtype=np.int64),
        "county": np.asarray(cs, dtype=object)[c_idx],
        "school_id": np.char.add(np.char.mod("51%02d9", c_idx % 100), np.char.mod("%05d", index)).astype(object),
        "school_type": kind,
        "level": np.full(n, None, dtype=object),
        "students": np.full(n, np.nan),
        "students_primary": np.where(has[:, 0], counts[:, 0], np.nan),
        "students_junior": counts[:, 1],
        "students_senior": np.where(has[:, 2], counts[:, 2], np.nan),
    }
    for r in _SPLIT:
        out[r] = values[r]
    for r in _PEOPLE:
        out[r] = np.full(n, np.nan)
    # people per compulsory section, in proportion to its students (whole numbers)
    share = np.divide(compulsory, total[:, None], out=np.zeros_like(compulsory), where=total[:, None] > 0)
    for r in _PEOPLE:
        for k, sec in enumerate(("primary", "junior")):
            v = np.rint(values[r] * share[:, k])
            if r == "teachers":
                v = np.maximum(v, (compulsory[:, k] > 0).astype(float))
            out[f"{r}_{sec}"] = np.where(has[:, k], v, np.nan)
    for k, sec in enumerate(("primary", "junior")):  # no more qualified teachers than teachers
        for r in TEACHER_SHARES:
            out[f"{r}_{sec}"] = np.minimum(out[f"{r}_{sec}"], out[f"teachers_{sec}"])
    return pd.DataFrame(out)


def _ordinary_rows(rng: np.random.Generator, cs: list[str], places: list[tuple[int, int]],
                   ordinary: list[tuple[int, int]]) -> pd.DataFrame:
    sizes = [k for pair in ordinary for k in pair]
    n = sum(sizes)
    if n == 0:
        return pd.DataFrame()
    group = np.repeat(np.arange(len(sizes)), sizes)
    index = np.concatenate([np.arange(k) for k in sizes if k])
    place = group // 2
    level = np.where(group % 2 == 0, "primary", "junior").astype(object)
    students = _log_uniform_students(rng, n)
    values = _resources(rng, students, group, np.full(len(sizes), 0.25), len(sizes))
    c_idx = np.array([places[p][1] for p in place])
    digit = np.where(level == "primary", "1", "2")
    out: dict[str, Any] = {
        "year": np.array([places[p][0] for p in place], dtype=np.int64),
        "county": np.asarray(cs, dtype=object)[c_idx],
        "school_id": np.char.add(np.char.add(np.char.mod("51%02d", c_idx % 100), digit),
                                 np.char.mod("%05d", index)).astype(object),
        "school_type": np.where(level == "primary", "primary_school", "junior_school").astype(object),
        "level": level,
        "students": students,
    }
    for r in RESOURCES:
        out[r] = values[r]
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- metrics


def _standard(standard: Any, registry: Any) -> Any:
    if standard is None or not isinstance(standard, str):
        return standard
    if registry is None:
        from ..core.registry import registry as default_registry

        registry = default_registry()
    return registry.standard(standard)


def _metric_value(rng: np.random.Generator, kind: str, target: float | None) -> float:
    """One realistic observation of a metric of ``kind``; often at or just either side of ``target``."""
    mode = rng.integers(0, 4) if target is not None else 3
    if kind == "yes/no":
        return float(rng.integers(0, 2)) if mode == 3 else float(target if mode == 0 else 1 - target)
    if mode == 0:
        v = float(target)
    elif mode in (1, 2):
        step = rng.choice([0.001, 0.01, 0.05, 0.1]) * (1 if mode == 1 else -1)
        v = float(target) + step * (1 if kind in ("share", "ratio") else max(abs(float(target)), 1.0))
    elif kind == "share":
        v = float(rng.uniform(0.5, 1.0))
    elif kind == "ratio":
        v = float(rng.uniform(0.8, 1.2))
    elif kind == "score":
        v = float(rng.uniform(60, 100))
    elif kind == "year":
        v = float(rng.integers(2010, 2026))
    elif kind == "count":
        v = float(rng.integers(0, 3000))
    else:  # quantity
        v = float(rng.uniform(0, 2) * (abs(float(target)) if target else 1000.0))
    if kind == "share":
        v = min(1.0, max(0.0, v))
    if kind in ("count", "year"):
        v = float(max(0, round(v)))
    return round(v, 6)


def metrics_frames(
    standard: Any = "cn.basic-balance-2012",
    *,
    years: st.SearchStrategy[int] | None = None,
    counties: st.SearchStrategy[str] | None = None,
    min_years: int = 1,
    max_years: int = 2,
    min_counties: int = 1,
    max_counties: int = 3,
    min_size: int = 0,
    max_size: int | None = None,
    allow_missing: bool = True,
    registry: Any = None,
) -> st.SearchStrategy[pd.DataFrame]:
    """Long-form metric observations (``year, county, level, metric, value``) for a standard's targets.

    ``standard``: a ``Standard`` or a registered id (looked up in ``registry``,
    default the installed one). For each drawn year and county, and each
    (metric, level) a target of the standard judges, an observation may be
    given; jurisdiction-wide targets are observed under the jurisdiction's id.
    Between ``min_size`` and ``max_size`` (default: all of them) observations
    are drawn, so some are missing; ``allow_missing=False`` gives every one
    (each target can then be judged everywhere). Values are realistic for the metric's kind
    (shares in [0, 1], yes/no 1 or 0, whole counts) and often exactly at or
    just either side of the target's value, where verdicts change.
    Keys (year, county, level, metric) are unique; the frame passes
    ``read_metrics`` for the standard.
    """
    std = _standard(standard, registry)
    years = st.integers(2013, 2024) if years is None else years
    counties = st.sampled_from(COUNTY_NAMES) if counties is None else counties
    _check_strategy("years", years)
    _check_strategy("counties", counties)
    _check_sizes("years", min_years, max_years, 1)
    _check_sizes("counties", min_counties, max_counties, 1)
    _check_sizes("size", min_size, max_size)
    metric_kind = {m.key: m.kind for m in std.metrics}
    slots: dict[tuple[str, str | None, str], float | None] = {}
    for t in std.targets:
        slots.setdefault((t.metric, t.level, t.scope), t.value)
    for m in std.metrics:
        if not any(key[0] == m.key for key in slots):
            slots[(m.key, None, "county")] = None

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        ys = sorted(draw(_unique_lists(years, min_years, max_years), label="years"))
        cs = draw(_unique_lists(counties, min_counties, max_counties), label="counties")
        combos = [(y, std.jurisdiction if scope == "jurisdiction" else c, metric, level, value)
                  for y in ys for (metric, level, scope), value in slots.items()
                  for c in (cs if scope == "county" else [std.jurisdiction])]
        combos = list(dict.fromkeys(combos))
        if min_size > len(combos):
            raise InvalidArgument(f"min_size={min_size}, but only {len(combos)} observations are possible")
        hi = len(combos) if max_size is None else min(max_size, len(combos))
        k = hi if not allow_missing else draw(st.integers(min_size, hi), label="observations")
        seed = draw(st.integers(0, 2**32 - 1), label="seed")
        rng = np.random.default_rng(seed)
        chosen = sorted(rng.permutation(len(combos))[:k].tolist())
        rows = [(combos[i][0], combos[i][1], combos[i][3], combos[i][2],
                 _metric_value(rng, metric_kind.get(combos[i][2], "quantity"), combos[i][4])) for i in chosen]
        df = pd.DataFrame(rows, columns=["year", "county", "level", "metric", "value"])
        df["year"] = df["year"].astype("int64")
        df["value"] = df["value"].astype("float64")
        df["level"] = df["level"].astype(object).where(df["level"].notna(), None)
        return df

    return build()


# --------------------------------------------------------------------------- recognitions


def recognitions(
    *,
    counties: st.SearchStrategy[str] | None = None,
    years: st.SearchStrategy[int] | None = None,
    kinds: st.SearchStrategy[str] | None = None,
    min_size: int = 0,
    max_size: int = 8,
) -> st.SearchStrategy[pd.DataFrame]:
    """Recognitions (国家认定 and the like): ``county, year, kind, list_year``.

    One row per (county, kind): a county is recognised once of each kind, in
    its inspection year; ``list_year``, the year the list was published, is
    the next year or blank. Default kinds shrink towards ``basic-balance``.
    """
    from ..core.columns import RECOGNITION_KINDS as KINDS

    counties = st.sampled_from(COUNTY_NAMES) if counties is None else counties
    years = st.integers(2011, 2024) if years is None else years
    kinds = st.sampled_from(KINDS) if kinds is None else kinds
    for name, value in (("counties", counties), ("years", years), ("kinds", kinds)):
        _check_strategy(name, value)
    _check_sizes("size", min_size, max_size)

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        keys = draw(st.lists(st.tuples(counties, kinds), min_size=min_size, max_size=max_size, unique=True),
                    label="recognised")
        bad = [k for _, k in keys if k not in KINDS]
        if bad:
            raise InvalidArgument(f"kinds drew {bad[0]!r}; expected one of {', '.join(KINDS)}")
        ys = [draw(years, label="year") for _ in keys]
        listed = [draw(st.booleans(), label="list year known") for _ in keys]
        df = pd.DataFrame({
            "county": pd.Series([c for c, _ in keys], dtype=object),
            "year": pd.Series(ys, dtype="int64"),
            "kind": pd.Series([k for _, k in keys], dtype=object),
            "list_year": pd.array([y + 1 if known else None for y, known in zip(ys, listed, strict=True)],
                                  dtype="Int64"),
        })
        return df

    return build()


# --------------------------------------------------------------------------- what-ifs


def _what_if(slot: Any, per_level: st.SearchStrategy, metric_kind: str | None) -> st.SearchStrategy:
    """Values for one what-if slot: a CV limit, a threshold (0.5 to 1.5 times its value), a floor
    (0.5 to 1) or a target value (by its metric's kind)."""
    if slot.kind == "cv-limit":
        return per_level
    if slot.kind == "threshold":
        base = max(v for v in (slot.current.primary, slot.current.junior, 1e-9) if v is not None)
        return st.floats(0.5, 1.5).map(lambda f: round(base * f, 6))
    if slot.kind == "floor":
        return st.floats(0.5, 1.0).map(lambda v: round(v, 4))
    if metric_kind == "share":
        return st.floats(0.0, 1.0).map(lambda v: round(v, 4))
    if metric_kind == "yes/no":
        return st.sampled_from([1.0, 0.0])
    return st.floats(0.5, 1.5).map(lambda f: round(slot.current * f, 4))


def overrides(standard: Any = "cn.basic-balance-2012", *, min_size: int = 0, max_size: int = 3,
              registry: Any = None) -> st.SearchStrategy[dict[str, Any]]:
    """What-if changes for ``ee.override(standard, changes)``: ``{id: value}``.

    Draws dispersion limits (0.1 to 1, one for both levels or one per level),
    school thresholds (0.5 to 1.5 times the current value), floors (0.5 to 1)
    and target values (by the metric's kind) among the standard's own ids.
    """
    std = _standard(standard, registry)
    _check_sizes("size", min_size, max_size)
    kind_of = {t.id: {m.key: m.kind for m in std.metrics}.get(t.metric, "quantity") for t in std.targets}
    limits = st.floats(0.1, 1.0, allow_nan=False).map(lambda v: round(v, 4))
    per_level = st.one_of(limits, st.fixed_dictionaries({"primary": limits, "junior": limits}))
    choices: dict[str, st.SearchStrategy] = {}
    for slot in (s for c in std.criteria for s in c.slots()):
        choices[slot.key] = _what_if(slot, per_level, kind_of.get(slot.key))
    ids = sorted(choices)
    if not ids:
        return st.just({})
    return st.lists(st.sampled_from(ids), min_size=min(min_size, len(ids)), max_size=min(max_size, len(ids)),
                    unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({k: choices[k] for k in keys}))
