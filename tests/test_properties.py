"""The invariant suite: one property test per invariant, on data from ``eduequity.testing.strategies``.

Each test states one thing that must hold for *any* school statistics, not
for a worked example (those are in test_numbers.py, test_boundaries.py and
test_published_rows.py). The invariance properties that used to live in
test_numbers.py (rescaling, shuffling, duplicating, equal and one-school
counties, the composite's bounds, raising a resource, row accounting, blank
cells) moved here onto the kit's strategies, which draw several years,
counties and levels, realistic magnitudes, blank cells and excluded schools.

Budgets follow the active Hypothesis profile (``ci`` when $CI is set, see
conftest.py): ``budget(share)`` gives a test ``share`` of the profile's
examples, less for tests that evaluate twice or judge many targets.

Where only the resource rules matter, the standards are evaluated without
their metric targets (``RESOURCE_ONLY``): the targets cannot change a CV or a
school's threshold and judging them is most of an evaluation's cost.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import eduequity as ee
from conftest import (
    BASIC,
    BASIC_INDICATORS,
    COMPOSITE_ID,
    INDICATORS,
    LIMITS,
    PREREQUISITE_ID,
    QUALITY,
    QUALITY_INDICATORS,
    SCHOOL_RULE_ID,
    frame as input_frame,
    is_na,
    rel_close,
    section,
)
from eduequity.testing import strategies as ees


def budget(share: float = 1.0) -> settings:
    """``share`` of the active profile's examples (at least 3), no health check for slow data."""
    return settings(max_examples=max(3, round(settings.default.max_examples * share)),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


REG = ee.registry()
FULL = {BASIC: REG.standards[BASIC], QUALITY: REG.standards[QUALITY]}
RESOURCE_ONLY = {sid: attrs.evolve(std, targets=(), metrics=()) for sid, std in FULL.items()}
STANDARDS = st.sampled_from([BASIC, QUALITY])
FRAMES = ees.school_frames(max_years=2, max_counties=2, max_schools=5)
GROUP = ["year", "county", "level"]


# --------------------------------------------------------------------------- helpers


def evaluate(frame: pd.DataFrame, standard: str, *, full: bool = False, **kw) -> ee.Evaluation:
    return ee.evaluate(frame, (FULL if full else RESOURCE_ONLY)[standard], **kw)


def as_input(frame: pd.DataFrame) -> pd.DataFrame:
    """A canonical frame back as a user's input: no ``row``, text instead of categories."""
    out = frame.drop(columns="row").copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object)
    out.attrs = {}
    return out


def keyed(ev: ee.Evaluation, column: str) -> pd.Series:
    """``column`` of ev.indicators per (year, county, level, indicator), as plain floats."""
    ind = ev.indicators.astype({"county": str, "level": str, "indicator": str})
    return ind.set_index([*GROUP, "indicator"])[column].astype(float).sort_index()


def assert_same(a: pd.Series, b: pd.Series, rel: float = 1e-9, abs_: float = 1e-12) -> None:
    """Same index; each pair both NaN or within ``rel`` (``abs_`` near 0)."""
    assert list(a.index) == list(b.index)
    bad = [(k, x, y) for k, x, y in zip(a.index, a, b, strict=True)
           if not ((math.isnan(x) and math.isnan(y)) or rel_close(x, y, rel, abs_))]
    assert not bad, bad[:5]


def per_student(frame: pd.DataFrame, column: str) -> list[Fraction | None]:
    return [None if math.isnan(r) else Fraction(r) / Fraction(s)
            for r, s in zip(frame[column], frame["students"], strict=True)]


def good_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Observations meeting the three metric targets of basic balance, for every county-year."""
    places = frame[["year", "county"]].astype({"county": str}).drop_duplicates()
    rows = [{"year": y, "county": c, "metric": m, "value": v} for y, c in places.itertuples(index=False)
            for m, v in (("schools_meeting_provincial_standard", 1.0), ("government_work_score", 90.0),
                         ("public_satisfaction", 0.9))]
    return pd.DataFrame(rows)


def with_metrics(frames: st.SearchStrategy, standard: str, **kw) -> st.SearchStrategy:
    """(frame, metrics) with observations for the frame's own years and counties."""
    def metrics_for(frame: pd.DataFrame) -> st.SearchStrategy:
        ys, cs = sorted(set(frame["year"])), sorted(set(frame["county"].astype(str)))
        return st.tuples(st.just(frame), ees.metrics_frames(
            FULL[standard], years=st.sampled_from(ys), counties=st.sampled_from(cs), min_years=len(ys),
            max_years=len(ys), min_counties=len(cs), max_counties=len(cs), **kw))
    return frames.flatmap(metrics_for)


