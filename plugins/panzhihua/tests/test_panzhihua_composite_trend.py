"""一、（五） of 攀办发〔2015〕2号: after recognition, each county's composite CV of the 8 indicators shrinks.

Synthetic school frames (two equal schools a year whose books per student differ
by ±spread): the books CV is the spread, the 7 other CVs are 0, so the composite
is spread / 8 — known without the engine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eduequity as ee
from panzhihua_support import NATIONAL_8

STD = "panzhihua.balanced-allocation-2015"
TREND = STD + ".composite-cv-trend"


def schools(spreads: dict[str, dict[int, float]], level: str = "primary") -> pd.DataFrame:
    rows = []
    for county, by_year in spreads.items():
        for year, spread in by_year.items():
            for i, sign in enumerate((1, -1)):
                row = {"year": year, "county": county, "school_id": f"{county}-{level}-{i}", "level": level,
                       "students": 400}
                row.update({c: 400.0 for c in NATIONAL_8})
                row["books"] = 400.0 * 30 * (1 + sign * spread)
                rows.append(row)
    return pd.DataFrame(rows)


def judged(ev, level: str = "primary") -> pd.DataFrame:
    """The county rows of the level the frames hold; the other level has no schools (not assessable)."""
    assert set(ev.counties.loc[ev.counties["level"] != level, "status"]) <= {"not assessable"}
    return ev.counties[ev.counties["level"] == level]


def trend_rows(ev) -> pd.DataFrame:
    return ev.targets[ev.targets["target"] == TREND].set_index(["county", "year"])


SPREADS = {"东区": {2014: 0.40, 2015: 0.30, 2016: 0.35, 2017: 0.20, 2018: 0.20},
           "米易县": {2014: 0.50, 2015: 0.50, 2016: 0.45, 2017: 0.46, 2018: 0.10}}
RECOGNISED = pd.DataFrame({"county": ["东区", "米易县"], "year": [2015, 2016]})  # synthetic years


@pytest.fixture(scope="module")
def evaluation():
    return ee.evaluate(schools(SPREADS), STD, recognitions=RECOGNISED)


def test_the_composite_is_the_mean_of_the_8_cvs_and_matches_the_national_method(evaluation):
    counties = judged(evaluation).set_index(["county", "year"])
    for county, by_year in SPREADS.items():
        for year, spread in by_year.items():
            assert counties.loc[(county, year), "composite_cv"] == pytest.approx(spread / 8, rel=1e-12)
    national = judged(ee.evaluate(schools(SPREADS), "cn.basic-balance-2012")).set_index(["county", "year"])
    pd.testing.assert_series_equal(counties["composite_cv"], national["composite_cv"])
    assert set(counties["composite_limit"]) == {0.65}


def test_only_years_after_recognition_are_judged_and_a_rise_is_not_met(evaluation):
    rows = trend_rows(evaluation)
    assert rows["status"].to_dict() == {
        ("东区", 2016): "not met",   # 0.35 after 0.30
        ("东区", 2017): "met",
        ("东区", 2018): "met",       # equal: not a rise
        ("米易县", 2017): "not met",  # 0.46 after 0.45
        ("米易县", 2018): "met",
    }
    assert rows.loc[("东区", 2016), "required"] == pytest.approx(0.30 / 8)
    verdicts = evaluation.verdicts.set_index(["county", "year"])
    assert verdicts.loc[("东区", 2016), "passed"] == False  # noqa: E712 - a definite False, not <NA>
    assert "rose" in verdicts.loc[("东区", 2016), "reasons"]


def test_without_recognitions_the_trend_is_not_assessable_never_met():
    ev = ee.evaluate(schools(SPREADS), STD)
    assert set(trend_rows(ev)["status"]) == {"not assessable"}
    assert not ev.verdicts["passed"].eq(True).any()


def test_the_synthetic_example_of_panzhihua_evaluates():
    example = next((p / "examples" / "panzhihua-schools-synthetic.csv" for p in Path(__file__).resolve().parents
                    if (p / "examples" / "panzhihua-schools-synthetic.csv").exists()), None)
    if example is None:
        pytest.skip("the repository's examples/ folder is not in this checkout")
    frame = ee.read_schools(example)
    ev = ee.evaluate(frame, STD, recognitions=pd.DataFrame({"county": ["东区"], "year": [2015]}))
    assert ev.evaluated_rows + len(ev.excluded) == ev.input_rows
    assert set(ev.counties["county"]) == {"东区", "西区", "仁和区", "米易县", "盐边县"}
    judged = ev.targets[ev.targets["target"] == TREND]
    # Only 东区 is recognised (2015): judged in each later year whose year before it has
    # schools at that level too, from the example's own years (they vary as the example grows).
    kept = frame[~frame["row"].isin(ev.excluded["row"])]
    kept = kept[kept["county"].astype(str) == "东区"]
    years = {(str(level), int(y)) for level, y in zip(kept["level"], kept["year"], strict=True)}
    expected = sorted(("东区", y, level) for level, y in years if y > 2015 and (level, y - 1) in years)
    assert expected and expected[:2] == [("东区", 2016, "junior"), ("东区", 2016, "primary")]
    assert sorted(zip(judged["county"], judged["year"], judged["level"])) == expected


@settings(max_examples=5, deadline=None, database=None)
@given(st.lists(st.floats(0.0, 0.9), min_size=2, max_size=4), st.integers(2014, 2017))
def test_met_iff_not_higher_than_the_year_before_once_recognised(spreads, recognised):
    by_year = dict(enumerate(spreads, start=2014))
    ev = ee.evaluate(schools({"盐边县": by_year}), STD,
                     recognitions=pd.DataFrame({"county": ["盐边县"], "year": [recognised]}))
    rows = ev.targets[ev.targets["target"] == TREND].set_index("year")
    assert list(rows.index) == [y for y in by_year if y > recognised and y - 1 in by_year]
    composite = judged(ev).set_index("year")["composite_cv"]
    for year in rows.index:
        assert (rows.loc[year, "status"] == "met") == (composite[year] <= composite[year - 1] * (1 + 1e-12))
