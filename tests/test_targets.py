"""Metric targets: the truth table of api.md at every boundary, and the metrics boundary."""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import eduequity as ee
from eduequity.criteria import target as T
from eduequity.core.metrics import Metric
from eduequity.read.observations import read_metrics

SRC = ee.Source("测试〔2020〕1号", "一", "不低于")


def target(**kw) -> ee.MetricTarget:
    base = dict(id="t", metric="m", op=">=", value=0.95, source=SRC)
    return ee.MetricTarget(**{**base, **kw})


def judge(t, years_values: dict[int, float | None], county="甲县"):
    places = pd.DataFrame({"year": list(years_values), "county": county})
    obs = read_metrics(pd.DataFrame({"year": [y for y, v in years_values.items() if v is not None],
                                     "county": county, "metric": t.metric,
                                     "value": [v for v in years_values.values() if v is not None]}))
    return T.rows([t], obs, places, "jur").set_index("year")


BELOW, ABOVE = 0.95 * (1 - 1e-9), 0.95 * (1 + 1e-9)


@pytest.mark.parametrize(("op", "value", "expected"), [
    (">=", 0.95, "met"), (">=", BELOW, "not met"),
    (">", 0.95, "not met"), (">", ABOVE, "met"),
    ("<=", 0.95, "met"), ("<=", ABOVE, "not met"),
    ("<", 0.95, "not met"), ("<", BELOW, "met"),
    ("==", 0.95, "met"), ("==", ABOVE, "not met"),
])
def test_each_comparison_exactly_at_the_boundary(op, value, expected):
    out = judge(target(op=op), {2020: value})
    assert out.loc[2020, "status"] == expected


@pytest.mark.parametrize("op", [">=", "<=", "=="])
def test_binary_rounding_noise_counts_as_at_the_limit(op):
    # 0.1 + 0.2 is 0.30000000000000004 in binary; a decimal record of 0.3 is at a 0.3 limit.
    assert judge(target(op=op, value=0.3), {2020: 0.1 + 0.2}).loc[2020, "status"] == "met"
    assert judge(target(op=op, value=0.3), {2020: float(np.nextafter(0.3, 0))}).loc[2020, "status"] == "met"


def test_truth_table_across_the_deadline():
    t = target(deadline=2018)
    out = judge(t, {2016: 0.90, 2017: 0.96, 2018: 0.90, 2019: None, 2020: 0.95})
    assert list(out["status"]) == ["pending", "met", "not met", "not assessable", "met"]
    assert out["passed"].tolist() == [pd.NA, True, False, pd.NA, True]


def test_no_deadline_means_a_failure_is_not_met_at_once():
    out = judge(target(), {2016: 0.5})
    assert out.loc[2016, "status"] == "not met"


def test_years_before_start_have_no_row():
    out = judge(target(start=2021), {2019: 0.99, 2020: 0.99, 2021: 0.99})
    assert list(out.index) == [2021]


def test_approximate_targets_are_judged_as_at_least_and_flagged():
    out = judge(target(value=0.10, approximate=True), {2018: 0.10, 2019: 0.099})
    assert list(out["status"]) == ["met", "not met"]
    assert out["approximate"].all()


def test_jurisdiction_scope_is_judged_once_a_year_under_the_jurisdiction_id():
    t = target(scope="jurisdiction")
    places = pd.DataFrame({"year": [2020, 2020], "county": ["甲县", "乙县"]})
    obs = read_metrics(pd.DataFrame({"year": [2020], "county": ["jur"], "metric": ["m"], "value": [0.97]}))
    out = T.rows([t], obs, places, "jur")
    assert out[["county", "status"]].values.tolist() == [["jur", "met"]]


def test_level_targets_match_only_observations_of_their_level():
    t = target(op="<=", value=45, level="primary")
    places = pd.DataFrame({"year": [2020], "county": ["甲县"]})
    obs = read_metrics(pd.DataFrame({"year": [2020, 2020], "county": ["甲县", "甲县"], "metric": ["m", "m"],
                                     "level": ["小学", "初中"], "value": [45, 50]}))
    out = T.rows([t], obs, places, "jur")
    assert out[["level", "value", "status"]].values.tolist() == [["primary", 45.0, "met"]]