# --------------------------------------------------------------------------- the CV


@budget(0.5)
@given(frame=ees.school_frames(max_years=2, max_counties=2, max_schools=5, allow_blanks=True),
       standard=STANDARDS, data=st.data())
def test_cv_is_unchanged_when_a_resource_is_rescaled(frame, standard, data):
    col = data.draw(st.sampled_from(INDICATORS[standard]), label="column")
    c = data.draw(st.floats(1e-3, 1e3, allow_nan=False), label="factor")
    scaled = frame.assign(**{col: frame[col] * c})
    before, after = evaluate(frame, standard), evaluate(scaled, standard)
    assert_same(keyed(after, "cv"), keyed(before, "cv"))
    assert_same(keyed(after, "mean").xs(col, level="indicator"),
                keyed(before, "mean").xs(col, level="indicator") * c)


@budget(0.5)
@given(raw=ees.school_frames(max_years=2, max_counties=2, max_schools=5, allow_blanks=True, raw=True),
       standard=STANDARDS, data=st.data())
def test_cv_is_exactly_unchanged_when_rows_are_shuffled(raw, standard, data):
    """Sections are evaluated in (group, school id) order, so the numbers are identical, not just close."""
    order = data.draw(st.permutations(range(len(raw))), label="order")
    shuffled = raw.iloc[list(order)].reset_index(drop=True)
    before, after = evaluate(ee.read_schools(raw), standard), evaluate(ee.read_schools(shuffled), standard)
    pd.testing.assert_series_equal(keyed(after, "cv"), keyed(before, "cv"), check_exact=True)
    pd.testing.assert_series_equal(keyed(after, "mean"), keyed(before, "mean"), check_exact=True)


@budget(0.5)
@given(frame=FRAMES, standard=STANDARDS)
def test_cv_and_mean_are_unchanged_when_every_school_is_duplicated(frame, standard):
    raw = as_input(frame)
    doubled = pd.concat([raw, raw.assign(school_id=raw["school_id"] + "-twin")], ignore_index=True)
    before, after = evaluate(frame, standard), evaluate(ee.read_schools(doubled), standard)
    assert_same(keyed(after, "cv"), keyed(before, "cv"))
    assert_same(keyed(after, "mean"), keyed(before, "mean"))
    assert (after.indicators["schools"].to_numpy() == 2 * before.indicators["schools"].to_numpy()).all()


@budget(0.5)
@given(frame=FRAMES, standard=STANDARDS, k=st.integers(2, 7))
def test_cv_and_mean_are_unchanged_when_each_schools_students_and_resources_grow_alike(frame, standard, k):
    """k times the students and k times every resource: the same per-student values, the same weights."""
    resources = [c for c in INDICATORS[standard]]
    grown = frame.assign(students=frame["students"] * k, **{c: frame[c] * k for c in resources})
    before, after = evaluate(frame, standard), evaluate(grown, standard)
    assert_same(keyed(after, "cv"), keyed(before, "cv"))
    assert_same(keyed(after, "mean"), keyed(before, "mean"))


def _equal_frame(rows) -> pd.DataFrame:
    return ee.read_schools(input_frame(rows))


@budget()
@given(frame=ees.school_frames(max_years=2, max_counties=2, min_schools=2, max_schools=5), standard=STANDARDS)
# 300 and 600 students with 95 and 190 computers: 31.666… per 100 in both.
@example(frame=_equal_frame([section("a", 300, computers=95.0), section("b", 600, computers=190.0)]),
         standard=BASIC)
