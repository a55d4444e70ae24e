"""Phased schedules and ee.track: milestone and county statuses at every boundary."""

from __future__ import annotations

import re
import warnings

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eduequity as ee
from eduequity.core.schedules import CountyTarget, Milestone, PhasedSchedule

SRC = ee.Source("测政办发〔2011〕1号", "二、（一）", "2013年2个县、2015年4个县、2017年全部6个县")


def schedule(*milestones, total=6, start=2011) -> PhasedSchedule:
    ms = milestones or (((2013, 2), (2015, 4), (2017, 6)) if total == 6 else ((2015, total),))
    return PhasedSchedule("t.schedule", "测试", "hebei", "basic-balance", start, total,
                          tuple(Milestone(y, c) for y, c in ms), SRC)


def recs(**years) -> pd.DataFrame:
    return pd.DataFrame({"county": list(years), "year": list(years.values())})


def test_milestones_are_met_or_missed_once_their_year_is_reached():
    r = ee.track(schedule(), recs(A=2012, B=2013, C=2015), as_of=2017)
    assert r.milestones[["year", "achieved", "status", "missing"]].values.tolist() == [
        [2013, 2, "met", 0], [2015, 3, "missed", 1], [2017, 3, "missed", 3]]
    assert r.milestones["share"].tolist() == pytest.approx([2 / 6, 4 / 6, 1.0])
    assert r.milestones["recognised"].iloc[1] == "A、B、C"
    assert r.milestones["unrecognised"].iloc[1] == ""


def test_a_milestone_counts_recognitions_of_its_own_year():
    r = ee.track(schedule((2013, 2),), recs(A=2012, B=2013), as_of=2013)
    assert r.milestones["status"].tolist() == ["met"]
    r = ee.track(schedule((2013, 2),), recs(A=2012, B=2014), as_of=2014)
    assert r.milestones["status"].tolist() == ["missed"]


def test_before_its_year_a_milestone_is_on_track_or_behind_by_the_pace_so_far():
    # 2 recognised in 2011-2012 (pace 1 a year): by 2015 projected 2 + 3 = 5 >= 4, by 2017 7 >= 6.
    r = ee.track(schedule(), recs(A=2011, B=2012), as_of=2012)
    assert r.milestones["status"].tolist() == ["on track", "on track", "on track"]
    assert r.pace == 1.0 and r.projected_year == 2016
    # 1 in two years: 1 + 0.5 * 1 < 2 by 2013.
    r = ee.track(schedule(), recs(A=2012), as_of=2012)
    assert r.milestones["status"].tolist() == ["behind", "behind", "behind"]
    assert r.projected_year == 2012 + 10


def test_nothing_after_as_of_is_known():
    rec = recs(A=2012, B=2013, C=2016)
    early = ee.track(schedule(), rec, as_of=2013)
    late = ee.track(schedule(), rec)
    assert late.as_of == 2016
    assert early.counties.set_index("county").loc["C", "recognised_year"] is pd.NA
    assert late.counties.set_index("county").loc["C", "recognised_year"] == 2016
    assert early.cumulative.set_index("year").loc[2014:, "cumulative"].isna().all()


def test_county_statuses_against_target_years():
    r = ee.track(schedule(), recs(A=2012, B=2013, C=2015), as_of=2015,
                 target_years={"A": 2013, "B": 2013, "C": 2014, "D": 2015, "E": 2014, "F": 2017})
    got = dict(zip(r.counties["county"], r.counties["status"], strict=True))
    assert got == {"A": "early", "B": "on time", "C": "late", "D": "late", "E": "late", "F": "pending"}


def test_only_the_schedules_kind_of_recognition_counts_and_the_others_are_named():
    rec = pd.DataFrame({"county": ["A", "B", "C"], "year": [2012, 2012, 2013],
                        "kind": ["basic-balance", "provincial", "provincial"]})
    with pytest.warns(ee.DataWarning, match="2 recognitions of another kind are not counted"):
        r = ee.track(schedule(), rec, as_of=2013)
    assert r.milestones["achieved"].iloc[0] == 1
    assert r.warnings["what"].tolist() == ["recognition-other-kind"]
    assert "(2 provincial)" in r.warnings["message"].iat[0]


def quality(**kw) -> PhasedSchedule:
    return attrs.evolve(schedule(**kw), recognition="quality-balance")


