"""Every target of the three plans at its boundary and around its deadline, through ``ee.evaluate``.

One evaluation per (standard, kind of value) serves every target's cases, so the
file stays fast; each target is still its own test case. Expectations come from
api.md's truth table (panzhihua_support.expected_status), not from the engine.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eduequity as ee
from panzhihua_support import (
    COUNTY,
    JURISDICTION,
    STANDARDS,
    all_targets,
    evaluate,
    expected_places,
    expected_status,
    failing,
    kind,
    observations,
    passing,
    places_of,
    rows_of,
    standard,
    years_around,
)

CASES = all_targets()
IDS = [t.id for _, t in CASES]
VALUES = {"boundary": lambda t, k: t.value, "failing": failing, "passing": passing}


class Rows:
    """One target's rows of an evaluation, standing in for it (``.targets``) in the support helpers.

    Split once per evaluation, so each of the many per-target cases filters its own few rows
    rather than the whole frame of every target (the plans hold ~90 targets)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.targets = frame


@pytest.fixture(scope="module")
def evaluations():
    """(standard, case) -> ({target id: its rows of the evaluation of every target of the standard
    with that kind of value}, the years observed)."""
    out = {}
    for sid in STANDARDS:
        for case, fn in VALUES.items():
            metrics = observations(sid, fn)
            ev = evaluate(sid, metrics)
            split = {tid: Rows(frame) for tid, frame in ev.targets.groupby("target", sort=False)}
            assert set(split) == {t.id for t in standard(sid).targets}, sid
            out[(sid, case)] = (split, set(metrics["year"]))
    return out


def check_rows(evaluated, sid, t, value):
    split, observed = evaluated
    ev = split[t.id]
    # A row in every year observed (from the start), for the city or for each of the five counties.
    assert places_of(ev, t) == expected_places(t, observed), t.id
    rows = rows_of(ev, t)
    for year in years_around(t):
        want = expected_status(t, year, value)
        if want is None:
            assert year not in rows.index, f"{t.id}: {year} is before the start {t.start} and must have no row"
            continue
        got = rows.loc[year]
        assert got["status"] == want, f"{t.id} in {year} with {value!r}: {got['status']} (expected {want})"
        assert got["required"] == t.value and got["op"] == t.op
        assert got["county"] == (JURISDICTION if t.scope == "jurisdiction" else COUNTY)
        assert (got["passed"] is pd.NA) == (want in ("pending", "not assessable"))
    # Years observed for other targets only, and the four counties not observed: not assessable.
    all_rows = ev.targets[ev.targets["target"] == t.id]
    here = JURISDICTION if t.scope == "jurisdiction" else COUNTY
    unobserved = all_rows[~(all_rows["county"].eq(here) & all_rows["year"].isin(years_around(t)))]
    assert set(unobserved["status"]) <= {"not assessable"} and unobserved["passed"].isna().all(), t.id
    assert unobserved["value"].isna().all() and (unobserved["required"] == t.value).all(), t.id


@pytest.mark.parametrize(("sid", "t"), CASES, ids=IDS)
def test_at_the_boundary(evaluations, sid, t):
    """Exactly at the value: met for >=, <=, ==; not met (or pending before the deadline) for > and <."""
    check_rows(evaluations[(sid, "boundary")], sid, t, t.value)
    rows = rows_of(evaluations[(sid, "boundary")][0][t.id], t)
    at_deadline = rows.loc[t.deadline if t.deadline is not None else 2020, "status"]
    assert at_deadline == ("met" if t.op in (">=", "<=", "==") else "not met")


@pytest.mark.parametrize(("sid", "t"), CASES, ids=IDS)
def test_one_step_on_the_wrong_side_is_pending_before_the_deadline_and_not_met_from_it(evaluations, sid, t):
    value = failing(t, kind(sid, t))
    check_rows(evaluations[(sid, "failing")], sid, t, value)
    rows = rows_of(evaluations[(sid, "failing")][0][t.id], t)
    assert rows.loc[t.deadline, "status"] == "not met"
    assert rows.loc[t.deadline + 1, "status"] == "not met"
    if t.start is None or t.start < t.deadline:
        assert rows.loc[t.deadline - 1, "status"] == "pending"


@pytest.mark.parametrize(("sid", "t"), CASES, ids=IDS)
def test_a_satisfying_value_is_met_before_at_and_after_the_deadline(evaluations, sid, t):
    check_rows(evaluations[(sid, "passing")], sid, t, passing(t, kind(sid, t)))
    rows = rows_of(evaluations[(sid, "passing")][0][t.id], t)
    assert set(rows.loc[[y for y in years_around(t) if y in rows.index], "status"]) == {"met"}