def test_cv_is_exactly_zero_when_all_schools_are_equal_per_student(frame, standard):
    """Groups whose schools have the same per-student value (as exact rationals) have CV 0, not 1e-16."""
    ev = evaluate(frame, standard)
    cv = keyed(ev, "cv")
    for key, part in frame.groupby(GROUP, observed=True):
        for ind in INDICATORS[standard]:
            values = per_student(part, ind)
            if None not in values and len(set(values)) == 1 and values[0] > 0:
                got = cv[(key[0], str(key[1]), str(key[2]), ind)]
                assert got == 0.0, (key, ind, got)


@budget()
@given(frame=ees.school_frames(max_years=2, max_counties=3, max_schools=1), standard=STANDARDS)
@example(frame=_equal_frame([section("a", 300, computers=95.0)]), standard=BASIC)  # 31.666… per 100
def test_a_county_with_one_school_has_cv_exactly_zero(frame, standard):
    """One school: X̄ = X₁, so S = 0 and CV = 0 exactly, whatever the values (all positive here)."""
    ev = evaluate(frame, standard)
    cv = ev.indicators["cv"].to_numpy()
    assert (cv == 0.0).all(), ev.indicators.loc[cv != 0.0]


@budget()
@given(frame=ees.school_frames(max_years=2, max_counties=2, max_schools=6, allow_blanks=True))
def test_the_composite_lies_between_the_smallest_and_largest_single_cv(frame):
    ev = evaluate(frame, BASIC)
    cv = keyed(ev, "cv")
    for row in ev.counties.itertuples(index=False):
        if row.schools == 0:  # a level the county has no school of: nothing to compute, not assessable
            assert math.isnan(row.composite_cv) and row.status == "not assessable"
            continue
        single = cv.loc[(row.year, str(row.county), str(row.level))].to_numpy()
        assert len(single) == len(BASIC_INDICATORS)
        if np.isnan(single).any():
            assert math.isnan(row.composite_cv)
        else:
            assert single.min() <= row.composite_cv <= single.max()


@budget()
@given(frame=ees.school_frames(max_years=2, max_counties=2, max_schools=6, allow_blanks=True), standard=STANDARDS)
def test_each_mean_lies_between_its_schools_and_each_cv_is_non_negative(frame, standard):
    ev = evaluate(frame, standard)
    mean, cv = keyed(ev, "mean"), keyed(ev, "cv")
    scale = {i.key: i.factor for i in FULL[standard].indicators}
    for key, part in frame.groupby(GROUP, observed=True):
        for ind in INDICATORS[standard]:
            k = (key[0], str(key[1]), str(key[2]), ind)
            x = part[ind].to_numpy() * scale[ind] / part["students"].to_numpy()
            if np.isnan(x).any():
                assert math.isnan(mean[k]) and math.isnan(cv[k]), k
                continue
            lo, hi = x.min(), x.max()
            assert lo - 1e-12 * abs(lo) <= mean[k] <= hi + 1e-12 * abs(hi), (k, lo, mean[k], hi)
            assert math.isnan(cv[k]) if mean[k] == 0 else cv[k] >= 0.0


@budget(0.5)
@given(frame=ees.school_frames(min_counties=2, max_counties=3, max_years=2, max_schools=4), standard=STANDARDS,
       data=st.data())
def test_a_county_is_judged_on_its_own_schools_only(frame, standard, data):
    """Dropping other counties from the input changes nothing for the county that stays."""
    county = data.draw(st.sampled_from(sorted(set(frame["county"].astype(str)))), label="county")
    alone = ee.read_schools(as_input(frame)[frame["county"].astype(str).to_numpy() == county])
    whole, part = evaluate(frame, standard), evaluate(alone, standard)
    assert_same(keyed(part, "cv"), keyed(whole, "cv").xs(county, level="county", drop_level=False), rel=0, abs_=0)
    assert_same(keyed(part, "mean"), keyed(whole, "mean").xs(county, level="county", drop_level=False),
                rel=0, abs_=0)


# --------------------------------------------------------------------------- thresholds and limits


def met_cells(ev: ee.Evaluation) -> set[tuple]:
    s = ev.schools
    keys = zip(s["year"], s["county"].astype(str), s["level"].astype(str), s["school_id"].astype(str),
               s["indicator"].astype(str), strict=True)
    return {k for k, m in zip(keys, s["met"].fillna(False).to_numpy(dtype=bool), strict=True) if m}


