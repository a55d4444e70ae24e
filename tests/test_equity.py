"""``ee.equity`` and ``ee.sensitivity``: hand-computed values, properties, the bootstrap, flips.

The hand values are worked out in the comments from the published definitions
(docs/equity.md), not from the code; the properties compare with independent
formulas (the pairwise Gini) or with eduequity's own CVs where the identity is
exact (GE(2) = CV²/2).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eduequity as ee
from conftest import BASIC, BASIC_INDICATORS, GOOD, QUALITY, frame, section
from eduequity.core.equity import MEASURES
from eduequity.testing import strategies as ees

SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def value(eq: pd.DataFrame, measure: str, indicator: str = "teaching_area", **where) -> float:
    rows = eq[(eq["measure"] == measure) & (eq["indicator"] == indicator)]
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, (measure, indicator, where, len(rows))
    return float(rows["value"].iloc[0])


def four_schools() -> pd.DataFrame:
    # teaching area per student 2, 4, 4, 6 with 100, 100, 200, 100 students (weights .2 .2 .4 .2);
    # every other resource equal per student (GOOD), so only teaching_area is unequal.
    rows = [section("A", 100, per_student={"teaching_area": 2.0}), section("B", 100, per_student={"teaching_area": 4.0}),
            section("C", 200, per_student={"teaching_area": 4.0}), section("D", 100, per_student={"teaching_area": 6.0})]
    return frame(rows)


def test_the_battery_by_hand():
    eq = ee.equity(four_schools())
    # mean 4; r = x / 4 = .5, 1, 1, 1.5; variance .2·4 + .2·4 = 1.6
    assert value(eq, "range") == 4.0  # 6 − 2
    # cumulative shares .2, .4, .8, 1: P5 is the first to reach .05 (2), P95 the first to reach .95 (6)
    assert value(eq, "restricted_range") == 4.0
    assert value(eq, "federal_range_ratio") == pytest.approx(2.0, rel=1e-12)  # (6 − 2) / 2
    # median 4 (the first share ≥ .5 is .8); at or below it: (200 + 400 + 800) / (4 · 400) = 0.875
    assert value(eq, "mcloone") == pytest.approx(0.875, rel=1e-12)
    # at or above it: (400 + 800 + 600) / (4 · 400) = 1.125
    assert value(eq, "verstegen") == pytest.approx(1.125, rel=1e-12)
    # pairwise Σ w_i w_j |x_i − x_j| over ordered pairs = 2 · (.08 + .16 + .16 + 0 + .08 + .16) = 1.28; / (2 · 4)
    assert value(eq, "gini") == pytest.approx(0.16, rel=1e-12)
    # Σ w r ln r = .2 · .5 ln .5 + .2 · 1.5 ln 1.5
    assert value(eq, "theil_t") == pytest.approx(0.1 * math.log(0.5) + 0.3 * math.log(1.5), rel=1e-12)
    # −Σ w ln r = −(.2 ln .5 + .2 ln 1.5)
    assert value(eq, "theil_l") == pytest.approx(-(0.2 * math.log(0.5) + 0.2 * math.log(1.5)), rel=1e-12)
    # ½ CV² = ½ · 1.6 / 16
    assert value(eq, "ge2") == pytest.approx(0.05, rel=1e-12)
    # 1 − (Σ w √r)² = 1 − (.2 √.5 + .6 + .2 √1.5)²
    assert value(eq, "atkinson") == pytest.approx(1 - (0.2 * math.sqrt(0.5) + 0.6 + 0.2 * math.sqrt(1.5)) ** 2,
                                                  rel=1e-12)
    # ε = 2: 1 − harmonic mean / mean; Σ w / r = .4 + .6 + .2/1.5 = 1.1333…
    eq2 = ee.equity(four_schools(), measures=["atkinson"], epsilon=2.0)
    assert value(eq2, "atkinson") == pytest.approx(1 - 1 / (0.4 + 0.6 + 0.2 / 1.5), rel=1e-12)
    # ε = 1: 1 − geometric mean / mean = 1 − exp(.2 ln .5 + .2 ln 1.5)
    eq1 = ee.equity(four_schools(), measures=["atkinson"], epsilon=1.0)
    assert value(eq1, "atkinson") == pytest.approx(1 - math.exp(0.2 * math.log(0.5) + 0.2 * math.log(1.5)),
                                                   rel=1e-12)


def test_the_frame_layout():
    eq = ee.equity(four_schools())
    assert list(eq.columns) == ["year", "county", "level", "indicator", "measure", "value"]
    assert len(eq) == len(BASIC_INDICATORS) * len(MEASURES)
    assert list(eq["measure"].iloc[:len(MEASURES)]) == list(MEASURES)
    assert list(eq["indicator"].unique()) == list(BASIC_INDICATORS)
    with pytest.raises(ValueError, match="unknown measures"):
        ee.equity(four_schools(), measures=["variance"])
    sub = ee.equity(four_schools(), measures=["gini", "ge2"])
    assert set(sub["measure"]) == {"gini", "ge2"}


def test_equal_schools_give_zero_inequality_and_ratios_of_one():
    eq = ee.equity(four_schools())
    others = eq[eq["indicator"] != "teaching_area"]  # every school equal per student
    ratios = others["measure"].isin(["mcloone", "verstegen"])
    assert (others.loc[ratios, "value"] == 1.0).all()
    assert (others.loc[~ratios, "value"] == 0.0).all()


def test_zeros_and_blanks():
    rows = [section("A", 100, per_student={"teaching_area": 0.0}), section("B", 100),
            section("C", 300, per_student={"teaching_area": 3.0})]
    eq = ee.equity(frame(rows), measures=["theil_t", "theil_l", "atkinson", "gini"])
    # a school with none: Theil L (log 0) is undefined, Theil T (0 · log 0 = 0) and Atkinson ε = .5 are not
    assert math.isnan(value(eq, "theil_l"))
    assert value(eq, "theil_t") > 0 and value(eq, "atkinson") > 0 and value(eq, "gini") > 0
    assert math.isnan(value(ee.equity(frame(rows), measures=["atkinson"], epsilon=1.0), "atkinson"))
    blank = frame([section("A", 100), section("B", 100, teaching_area=float("nan"))])
    got = ee.equity(blank)
    assert got.loc[got["indicator"] == "teaching_area", "value"].isna().all()


@SETTINGS
@given(ees.school_frames(max_years=2, max_counties=2, max_schools=6), st.sampled_from([BASIC, QUALITY]))
def test_ge2_is_half_the_squared_cv_of_the_evaluation(df, sid):
    ev = ee.evaluate(df, sid)
    eq = ee.equity(ev, measures=["ge2"])
    keys = ["year", "county", "level", "indicator"]
    ind = ev.indicators.astype({"county": str, "level": str, "indicator": str})
    both = eq.astype({"county": str, "level": str, "indicator": str}).merge(ind[keys + ["cv"]], on=keys)
    assert len(both) == len(eq) == len(ind)
    np.testing.assert_array_equal(both["value"].to_numpy(), both["cv"].to_numpy() ** 2 / 2)


@SETTINGS
@given(ees.school_frames(max_years=1, max_counties=2, max_schools=7, allow_equal_values=False))
def test_gini_equals_the_pairwise_mean_difference(df):
    eq = ee.equity(df, measures=["gini"])
    for (y, c, lv), part in df.groupby(["year", "county", "level"], observed=True):
        x = (part["teaching_area"] / part["students"]).to_numpy()
        w = (part["students"] / part["students"].sum()).to_numpy()
        mu = (w * x).sum()
        pairwise = (w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])).sum() / (2 * mu)
        got = value(eq, "gini", year=y, county=c, level=lv)
        assert got == pytest.approx(pairwise, rel=1e-9, abs=1e-12)


@SETTINGS
@given(ees.school_frames(max_years=1, max_counties=2, max_schools=6), st.sampled_from([0.1, 3.0, 1000.0]))
def test_scale_invariance(df, c):
    # every resource times c: the values per student times c; every measure but the two ranges is unchanged
    scaled = df.copy()
    for key in BASIC_INDICATORS:
        scaled[key] = scaled[key] * c
    a, b = ee.equity(df), ee.equity(scaled)
    ranges = a["measure"].isin(["range", "restricted_range"]).to_numpy()
    np.testing.assert_allclose(b["value"].to_numpy()[~ranges], a["value"].to_numpy()[~ranges], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b["value"].to_numpy()[ranges], c * a["value"].to_numpy()[ranges], rtol=1e-9,
                               atol=1e-12)


@SETTINGS
@given(ees.school_frames(max_years=1, max_counties=2, max_schools=8, descriptive=True))
def test_the_decomposition_adds_up(df):
    eq = ee.equity(df, by="urban_rural", measures=["ge2", "theil_t", "theil_l"])
    assert "group" in eq.columns
    if not len(eq):  # every school excluded by the standard's scope (private, special …)
        return
    whole = eq[eq["group"].isna()].set_index(["year", "county", "level", "indicator", "measure"])["value"]
    for m in ("ge2", "theil_t", "theil_l"):
        total = whole.xs(m, level="measure")
        parts = whole.xs(f"{m}_within", level="measure") + whole.xs(f"{m}_between", level="measure")
        ok = total.notna()
        np.testing.assert_allclose(parts[ok].to_numpy(), total[ok].to_numpy(), rtol=0, atol=1e-12)
    shares = eq[eq["measure"] == "pupil_share"].groupby(["year", "county", "level", "indicator"],
                                                        observed=True)["value"].sum()
    np.testing.assert_allclose(shares.to_numpy(), 1.0, atol=1e-12)


def test_the_decomposition_by_hand():
    # two urban schools at 2 and 4 (100 students each), two rural at 6 (100, 200): mean 4.8
    rows = [section("A", 100, per_student={"teaching_area": 2.0}), section("B", 100, per_student={"teaching_area": 4.0}),
            section("C", 100, per_student={"teaching_area": 6.0}), section("D", 200, per_student={"teaching_area": 6.0})]
    df = frame(rows).assign(urban_rural=["城区", "城区", "乡村", "乡村"])
    eq = ee.equity(df, by="urban_rural", measures=["ge2"])
    # between: part means 3 and 6 with shares .4 and .6 → r = 3/4.8, 6/4.8; ½ Σ v (r − 1)²
    between = 0.5 * (0.4 * (3 / 4.8 - 1) ** 2 + 0.6 * (6 / 4.8 - 1) ** 2)
    # within: the urban part's variance 1 (±1 around 3), GE2_h = 1 / (2·9); weight v r² = .4 · (3/4.8)²
    within = 0.4 * (3 / 4.8) ** 2 * (1 / 18)
    assert value(eq, "ge2_between") == pytest.approx(between, rel=1e-12)
    assert value(eq, "ge2_within") == pytest.approx(within, rel=1e-12)
    assert value(eq, "ge2", group="城区") == pytest.approx(1 / 18, rel=1e-12)
    assert value(eq, "ge2", group="乡村") == 0.0


# -- the bootstrap ------------------------------------------------------------------------------

def at_cv(target: float | None, n: int = 40, seed: int = 0, sigma: float = 1.0) -> pd.DataFrame:
    """``n`` schools whose enrollment-weighted CV is ``target`` in every indicator (deviations
    from the weighted mean rescaled to it), so the basic composite is ``target`` too; None:
    the lognormal draws as they are (CV about 1.3)."""
    rng = np.random.default_rng(seed)
    students = rng.integers(200, 1500, n)
    z = rng.lognormal(0, sigma, n)  # skewed right: deviations below the mean stay small enough to keep x > 0
    w = students / students.sum()
    mu = (w * z).sum()
    s = math.sqrt((w * (z - mu) ** 2).sum())
    shape = z / mu if target is None else 1 + (z - mu) / s * target  # weighted mean 1, weighted CV = target
    assert shape.min() > 0
    rows = [section(f"S{i:02d}", int(p), per_student={k: GOOD["primary"][k] * f for k in BASIC_INDICATORS})
            for i, (p, f) in enumerate(zip(students, shape))]
    return frame(rows)


def composite_row(eq: pd.DataFrame) -> pd.Series:
    rows = eq[(eq["indicator"] == "composite") & (eq["measure"] == "cv")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_bootstrap_is_seeded():
    df = at_cv(0.4)
    a = ee.equity(df, measures=["cv"], bootstrap=50, seed=7)
    b = ee.equity(df, measures=["cv"], bootstrap=50, seed=7)
    c = ee.equity(df, measures=["cv"], bootstrap=50, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["lower"].to_numpy(), c["lower"].to_numpy())
    assert list(a.columns) == ["year", "county", "level", "indicator", "measure", "value", "lower", "upper", "p_holds"]


def test_the_probability_of_passing():
    # basic balance: the primary composite must be ≤ 0.65
    at = composite_row(ee.equity(at_cv(0.65), measures=["cv"], bootstrap=400, seed=1))
    assert at["value"] == pytest.approx(0.65, rel=1e-9)
    assert abs(at["p_holds"] - 0.5) <= 0.15
    assert at["lower"] < 0.65 < at["upper"]
    far_below = composite_row(ee.equity(at_cv(0.25), measures=["cv"], bootstrap=400, seed=1))
    far_above = composite_row(ee.equity(at_cv(1.3, sigma=2.0), measures=["cv"], bootstrap=400, seed=1))
    assert far_below["p_holds"] >= 0.99 and far_above["p_holds"] <= 0.01


def test_the_bootstrap_agrees_with_a_plain_loop():
    from eduequity.core.equity import poisson_cvs, prepare

    p = prepare(at_cv(0.3, n=12))
    g = p.ctx.groups
    x = p.ctx.values["books"]
    got = poisson_cvs(g, [x], 5, seed=3)[0]
    rng = np.random.default_rng(3)
    for b in range(5):  # one resample at a time, the draws in the same order
        w = rng.poisson(1.0, len(x)) * g.students
        mu = (w * x).sum() / w.sum()
        assert got[b, 0] == pytest.approx(math.sqrt((w * (x - mu) ** 2).sum() / w.sum()) / mu, rel=1e-12)


# -- sensitivity --------------------------------------------------------------------------------

def outlier_county() -> pd.DataFrame:
    # ten schools equal to GOOD with small wiggles; one with five times the resources per student
    rows = [section(f"S{i}", 500, per_student={k: GOOD["primary"][k] * (1 + 0.02 * (i % 3)) for k in BASIC_INDICATORS})
            for i in range(10)]
    rows.append(section("BIG", 300, per_student={k: GOOD["primary"][k] * 6 for k in BASIC_INDICATORS}))
    return frame(rows)


def test_one_outlier_flips_the_verdict_and_is_the_only_school_listed():
    ev = ee.evaluate(outlier_county(), BASIC)
    assert ev.counties.set_index("level")["passed"]["primary"] == False  # noqa: E712 - a pandas boolean
    s = ee.sensitivity(ev)
    assert s["school_id"].tolist() == ["BIG"]
    row = s.iloc[0]
    assert (row["change"], row["status"], row["flips_to"]) == ("removed", "not met", "met")
    again = ee.evaluate(outlier_county().query("school_id != 'BIG'"), BASIC)
    assert row["value_after"] == pytest.approx(again.counties["composite_cv"].iloc[0], rel=1e-9)


def test_leaving_one_out_matches_evaluating_without_it():
    from eduequity.core.equity import prepare
    from eduequity.core.sensitivity import changed_cv

    df = at_cv(0.5, n=9, seed=5)
    p = prepare(df)
    ids = np.asarray(p.ctx.school_ids, dtype=object)
    for key in ("books", "teachers"):
        loo = changed_cv(p, key, None, 0.0)
        moved = changed_cv(p, key, key, 1.05)
        for i, school in enumerate(ids):
            ind = ee.evaluate(df[df["school_id"] != school], BASIC).indicators
            assert loo[i] == pytest.approx(float(ind.loc[ind["indicator"] == key, "cv"].iloc[0]), rel=1e-9)
            bumped = df.copy()
            bumped.loc[bumped["school_id"] == school, key] *= 1.05
            ind = ee.evaluate(bumped, BASIC).indicators
            assert moved[i] == pytest.approx(float(ind.loc[ind["indicator"] == key, "cv"].iloc[0]), rel=1e-9)


def test_a_stated_error_flips_what_re_evaluation_says_it_flips():
    df = at_cv(0.6505, n=30, seed=2)  # just over the limit: a 5% error in one school can flip it
    ev = ee.evaluate(df, BASIC)
    s = ee.sensitivity(ev, relative_error={"books": 0.05})
    moved = s[s["change"] != "removed"]
    assert len(moved) and set(moved["change"]) <= {"+5% books", "-5% books"}
    for _, row in moved.iterrows():
        f = 1.05 if row["change"].startswith("+") else 0.95
        bumped = df.copy()
        bumped.loc[bumped["school_id"] == row["school_id"], "books"] *= f
        c = ee.evaluate(bumped, BASIC).counties
        assert c.loc[c["level"] == "primary", "status"].astype(str).tolist() == [row["flips_to"]]


def test_a_failing_school_removed_lets_the_threshold_rule_pass():
    rows = [section(f"S{i}", 500) for i in range(5)]
    rows.append(section("POOR", 500, per_student={"teaching_area": 1.0, "sports_area": 2.0}))
    ev = ee.evaluate(frame(rows), QUALITY)
    s = ee.sensitivity(ev)
    rule = s[s["criterion"] == "cn.quality-balance-2017.school-thresholds"]
    assert rule["school_id"].tolist() == ["POOR"]
    assert rule.iloc[0]["flips_to"] == "met"
    with pytest.raises(ValueError, match="resource column"):
        ee.sensitivity(ev, relative_error={"students": 0.05})


def test_the_equity_frame_renders():
    import json

    eq = ee.equity(four_schools(), measures=["gini", "ge2"])
    md = ee.render(eq, "markdown")
    assert "Equity measures" in md and "gini" in md
    assert "<table" in ee.render(eq, "html")
    back = ee.converter.structure(json.loads(ee.render(eq, "json")), pd.DataFrame)
    np.testing.assert_array_equal(back["value"].to_numpy(), eq["value"].to_numpy())
    picked = eq[eq["measure"] == "gini"]  # a selection is still the equity frame
    assert "ge2" not in ee.render(picked, "markdown").split("measures:")[1].split("\n")[0]
    with pytest.raises(TypeError):
        ee.render(pd.DataFrame({"a": [1]}), "markdown")


def test_a_decomposition_with_a_bootstrap():
    df = at_cv(0.4, n=12).assign(urban_rural=["城区", "乡村"] * 6)
    eq = ee.equity(df, measures=["ge2"], by="urban_rural", bootstrap=20, seed=1)
    cv = eq[eq["measure"] == "cv"]
    assert cv["group"].isna().all() and cv["p_holds"].notna().any()
    assert cv["lower"].notna().all()  # each indicator's CV and the composite
    assert eq.loc[eq["measure"] != "cv", "lower"].isna().all()
    assert set(eq.loc[eq["group"].notna(), "group"]) == {"城区", "乡村"}


def test_pooled_across_counties_splits_into_within_and_between_counties():
    # county 东区: 2 and 4 (100 students each); 西区: 6 and 6 (100, 200) — the hand decomposition above
    rows = [section("A", 100, per_student={"teaching_area": 2.0}), section("B", 100, per_student={"teaching_area": 4.0}),
            section("C", 100, county="西区", per_student={"teaching_area": 6.0}),
            section("D", 200, county="西区", per_student={"teaching_area": 6.0})]
    eq = ee.equity(frame(rows), measures=["ge2"], by="county", pooled=True)
    assert set(eq["county"].astype(str)) == {"cn"}
    assert value(eq, "ge2_between") == pytest.approx(0.5 * (0.4 * (3 / 4.8 - 1) ** 2 + 0.6 * (6 / 4.8 - 1) ** 2),
                                                     rel=1e-12)
    assert value(eq, "ge2_within") == pytest.approx(0.4 * (3 / 4.8) ** 2 / 18, rel=1e-12)
    assert set(eq.loc[eq["group"].notna(), "group"]) == {"东区", "西区"}
