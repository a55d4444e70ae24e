"""The demo: SYNTHETIC example data with real county names, and the reports it produces.

Nothing here is real data. County names are real; every number is drawn from a
seeded generator with magnitudes like those of published provincial tables
(shared reference §4); some counties are made uneven on purpose so verdicts
fail; a teaching point, a private school and a nine-year school show the
exclusion and splitting rules; metric observations are drawn around each
target's required value. ``examples/make_example.py`` writes the same data to
CSV files; ``eduequity demo`` evaluates it and writes the reports.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .core.columns import LEVEL_ZH

PANZHIHUA = {"东区": 0.15, "西区": 0.25, "仁和区": 0.30, "米易县": 0.45, "盐边县": 0.75}  # spread of resources
# Per-student county means (primary, junior), like the published tables.
MEANS = {
    "teaching_area": (4.8, 6.5), "sports_area": (7.9, 10.9), "equipment_value": (2600.0, 3400.0),
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
    "students_primary": "小学在校生数", "students_junior": "初中在校生数",
}
PEOPLE = ("teachers", "teachers_above_degree", "teachers_mid_senior_title", "backbone_teachers", "pe_art_teachers")
WHOLE = ("computers", "books", "multimedia_classrooms")


def schools(counties: dict[str, float], years: range, *, seed: int, per_level=(8, 4), code: str = "51") -> pd.DataFrame:
    """Sections of fixed schools over the years; each county's spread sets how uneven it is.

    The columns are the canonical ones, in canonical units (m², yuan, counts), so that
    ``ee.read_schools`` reads the frame as it is. ``in_bureau_units`` gives the same
    data as bureau tables write it (亩, 万元, Chinese headers with their units).
    """
    rng = np.random.default_rng(seed)
    parts = []
    for c_i, (county, spread) in enumerate(counties.items()):
        for level_i, (level, zh) in enumerate(LEVEL_ZH.items()):
            n = per_level[level_i]
            advantage = rng.lognormal(0, spread, size=n)
            size = rng.integers(120, 1800, size=n)
            for year in years:
                students = np.maximum(40, (size * rng.uniform(0.95, 1.05, n)).round()).astype(int)
                df = pd.DataFrame({
                    "year": year, "county": county,
                    "school_id": [f"{code}{c_i:02d}{level_i}{s:02d}" for s in range(n)],
                    "school_name": [f"{county}第{s + 1}{zh}" for s in range(n)],
                    "level": zh, "school_type": "小学" if level == "primary" else "初级中学", "ownership": "公办",
                    "students": students,
                })
                for col, means in MEANS.items():
                    total = means[level_i] * advantage * rng.uniform(0.97, 1.03, n) * students
                    df[col] = total.round() if col in PEOPLE or col in WHOLE else total.round(1)
                parts.append(df)
    return pd.concat(parts, ignore_index=True)


#: The columns bureau tables write in other units than the canonical ones: (canonical units in one
#: bureau unit, decimals kept). The unit is in the header (``HEADERS``), so read_schools converts back.
BUREAU_UNITS = {"sports_area": (10000 / 15, 3), "equipment_value": (10000, 4)}  # m² in a 亩, yuan in a 万元


def in_bureau_units(df: pd.DataFrame) -> pd.DataFrame:
    """A frame of ``schools`` with sports area in 亩 and equipment in 万元, as bureau tables give them
    (the headers of ``HEADERS`` name those units)."""
    return df.assign(**{c: (df[c] / per).round(d) for c, (per, d) in BUREAU_UNITS.items() if c in df})


def panzhihua_schools(seed: int = 2015) -> pd.DataFrame:
    """Panzhihua 2013–2020, with a teaching point, a private school, a nine-year school and a blank cell."""
    df = in_bureau_units(schools(PANZHIHUA, range(2013, 2021), seed=seed, code="5104"))
    first = df[(df["county"] == "东区") & (df["year"] == 2016)].iloc[[0, 1]].copy()
    first["school_id"] = ["5104099901", "5104099902"]
    first["school_name"] = ["东区某村教学点", "东区某民办小学"]
    first["school_type"] = ["教学点", "小学"]
    first["ownership"] = ["公办", "民办"]
    first["students"] = [35, 600]
    nine = {"year": 2016, "county": "米易县", "school_id": "5104039901", "school_name": "米易县某九年一贯制学校",
            "school_type": "九年一贯制学校", "ownership": "公办", "students_primary": 420, "students_junior": 310,
            "teaching_area": 3900.0, "sports_area": 9.9, "equipment_value": 210.0, "computers": 110, "books": 25000,
            "multimedia_classrooms": 19}
    for col in PEOPLE:
        nine[f"{col}_primary"] = round(420 * MEANS[col][0])
        nine[f"{col}_junior"] = round(310 * MEANS[col][1])
    df = pd.concat([df, first, pd.DataFrame([nine])], ignore_index=True)
    blank = df.index[(df["county"] == "西区") & (df["year"] == 2016)][0]
    df["books"] = df["books"].astype(float)
    df.loc[blank, "books"] = np.nan  # that county-level is "not assessable", naming the school
    return df.rename(columns=HEADERS)


def jilin_schools(seed: int = 2011, registry=None) -> pd.DataFrame:
    """Every Jilin county 2013–2017, spreads drawn so that some counties fail."""
    import eduequity as ee

    reg = registry or ee.registry()
    names = list(dict.fromkeys(c.name for c in reg.counties("jilin").values()))
    rng = np.random.default_rng(seed)
    spreads = dict(zip(names, rng.uniform(0.1, 0.8, len(names)).round(2), strict=True))
    return in_bureau_units(schools(spreads, range(2013, 2018), seed=seed, per_level=(6, 3), code="22")).rename(
        columns=HEADERS)


def recognitions_jilin(registry=None) -> pd.DataFrame:
    """A synthetic history: 12 recognised by 2015 (milestone met), 26 by 2017 (missed)."""
    import eduequity as ee

    reg = registry or ee.registry()
    names = list(dict.fromkeys(c.name for c in reg.counties("jilin").values()))
    years = [2013] * 4 + [2014] * 4 + [2015] * 4 + [2016] * 7 + [2017] * 7
    return pd.DataFrame({"county": names[: len(years)], "year": years, "kind": "basic-balance"})


def recognitions_panzhihua() -> pd.DataFrame:
    return pd.DataFrame({"county": ["东区", "西区", "仁和区", "米易县", "盐边县"],
                         "year": [2013, 2014, 2014, 2015, 2016], "kind": "basic-balance"})


def metrics_for(standard, places: list[str], years: range, *, seed: int) -> pd.DataFrame:
    """Observations drawn around each target's required value: most met, some not, some missing."""
    rng = np.random.default_rng(seed)
    rows = []
    kinds = {m.key: m.kind for m in standard.metrics}
    for t in standard.targets:
        where = [standard.jurisdiction] if t.scope == "jurisdiction" else places
        for place in where:
            for year in years:
                if rng.random() < 0.1:
                    continue  # not reported that year
                good = rng.random() < 0.75
                v = t.value
                step = 0.05 * (abs(v) if v else 1.0)
                if t.op in (">=", ">"):
                    v = v + step * rng.random() if good else v - step * (0.2 + rng.random())
                elif t.op in ("<=", "<"):
                    v = v - step * rng.random() if good else v + step * (0.2 + rng.random())
                    if t.op == "<" and good:
                        v -= step * 0.1
                elif kinds.get(t.metric) == "yes/no":
                    v = v if good else 1 - v
                if kinds.get(t.metric) == "share":
                    v = float(np.clip(v, 0.0, 1.0))
                elif kinds.get(t.metric) in ("count", "year"):
                    v = float(np.round(v))
                rows.append({"year": year, "county": place, "level": t.level, "metric": t.metric, "value": v})
    df = pd.DataFrame(rows, columns=["year", "county", "level", "metric", "value"])
    return df.drop_duplicates(["year", "county", "level", "metric"]).reset_index(drop=True)