def passed_schools(ev: ee.Evaluation) -> set[tuple]:
    s = ev.schools
    ok = s["school_passed"].fillna(False).to_numpy(dtype=bool)
    return set(zip(s["year"][ok], s["level"].astype(str)[ok], s["school_id"].astype(str)[ok], strict=True))


@budget(0.5)
@given(frame=FRAMES, data=st.data())
def test_raising_one_schools_resource_never_turns_a_met_threshold_into_an_unmet_one(frame, data):
    i = data.draw(st.integers(0, len(frame) - 1), label="school")
    col = data.draw(st.sampled_from(QUALITY_INDICATORS), label="column")
    extra = data.draw(st.floats(0.0, 5.0), label="relative increase")
    raised = frame.copy()
    raised.loc[i, col] = frame.loc[i, col] * (1 + extra) + 1  # +1: a zero count rises too
    before, after = evaluate(frame, QUALITY), evaluate(raised, QUALITY)
    assert len(before.schools) == len(frame) * len(QUALITY_INDICATORS) == len(after.schools)
    assert met_cells(before) <= met_cells(after)
    assert passed_schools(before) <= passed_schools(after)


@budget(0.5)
@given(frame=FRAMES, data=st.data())
def test_raising_a_school_threshold_never_turns_an_unmet_school_into_a_met_one(frame, data):
    ind = data.draw(st.sampled_from(QUALITY_INDICATORS), label="indicator")
    factor = data.draw(st.floats(1.0, 3.0), label="factor")
    std = RESOURCE_ONLY[QUALITY]
    rule = next(r for r in std.rules if r.id == SCHOOL_RULE_ID)
    t = next(t for t in rule.thresholds if t.indicator == ind)
    higher = ee.override(std, {rule.threshold_id(ind): {"primary": t.value.primary * factor,
                                                        "junior": t.value.junior * factor}})
    before, after = ee.evaluate(frame, std), ee.evaluate(frame, higher)
    assert met_cells(after) <= met_cells(before)
    assert passed_schools(after) <= passed_schools(before)


@budget(0.5)
@given(frame=ees.school_frames(max_years=2, max_counties=2, max_schools=5, allow_blanks=True),
       stricter=st.floats(0.0, 1.0, exclude_min=True))  # a CV limit of 0 is refused (docs/standards.md)
def test_a_stricter_composite_limit_never_turns_a_failing_level_into_a_passing_one(frame, stricter):
    new = {lv: LIMITS[BASIC][lv] * stricter for lv in ("primary", "junior")}
    strict = ee.override(RESOURCE_ONLY[BASIC], {COMPOSITE_ID: new})
    before, after = ee.evaluate(frame, RESOURCE_ONLY[BASIC]), ee.evaluate(frame, strict)
    b, a = before.counties["passed"], after.counties["passed"]
    assert (a.isna() == b.isna()).all()  # the limit does not decide what is assessable
    assert not (a.fillna(False) & ~b.fillna(True)).any()  # nothing failing before passes now
    assert (after.counties["composite_limit"].to_numpy() <= before.counties["composite_limit"].to_numpy()).all()


# --------------------------------------------------------------------------- accounting and missing data

EXCLUDED_BY = {
    BASIC: lambda f: (f["school_type"].isin(["teaching_point", "special", "vocational"])
                      | (f["ownership"] == "private") | f["sponsor"].isin(["city", "province"])),
    QUALITY: lambda f: f["school_type"].isin(["special", "vocational"]),
}


@budget()
@given(frame=st.one_of(ees.school_frames(max_years=2, max_counties=2, max_schools=6, descriptive=True),
                       ees.whole_school_frames(max_years=2, max_counties=2)), standard=STANDARDS)
def test_every_input_row_is_evaluated_or_excluded_with_a_reason(frame, standard):
    """Reference §1 "Which schools count" (2012) and §2 "Scope" (2017); accounting is by input row."""
    ev = evaluate(frame, standard)
    rows = set(frame["row"])
    assert ev.input_rows == len(rows)
    assert ev.evaluated_rows + len(ev.excluded) == ev.input_rows
    for col in ("ownership", "sponsor"):
        if col not in frame:
            frame = frame.assign(**{col: None})
    expected = set(frame.loc[EXCLUDED_BY[standard](frame).to_numpy(dtype=bool), "row"])
    assert set(ev.excluded["row"]) == expected
    assert (ev.excluded["reason"].astype(str).str.strip() != "").all()
    assert int(ev.counties["schools"].sum()) == int((~frame["row"].isin(expected)).sum())