def test_recognitions_without_a_kind_are_an_error_for_a_schedule_of_another_kind():
    """A quality-balance plan must not read a file of unmarked recognitions as "0 of 6 recognised"."""
    with pytest.raises(ee.InputError) as info:
        ee.track(quality(), recs(A=2012, B=2013))
    [p] = info.value.problems
    assert (p.row, p.column) == (None, "kind") and "counts quality-balance" in p.expected
    rec = pd.DataFrame({"county": ["A", "B", "C"], "year": [2012, 2013, 2014],
                        "kind": ["quality-balance", None, ""]})
    with pytest.raises(ee.InputError) as info:
        ee.track(quality(), rec)
    assert [(p.row, p.column) for p in info.value.problems] == [(1, "kind"), (2, "kind")]
    # For a basic-balance schedule a recognition without a kind is basic balance (api.md): no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ee.DataWarning)
        assert ee.track(schedule(), recs(A=2012, B=2013), as_of=2013).milestones["achieved"].iloc[0] == 2


def test_a_file_of_the_wrong_kind_is_never_a_silent_zero():
    rec = pd.DataFrame({"county": list("ABCD"), "year": [2012, 2013, 2014, 2015], "kind": "basic-balance"})
    with pytest.warns(ee.DataWarning, match="4 recognitions of another kind"):
        r = ee.track(quality(), rec, as_of=2015)
    assert r.milestones["achieved"].tolist() == [0, 0, 0] and len(r.warnings) == 1


def annexed(years: dict[str, int], **kw) -> PhasedSchedule:
    return attrs.evolve(schedule(**kw), target_years=tuple(CountyTarget(c, y) for c, y in years.items()))


ANNEX = {"A": 2012, "B": 2013, "C": 2014, "D": 2015, "E": 2016, "F": 2017}


def test_the_schedules_own_target_years_decide_early_on_time_late_and_pending():
    r = ee.track(annexed(ANNEX), recs(A=2011, B=2013, C=2015), as_of=2015)
    got = dict(zip(r.counties["county"], r.counties["status"].astype(str), strict=True))
    assert got == {"A": "early", "B": "on time", "C": "late", "D": "late", "E": "pending", "F": "pending"}
    assert r.counties.set_index("county").loc["E", "target_year"] == 2016
    # target_years= adds to the schedule's and wins county by county
    r = ee.track(annexed(ANNEX), recs(A=2011, B=2013, C=2015), as_of=2015, target_years={"C": 2015, "G": 2016})
    got = dict(zip(r.counties["county"], r.counties["status"].astype(str), strict=True))
    assert got["C"] == "on time" and got["G"] == "pending" and got["A"] == "early"


def test_the_plan_line_rises_with_the_counties_own_years():
    r = ee.track(annexed(ANNEX), recs(A=2011), as_of=2011)
    planned = r.cumulative.set_index("year")["planned"]
    assert planned.loc[2011:2017].tolist() == [0, 1, 2, 3, 4, 5, 6]  # the milestones alone: 0, 0, 2, 2, 4, 4, 6
    assert ee.track(schedule(), recs(A=2011), as_of=2011).cumulative["planned"].tolist() == [0, 0, 2, 2, 4, 4, 6]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(2011, 2017), min_size=1, max_size=5), st.integers(2011, 2019))  # a partial annex
def test_the_plan_line_never_falls_and_holds_every_milestone_and_every_county_year(years, as_of):
    names = "ABCDEF"[: len(years)]
    plan = attrs.evolve(schedule(), target_years=tuple(CountyTarget(n, y) for n, y in zip(names, years)))
    c = ee.track(plan, recs(A=2011), as_of=as_of).cumulative.set_index("year")["planned"]
    assert (c.diff().dropna() >= 0).all()
    for m in plan.milestones:
        assert c.loc[m.year] >= m.count
    for y in c.index:
        assert c.loc[y] >= sum(v <= y for v in years)


BAD_ANNEXES = [
    ({"A": 2012, "B": 2018}, "B 2018; expected a year of the plan, 2011 to 2017"),
    ({"A": 2010}, "A 2010; expected a year of the plan"),
    ({"A": 2013, "B": 2013, "C": 2016, "D": 2016, "E": 2017, "F": 2017},
     "the counties' years put 2 counties by 2015, but the milestone requires 4"),
]