def run(out: Path) -> list[Path]:
    """Evaluate the example data with every standard of cn, Jilin and Panzhihua; write the reports."""
    from rich.console import Console

    import eduequity as ee
    console = Console()
    reg = ee.registry()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(obj, fmt: str, name: str) -> None:
        if fmt not in reg.report_formats:
            return
        data = ee.render(obj, fmt)
        path = out / name
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
        written.append(path)

    datasets = {"panzhihua": (panzhihua_schools(), recognitions_panzhihua(), range(2013, 2021))}
    if reg.counties("jilin"):
        datasets["jilin"] = (jilin_schools(registry=reg), recognitions_jilin(reg), range(2013, 2018))
    summary = []
    for place, (raw, rec, years) in datasets.items():
        frame = ee.read_schools(raw)
        places = sorted(frame["county"].astype(str).unique())
        for std in sorted(reg.standards.values(), key=lambda s: s.id):
            if std.jurisdiction not in ("cn", place) and not _under(reg, std.jurisdiction, place):
                continue
            needs_frame = bool(std.needed_columns)
            composite = std.composite is not None
            metrics = metrics_for(std, places, years, seed=len(std.id))
            ev = ee.evaluate(frame if needs_frame else None, std, metrics=metrics, recognitions=rec, registry=reg)
            stem = f"{place}-{std.id}"
            for fmt, ext in (("markdown", "md"), ("xlsx", "xlsx"), ("html", "html")):
                write(ev, fmt, f"{stem}.{ext}")
            for fmt in reg.report_formats:
                if fmt.startswith(f"{place}.") and reg.report_formats[fmt].subject == "evaluation" and (
                        composite or "cv-table" not in fmt):
                    write(ev, fmt, f"{stem}.{fmt.split('.', 1)[1]}")
            _remedy_and_explain(ee, ev, stem, write)
            counts = ev.verdicts["status"].value_counts()
            summary.append([place, std.id, len(ev.verdicts)] + [int(counts.get(s, 0)) for s in
                                                                 ("met", "not met", "pending", "not assessable")])
        for sid, sched in sorted(reg.schedules.items()):
            if _under(reg, sched.jurisdiction, place) and sched.recognition in set(rec["kind"]):
                result = ee.track(sched, rec, registry=reg)
                for fmt in reg.report_formats:
                    if fmt.startswith(f"{place}.") and reg.report_formats[fmt].subject == "track":
                        write(result, fmt, f"{sid}.{fmt.split('.', 1)[1]}")
                write(result, "html", f"{sid}.html")
    _print_summary(console, summary, f"wrote {len(written)} reports to {out}/")
    return written


