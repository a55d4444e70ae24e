"""Strategies for school statistics: section frames and whole-school rows of mixed schools."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ...core.columns import LEVELS, RESOURCES
from ...read.split import PEOPLE, SPLIT
from .vocabulary import (
    DECIMALS, MAX_STUDENTS, MIN_STUDENTS, MIXED_SCHOOL_TYPES, PER_STUDENT, SPREADS, TEACHER_SHARES, _BASE,
    _LEVEL_DIGIT, _LEVEL_ZH, _SECTIONS_OF, _check_resources, _check_sizes, _check_strategy,
    _unique_lists, county_codes, county_names,
)


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
    codes = county_codes()
    code = np.array([codes.get(c, np.nan) for c in county], dtype=object)
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


def _check_frame_arguments(years: Any, counties: Any, levels: Any, *sizes: tuple[int, int]) -> None:
    for name, value in (("years", years), ("counties", counties), ("levels", levels)):
        _check_strategy(name, value)
    floors = {"years": 1, "counties": 1, "levels": 1, "schools": 1, "blanks": 0}
    for (name, floor), (lo, hi) in zip(floors.items(), sizes, strict=True):
        _check_sizes(name, lo, hi, floor)
    if sizes[2][0] > len(LEVELS):
        raise InvalidArgument(f"min_levels={sizes[2][0]}: there are only {len(LEVELS)} levels")


def _sections(rng: np.random.Generator, groups: list[tuple[int, int, str]], sizes: list[int], cs: list[str],
              spread: np.ndarray, equal: np.ndarray, resources: tuple[str, ...]
              ) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """The columns of the drawn groups' schools, their group codes and their index within the group."""
    codes = np.repeat(np.arange(len(groups)), sizes)
    index = np.concatenate([np.arange(k) for k in sizes])
    year = np.array([g[0] for g in groups], dtype=np.int64)[codes]
    c_idx = np.array([g[1] for g in groups], dtype=np.int64)[codes]
    level = np.array([g[2] for g in groups], dtype=object)[codes]
    digit = np.array([_LEVEL_DIGIT[lv] for lv in level], dtype=object)
    school_id = np.char.add(np.char.add(np.char.mod("51%02d", c_idx % 100), digit.astype(str)),
                            np.char.mod("%05d", index)).astype(object)
    students = _log_uniform_students(rng, len(codes))
    values = _resources(rng, students, codes, spread, len(groups))
    _equal_groups(rng, students, values, codes, equal)
    columns = {"year": year, "county": np.asarray(cs, dtype=object)[c_idx], "school_id": school_id, "level": level,
               "students": students, **{r: values[r].copy() for r in resources}}
    return columns, codes, index


def _blank_cells(draw: st.DrawFn, columns: dict[str, Any], n: int, resources: tuple[str, ...], lo: int, hi: int
                 ) -> None:
    """Blank (NaN) some drawn resource cells, in place."""
    cells = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(resources)),
                          min_size=min(lo, n * len(resources)), max_size=hi, unique=True), label="blank cells")
    for i, r in cells:
        columns[r][i] = np.nan


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
    counties = st.sampled_from(county_names()) if counties is None else counties
    levels = st.sampled_from(LEVELS) if levels is None else levels
    _check_frame_arguments(years, counties, levels, (min_years, max_years), (min_counties, max_counties),
                           (min_levels, max_levels), (min_schools, max_schools), (min_blanks, max_blanks))
    allow_blanks = allow_blanks or min_blanks > 0
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

        columns, codes, index = _sections(rng, groups, sizes, cs, spread, equal, resources)
        if blanks_possible:
            _blank_cells(draw, columns, len(codes), resources, min_blanks, max_blanks)
        if descriptive:
            columns.update(_descriptive(rng, columns["level"], columns["students"], columns["county"], index))
        df = _raw_frame(columns, resources, descriptive)
        if raw:
            return df
        from ...read.schools import read_schools

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
    counties = st.sampled_from(county_names()) if counties is None else counties
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
        from ...read.schools import read_schools

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
    for r in SPLIT:
        out[r] = values[r]
    for r in PEOPLE:
        out[r] = np.full(n, np.nan)
    # people per compulsory section, in proportion to its students (whole numbers)
    share = np.divide(compulsory, total[:, None], out=np.zeros_like(compulsory), where=total[:, None] > 0)
    for r in PEOPLE:
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