PLAIN = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


@settings(max_examples=200, deadline=None)
@given(v=st.floats(0, 1), required=st.floats(0, 1), op=st.sampled_from(list(PLAIN)),
       year=st.integers(2010, 2030), deadline=st.one_of(st.none(), st.integers(2010, 2030)))
def test_met_iff_the_comparison_holds_and_pending_only_before_the_deadline(v, required, op, year, deadline):
    assume(v == required or abs(v - required) > 1e-12 * abs(required))  # outside rounding noise
    out = judge(target(op=op, value=required, deadline=deadline), {year: v})
    status = out.loc[year, "status"]
    holds = PLAIN[op](v, required)
    assert (status == "met") == holds
    assert (status == "pending") == (not holds and deadline is not None and year < deadline)


@settings(max_examples=100, deadline=None)
@given(required=st.floats(0.01, 0.99), deadline=st.integers(2015, 2025))
def test_moving_an_observation_across_the_boundary_flips_exactly_one_verdict(required, deadline):
    below, at = required * (1 - 1e-9), required
    t = target(value=required, deadline=deadline)
    a = judge(t, {deadline: below, deadline + 1: at})
    b = judge(t, {deadline: at, deadline + 1: at})
    assert (a["status"] != b["status"]).sum() == 1


# -- the metrics boundary ------------------------------------------------------------------------

KNOWN = {"share": Metric("share", "比例", "Share", "share"), "flag": Metric("flag", "是否", "Flag", "yes/no")}


def test_a_share_given_as_a_percentage_is_an_input_error_naming_the_row():
    df = pd.DataFrame({"year": [2020, 2020], "county": ["甲县", "乙县"], "metric": ["share", "share"],
                       "value": [0.965, 96.5]})
    with pytest.raises(ee.InputError) as info:
        read_metrics(df, KNOWN)
    [p] = info.value.problems
    assert (p.row, p.column, p.value) == (1, "value", 96.5)
    assert "0.965, not 96.5" in p.expected


def test_metrics_problems_are_all_reported_together():
    df = pd.DataFrame({"year": ["2020", "x"], "county": ["", "乙县"], "metric": ["flag", "flag"],
                       "value": ["2", "1"], "colour": ["", ""]})
    with pytest.raises(ee.InputError) as info:
        read_metrics(df, KNOWN)
    assert [(p.column) for p in info.value.problems] == ["colour"]  # structure first: unknown column
    df = df.drop(columns="colour")
    with pytest.raises(ee.InputError) as info:
        read_metrics(df, KNOWN)
    got = {(p.row, p.column) for p in info.value.problems}
    assert got == {(1, "year"), (0, "county"), (0, "value")}


def test_duplicate_observations_are_rejected():
    df = pd.DataFrame({"year": [2020, 2020], "county": ["甲县", "甲县"], "metric": ["m", "m"], "value": [1, 2]})
    with pytest.raises(ee.InputError, match="one observation per"):
        read_metrics(df)


def test_metrics_with_chinese_headers_and_yes_no_words_read_as_the_english_ones(tmp_path):
    zh = pd.DataFrame({"年份": [2020, 2020, 2020], "县（市、区）": ["甲县", "甲县", "乙县"], "学段": ["小学", "", ""],
                       "指标": ["share", "flag", "flag"], "值": ["0.9", "是", "否"]})
    got = read_metrics(zh, KNOWN)
    assert list(got["value"]) == [0.9, 1.0, 0.0] and list(got["level"].fillna("-")) == ["primary", "-", "-"]
    en = read_metrics(zh.set_axis(["year", "county", "level", "metric", "value"], axis=1).assign(
        value=[0.9, 1, 0]), KNOWN)
    pd.testing.assert_frame_equal(got, en)
    zh.to_csv(tmp_path / "m.csv", index=False)
    pd.testing.assert_frame_equal(read_metrics(tmp_path / "m.csv", KNOWN), got)
    zh.to_excel(tmp_path / "m.xlsx", index=False, sheet_name="指标")
    pd.testing.assert_frame_equal(read_metrics(tmp_path / "m.xlsx", KNOWN), got)