def _print_summary(console, summary: list[list], last: str) -> None:
    """The demo's statuses per data set and standard, as a table on the terminal."""
    from rich.table import Table

    table = Table(title="eduequity demo — SYNTHETIC data, real standards")
    for c in ("data", "standard", "county-years", "met", "not met", "pending", "not assessable"):
        table.add_column(c)
    for row in summary:
        table.add_row(*[str(v) for v in row])
    console.print(table)
    console.print(last)


def _remedy_and_explain(ee, ev, stem: str, write) -> None:
    """What the failing counties must add (缺什么、补什么), and why the first of them failed:
    for standards with rules on school resources."""
    if not any(c.RESOURCE for c in ev.standard.criteria):
        return
    plan = ee.remedy(ev)
    write(plan, "markdown", f"{stem}-remedy.md")
    write(plan, "html", f"{stem}-remedy.html")
    failing = ev.verdicts[ev.verdicts["status"] == "not met"]
    if len(failing):
        first = failing.iloc[0]
        ex = ee.explain(ev, county=str(first["county"]), year=int(first["year"]))
        write(ex, "markdown", f"{stem}-explain-{first['county']}-{int(first['year'])}.md")


def _under(reg, jurisdiction: str, place: str) -> bool:
    """Is ``place`` the jurisdiction or below it?"""
    node = reg.jurisdictions.get(place)
    while node is not None:
        if node.id == jurisdiction:
            return True
        node = reg.jurisdictions.get(node.parent) if node.parent else None
    return False
