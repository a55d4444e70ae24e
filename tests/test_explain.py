"""``ee.explain``: the chain from a county-year's verdict to each criterion and each school.

A hand example of the variance shares, the school-threshold misses at and below the
85% floor, what a not-assessable verdict asks to supply, a property over generated
frames (the shares add up to 1 and rebuild the CV of ``ev.indicators``), reports, the
command line and an evaluation loaded from JSON.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

import eduequity as ee
from conftest import BASIC, COUNTY, QUALITY, QUALITY_INDICATORS, SCHOOL_RULE_ID, YEAR, frame, section
from eduequity.cli import main
from eduequity.testing import strategies as ees

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "panzhihua-schools-synthetic.csv"
REG = ee.registry()
#: The resource rules alone: a verdict that can be met without metrics or recognitions.
RESOURCE_ONLY = {sid: attrs.evolve(REG.standards[sid], targets=(), metrics=()) for sid in (BASIC, QUALITY)}
CV_ID = "cn.quality-balance-2017.cv"
#: Two equal schools of each level: every CV 0, every rule met (a level without schools is not assessable).
BOTH_LEVELS = [section("A", 300), section("B", 500), section("J1", 400, level="junior"),
               section("J2", 700, level="junior")]


def explain_rows(rows, standard=QUALITY, level="primary", **kw):
    ev = ee.evaluate(ee.read_schools(frame(rows)), standard, **kw)
    return ev, ee.explain(ev, county=COUNTY, year=YEAR, level=level)


# --------------------------------------------------------------------------- variance shares by hand


def test_three_schools_shares_by_hand():
    # teaching area per student 4, 4 and 10 for 100, 100 and 200 students:
    # x̄ = (400 + 400 + 2000) / 400 = 7; parts (1/4)(4-7)² = 2.25, 2.25 and (1/2)(10-7)² = 4.5;
    # Σ = 9, so the shares are 0.25, 0.25 and 0.5, and the CV is sqrt(9) / 7 = 3/7.
    rows = [section("A", 100, per_student={"teaching_area": 4.0}),
            section("B", 100, per_student={"teaching_area": 4.0}),
            section("C", 200, per_student={"teaching_area": 10.0})]
    ev, ex = explain_rows(rows)
    s = ex.schools[(ex.schools["criterion"] == CV_ID) & (ex.schools["indicator"] == "teaching_area")]
    assert list(s["school_id"]) == ["C", "A", "B"]  # ranked: the outlier first, ties in id order
    assert s["rank"].tolist() == [1, 2, 3]
    assert s["variance_part"].tolist() == pytest.approx([4.5, 2.25, 2.25], rel=1e-12)
    assert s["share"].tolist() == pytest.approx([0.5, 0.25, 0.25], rel=1e-12)
    assert s["county_value"].tolist() == pytest.approx([7.0] * 3, rel=1e-12)
    row = ex.criteria[(ex.criteria["criterion"] == CV_ID) & (ex.criteria["indicator"] == "teaching_area")].iloc[0]
    assert row["value"] == pytest.approx(3 / 7, rel=1e-12)
    assert row["limit"] == 0.5 and row["margin"] == pytest.approx(0.5 - 3 / 7, rel=1e-12)
    assert row["status"] == "met" and row["clause"] == "教督〔2017〕6号 资源配置"


def test_equal_schools_have_no_share_and_say_why():
    _, ex = explain_rows(BOTH_LEVELS, standard=RESOURCE_ONLY[BASIC], level=None)
    s = ex.schools
    assert len(s) == 4 * 8 and s["share"].isna().all() and s["rank"].isna().all()
    assert s["why"].str.contains("zero variance").all()
    assert (ex.criteria["value"] == 0).all() and ex.status == "met"


# --------------------------------------------------------------------------- school thresholds


def test_threshold_misses_two_missed_at_and_below_the_floor():
    # primary: teaching area ≥ 4.5 m² and sports area ≥ 7.5 m² a student, a miss ≥ 85% of it
    rows = [section("two", per_student={"teaching_area": 4.0, "sports_area": 7.0}),  # two misses, both above 85%
            section("at85", per_student={"teaching_area": 3.825}),  # one miss at exactly 85%: passes
            section("below", per_student={"teaching_area": 0.849 * 4.5}),  # 84.9%: fails
            section("good")]
    ev, ex = explain_rows(rows)
    s = ex.schools[ex.schools["criterion"] == SCHOOL_RULE_ID]
    assert set(s["school_id"]) == {"two", "below"}  # the passing schools are not listed
    two = s[s["school_id"] == "two"]
    assert sorted(two["indicator"]) == ["sports_area", "teaching_area"]
    assert two["why"].str.contains("2 项未达标").all() and not two["met"].any()
    below = s[s["school_id"] == "below"].iloc[0]
    assert "低于要求的85%" in below["why"] and "below 85% of the threshold" in below["why"]
    assert below["threshold"] == 4.5 and below["floor"] == pytest.approx(3.825)
    assert below["value"] == pytest.approx(3.8205)
    assert not s["school_passed"].any()
    row = ex.criteria[ex.criteria["criterion"] == SCHOOL_RULE_ID].iloc[0]
    assert (row["schools"], row["schools_not_met"]) == (4, 2) and row["value"] == 0.5 and row["status"] == "not met"
    assert ex.status == "not met"
    # the same misses as ev.schools holds for these schools
    theirs = ev.schools[~ev.schools["met"].fillna(False) & ~ev.schools["school_passed"].fillna(False)]
    assert len(theirs) == len(s)


def test_failing_schools_come_first_and_blank_cells_are_missing_data():
    rows = [section("blank", sports_area=float("nan")), section("fail", per_student={"teaching_area": 3.0})]
    _, ex = explain_rows(rows)
    s = ex.schools[ex.schools["criterion"] == SCHOOL_RULE_ID]
    assert s["school_id"].tolist() == ["fail", "blank"]
    assert s["why"].iloc[1] == "缺数据 missing data" and pd.isna(s["met"].iloc[1])


# --------------------------------------------------------------------------- not assessable


def test_a_blank_cell_names_the_school_and_the_column():
    df = frame([section("A"), section("B", sports_area=float("nan"))]).assign(school_name=["甲小学", "乙小学"])
    ev = ee.evaluate(ee.read_schools(df), RESOURCE_ONLY[QUALITY])
    ex = ee.explain(ev, county=COUNTY, year=YEAR)
    assert ex.status == "not assessable"
    cells = ex.missing[ex.missing["what"] == "school cell"]
    assert set(cells["criterion"]) == {SCHOOL_RULE_ID, CV_ID}
    assert (cells["school_id"] == "B").all() and (cells["school_name"] == "乙小学").all()
    assert (cells["column"] == "sports_area").all() and (cells["column_zh"] == "体育运动场馆面积").all()
    cv = ex.criteria[(ex.criteria["criterion"] == CV_ID) & (ex.criteria["indicator"] == "sports_area")]
    assert cv["status"].tolist() == ["not assessable"] and "B" in cv["reason"].iloc[0]


def test_targets_without_metrics_name_the_metric_key():
    _, ex = explain_rows([section("A"), section("B")], level=None)
    assert ex.status == "not assessable" and ex.level is None
    m = ex.missing.set_index("criterion")
    size = m.loc["cn.quality-balance-2017.school-size"]
    assert size["what"] == "metric" and size["metric"] == "largest_school_students"
    assert size["metric_zh"] == "学校规模（最大学校在校生数）"
    assert m.loc["cn.quality-balance-2017.basic-balance-prerequisite", "what"] == "recognition"
    assert "cn.quality-balance-2017.class-size-junior" in m.index  # level None: both levels' targets


def test_a_level_without_school_rows_asks_for_them():
    _, ex = explain_rows([section("A")], level=None)  # no junior school
    rows = ex.missing[ex.missing["what"] == "school rows"]
    assert rows["level"].tolist() == ["junior"]


def test_met_not_met_and_not_assessable_are_all_explained():
    met = explain_rows(BOTH_LEVELS, standard=RESOURCE_ONLY[BASIC], level=None)[1]
    failed = explain_rows([section("A"), section("B", per_student={"teaching_area": 1.0})])[1]
    unknown = explain_rows([section("A"), section("B")])[1]
    assert (met.status, failed.status, unknown.status) == ("met", "not met", "not assessable")
    assert (met.criteria["status"] == "met").all() and not len(met.missing)
    assert failed.reason and "not met" in set(failed.criteria["status"])


# --------------------------------------------------------------------------- errors


@pytest.fixture(scope="module")
def panzhihua():
    return ee.evaluate(ee.read_schools(EXAMPLE), QUALITY)


def test_unknown_county_year_and_level_name_what_exists(panzhihua):
    with pytest.raises(KeyError, match="counties of 2016: 东区, 仁和区"):
        ee.explain(panzhihua, county="北区", year=2016)
    with pytest.raises(KeyError, match="years evaluated: 2013"):
        ee.explain(panzhihua, county="东区", year=1999)
    with pytest.raises(ValueError, match="primary, junior, 小学 or 初中"):
        ee.explain(panzhihua, county="东区", year=2016, level="senior")
    assert ee.explain(panzhihua, county="东区", year=2016, level="初中").level == "junior"


def test_explain_does_not_build_the_school_evidence(panzhihua):
    ev = ee.evaluate(ee.read_schools(EXAMPLE), QUALITY)
    ee.explain(ev, county="东区", year=2016)
    assert callable(ev._schools)  # ev.schools (every school of every county) was never built


def test_an_evaluation_from_json_needs_the_frame(panzhihua):
    loaded = ee.converter.structure(json.loads(ee.render(panzhihua, "json")), ee.Evaluation)
    with pytest.raises(ValueError, match="frame="):
        ee.explain(loaded, county="东区", year=2016)
    got = ee.explain(loaded, county="东区", year=2016, frame=pd.read_csv(EXAMPLE))
    want = ee.explain(panzhihua, county="东区", year=2016)
    for name in ee.Explanation.FRAMES:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name))


# --------------------------------------------------------------------------- reports and the command line


def test_render_markdown_html_json(panzhihua):
    ex = ee.explain(panzhihua, county="东区", year=2016, level="primary")
    md = ee.render(ex, "markdown")
    assert md.startswith("# 县域义务教育优质均衡发展督导评估办法") and "东区 2016 小学" in md
    assert "结论：未达标" in md and "not met" not in md and "方差分量" in md and "未达标原因" in md  # Chinese headers
    assert "<table" in ee.render(ex, "html")
    data = json.loads(ee.render(ex, "json"))
    assert data["county"] == "东区" and data["status"] == "not met"
    back = ee.converter.structure(data, ee.Explanation)
    pd.testing.assert_frame_equal(back.criteria, ex.criteria)
    assert ee.render(ex, "xlsx")[:2] == b"PK"


def test_cli_explains_a_county(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["explain", str(EXAMPLE), "-s", QUALITY, "--county", "东区", "--year", "2016"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "东区 2016" in r.output and "各项评估" in r.output
    out = tmp_path / "ex.json"
    r = runner.invoke(main, ["explain", str(EXAMPLE), "-s", QUALITY, "--county", "东区", "--year", "2016",
                             "--level", "初中", "--format", "json", "--out", str(out)])
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["level"] == "junior"
    bad = runner.invoke(main, ["explain", str(EXAMPLE), "-s", QUALITY, "--county", "北区", "--year", "2016"])
    assert bad.exit_code == 2 and "counties of 2016" in bad.output
    bad = runner.invoke(main, ["explain", str(EXAMPLE), "-s", QUALITY, "--county", "东区", "--year", "2016",
                               "--level", "高中"])
    assert bad.exit_code == 2 and "primary, junior" in bad.output


# --------------------------------------------------------------------------- the property


@settings(max_examples=max(5, settings.default.max_examples // 4), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ees.school_frames(max_years=1, max_counties=2, max_schools=5))
def test_shares_add_up_to_one_and_rebuild_the_cv(schools):
    ev = ee.evaluate(schools, RESOURCE_ONLY[QUALITY])
    ind = ev.indicators.astype({"county": str, "level": str, "indicator": str}).set_index(
        ["year", "county", "level", "indicator"])
    for year, county in zip(ev.verdicts["year"], ev.verdicts["county"], strict=True):
        ex = ee.explain(ev, county=county, year=int(year))
        s = ex.schools[ex.schools["criterion"] == CV_ID]
        for (level, key), part in s.groupby(["level", "indicator"], sort=False):
            cv = ind.loc[(year, county, level, key), "cv"]
            n = ev.counties.set_index(["year", "county", "level"]).loc[(year, str(county), level), "schools"]
            assert len(part) == n and part["school_id"].is_unique  # each school once per indicator
            rebuilt = math.sqrt(part["variance_part"].sum()) / part["county_value"].iloc[0]
            assert math.isclose(rebuilt, cv, rel_tol=1e-12, abs_tol=1e-300), (level, key)
            if part["share"].notna().all():
                assert math.isclose(part["share"].sum(), 1.0, rel_tol=1e-12)
                assert part["rank"].tolist() == list(range(1, n + 1))
            else:
                assert cv == 0 and part["why"].str.contains("zero variance").all()
        assert set(s["indicator"]) <= set(QUALITY_INDICATORS)
        assert np.isin(ex.criteria["status"].astype(str), ["met", "not met", "not assessable"]).all()
