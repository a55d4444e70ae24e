"""Generate the bundled example: SYNTHETIC school statistics for Panzhihua's five counties.

Nothing here is real data. County names are real; every number is drawn from
a seeded generator with magnitudes like those in published provincial tables
(shared reference §4). Some counties are made uneven on purpose so that the
example shows failing verdicts; a teaching point, a private school and a
nine-year school (a whole-school row split by the national weights) show the
exclusion and splitting rules. Headers are Chinese with units, as a bureau's
spreadsheet would have them.

    python examples/make_example.py   # rewrites examples/panzhihua-schools-synthetic.csv
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).with_name("panzhihua-schools-synthetic.csv")
COUNTIES = {"东区": 0.15, "西区": 0.25, "仁和区": 0.30, "米易县": 0.45, "盐边县": 0.75}  # spread of resources
YEARS = (2015, 2016)
# Per-student county means (primary, junior), like the published tables.
MEANS = {
    "teaching_area": (4.8, 6.5), "sports_area": (7.0, 10.9), "equipment_value": (2600.0, 3400.0),
    "computers": (0.14, 0.18), "books": (30.0, 40.0), "teachers": (0.070, 0.100),
    "teachers_above_degree": (0.060, 0.085), "teachers_mid_senior_title": (0.045, 0.070),
    "backbone_teachers": (0.012, 0.013), "pe_art_teachers": (0.011, 0.011), "multimedia_classrooms": (0.026, 0.027),
}
HEADERS = {
    "year": "年份", "county": "县（市、区）", "school_id": "学校标识码", "school_name": "学校名称", "level": "学段",
    "school_type": "办学类型", "ownership": "办学性质", "students": "在校生数",
    "teaching_area": "教学及辅助用房面积 [㎡]", "sports_area": "体育运动场馆面积 [亩]",
    "equipment_value": "教学仪器设备值 [万元]", "computers": "计算机台数", "books": "图书册数",
    "teachers": "专任教师数", "teachers_above_degree": "高于规定学历教师数",
    "teachers_mid_senior_title": "中级及以上专业技术职务教师数", "backbone_teachers": "县级及以上骨干教师数",
    "pe_art_teachers": "体育、艺术（美术、音乐）专任教师数", "multimedia_classrooms": "网络多媒体教室数",
}
PEOPLE = ("teachers", "teachers_above_degree", "teachers_mid_senior_title", "backbone_teachers", "pe_art_teachers")


def build(seed: int = 2015) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c_i, (county, spread) in enumerate(COUNTIES.items()):
        for level_i, (level, zh, n) in enumerate((("primary", "小学", 8), ("junior", "初中", 4))):
            # Fixed schools across years, each with its own persistent advantage.
            advantage = rng.lognormal(0, spread, size=n)
            size = rng.integers(120, 1800, size=n)
            for year in YEARS:
                students = np.maximum(40, (size * rng.uniform(0.95, 1.05, n)).round()).astype(int)
                for s in range(n):
                    row = {"year": year, "county": county, "school_id": f"51040{c_i}{level_i}{s:02d}",
                           "school_name": f"{county}第{s + 1}{zh}", "level": zh,
                           "school_type": "小学" if level == "primary" else "初级中学", "ownership": "公办",
                           "students": students[s]}
                    for col, means in MEANS.items():
                        per = means[level_i] * advantage[s] * rng.uniform(0.97, 1.03)
                        total = per * students[s]
                        row[col] = round(total) if col in PEOPLE or col in ("computers", "books",
                                                                          "multimedia_classrooms") else total
                    rows.append(row)
    df = pd.DataFrame(rows)
    # Units of the headers: sports area in 亩, equipment value in 万元.
    df["sports_area"] = df["sports_area"] / (10000 / 15)
    df["equipment_value"] = df["equipment_value"] / 10000
    for col in ("teaching_area", "sports_area", "equipment_value"):
        df[col] = df[col].round(3)
    # A teaching point and a private school: excluded from basic balance, with reasons.
    extra = df.iloc[[0, 1]].copy()
    extra["school_id"] = ["5104099901", "5104099902"]
    extra["school_name"] = ["东区某村教学点", "东区某民办小学"]
    extra["school_type"] = ["教学点", "小学"]
    extra["ownership"] = ["公办", "民办"]
    extra["students"] = [35, 600]
    # A nine-year school reported as one whole-school row: physical resources are split
    # between its sections by the national weights (1 : 1.1), teachers are given per section.
    nine = {"year": 2016, "county": "米易县", "school_id": "5104039901", "school_name": "米易县某九年一贯制学校",
            "school_type": "九年一贯制学校", "ownership": "公办", "students_primary": 420, "students_junior": 310,
            "teaching_area": 3900.0, "sports_area": 9.9, "equipment_value": 210.0, "computers": 110, "books": 25000,
            "multimedia_classrooms": 19}
    for col in PEOPLE:
        nine[f"{col}_primary"] = round(420 * MEANS[col][0])
        nine[f"{col}_junior"] = round(310 * MEANS[col][1])
    df = pd.concat([df, extra, pd.DataFrame([nine])], ignore_index=True)
    # A blank cell: that county-level is "not assessable" for books, naming the school.
    df.loc[(df["county"] == "西区") & (df["year"] == 2016), "books"] = df.loc[
        (df["county"] == "西区") & (df["year"] == 2016), "books"].astype(float)
    df.loc[df.index[(df["county"] == "西区") & (df["year"] == 2016)][0], "books"] = np.nan
    return df.rename(columns=HEADERS).rename(columns={"students_primary": "小学在校生数", "students_junior": "初中在校生数"})


if __name__ == "__main__":
    build().to_csv(OUT, index=False, encoding="utf-8")
    print(f"wrote {OUT}")