@budget()
@given(frame=ees.school_frames(max_years=2, max_counties=2, max_schools=5, resources=BASIC_INDICATORS,
                               min_blanks=1, max_blanks=3))
def test_a_blank_resource_cell_is_never_a_pass_and_names_the_school(frame):
    ev = evaluate(frame, BASIC, full=True, metrics=good_metrics(frame))
    counties = ev.counties.astype({"county": str, "level": str}).set_index(GROUP)
    verdicts = ev.verdicts.set_index(["year", "county"])
    missing = ev.indicators.astype({"county": str, "level": str, "indicator": str}).set_index(
        [*GROUP, "indicator"])["missing"]
    for col in BASIC_INDICATORS:
        for row in frame[frame[col].isna()].itertuples(index=False):
            key = (row.year, str(row.county), str(row.level))
            assert row.school_id in missing[(*key, col)].split(", ")
            level = counties.loc[key]
            assert is_na(level["passed"]) and level["status"] == "not assessable"
            assert math.isnan(level["composite_cv"])
            verdict = verdicts.loc[(row.year, str(row.county))]
            assert verdict["passed"] is not True and verdict["passed"] is not np.True_
            if is_na(verdict["passed"]):
                assert row.school_id in verdict["reasons"]


@budget()
@given(pair=with_metrics(FRAMES, BASIC))
def test_a_county_without_every_observation_never_passes(pair):
    frame, metrics = pair
    ev = evaluate(frame, BASIC, full=True, metrics=metrics)
    observed = {(y, c, m) for y, c, m in zip(metrics["year"], metrics["county"], metrics["metric"], strict=True)}
    for row in ev.verdicts.itertuples(index=False):
        if row.passed is True or row.passed is np.True_:
            for t in FULL[BASIC].targets:
                assert (row.year, row.county, t.metric) in observed, (row.year, row.county, t.id)


@budget()
@given(pair=st.one_of(with_metrics(FRAMES, BASIC), with_metrics(FRAMES, BASIC, allow_missing=False)))
def test_a_verdict_is_the_kleene_and_of_its_levels_and_targets(pair):
    frame, metrics = pair
    ev = evaluate(frame, BASIC, full=True, metrics=metrics)
    parts = pd.concat([ev.counties[["year", "county", "passed"]].astype({"county": str}),
                       ev.targets[["year", "county", "passed"]].astype({"county": str})], ignore_index=True)
    for row in ev.verdicts.itertuples(index=False):
        crit = parts[(parts["year"] == row.year) & (parts["county"] == row.county)]["passed"]
        if (crit == False).any():  # noqa: E712 - a nullable boolean
            assert row.passed is False or row.passed is np.False_
        elif crit.isna().any():
            assert is_na(row.passed) and row.status == "not assessable"
        else:
            assert row.passed is True or row.passed is np.True_


@budget(0.5)
@given(frame=FRAMES, data=st.data())
def test_the_quality_prerequisite_holds_exactly_when_basic_balance_came_three_years_earlier(frame, data):
    counties = sorted(set(frame["county"].astype(str)))
    recog = data.draw(st.one_of(st.none(), ees.recognitions(counties=st.sampled_from(counties),
                                                            years=st.integers(2008, 2024))), label="recognitions")
    ev = evaluate(frame, QUALITY, recognitions=recog)
    rows = ev.targets[ev.targets["target"] == PREREQUISITE_ID]
    assert len(rows) == len(ev.verdicts)
    first = ({} if recog is None else
             recog[recog["kind"] == "basic-balance"].groupby("county")["year"].min().to_dict())
    for row in rows.itertuples(index=False):
        if recog is None:
            assert is_na(row.passed) and row.status == "not assessable"
        else:
            assert bool(row.passed) == (row.county in first and first[row.county] <= row.year - 3)
    verdict_ok = ev.verdicts["passed"].fillna(False).to_numpy(dtype=bool)
    assert not verdict_ok.any() or recog is not None