@pytest.mark.parametrize("sid", STANDARDS)
def test_no_observation_is_not_assessable_never_a_pass(sid):
    std = standard(sid)
    one = std.targets[0]
    metrics = pd.DataFrame({"year": [2025], "county": ["米易县" if one.scope == "county" else JURISDICTION],
                            "metric": [one.metric], "level": [one.level], "value": [one.value]})
    ev = evaluate(sid, metrics)
    others = ev.targets[(ev.targets["target"] != one.id) & (ev.targets["county"] == JURISDICTION)]
    assert len(others) and set(others["status"]) <= {"not assessable"}
    # Every other row, a county-scope target's unobserved counties included, is not assessable too.
    for t in std.targets:
        assert places_of(ev, t) == expected_places(t, [2025]), t.id
    observed = (ev.targets["target"] == one.id) & (ev.targets["county"] == metrics["county"].iat[0])
    assert ev.targets.loc[observed, "status"].tolist() == ["met"]
    assert set(ev.targets.loc[~observed, "status"]) == {"not assessable"}
    assert not ev.verdicts["passed"].eq(True).any()


def test_years_before_a_start_get_no_row():
    # 从2021年秋季学期开始 (start 2021) and 2014年春季开学起 (start 2014): nothing is judged before.
    for sid, tid, start in [("panzhihua.basic-education-quality-2021",
                             "panzhihua.basic-education-quality-2021.after-school-schools", 2021),
                            ("panzhihua.balanced-allocation-2015",
                             "panzhihua.balanced-allocation-2015.exercise-book-fees", 2014)]:
        t = next(x for x in standard(sid).targets if x.id == tid)
        metrics = pd.DataFrame({"year": [start - 2, start - 1, start], "county": JURISDICTION,
                                "metric": t.metric, "value": [0.0, 0.0, 1.0]})
        rows = rows_of(evaluate(sid, metrics), t)
        assert list(rows.index) == [start] and rows.loc[start, "status"] == "met"


def test_approximate_exchange_share_is_judged_as_at_least_ten_percent_and_flagged():
    sid = "panzhihua.balanced-allocation-2015"
    t = next(x for x in standard(sid).targets if x.id.endswith("principal-teacher-exchange"))
    metrics = pd.DataFrame({"year": [2017, 2018, 2019], "county": "西区", "metric": t.metric,
                            "value": [0.05, 0.10, 0.099]})
    ev = evaluate(sid, metrics)
    rows = rows_of(ev, t, "西区")
    assert rows["status"].tolist() == ["pending", "met", "not met"]
    assert rows["approximate"].all()
    # The four counties without an observation: a row each year, not assessable (and still flagged).
    assert places_of(ev, t) == expected_places(t, [2017, 2018, 2019])
    others = ev.targets[(ev.targets["target"] == t.id) & (ev.targets["county"] != "西区")]
    assert len(others) == 4 * 3 and set(others["status"]) == {"not assessable"} and others["approximate"].all()


def test_gross_enrolment_above_one_is_accepted_and_met():
    # A gross rate may exceed 100%: a ratio metric, not a share.
    sid = "panzhihua.basic-education-quality-2021"
    metrics = pd.DataFrame({"year": [2025], "county": JURISDICTION, "metric": "senior_secondary_gross_enrolment",
                            "value": [1.02]})
    t = next(x for x in standard(sid).targets if x.metric == "senior_secondary_gross_enrolment")
    assert rows_of(evaluate(sid, metrics), t).loc[2025, "status"] == "met"


def test_a_percentage_given_for_a_share_is_an_input_error():
    sid = "panzhihua.basic-education-quality-2021"
    metrics = pd.DataFrame({"year": [2025], "county": JURISDICTION, "metric": "nine_year_retention", "value": [96.5]})
    with pytest.raises(ee.InputError, match="0.965, not 96.5"):
        evaluate(sid, metrics)


def test_class_size_targets_read_the_level_of_the_observation():
    sid = "panzhihua.basic-education-quality-2021"
    metrics = pd.DataFrame({"year": [2025, 2025], "county": JURISDICTION, "metric": "largest_class_size",
                            "level": ["primary", "junior"], "value": [55.0, 56.0]})
    ev = evaluate(sid, metrics)
    got = ev.targets[ev.targets["metric"] == "largest_class_size"].set_index("level")["status"]
    assert got.to_dict() == {"primary": "met", "junior": "not met"}


def test_a_county_target_is_judged_per_county_and_a_city_target_once():
    sid = "panzhihua.balanced-allocation-2015"
    metrics = pd.DataFrame({"year": 2015, "county": ["东区", "西区", "仁和区", "米易县", "盐边县", JURISDICTION],
                            "metric": ["basic_balance_recognised"] * 5 + ["schools_meeting_basic_hardware_standard"],
                            "value": [1, 1, 1, 1, 0, 0.98]})
    ev = evaluate(sid, metrics)
    county = ev.targets[ev.targets["metric"] == "basic_balance_recognised"].set_index("county")["status"]
    assert county.to_dict() == {"东区": "met", "西区": "met", "仁和区": "met", "米易县": "met", "盐边县": "not met"}
    city = ev.targets[ev.targets["metric"] == "schools_meeting_basic_hardware_standard"]
    assert city["county"].tolist() == [JURISDICTION] and city["status"].tolist() == ["not met"]


