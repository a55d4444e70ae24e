"""The trend rule ("逐步缩小"): a county's composite CV must not rise from the last observed year."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eduequity as ee
from eduequity.criteria import Trend

BASE = "cn.basic-balance-2012"


def standard(after=None):
    std = ee.registry().standards[BASE]
    t = Trend("demo.trend", "综合差异系数逐年缩小", "composite_cv", ee.Source("攀办发〔2015〕2号", "三", "逐步缩小"),
              after=after)
    return attrs.evolve(std, id="demo.standard", rules=(*std.rules, t))


def county(spreads: dict[int, float]) -> pd.DataFrame:
    """Two equal-sized primary schools per year; their books differ by ``spread`` (CV = spread)."""
    rows = []
    cols = ["teaching_area", "sports_area", "equipment_value", "computers", "books", "teachers",
            "teachers_above_degree", "teachers_mid_senior_title"]
    for year, spread in spreads.items():
        for i, sign in enumerate((1, -1)):
            row = {"year": year, "county": "甲县", "school_id": f"s{i}", "level": "primary", "students": 500}
            row.update({c: 500.0 for c in cols})
            row["books"] = 500.0 * (1 + sign * spread)
            rows.append(row)
    return pd.DataFrame(rows)


def trend_rows(ev):
    return ev.targets[ev.targets["target"] == "demo.trend"].set_index("year")


def test_first_year_is_not_assessable_then_rising_fails_and_equal_or_falling_passes():
    ev = ee.evaluate(county({2015: 0.4, 2016: 0.3, 2017: 0.3, 2018: 0.35}), standard())
    rows = trend_rows(ev)
    assert rows["status"].tolist() == ["not assessable", "met", "met", "not met"]
    assert rows.loc[2016, "required"] == pytest.approx(rows.loc[2015, "value"])
    v = ev.verdicts.set_index("year")
    assert v.loc[2018, "passed"] == False  # noqa: E712 - a definite False, not <NA>
    assert "rose" in v.loc[2018, "reasons"]


def test_a_missing_year_compares_with_the_last_observed_one():
    rows = trend_rows(ee.evaluate(county({2015: 0.3, 2017: 0.2}), standard()))
    assert rows.loc[2017, "status"] == "met"
    assert rows.loc[2017, "required"] == pytest.approx(rows.loc[2015, "value"])


def test_only_years_after_recognition_are_judged():
    frame = county({2014: 0.2, 2015: 0.3, 2016: 0.4})
    rec = pd.DataFrame({"county": ["甲县"], "year": [2015]})
    rows = trend_rows(ee.evaluate(frame, standard(after="basic-balance"), recognitions=rec))
    assert list(rows.index) == [2016]
    assert rows.loc[2016, "status"] == "not met"
    none = trend_rows(ee.evaluate(frame, standard(after="basic-balance")))
    assert set(none["status"]) == {"not assessable"}


def test_a_trend_must_follow_a_computed_column():
    std = ee.registry().standards[BASE]
    bad = Trend("demo.trend", "t", "no_such_cv", ee.Source("x"))
    with pytest.raises(ValueError, match="no_such_cv"):
        attrs.evolve(std, rules=(*std.rules, bad))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 0.9), min_size=2, max_size=5))
def test_met_iff_not_higher_than_the_year_before(spreads):
    ev = ee.evaluate(county(dict(enumerate(spreads, start=2015))), standard())
    rows = trend_rows(ev)
    v = rows["value"].to_numpy()
    for i, year in enumerate(rows.index[1:], start=1):
        assert (rows.loc[year, "status"] == "met") == (v[i] <= v[i - 1])