def test_a_template_hint_row_is_skipped_and_the_other_rows_keep_their_numbers():
    df = pd.DataFrame({"年份": [None, None, 2020], "县（市、区）": [None, "", "甲县"], "指标": ["flag", "share", "share"],
                       "值": [None, None, 96.5]})
    with pytest.raises(ee.InputError) as info:
        read_metrics(df, KNOWN)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(2, "value", 96.5)]
    assert read_metrics(df.iloc[:2], KNOWN).empty
    half = df.assign(年份=[2020, None, 2020], 值=[None, None, 0.5])  # a year given: filled in, so incomplete
    with pytest.raises(ee.InputError) as info:
        read_metrics(half, KNOWN)
    assert {(p.row, p.column) for p in info.value.problems} == {(0, "value"), (0, "county")}


def test_yes_no_words_are_only_read_for_yes_no_metrics():
    df = pd.DataFrame({"year": [2020], "county": ["甲县"], "metric": ["share"], "value": ["是"]})
    with pytest.raises(ee.InputError) as info:
        read_metrics(df, KNOWN)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(0, "value", "是")]


def test_a_metric_column_given_in_english_and_in_chinese_is_an_error():
    df = pd.DataFrame({"year": [2020], "年份": [2020], "county": ["甲县"], "metric": ["share"], "value": [0.5]})
    with pytest.raises(ee.InputError, match="not both"):
        read_metrics(df, KNOWN)


def test_a_misspelt_metric_key_is_an_error_naming_the_closest_and_another_standards_key_is_kept():
    std = ee.registry().standard("cn.basic-balance-2012")
    df = pd.DataFrame({"year": [2020, 2020, 2020], "county": ["东区", "东区", "东区"],
                       "metric": ["public_satisfactoin", "public_satisfaction", "largest_class_size"],
                       "value": [0.9, 0.9, 40]})
    with pytest.raises(ee.InputError) as info:
        ee.evaluate(None, std, metrics=df)
    [p] = info.value.problems
    assert (p.row, p.column, p.value) == (0, "metric", "public_satisfactoin")
    assert "did you mean 'public_satisfaction'" in p.expected
    # largest_class_size is cn.quality-balance-2017's: kept for it, not an error here
    ev = ee.evaluate(None, std, metrics=df.iloc[1:])
    assert "public_satisfaction" in set(ev.targets["metric"])


def test_a_county_gets_one_reason_naming_every_unobserved_and_every_pending_target():
    import attrs

    std = ee.registry().standard("cn.basic-balance-2012")
    failing, later, *rest = std.targets
    later = attrs.evolve(later, deadline=2020)  # observed and failing in 2016: pending
    std = attrs.evolve(std, targets=(failing, later, *rest))
    frame = pd.DataFrame({"year": 2016, "county": ["东区", "东区", "西区"], "school_id": ["a", "b", "c"],
                          "level": "primary", "students": [400, 300, 200],
                          **{c: [1000.0, 800.0, 500.0] for c in std.needed_columns}})
    metrics = pd.DataFrame({"year": 2016, "county": "东区", "metric": [failing.metric, later.metric],
                            "value": [0.0, 0.0]})
    reasons = ee.evaluate(frame, std, metrics=metrics).verdicts.set_index("county")["reasons"]
    east, west = reasons["东区"].split("; "), reasons["西区"].split("; ")
    assert [r for r in east if r.startswith(failing.id + ": ")] == [
        f"{failing.id}: {failing.metric} = 0, required {failing.op} {failing.value:g}"]
    short = {t.id: t.id.removeprefix(std.id + ".") for t in std.targets}
    assert f"未到期 pending ({std.id}): {short[later.id]}" in east
    # named in id order, as ev.targets lists them
    assert f"无观测值 no observation ({std.id}): " + ", ".join(sorted(short[t.id] for t in rest)) in east
    assert f"无观测值 no observation ({std.id}): " + ", ".join(sorted(short.values())) in west
    assert sum("无观测值" in r for r in west) == 1 and not any("未到期" in r for r in west)
    # and the metrics to supply, by the key a metrics file uses and its Chinese name
    supply = [r for r in east if r.startswith("需补充指标 supply metrics: ")]
    assert supply == ["需补充指标 supply metrics: " + ", ".join(sorted(f"{t.metric}（{std.metric_map[t.metric].zh}）"
                                                               for t in rest))]
