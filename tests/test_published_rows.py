"""Golden checks against county rows published in provincial national-format tables.

Source: "表2 …义务教育学校校际差异系数表" of Anhui (合肥市 2 districts), Chongqing
(3 districts) and Jilin (长春市 3 districts), public third-party copies (V3).
Each row gives, per level, the county means (全县平均值) and the 8 single CVs and
the composite (综合) printed to three decimals.

For each row we build a county of two schools (300 and 700 students) whose
per-student values reproduce the published county mean and CV of every
indicator exactly, then check that the engine (a) recovers every published mean
and CV, and (b) reports a composite within 0.001 of the published one — the
composite is the plain mean of the 8 CVs, and the printed CVs are rounded, so
0.001 is the most two honest roundings can differ. The verdict then follows the
0.65 / 0.55 limits.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import eduequity as ee

COLUMNS = ["teaching_area", "sports_area", "equipment_value", "computers", "books", "teachers",
           "teachers_above_degree", "teachers_mid_senior_title"]
# (province, county, level, 8 county means, 8 CVs, composite) as printed.
ROWS = [
    ("安徽", "庐阳区", "primary", [3.042, 4.424, 1295.915, 8.296, 22.007, 0.049, 0.047, 0.030],
     [0.881, 1.299, 0.977, 0.379, 0.170, 0.334, 0.286, 0.408], 0.592),
    ("安徽", "庐阳区", "junior", [5.099, 5.831, 1393.56, 8.109, 30.609, 0.065, 0.057, 0.043],
     [0.353, 0.784, 0.146, 0.491, 0.037, 0.226, 0.223, 0.253], 0.314),
    ("安徽", "蜀山区", "primary", [3.733, 4.317, 1243.104, 12.263, 20.59, 0.044, 0.042, 0.026],
     [0.711, 0.649, 0.472, 0.338, 0.235, 0.274, 0.260, 0.396], 0.417),
    ("安徽", "蜀山区", "junior", [4.912, 7.202, 1780.346, 13.595, 28.506, 0.073, 0.066, 0.046],
     [0.505, 0.484, 0.325, 0.275, 0.199, 0.715, 0.421, 1.021], 0.493),
    ("重庆", "万州区", "primary", [3.55, 6.70, 1229, 11.15, 14.75, 0.054, 0.051, 0.037],
     [0.437, 0.419, 0.255, 0.188, 0.171, 0.263, 0.263, 0.420], 0.302),
    ("重庆", "黔江区", "primary", [5.33, 6.01, 1254, 9.63, 17.83, 0.059, 0.053, 0.023],
     [0.633, 0.891, 0.435, 0.328, 0.351, 0.391, 0.379, 0.541], 0.494),
    ("重庆", "永川区", "primary", [3.49, 5.56, 961, 6.93, 14.69, 0.047, 0.046, 0.019],
     [0.696, 0.916, 0.819, 0.580, 0.450, 0.286, 0.285, 0.470], 0.562),
    ("吉林", "南关区", "primary", [4.84, 7.05, 3415, 20.34, 33.12, 0.076, 0.075, 0.052],
     [0.393, 0.578, 0.372, 0.246, 0.208, 0.311, 0.311, 0.455], 0.359),
    ("吉林", "南关区", "junior", [6.50, 10.88, 4713, 24.68, 41.77, 0.116, 0.112, 0.081],
     [0.433, 0.464, 0.334, 0.318, 0.433, 0.362, 0.368, 0.335], 0.381),
    ("吉林", "宽城区", "junior", [4.44, 10.29, 4569, 15.50, 48.23, 0.115, 0.110, 0.072],
     [0.285, 0.373, 0.243, 0.333, 0.224, 0.391, 0.355, 0.569], 0.347),
    ("吉林", "朝阳区", "primary", [3.71, 7.55, 2439, 14.24, 30.31, 0.073, 0.071, 0.059],
     [0.380, 0.605, 0.352, 0.362, 0.101, 0.301, 0.295, 0.415], 0.351),
]
STUDENTS = (300, 700)


def two_schools(mean: float, cv: float) -> tuple[float, float]:
    """Per-student values of two schools (weights 0.3, 0.7) with this weighted mean and CV."""
    w = STUDENTS[0] / sum(STUDENTS)
    s = math.sqrt(w * (1 - w))
    a = (s + cv * (1 - w)) / (s - cv * w)  # with b = 1; needs cv < sqrt((1-w)/w) ≈ 1.53
    scale = mean / (w * a + (1 - w))
    return a * scale, scale


def county_frame(row) -> pd.DataFrame:
    province, county, level, means, cvs, _ = row
    recs = []
    for i, p in enumerate(STUDENTS):
        rec = {"year": 2013, "county": f"{province}{county}", "school_id": f"{county}{level}{i}", "level": level,
               "students": p}
        for col, m, c in zip(COLUMNS, means, cvs, strict=True):
            x = two_schools(m, c)[i]
            rec[col] = x * p / (100 if col == "computers" else 1)  # computers are per 100 students
        recs.append(rec)
    return pd.DataFrame(recs)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r[0]}{r[1]}-{r[2]}" for r in ROWS])
def test_published_row(row):
    _, _, level, means, cvs, composite = row
    ev = ee.evaluate(county_frame(row), "cn.basic-balance-2012")
    ind = ev.indicators.set_index("indicator").loc[COLUMNS]
    np.testing.assert_allclose(ind["mean"].to_numpy(), means, rtol=1e-9)
    np.testing.assert_allclose(ind["cv"].to_numpy(), cvs, rtol=1e-9)
    judged = ev.counties[ev.counties["level"] == level]
    [got] = judged["composite_cv"].to_numpy()
    assert abs(got - composite) <= 0.001
    assert got == pytest.approx(np.mean(cvs), abs=1e-12)
    limit = 0.65 if level == "primary" else 0.55
    assert judged["passed"].tolist() == [got <= limit]
    # The table holds one level only: the other is not assessable, and so is the county (no silent pass).
    other = ev.counties[ev.counties["level"] != level]
    assert other["status"].tolist() == ["not assessable"] and other["schools"].tolist() == [0]
    assert ev.verdicts["status"].tolist() == ["not met" if got > limit else "not assessable"]


def test_an_unweighted_cv_would_not_reproduce_the_published_row():
    """The most common spreadsheet error: ignoring enrollment. It misses the printed CV."""
    row = ROWS[0]
    frame = county_frame(row)
    x = frame["sports_area"] / frame["students"]
    unweighted = x.std(ddof=0) / x.mean()
    assert abs(unweighted - row[4][1]) > 0.1  # published 1.299