def test_overriding_a_relative_deadline_changes_only_that_target():
    sid = "panzhihua.education-highland-2019"
    std = standard(sid)
    tid = "panzhihua.education-highland-2019.municipal-studios"
    what_if = ee.override(std, {tid + ".deadline": 2021})
    assert next(t for t in what_if.targets if t.id == tid).deadline == 2021
    assert next(t for t in std.targets if t.id == tid).deadline == 2022
    assert [t for t in what_if.targets if t.id != tid] == [t for t in std.targets if t.id != tid]


def test_the_2015_plan_evaluates_from_metrics_alone_by_its_id():
    sid = "panzhihua.balanced-allocation-2015"
    metrics = pd.DataFrame({"year": [2016], "county": JURISDICTION, "metric": "special_education_funding_per_student",
                            "value": [6000.0]})
    ev = ee.evaluate(None, sid, metrics=metrics)
    # The composite-CV rules have no school to judge: no indicator or trend row, and every listed
    # county's levels are not assessable for want of school rows — a plan verdict never passes on
    # metrics alone while the plan holds counties to school rules.
    assert ev.input_rows == ev.evaluated_rows == 0
    assert ev.indicators.empty and ev.schools.empty
    assert set(ev.counties["status"]) == {"not assessable"} and (ev.counties["schools"] == 0).all()
    assert len(ev.counties) == 5 * 2  # the five counties, both levels
    assert set(ev.verdicts["status"]) == {"not assessable"}
    counties = ev.verdicts[ev.verdicts["county"] != JURISDICTION]  # the city's own row judges its targets
    assert len(counties) == 5 and counties["reasons"].str.contains("无小学学校数据").all()
    assert not ev.targets["target"].str.startswith(sid + ".composite-cv").any()
    # Every metric target is judged in 2016: the observed one met, the others not assessable.
    t = next(x for x in standard(sid).targets if x.id == sid + ".special-education-funding")
    assert rows_of(ev, t).loc[2016, "status"] == "met"
    for x in standard(sid).targets:
        assert places_of(ev, x) == expected_places(x, [2016]), x.id
    assert ev.targets.set_index("target")["status"].drop(t.id).eq("not assessable").all()


# --------------------------------------------------------------------------- properties


def _domain(k: str, t):
    """Values a record of this kind can hold, concentrated around the target's value."""
    if k == "yes/no":
        return st.sampled_from([0.0, 1.0])
    if k == "share":
        near = st.floats(max(0.0, t.value - 0.02), min(1.0, t.value + 0.02))
        return st.one_of(near, st.floats(0.0, 1.0), st.just(t.value))
    spread = max(abs(t.value) * 0.2, 2.0)
    near = st.floats(max(0.0, t.value - spread), t.value + spread)
    whole = st.integers(max(0, int(t.value) - 3), int(t.value) + 3).map(float)
    return st.one_of(near, whole, st.just(t.value))


def observations_for(sid):
    """Any observations of the standard's targets over 2013–2027, some years missing."""
    std = standard(sid)

    @st.composite
    def draw(data):
        rows = []
        for t in std.targets:
            k = std.metric_map[t.metric].kind
            years = data(st.lists(st.integers(2013, 2027), min_size=0, max_size=3, unique=True))
            for y in years:
                rows.append({"year": y, "county": JURISDICTION if t.scope == "jurisdiction" else "盐边县",
                             "level": t.level, "metric": t.metric, "value": data(_domain(k, t))})
        return pd.DataFrame(rows, columns=["year", "county", "level", "metric", "value"])

    return draw()


@pytest.mark.parametrize("sid", STANDARDS)
def test_every_row_follows_the_truth_table(sid):
    std = standard(sid)

    @settings(max_examples=6, deadline=None, database=None)
    @given(observations_for(sid))
    def run(metrics):
        ev = evaluate(sid, metrics)
        seen = {(r.metric, r.year, r.county, None if pd.isna(r.level) else r.level): r.value
                for r in metrics.itertuples()}
        observed = set(metrics["year"])
        # Every target's (year, place) rows, none before its start, all targets compared at once.
        got = ev.targets
        assert sorted(zip(got["target"], got["year"].astype(int), got["county"].astype(str), strict=True)) == \
            sorted((t.id, y, c) for t in std.targets for y, c in expected_places(t, observed))
        by_id = {t.id: t for t in std.targets}
        for row in got[["target", "year", "county", "status", "value"]].itertuples(index=False):
            t = by_id[row.target]
            v = seen.get((t.metric, row.year, row.county, t.level))
            assert row.status == expected_status(t, row.year, v), (t.id, row.year, v)
            if v is not None:
                assert math.isclose(row.value, v)

    run()
