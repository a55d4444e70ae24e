"""``panzhihua.county-balance-2015``: all five counties recognised for basic balance by 2015.

The seed documents do not state the counties' actual recognition years, so none
is invented here: the histories below are SYNTHETIC, built to meet, beat or miss
the 2015 milestone. A bureau tracks the real one with its own records.
"""

from __future__ import annotations

import pandas as pd
import pytest

import eduequity as ee
from panzhihua_support import COUNTIES, JURISDICTION, SCHEDULE, evaluate

ALL_2015 = {c: 2015 for c in COUNTIES}


def history(years: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"county": list(years), "year": list(years.values())})


def test_synthetic_all_five_in_2015_meets_the_milestone_on_time():
    r = ee.track(SCHEDULE, history(ALL_2015), target_years=ALL_2015)
    m = r.milestones.set_index("year").loc[2015]
    assert (m["required"], m["achieved"], m["status"], m["missing"], m["share"]) == (5, 5, "met", 0, 1.0)
    assert m["unrecognised"] == ""
    assert set(r.counties["status"]) == {"on time"}
    assert r.projected_year == 2015 and r.as_of == 2015


def test_synthetic_history_that_beats_the_milestone():
    years = {"东区": 2013, "西区": 2014, "仁和区": 2014, "米易县": 2015, "盐边县": 2015}
    r = ee.track(SCHEDULE, history(years), target_years=ALL_2015)
    assert r.milestones.set_index("year").loc[2015, ["achieved", "status"]].tolist() == [5, "met"]
    status = r.counties.set_index("county")["status"]
    assert status.to_dict() == {"东区": "early", "西区": "early", "仁和区": "early", "米易县": "on time",
                                "盐边县": "on time"}


def test_synthetic_history_that_misses_the_milestone_by_one_county():
    years = {"东区": 2014, "西区": 2014, "仁和区": 2015, "米易县": 2015, "盐边县": 2016}
    r = ee.track(SCHEDULE, history(years), as_of=2016, target_years=ALL_2015)
    m = r.milestones.set_index("year").loc[2015]
    assert (m["achieved"], m["status"], m["missing"], m["unrecognised"]) == (4, "missed", 1, "盐边县")
    assert r.counties.set_index("county").loc["盐边县", "status"] == "late"
    # Known at the end of 2015 already: the milestone year has come and one county is missing.
    assert ee.track(SCHEDULE, history(years), as_of=2015).milestones["status"].tolist() == ["missed"]


def test_counties_not_recognised_by_the_milestone_are_named_and_late_once_the_year_is_over():
    years = {"东区": 2015, "西区": 2015, "仁和区": 2015}
    r = ee.track(SCHEDULE, history(years), as_of=2015, target_years=ALL_2015)
    assert set(r.milestones["unrecognised"].iat[0].split("、")) == {"米易县", "盐边县"}
    assert r.milestones["status"].tolist() == ["missed"]
    # A county's own status agrees with the milestone: as_of 2015 means 2015's recognitions
    # are all known, so a county not recognised by its target year 2015 is late from then on.
    status = r.counties.set_index("county")["status"]
    assert status.to_dict() == {"东区": "on time", "西区": "on time", "仁和区": "on time", "米易县": "late",
                                "盐边县": "late"}
    later = ee.track(SCHEDULE, history(years), as_of=2016, target_years=ALL_2015)
    assert later.counties.set_index("county")["status"].to_dict() == status.to_dict()
    # Before its target year it is still pending.
    before = ee.track(SCHEDULE, history(years), as_of=2014, target_years=ALL_2015)
    assert set(before.counties["status"]) == {"pending"}


def test_an_unknown_county_name_is_an_input_error_with_the_closest_names():
    with pytest.raises(ee.InputError, match="东区"):
        ee.track(SCHEDULE, history({"攀枝花东区": 2015}))


def test_the_per_county_target_agrees_with_the_schedule():
    years = {"东区": 2014, "西区": 2014, "仁和区": 2015, "米易县": 2015, "盐边县": 2016}
    # The yes/no observation a bureau would give for each county and year, from the same history.
    metrics = pd.DataFrame([{"year": y, "county": c, "metric": "basic_balance_recognised", "value": float(y >= first)}
                            for c, first in years.items() for y in (2014, 2015, 2016)])
    ev = evaluate("panzhihua.balanced-allocation-2015", metrics)
    rows = ev.targets[ev.targets["target"].str.endswith("county-basic-balance")]
    at_2015 = rows[rows["year"] == 2015].set_index("county")["status"]
    assert (at_2015 == "met").sum() == ee.track(SCHEDULE, history(years), as_of=2015).milestones["achieved"].iat[0]
    assert rows.set_index(["county", "year"]).loc[("盐边县", 2014), "status"] == "pending"
    assert rows.set_index(["county", "year"]).loc[("盐边县", 2016), "status"] == "met"
    assert JURISDICTION not in set(rows["county"])


def test_the_track_result_renders_with_the_cumulative_chart():
    r = ee.track(SCHEDULE, history(ALL_2015))
    page = ee.render(r, "html")
    assert "<svg" in page and "攀枝花市" in page


def test_recognitions_before_the_plans_year_count_in_the_cumulative_table():
    years = {"东区": 2013, "西区": 2014, "仁和区": 2014, "米易县": 2015, "盐边县": 2015}
    r = ee.track(SCHEDULE, history(years))
    # The table starts at the earliest recognition (2013), before the schedule's start (2015).
    table = r.cumulative.set_index("year")
    assert list(table.index) == [2013, 2014, 2015]
    assert table["recognised"].tolist() == [1, 2, 2]
    assert table["cumulative"].tolist() == [1, 3, 5]
    assert table["planned"].tolist() == [0, 0, 5]
    assert table.loc[2015, "cumulative"] == r.milestones.set_index("year").loc[2015, "achieved"] == 5


def test_the_schedule_file_holds_every_countys_year_and_the_lead_unit():
    """全市所有县(区)全部 … 到2015年: each county's year is 2015, in the file, so tracking needs no
    target_years= and the command line can say early, on time or late."""
    plan = ee.registry().schedules[SCHEDULE]
    assert {t.county: t.year for t in plan.target_years} == ALL_2015
    target = ee.registry().standards["panzhihua.balanced-allocation-2015"]
    same = next(t for t in target.targets if t.id.endswith("county-basic-balance"))
    assert (plan.lead_unit, plan.partner_units) == (same.lead_unit, same.partner_units)
    years = {"东区": 2014, "西区": 2015, "仁和区": 2016}
    status = ee.track(SCHEDULE, history(years), as_of=2016).counties.set_index("county")["status"]
    assert status.to_dict() == {"东区": "early", "西区": "on time", "仁和区": "late", "米易县": "late", "盐边县": "late"}
