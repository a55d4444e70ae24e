"""The one county resolver, for school frames, metrics, recognitions and tracking.

Names that read the same are one county (NFKC, no invisible characters); a
registered name or alias is its county under every standard, ``cn`` included;
a near miss or a traditional spelling is reported and never corrected; under
``cn`` a name two registered counties share is attached only by its code.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import eduequity as ee
from conftest import BASIC, evaluate, frame, section
from eduequity.read.resolver import normalise

PANZHIHUA = "panzhihua.balanced-allocation-2015"  # a standard of a jurisdiction that lists its counties


def two(county_a: str, county_b: str, **extra) -> pd.DataFrame:
    """Both levels of two counties (two schools each), named as given."""
    rows = [dict(section(f"{c}-{lv}-{i}", 400 + 50 * i, level=lv, county=c), **extra)
            for c in (county_a, county_b) for lv in ("primary", "junior") for i in range(2)]
    return frame(rows)


def quiet_evaluate(df, standard=BASIC, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ee.DataWarning)
        return evaluate(df, standard, **kw)


# --------------------------------------------------------------------------- normalising


@pytest.mark.parametrize("written", ["东区\u200b", "\ufeff东区", "东\u200d区", "东\u00ad区", "东区\u2060"])
def test_invisible_characters_do_not_split_a_county(written):
    with pytest.warns(ee.DataWarning, match="invisible or full-width"):
        ev = evaluate(two("东区", written))
    assert sorted(set(ev.counties["county"].astype(str))) == ["东区"]
    assert len(ev.verdicts) == 1
    assert (ev.warnings["what"] == "county-normalised").any()


def test_full_width_latin_is_folded():
    ev = quiet_evaluate(two("Ｄｏｎｇ Ｑｕ", "Dong Qu"))
    assert set(ev.counties["county"].astype(str)) == {"Dong Qu"}


@given(st.text(min_size=1, max_size=8))
def test_normalising_is_idempotent(name):
    assert normalise(normalise(name)) == normalise(name)


# --------------------------------------------------------------------------- registered names under cn


def test_a_former_name_is_its_county_under_a_national_standard_too():
    """Jilin lists its counties by their 2011 names, the later ones as aliases (扶余县 → 扶余市)."""
    ev = quiet_evaluate(two("扶余县", "扶余市"))
    assert set(ev.counties["county"].astype(str)) == {"扶余县"}
    assert len(ev.verdicts) == 1 and ev.warnings.empty


def test_a_short_name_a_plugin_registers_is_its_county():
    ev = quiet_evaluate(two("米易", "东区"), PANZHIHUA)
    assert set(ev.counties["county"].astype(str)) == {"米易县", "东区"}
    assert ev.warnings.empty


@pytest.mark.parametrize("written, meant", [("米易具", "米易县"), ("東區", "东区"), ("寬城區", "宽城区"), ("仁和", "仁和区")])
def test_a_near_miss_under_cn_is_warned_about_and_never_corrected(written, meant):
    with pytest.warns(ee.DataWarning, match=meant):
        ev = evaluate(two(written, "西区"))
    assert written in set(ev.counties["county"].astype(str))  # left as written
    [w] = ev.warnings[ev.warnings["what"] == "county-unregistered"].itertuples()
    assert written in w.where and meant in w.message and "never corrected" in w.message


@pytest.mark.parametrize("written, meant", [("米易具", "米易县"), ("東區", "东区")])
def test_a_near_miss_under_a_listing_jurisdiction_is_an_error_naming_the_county_meant(written, meant):
    with pytest.raises(ee.InputError) as info:
        quiet_evaluate(two(written, "西区"), PANZHIHUA)
    problems = info.value.problems
    assert {p.value for p in problems} == {written} and all(meant in p.expected for p in problems)


def test_a_name_far_from_every_registered_one_is_not_warned_about():
    ev = evaluate(two("海淀区", "朝阳县"))  # 朝阳县 is one edit from Jilin's 朝阳区
    assert list(ev.warnings["what"]) == ["county-unregistered"]
    assert "朝阳县" in ev.warnings["where"].iat[0]


def test_a_code_beside_an_unregistered_near_miss_says_which_county_it_is():
    df = two("朝阳县", "海淀区")
    df["county_code"] = df["county"].map({"朝阳县": "211321", "海淀区": "110108"})
    ev = evaluate(df)
    assert ev.warnings.empty


# --------------------------------------------------------------------------- a name shared by counties


def shared_name_plugin():
    """Two provinces each registering a county the name 乙区 can mean."""
    @ee.hookimpl
    def eduequity_counties():
        return [ee.CountyList("beijing", (ee.County("甲区", "district", "110101", aliases=("乙区",)),)),
                ee.CountyList("shanghai", (ee.County("乙区", "district", "310101"),))]
    return SimpleNamespace(eduequity_counties=eduequity_counties, __name__="shared_name_plugin")


@pytest.mark.parametrize("code, county", [("110101", "甲区"), ("310101", "乙区")])
def test_a_shared_name_is_attached_by_its_code(code, county):
    reg = ee.registry(plugins=[shared_name_plugin()], entry_points=False)
    df = two("乙区", "海淀区")
    df["county_code"] = df["county"].map({"乙区": code, "海淀区": "110108"})
    ev = ee.evaluate(ee.read_schools(df), BASIC, registry=reg)
    assert set(ev.counties["county"].astype(str)) == {county, "海淀区"}
    assert ev.warnings.empty


def test_a_shared_name_without_a_code_is_left_as_written_and_warned_about():
    reg = ee.registry(plugins=[shared_name_plugin()], entry_points=False)
    with pytest.warns(ee.DataWarning, match="give county_code"):
        ev = ee.evaluate(ee.read_schools(two("乙区", "海淀区")), BASIC, registry=reg)
    assert set(ev.counties["county"].astype(str)) == {"乙区", "海淀区"}
    assert list(ev.warnings["what"]) == ["county-ambiguous"]


def test_under_a_listing_jurisdiction_a_code_that_differs_is_reported():
    df = two("东区", "西区")
    df["county_code"] = df["county"].map({"东区": "510402", "西区": "510499"})
    ev = quiet_evaluate(df, PANZHIHUA)
    [w] = ev.warnings.itertuples()
    assert w.what == "county-code" and "510403" in w.message


# --------------------------------------------------------------------------- one resolver for every input


def test_metrics_and_recognitions_go_through_the_same_resolver():
    metric = "in_district_enrolment_share"  # a county-scope target of the 2015 plan, ≥ 0.9x
    metrics = pd.DataFrame({"year": [2020], "county": ["米易"], "metric": [metric], "value": [1.0]})
    ev = quiet_evaluate(two("米易县", "东区"), PANZHIHUA, metrics=metrics,
                        recognitions=pd.DataFrame({"county": ["东区\u200b"], "year": [2015]}))
    observed = ev.targets[ev.targets["metric"] == metric].set_index("county")["status"]
    assert observed.to_dict() == {"东区": "not assessable", "米易县": "met"}
    assert (ev.warnings["where"].str.startswith("recognitions")).any()


def test_tracking_resolves_counties_as_evaluate_does():
    with pytest.raises(ee.InputError) as info:
        ee.track("jilin.county-balance-2011", pd.DataFrame({"county": ["寬城區"], "year": [2014]}))
    assert "宽城区" in info.value.problems[0].expected
    with pytest.warns(ee.DataWarning):
        result = ee.track("jilin.county-balance-2011", pd.DataFrame({"county": ["宽城区\u200b"], "year": [2014]}))
    assert result.counties.set_index("county").loc["宽城区", "recognised_year"] == 2014
    assert list(result.warnings["what"]) == ["county-normalised"]


def test_observations_for_another_jurisdiction_are_named_as_unused():
    metrics = pd.DataFrame({"year": [2020], "county": ["jilin"], "metric": ["public_satisfaction"], "value": [0.9]})
    ev = quiet_evaluate(two("东区", "西区"), metrics=metrics)
    assert list(ev.warnings["what"]) == ["observation-unused"]
    assert "jilin" not in set(ev.verdicts["county"])