def _targets_only(standard: str):
    std = FULL[standard]
    return attrs.evolve(std, rules=(), exclusions=(), indicators=())


@budget(0.3)
@given(metrics=ees.metrics_frames(QUALITY, max_counties=2, max_years=3))
def test_target_statuses_follow_the_truth_table(metrics):
    """No observation → not assessable; met → met (before the deadline too); failing before the
    deadline → pending; otherwise not met; years before ``start`` get no row."""
    std = _targets_only(QUALITY)
    ev = ee.evaluate(None, std, metrics=metrics)
    obs = {(y, c, m, None if lv is None or lv != lv else lv): v for y, c, lv, m, v in
           metrics[["year", "county", "level", "metric", "value"]].itertuples(index=False)}
    ops = {">=": lambda v, t: v >= t, ">": lambda v, t: v > t, "<=": lambda v, t: v <= t,
           "<": lambda v, t: v < t, "==": lambda v, t: v == t}
    by_id = {t.id: t for t in std.targets}
    for row in ev.targets.itertuples(index=False):
        t = by_id[row.target]
        assert t.start is None or row.year >= t.start
        v = obs.get((row.year, row.county, t.metric, t.level))
        if v is None:
            expected = "not assessable"
        elif ops[t.op](v, t.value):
            expected = "met"
        elif t.deadline is not None and row.year < t.deadline:
            expected = "pending"
        else:
            expected = "not met"
        assert row.status == expected, (t.id, row.year, row.county, v, t.op, t.value, t.deadline)
    judged = {(r.target, r.year, r.county) for r in ev.targets.itertuples(index=False)}
    for (y, c, m, lv), _ in obs.items():
        for t in std.targets:
            if t.metric == m and t.level == lv and (t.start is None or y >= t.start):
                assert (t.id, y, c) in judged


# --------------------------------------------------------------------------- the boundary and the converter


@budget()
@given(raw=st.one_of(ees.school_frames(max_years=2, max_counties=2, descriptive=True, allow_blanks=True, raw=True),
                     ees.whole_school_frames(max_years=2, max_counties=2, raw=True)))
def test_read_schools_is_idempotent(raw):
    once = ee.read_schools(raw)
    twice = ee.read_schools(once)
    pd.testing.assert_frame_equal(twice, once, check_exact=True)
    assert twice.attrs == once.attrs
    pd.testing.assert_frame_equal(ee.read_schools(raw.copy()), once, check_exact=True)  # and deterministic


@budget()
@given(data=st.data(), standard=STANDARDS)
def test_standards_round_trip_through_the_converter_unchanged(data, standard):
    changes = data.draw(ees.overrides(FULL[standard], max_size=4), label="what-if")
    std = ee.override(FULL[standard], changes)
    text = json.dumps(ee.converter.unstructure(std), ensure_ascii=False, allow_nan=False)
    assert ee.converter.structure(json.loads(text), ee.Standard) == std


@budget(0.25)
@given(pair=with_metrics(ees.school_frames(max_years=2, max_counties=2, max_schools=4, allow_blanks=True,
                                           descriptive=True), BASIC))
def test_evaluations_round_trip_through_the_converter_unchanged(pair):
    frame, metrics = pair
    ev = evaluate(frame, BASIC, full=True, metrics=metrics)
    text = json.dumps(ee.converter.unstructure(ev), ensure_ascii=False, allow_nan=False)
    back = ee.converter.structure(json.loads(text), ee.Evaluation)
    assert back == ev


def test_the_suite_has_one_test_per_invariant_and_at_least_fifteen():
    tests = [name for name, obj in globals().items() if name.startswith("test_") and hasattr(obj, "hypothesis")]
    assert len(tests) >= 15, tests


@pytest.mark.parametrize("standard", [BASIC, QUALITY])
def test_resource_only_standards_keep_every_rule_that_reads_resources(standard):
    """The shortcut of this suite is sound: only metric targets are left out."""
    full, short = FULL[standard], RESOURCE_ONLY[standard]
    assert short.rules == full.rules and short.indicators == full.indicators
    assert short.exclusions == full.exclusions and short.needed_columns == full.needed_columns