@pytest.mark.parametrize(("years", "message"), BAD_ANNEXES, ids=[m for _, m in BAD_ANNEXES])
def test_target_years_outside_the_plan_are_refused(years, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        annexed(years)
    with pytest.raises(ValueError, match="A given twice"):
        attrs.evolve(schedule(), target_years=(CountyTarget("A", 2013), CountyTarget("A", 2014)))


def test_target_years_naming_no_county_of_the_jurisdiction_are_a_plugin_error():
    class Place:
        @ee.hookimpl
        def eduequity_counties(self):
            return [ee.CountyList("hebei", (ee.County("甲县"), ee.County("乙县")))]

        @ee.hookimpl
        def eduequity_schedules(self):
            return [annexed({"甲县": 2013, "丙县": 2015}, total=2, start=2011)]

    with pytest.raises(ee.PluginError, match=r"target_years\[1\]: '丙县' is not a county of 'hebei'"):
        ee.registry(plugins=[Place()], entry_points=False)


def test_recognitions_before_the_plans_start_count_in_the_cumulative_table():
    r = ee.track(schedule(), recs(A=2009, B=2010, C=2012), as_of=2013)
    c = r.cumulative.set_index("year")
    assert c.loc[2009, "cumulative"] == 1 and c.loc[2013, "cumulative"] == 3
    assert r.milestones["achieved"].iloc[0] == 3


def test_a_county_counts_once_from_its_first_recognition():
    rec = pd.DataFrame({"county": ["A", "A"], "year": [2014, 2012]})
    r = ee.track(schedule(), rec, as_of=2015)
    assert r.counties["recognised_year"].tolist() == [2012]
    assert r.milestones["achieved"].tolist() == [1, 1, 1]


def test_counties_are_checked_against_the_jurisdiction_when_it_lists_them():
    class Place:
        @ee.hookimpl
        def eduequity_counties(self):
            return [ee.CountyList("hebei", (ee.County("扶余县", aliases=("扶余市",)), ee.County("九台市", aliases=("九台区",))))]

    reg = ee.registry(plugins=[Place()], entry_points=False)
    two = schedule((2015, 2), total=2)
    r = ee.track(two, recs(扶余市=2013), as_of=2014, registry=reg)
    assert r.counties["county"].tolist() == ["九台市", "扶余县"]  # the alias resolves to the 2011 name
    with pytest.raises(ee.InputError) as info:
        ee.track(two, recs(九台县=2013), registry=reg)
    [p] = info.value.problems
    assert (p.row, p.column, p.value) == (0, "county", "九台县") and "九台市" in p.expected


def test_schedules_must_rise():
    with pytest.raises(ValueError, match="rise"):
        schedule((2015, 4), (2013, 2))
    with pytest.raises(ValueError, match="only 6"):
        schedule((2015, 7),)


@settings(max_examples=80, deadline=None)
@given(years=st.lists(st.integers(2011, 2020), min_size=0, max_size=6), extra=st.integers(2011, 2020),
       as_of=st.integers(2011, 2020))
def test_adding_a_recognition_never_lowers_achieved(years, extra, as_of):
    names = [f"C{i}" for i in range(len(years))]
    base = pd.DataFrame({"county": names, "year": years}, dtype=object)
    more = pd.concat([base, pd.DataFrame({"county": ["NEW"], "year": [extra]})], ignore_index=True)
    a = ee.track(schedule(total=7), base, as_of=as_of)
    b = ee.track(schedule(total=7), more, as_of=as_of)
    assert (b.milestones["achieved"] >= a.milestones["achieved"]).all()
    rank = {"missed": 0, "behind": 1, "on track": 2, "met": 3}
    due = a.milestones["year"] <= as_of
    assert all(rank[y] >= rank[x] for x, y in zip(a.milestones["status"][due], b.milestones["status"][due], strict=True))


@settings(max_examples=60, deadline=None)
@given(years=st.lists(st.integers(2011, 2020), min_size=1, max_size=6), as_of=st.integers(2011, 2020))
def test_statuses_before_and_after_as_of(years, as_of):
    rec = pd.DataFrame({"county": [f"C{i}" for i in range(len(years))], "year": years})
    r = ee.track(schedule(), rec, as_of=as_of)
    due = r.milestones["year"] <= as_of
    assert set(r.milestones["status"][due]) <= {"met", "missed"}
    assert set(r.milestones["status"][~due]) <= {"on track", "behind"}
    assert r.milestones["achieved"].max() <= sum(y <= as_of for y in years)


def test_track_results_render_as_markdown_html_and_json():
    import json

    r = ee.track(schedule(), recs(A=2012, B=2013, C=2016), as_of=2015, target_years={"A": 2013})
    md = ee.render(r, "markdown")
    assert "| 2015 | 4 | 0.667 | 2 | 未完成 | 2 | A、B |" in md
    page = ee.render(r, "html")
    assert page.count("<svg") == 1 and "规划" in page  # the chart's text is kept as text
    assert "规划 plan" not in page and "&lt;NA&gt;" not in page  # one language, no Python literals (issue #16)
    assert page == ee.render(r, "html")  # deterministic, no timestamps
    assert ee.converter.structure(json.loads(ee.render(r, "json")), ee.TrackResult) == r


def test_html_escapes_every_value():
    rec = pd.DataFrame({"county": ["<script>alert(1)</script>"], "year": [2012]})
    page = ee.render(ee.track(schedule(), rec, as_of=2013), "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
