"""evaluate end to end: the frames of api.md, bad input at the boundary, JSON round trips."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import eduequity as ee

RESOURCES = {"teaching_area": 5.0, "sports_area": 8.0, "equipment_value": 2600.0, "computers": 0.15,
             "books": 30.0, "teachers": 0.08, "teachers_above_degree": 0.07, "teachers_mid_senior_title": 0.05,
             "backbone_teachers": 0.012, "pe_art_teachers": 0.011, "multimedia_classrooms": 0.026}


def schools(n_per_group: int = 4, seed: int = 0, counties=("东区", "西区"), years=(2016, 2017)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for y in years:
        for c in counties:
            for lv in ("primary", "junior"):
                for s in range(n_per_group):
                    students = int(rng.integers(80, 1500))
                    row = {"year": y, "county": c, "school_id": f"{c}-{lv}-{s}", "level": lv, "students": students}
                    row.update({k: v * students * rng.uniform(0.8, 1.25) for k, v in RESOURCES.items()})
                    rows.append(row)
    return pd.DataFrame(rows)


def test_the_frames_of_the_api_have_their_keys_and_columns():
    ev = ee.evaluate(ee.read_schools(schools()), "cn.basic-balance-2012")
    assert list(ev.counties.columns[:3]) == ["year", "county", "level"]
    assert {"composite_cv", "composite_limit", "passed", "status"} <= set(ev.counties.columns)
    assert {"year", "county", "passed", "reasons"} <= set(ev.verdicts.columns)
    assert {"indicator", "mean", "cv", "limit", "passed"} <= set(ev.indicators.columns)
    assert {"target", "year", "county", "metric", "value", "required", "op", "status", "passed"} <= set(ev.targets.columns)
    assert len(ev.counties) == 2 * 2 * 2 and len(ev.verdicts) == 4 and len(ev.indicators) == 8 * 8
    assert not ev.counties.duplicated(["year", "county", "level"]).any()
    assert ev.indicators["limit"].isna().all()  # no single indicator has a cap of its own in 2012
    assert str(ev.counties["passed"].dtype) == "boolean"
    assert set(ev.verdicts["status"]) <= {"met", "not met", "pending", "not assessable"}


def test_a_raw_frame_is_read_at_the_boundary_and_gives_the_same_evaluation():
    raw = schools()
    assert ee.evaluate(raw, "cn.basic-balance-2012") == ee.evaluate(ee.read_schools(raw), "cn.basic-balance-2012")


def test_a_column_the_standard_needs_is_an_input_error_naming_standard_and_column():
    with pytest.raises(ee.InputError) as info:
        ee.evaluate(schools().drop(columns=["books", "computers"]), "cn.basic-balance-2012")
    problems = info.value.problems
    assert {p.column for p in problems} == {"books", "computers"}
    assert all("cn.basic-balance-2012" in p.expected for p in problems)


def test_quality_balance_needs_only_its_own_columns():
    frame = schools().drop(columns=["computers", "books", "teachers", "teachers_mid_senior_title"])
    ev = ee.evaluate(frame, "cn.quality-balance-2017")
    assert len(ev.counties) == 8


def test_unknown_standard_is_a_clear_error():
    with pytest.raises(KeyError, match="cn.basic-balance-2012"):
        ee.evaluate(schools(), "cn.basic-balance-2021")


def test_a_county_unknown_to_the_standards_jurisdiction_is_an_input_error_with_suggestions(tmp_path):
    from test_registry import CityPlugin

    p = tmp_path / "testcity.cv.toml"
    base = (ee.registry().standards["cn.basic-balance-2012"])
    data = ee.converter.unstructure(base)
    data.update(id="testcity.cv", jurisdiction="testcity")
    for r in data["rules"]:
        r["id"] = r["id"].replace("cn.basic-balance-2012", "testcity.cv")
    for t in data["targets"]:
        t["id"] = t["id"].replace("cn.basic-balance-2012", "testcity.cv")
    reg = ee.registry(plugins=[CityPlugin()], entry_points=False)
    local = ee.converter.structure(data, ee.Standard)
    frame = schools(counties=("甲区", "已县"))
    with pytest.raises(ee.InputError) as info:
        ee.evaluate(frame, local, registry=reg)
    bad = {p.value for p in info.value.problems}
    assert bad == {"已县"}
    assert "乙县" in info.value.problems[0].expected
    ok = ee.evaluate(schools(counties=("甲区", "乙旧县")), local, registry=reg)  # aliases count
    assert len(ok.verdicts) == 4
    assert p.parent.exists()


def test_quality_prerequisite_uses_recognitions():
    frame = schools(years=(2017,))
    rec = pd.DataFrame({"county": ["东区"], "year": [2014]})
    ev = ee.evaluate(frame, "cn.quality-balance-2017", recognitions=rec)
    pre = ev.targets[ev.targets["target"] == "cn.quality-balance-2017.basic-balance-prerequisite"].set_index("county")
    assert pre.loc["东区", "status"] == "met" and pre.loc["西区", "status"] == "not met"
    ev = ee.evaluate(frame, "cn.quality-balance-2017")
    pre = ev.targets[ev.targets["target"] == "cn.quality-balance-2017.basic-balance-prerequisite"]
    assert (pre["status"] == "not assessable").all()


def test_bad_recognitions_are_input_errors():
    with pytest.raises(ee.InputError) as info:
        ee.evaluate(schools(), "cn.quality-balance-2017",
                    recognitions=pd.DataFrame({"county": ["东区", ""], "year": [2014, 2015], "kind": ["basic", None]}))
    assert {(p.row, p.column) for p in info.value.problems} == {(0, "kind"), (1, "county")}


def test_a_verdict_is_met_only_when_every_criterion_is_met():
    frame = schools(years=(2017,), counties=("东区",))
    metrics = pd.DataFrame({"year": 2017, "county": "东区",
                            "metric": ["schools_meeting_provincial_standard", "government_work_score",
                                       "public_satisfaction"], "value": [1.0, 90, 0.9]})
    ev = ee.evaluate(frame, "cn.basic-balance-2012", metrics=metrics)
    assert ev.counties["passed"].all()
    assert ev.verdicts["status"].tolist() == ["met"] and ev.verdicts["reasons"].tolist() == [""]
    metrics.loc[2, "value"] = 0.8
    ev = ee.evaluate(frame, "cn.basic-balance-2012", metrics=metrics)
    assert ev.verdicts["status"].tolist() == ["not met"]
    assert "public-satisfaction" in ev.verdicts["reasons"].iat[0]


@pytest.mark.parametrize("sid", ["cn.basic-balance-2012", "cn.quality-balance-2017"])
def test_evaluations_round_trip_through_json_without_loss(sid):
    frame = schools()
    frame.loc[3, "books"] = np.nan
    frame.loc[5, "multimedia_classrooms"] = np.nan
    ev = ee.evaluate(frame, sid, recognitions=pd.DataFrame({"county": ["东区"], "year": [2012]}))
    text = ee.render(ev, "json")
    back = ee.converter.structure(json.loads(text), ee.Evaluation)
    assert back == ev
    assert ee.render(back, "json") == text


def test_outputs_are_byte_identical_whatever_the_row_order():
    frame = schools(seed=3)
    a = ee.evaluate(frame, "cn.quality-balance-2017")
    b = ee.evaluate(frame.sample(frac=1, random_state=1), "cn.quality-balance-2017")
    assert len(a.schools) == 32 * 7  # 32 sections x 7 thresholds
    assert ee.render(a, "json") == ee.render(b, "json")
    assert ee.render(a, "markdown") == ee.render(b, "markdown")


def test_a_county_whose_schools_are_all_excluded_is_not_assessable_not_absent():
    frame = schools(years=(2017,))
    frame["school_type"] = np.where(frame["county"] == "西区", "teaching_point", "primary_school")
    frame.loc[frame["level"] == "junior", "school_type"] = np.where(
        frame.loc[frame["level"] == "junior", "county"] == "西区", "teaching_point", "junior_school")
    ev = ee.evaluate(frame, "cn.basic-balance-2012")
    v = ev.verdicts.set_index("county")
    assert v.loc["西区", "status"] == "not assessable"
    assert "no school" in v.loc["西区", "reasons"]
    assert set(ev.counties["county"].astype(str)) == {"东区"}
    assert ev.evaluated_rows + len(ev.excluded) == ev.input_rows


def test_a_level_without_a_limit_is_not_held_to_the_rule():
    import attrs

    std = ee.registry().standards["cn.quality-balance-2017"]
    cv_rule = next(r for r in std.rules if r.id == "cn.quality-balance-2017.cv")
    only_junior = attrs.evolve(std, rules=tuple(
        attrs.evolve(r, limit=attrs.evolve(r.limit, primary=None)) if r is cv_rule else r for r in std.rules))
    ev = ee.evaluate(schools(years=(2017,)), only_junior)
    ind = ev.indicators[ev.indicators["indicator"] == "sports_area"].set_index(["county", "level"])
    assert ind.loc[("东区", "primary"), "limit"] != ind.loc[("东区", "primary"), "limit"]  # NaN
    assert ind.loc[("东区", "primary"), "passed"] is pd.NA
    assert ind.loc[("东区", "junior"), "passed"] in (True, False)
    reasons = " ".join(ev.verdicts["reasons"])
    assert "小学 各项指标校际差异系数" not in reasons  # nothing said about primary CVs


def test_the_cv_table_of_a_targets_only_evaluation_is_empty_not_an_error():
    from eduequity.reports import tables

    obs = pd.DataFrame({"year": [2016], "county": ["东区"], "metric": ["public_satisfaction"], "value": [0.9]})
    ev = ee.evaluate(None, "cn.basic-balance-2012", metrics=obs)
    t = tables.cv_table(ev)
    assert len(t) == 0 and list(t.columns[:6]) == ["年份", "序号", "市", "县", "学校类别", "类型"]


def test_a_misspelt_county_in_the_metrics_of_a_listing_jurisdiction_is_an_input_error():
    from test_registry import CityPlugin

    reg = ee.registry(plugins=[CityPlugin()], entry_points=False)
    base = ee.registry().standards["cn.basic-balance-2012"]
    data = ee.converter.unstructure(base)
    data.update(id="testcity.cv", jurisdiction="testcity")
    for part in ("rules", "targets"):
        for x in data[part]:
            x["id"] = x["id"].replace("cn.basic-balance-2012", "testcity.cv")
    local = ee.converter.structure(data, ee.Standard)
    obs = pd.DataFrame({"year": [2016, 2016], "county": ["甲区", "测试甲区"], "metric": "public_satisfaction",
                        "value": [0.9, 0.9]})
    with pytest.raises(ee.InputError) as info:
        ee.evaluate(None, local, metrics=obs, registry=reg)
    [p] = info.value.problems
    assert (p.row, p.column, p.value) == (1, "county", "测试甲区") and "甲区" in p.expected
