"""The testing kit itself: the strategies make what they promise, the conformance check passes a
good plugin and fails broken ones with a clear message, and the pytest plugin is wired up."""

from __future__ import annotations

import re
import textwrap
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import eduequity as ee
import eduequity.national
from eduequity.core.columns import RECOGNITION_KINDS as KINDS
from eduequity.criteria import Dispersion, PerLevel
from eduequity.read.canonical import ATTR, MARK
from eduequity.read.observations import read_metrics, read_recognitions
from eduequity.testing import (
    PROFILES,
    ConformanceError,
    check_plugin,
    conformance_failures,
    profile_name,
)
from eduequity.testing import strategies as ees

pytest_plugins = ["pytester"]

FAST = settings(max_examples=max(5, settings.default.max_examples // 2),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
class _Found(Exception):
    pass


def occurs(strategy, predicate, max_examples: int = 300):
    """The first example of ``strategy`` satisfying ``predicate`` (no shrinking: it is not a failure)."""
    @settings(max_examples=max_examples, phases=[Phase.generate], database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def search(x):
        if predicate(x):
            raise _Found(x)

    try:
        search()
    except _Found as found:
        return found.args[0]
    raise AssertionError(f"no example in {max_examples} satisfies the predicate")


def draw_once(strategy):
    return occurs(strategy, lambda x: True, max_examples=1)
GROUP = ["year", "county", "level"]
COUNTS = ("computers", "books", "multimedia_classrooms", "teachers", "teachers_above_degree",
          "teachers_mid_senior_title", "backbone_teachers", "pe_art_teachers")


# --------------------------------------------------------------------------- school_frames


@FAST
@given(frame=ees.school_frames(descriptive=True, allow_blanks=True))
def test_school_frames_are_canonical_frames(frame):
    assert frame.attrs[ATTR] == MARK
    again = ee.read_schools(frame)
    pd.testing.assert_frame_equal(again, frame, check_exact=True)
    assert not frame.duplicated(["year", "school_id", "level"]).any()
    assert frame["row"].tolist() == list(range(len(frame)))


@FAST
@given(raw=ees.school_frames(descriptive=True, allow_blanks=True, raw=True))
def test_raw_school_frames_are_plain_inputs_that_read_schools_accepts(raw):
    assert "row" not in raw and not raw.attrs
    assert raw["year"].dtype == np.int64 and raw["students"].dtype == np.int64
    assert set(raw["level"]) <= {"primary", "junior"}
    frame = ee.read_schools(raw)
    assert len(frame) == len(raw)


@FAST
@given(data=st.data())
def test_sizes_are_respected(data):
    lo_y, lo_c, lo_s = (data.draw(st.integers(1, 3), label=n) for n in ("min_years", "min_counties", "min_schools"))
    hi_y, hi_c, hi_s = (lo + data.draw(st.integers(0, 2), label=f"more {n}")
                        for lo, n in ((lo_y, "years"), (lo_c, "counties"), (lo_s, "schools")))
    levels = data.draw(st.sampled_from([1, 2]), label="min_levels")
    frame = data.draw(ees.school_frames(min_years=lo_y, max_years=hi_y, min_counties=lo_c, max_counties=hi_c,
                                        min_levels=levels, max_levels=2, min_schools=lo_s, max_schools=hi_s),
                      label="frame")
    years, counties = frame["year"].nunique(), frame["county"].nunique()
    assert lo_y <= years <= hi_y and lo_c <= counties <= hi_c
    assert levels <= frame["level"].nunique() <= 2
    sizes = frame.groupby(GROUP, observed=True).size()
    assert len(sizes) == years * counties * frame["level"].nunique()  # every combination is there
    assert sizes.between(lo_s, hi_s).all()


@FAST
@given(frame=ees.school_frames(max_years=3, max_counties=3, max_schools=8))
def test_magnitudes_are_realistic_and_counts_are_whole(frame):
    students = frame["students"].to_numpy()
    assert ((students >= 20) & (students <= 3000) & (students % 1 == 0)).all()
    for col in COUNTS:
        assert (frame[col].to_numpy() % 1 == 0).all(), col
    assert (frame["teachers"] >= 1).all()
    assert (frame["teachers_above_degree"] <= frame["teachers"]).all()
    assert (frame["teachers_mid_senior_title"] <= frame["teachers"]).all()
    for col in ("teaching_area", "sports_area", "equipment_value", "books", "teachers"):
        lo, hi = ees.BOUNDS[col]
        per = frame[col] / frame["students"]
        slack = 1.0 / frame["students"]  # rounding to whole units, and at least one teacher
        assert ((per >= lo - slack) & (per <= hi + slack)).all(), (col, per.min(), per.max())


@FAST
@given(frame=ees.school_frames(min_years=2, max_years=3, max_schools=4))
def test_school_ids_are_unique_per_year_and_level_and_stable_across_years(frame):
    assert not frame.duplicated(["year", "level", "school_id"]).any()
    ids = frame.groupby(["county", "level"], observed=True)["school_id"].agg(lambda s: set(s))
    first = frame.assign(school_id=frame["school_id"].astype(str)).groupby(
        ["year", "county", "level"], observed=True)["school_id"].min()
    assert first.groupby(level=["county", "level"], observed=True).nunique().eq(1).all()  # school 1 every year
    assert all(re.fullmatch(r"[0-9]{10}", i) for s in ids for i in s)


def _equal_groups(frame: pd.DataFrame) -> int:
    n = 0
    for _, part in frame.groupby(GROUP, observed=True):
        if len(part) > 1 and all(len({Fraction(r) / Fraction(s) for r, s in zip(part[c], part["students"],
                                                                               strict=True)}) == 1
                                 for c in ees.PER_STUDENT):
            n += 1
    return n


def test_edge_cases_occur():
    one = occurs(ees.school_frames(min_schools=1), lambda f: (f.groupby(GROUP, observed=True).size() == 1).any())
    assert (one.groupby(GROUP, observed=True).size() == 1).any()
    equal = occurs(ees.school_frames(min_schools=2), lambda f: _equal_groups(f) > 0)
    ev = ee.evaluate(equal, "cn.basic-balance-2012")
    assert (ev.indicators["cv"] == 0.0).any()
    blank = occurs(ees.school_frames(allow_blanks=True), lambda f: f[list(ees.PER_STUDENT)].isna().any().any())
    assert blank.filter(items=list(ees.PER_STUDENT)).isna().to_numpy().sum() <= 3
    excluded = occurs(ees.school_frames(descriptive=True),
                      lambda f: f["school_type"].isin(["teaching_point"]).any() and (f["ownership"] == "private").any())
    assert len(ee.evaluate(excluded, "cn.basic-balance-2012").excluded) >= 2
    uneven = occurs(ees.school_frames(max_schools=6),
                    lambda f: (ee.evaluate(f, "cn.basic-balance-2012").counties["passed"] == False).any(),  # noqa: E712
                    max_examples=100)
    assert len(uneven)


@FAST
@given(frame=ees.school_frames(allow_equal_values=False, allow_blanks=False))
def test_without_edge_cases_there_are_none(frame):
    assert not frame.isna().any().any()
    assert _equal_groups(frame) == 0


@FAST
@given(frame=ees.school_frames(resources=["books", "teachers"], min_blanks=2, max_blanks=2, max_schools=3))
def test_resources_and_blanks_are_as_asked(frame):
    assert [c for c in frame.columns if c in ees.PER_STUDENT] == ["books", "teachers"]
    assert int(frame[["books", "teachers"]].isna().to_numpy().sum()) == 2


def test_invalid_arguments_are_reported_when_drawing():
    with pytest.raises(InvalidArgument, match="strategy"):
        ees.school_frames(years=2020)
    with pytest.raises(InvalidArgument, match="max_schools"):
        ees.school_frames(min_schools=3, max_schools=2)
    with pytest.raises(InvalidArgument, match="unknown resource"):
        ees.school_frames(resources=["desks"])
    with pytest.raises(InvalidArgument, match="levels"):
        draw_once(ees.school_frames(levels=st.just("senior")))


# --------------------------------------------------------------------------- other strategies


@FAST
@given(raw=ees.whole_school_frames(raw=True))
def test_whole_school_frames_mix_whole_rows_and_sections_and_split_cleanly(raw):
    whole = raw["level"].isna()
    assert whole.any()
    assert raw.loc[whole, "school_type"].isin(ees.MIXED_SCHOOL_TYPES).all()
    assert raw.loc[whole, "students"].isna().all() and raw.loc[~whole, "students_junior"].isna().all()
    frame = ee.read_schools(raw)
    assert set(frame["row"]) == set(range(len(raw)))  # every input row gives at least one section
    for col in ("teaching_area", "books"):  # a mixed school's sections never get more than the whole
        split = frame[frame["row"].isin(np.flatnonzero(whole))].groupby("row")[col].sum()
        assert (split.to_numpy() <= raw.loc[split.index, col].to_numpy() * (1 + 1e-12)).all()


def test_whole_school_frames_include_a_new_school_with_one_section():
    raw = occurs(ees.whole_school_frames(raw=True, school_types=st.just("nine_year")),
                 lambda f: ((f["students_junior"] == 0) & f["level"].isna()).any())
    frame = ee.read_schools(raw)
    row = int(np.flatnonzero(((raw["students_junior"] == 0) & raw["level"].isna()).to_numpy())[0])
    assert frame.loc[frame["row"] == row, "level"].astype(str).tolist() == ["primary"]


@FAST
@given(data=st.data(), standard=st.sampled_from(["cn.basic-balance-2012", "cn.quality-balance-2017"]))
def test_metrics_frames_pass_read_metrics_with_unique_keys(data, standard):
    std = ee.registry().standards[standard]
    metrics = data.draw(ees.metrics_frames(standard, max_counties=2), label="metrics")
    checked = read_metrics(metrics, std.metric_map)
    assert len(checked) == len(metrics)
    assert not metrics.duplicated(["year", "county", "level", "metric"]).any()
    assert set(metrics["metric"]) <= set(std.metric_map)
    complete = data.draw(ees.metrics_frames(standard, min_counties=2, max_counties=2, min_years=1, max_years=1,
                                            allow_missing=False), label="complete")
    targeted = {t.metric for t in std.targets}
    county = {(t.metric, t.level) for t in std.targets if t.scope == "county"}
    county |= {(m.key, None) for m in std.metrics if m.key not in targeted}
    wide = {(t.metric, t.level) for t in std.targets if t.scope == "jurisdiction"}
    assert len(complete) == 2 * len(county) + len(wide)


def test_metrics_frames_put_values_at_the_targets():
    std = ee.registry().standards["cn.basic-balance-2012"]
    at = {t.metric: t.value for t in std.targets}
    hit = occurs(ees.metrics_frames(std), lambda m: any(m["value"] == m["metric"].map(at)))
    assert len(hit)


@FAST
@given(recog=ees.recognitions(min_size=1))
def test_recognitions_pass_read_recognitions_one_per_county_and_kind(recog):
    checked = read_recognitions(recog)
    assert len(checked) == len(recog)
    assert not recog.duplicated(["county", "kind"]).any()
    assert set(recog["kind"]) <= set(KINDS)
    known = recog["list_year"].notna()
    assert (recog.loc[known, "list_year"] == recog.loc[known, "year"] + 1).all()


@FAST
@given(data=st.data(), standard=st.sampled_from(["cn.basic-balance-2012", "cn.quality-balance-2017"]))
def test_overrides_are_accepted_by_override(data, standard):
    std = ee.registry().standards[standard]
    changes = data.draw(ees.overrides(std, min_size=1), label="changes")
    assert changes
    assert isinstance(ee.override(std, changes), ee.Standard)


# --------------------------------------------------------------------------- conformance


def test_the_national_plugin_conforms():
    assert check_plugin(eduequity.national) == []
    assert check_plugin("eduequity.national", checks=("loads", "ids", "sources", "units", "round-trip")) == []


PLAN = '''
id = "{id}"
title = "示例市基础教育质量提升方案"
jurisdiction = "democity"
[source]
document = "示办发〔2021〕1号"

[[metrics]]
key = "nine_year_retention"
zh = "九年义务教育巩固率"
en = "Nine-year retention rate"
kind = "share"

[[targets]]
id = "{target}"
metric = "nine_year_retention"
op = ">="
value = {value}
deadline = 2025
scope = "jurisdiction"
lead_unit = "市教育局"
{source}
'''
TARGET_SOURCE = '''[targets.source]
document = "{document}"
clause = "二、主要目标"
text = "九年义务教育巩固率达到96.5%"
'''
SCHOOLS = '''
id = "democity.schools-2021"
title = "示例市义务教育学校办学标准"
jurisdiction = "democity"
[source]
document = "示教发〔2021〕2号"

[[indicators]]
key = "teachers_above_degree"
zh = "每百名学生拥有高于规定学历教师数"
en = "Teachers above the required degree per 100 students"
unit = "teacher / hundred_students"

[[indicators]]
key = "books"
zh = "生均图书册数"
en = "Books per student"
unit = "book / student"

[[rules]]
kind = "school-threshold"
id = "democity.schools-2021.thresholds"
title = "每所学校达到办学标准"
[[rules.thresholds]]
indicator = "teachers_above_degree"
unit = "{teacher_unit}"
value = {{ primary = 4.2, junior = 5.3 }}
[[rules.thresholds]]
indicator = "books"
unit = "{book_unit}"
value = {{ primary = 25.0, junior = 35.0 }}
[rules.source]
document = "示教发〔2021〕2号"
clause = "三、办学标准"
text = "每百名学生拥有高于规定学历教师数小学4.2人、初中5.3人；生均图书小学25册、初中35册"

[[rules]]
kind = "dispersion"
id = "democity.schools-2021.cv"
title = "校际差异系数"
indicators = ["teachers_above_degree", "books"]
limit = {{ primary = {limit}, junior = {limit} }}
[rules.source]
document = "示教发〔2021〕2号"
clause = "四、均衡"
text = "校际差异系数小学不高于0.5"
'''


def plan(tmp_path: Path, *, id: str = "democity.plan-2021", target: str = "democity.plan-2021.retention",
         document: str | None = "示办发〔2021〕1号", value: float = 0.965) -> Path:
    source = "" if document is None else TARGET_SOURCE.format(document=document)
    p = tmp_path / f"{id}.toml"
    p.write_text(PLAN.format(id=id, target=target, value=value, source=source), encoding="utf-8")
    return p


def schools(tmp_path: Path, *, teacher_unit: str = "teacher / hundred_students", book_unit: str = "book / student",
            limit: float = 0.5) -> Path:
    p = tmp_path / "democity.schools-2021.toml"
    p.write_text(SCHOOLS.format(teacher_unit=teacher_unit, book_unit=book_unit, limit=limit), encoding="utf-8")
    return p


class DemoCity:
    """A small city plugin; its standards, extra formats and name vary per test."""

    def __init__(self, *standards, formats=(), name: str = "democity-plugin"):
        self.standards = list(standards)
        self.formats = list(formats)
        self.__name__ = name

    @ee.hookimpl
    def eduequity_jurisdictions(self):
        return [ee.Jurisdiction("democity", "示例市", "Demo City", parent="sichuan", kind="city")]

    @ee.hookimpl
    def eduequity_counties(self):
        return [ee.CountyList("democity", (ee.County("甲区", "district"), ee.County("乙县", "county")))]

    @ee.hookimpl
    def eduequity_standards(self):
        return self.standards

    @ee.hookimpl
    def eduequity_report_formats(self):
        return self.formats


def failures_of(plugin, **kw) -> list:
    with pytest.raises(ConformanceError) as info:
        check_plugin(plugin, **kw)
    message = str(info.value)
    assert message.startswith(f"plugin {plugin.__name__!r} does not conform")
    for f in info.value.failures:
        assert str(f).splitlines()[0] in message
    return info.value.failures


def test_a_good_city_plugin_conforms(tmp_path):
    fmt = ee.ReportFormat("democity.summary.md", "markdown", "示例市报告",
                          sections=(ee.Section("verdicts", "结论"),))
    assert check_plugin(DemoCity(plan(tmp_path), schools(tmp_path), formats=[fmt]), max_examples=5) == []


def test_ids_without_the_jurisdiction_prefix_fail(tmp_path):
    fmt = ee.ReportFormat("summary.md", "markdown", "报告")
    found = failures_of(DemoCity(plan(tmp_path, id="plan-2021", target="retention"), formats=[fmt]),
                        checks=("loads", "ids"))
    assert [(f.check, f.where) for f in found] == [
        ("ids", "standard 'plan-2021'"), ("ids", "target 'retention'"), ("ids", "report format 'summary.md'")]
    assert "expected democity.…" in found[0].message


def test_a_source_without_a_document_number_fails(tmp_path):
    found = failures_of(DemoCity(plan(tmp_path, document="见市政府有关文件")), checks=("loads", "sources"))
    assert len(found) == 1
    assert found[0].where == "target 'democity.plan-2021.retention'"
    assert "'见市政府有关文件' has no document number" in found[0].message


def rewritten(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_document_without_a_number_is_named_by_issuer_and_date(tmp_path):
    """Many city plans have no 发文字号: issuer and date are a source of their own, not a failure."""
    path = rewritten(plan(tmp_path), 'document = "示办发〔2021〕1号"\nclause',
                     'issuer = "示例市人民政府办公室"\ndate = 2021-06-30\nclause')
    assert check_plugin(DemoCity(path), checks=("loads", "sources", "round-trip")) == []
    std = ee.registry(plugins=[DemoCity(path)], entry_points=False).standards["democity.plan-2021"]
    assert std.targets[0].source.cite() == "示例市人民政府办公室（2021-06-30） 二、主要目标"
    # Neither a number nor an issuer and date: refused when the file is read, saying what to give.
    bare = rewritten(path, 'issuer = "示例市人民政府办公室"\n', "")
    [found] = failures_of(DemoCity(bare), checks=("loads",))
    assert "targets[0].source: no document; expected document" in found.message and "issuer and date" in found.message


def test_a_missing_clause_or_wording_is_found_in_its_file_and_entry(tmp_path):
    path = rewritten(plan(tmp_path), 'clause = "二、主要目标"\n', "")
    [found] = failures_of(DemoCity(path), checks=("loads", "sources"))
    assert found.located == ("democity.plan-2021.toml: targets[0]: no source clause: give the article or item the "
                             "value is written in (clause = \"二、（一）2.\")")
    assert (found.file, found.entry, found.where) == ("democity.plan-2021.toml", "targets[0]",
                                                      "target 'democity.plan-2021.retention'")
    rewritten(path, 'text = "九年义务教育巩固率达到96.5%"\n', "")
    assert [f.message.split(":")[0] for f in failures_of(DemoCity(path), checks=("loads", "sources"))] == [
        "no source clause", "no source text"]


def test_a_plugins_own_document_numbers_extend_the_default(tmp_path):
    """``document_number=`` adds a numbering; the default still passes what the plugin adopts."""
    own = rewritten(plan(tmp_path), 'document = "示办发〔2021〕1号"\nclause', 'document = "示例市2021年第1号令"\nclause')
    adopting = tmp_path / "democity.basic-balance.toml"
    adopting.write_text('id = "democity.basic-balance"\ntitle = "示例市基本均衡"\njurisdiction = "democity"\n'
                        'adopts = "cn.basic-balance-2012"\n[source]\ndocument = "示教发〔2013〕1号"\n',
                        encoding="utf-8")
    city = DemoCity(own, adopting)
    assert [f.where for f in failures_of(city, checks=("loads", "sources"))] == ["target 'democity.plan-2021.retention'"]
    for extra in (r"\d{4}年第\d+号令", re.compile(r"第\d+号令"), lambda doc: doc.endswith("号令"), [r"\d{4}年第\d+号令"]):
        assert check_plugin(city, checks=("loads", "sources"), document_number=extra) == [], extra
    with pytest.raises(ValueError, match="not a regular expression"):
        conformance_failures(city, checks=("sources",), document_number="第(号")
    with pytest.raises(TypeError, match="expected a pattern"):
        conformance_failures(city, checks=("sources",), document_number=[42])


def test_the_default_document_number_pattern_is_public():
    from eduequity.testing import DOCUMENT_NUMBER

    assert DOCUMENT_NUMBER.search("吉政办发〔2011〕18号") and DOCUMENT_NUMBER.search("GB 50099-2011")
    assert not DOCUMENT_NUMBER.search("见市政府有关文件")


def test_a_target_without_a_source_fails_to_load_and_says_so(tmp_path):
    found = failures_of(DemoCity(plan(tmp_path, document=None)))
    assert [f.check for f in found] == ["loads"]
    assert "does not load" in found[0].message and "source" in found[0].message


def test_a_threshold_in_a_unit_of_another_dimension_fails_naming_the_threshold(tmp_path):
    found = failures_of(DemoCity(schools(tmp_path, book_unit="meter ** 2 / student")))
    assert [f.check for f in found] == ["loads"]
    assert "threshold for 'books'" in found[0].message and "book / student" in found[0].message


def test_a_threshold_a_hundred_times_off_fails_on_its_magnitude(tmp_path):
    """4.2 teachers *per student* was meant per 100 students: the units convert, the number is absurd."""
    found = failures_of(DemoCity(schools(tmp_path, teacher_unit="teacher / student")), checks=("loads", "units"))
    assert {f.where for f in found} == {"threshold 'democity.schools-2021.thresholds.teachers_above_degree' "
                                        f"({lv})" for lv in ("primary", "junior")}
    assert "is the unit right?" in found[0].message and "hundred_students" in found[0].message


def test_a_percentage_where_a_fraction_belongs_fails_to_load(tmp_path):
    """The standard refuses it when it is built, so the loads check reports it (not units)."""
    [share] = failures_of(DemoCity(plan(tmp_path, value=96.5)), checks=("loads", "units"))
    assert share.check == "loads"
    assert "target 'democity.plan-2021.retention'" in share.message and "0.965, not 96.5" in share.message
    [cv] = failures_of(DemoCity(schools(tmp_path, limit=50)), checks=("loads", "units"))
    assert cv.check == "loads"
    assert "rule 'democity.schools-2021.cv' limit.primary: got 50.0" in cv.message and "0.65, not 65" in cv.message


def test_a_standard_that_does_not_round_trip_fails_showing_the_difference(tmp_path):
    good = ee.registry(plugins=[DemoCity(schools(tmp_path))], entry_points=False).standards["democity.schools-2021"]
    rule = next(r for r in good.rules if isinstance(r, Dispersion))
    # Built in Python with a list where the data model has a tuple: equal to nothing that comes back.
    odd = attrs.evolve(good, rules=(attrs.evolve(rule, indicators=list(rule.indicators), limit=PerLevel(0.5, 0.5)),))
    found = failures_of(DemoCity(odd), checks=("loads", "round-trip"))
    assert [f.check for f in found] == ["round-trip"]
    assert "rules[0].indicators" in found[0].message and "(list) came back as" in found[0].message


def test_a_format_that_raises_fails_naming_the_format(tmp_path):
    fmt = ee.ReportFormat("democity.broken.md", "markdown", "坏报告", sections=(ee.Section("verdicts"),))
    object.__setattr__(fmt, "sections", ("verdicts",))  # a plugin's format that breaks while rendering
    found = failures_of(DemoCity(plan(tmp_path), formats=[fmt]), checks=("loads", "formats"))
    assert [(f.check, f.where) for f in found] == [("formats", "report format 'democity.broken.md'")]
    assert "raised rendering a generated result of 'democity.plan-2021'" in found[0].message


def test_evaluations_that_pass_without_data_fail(tmp_path, monkeypatch):
    """The evaluations check catches an engine (or a plugin's standard) that lets missing data pass."""
    from eduequity.core import evaluate as evaluate_mod

    real = evaluate_mod.evaluate

    def lenient(*args, **kw):
        ev = real(*args, **kw)
        return attrs.evolve(ev, verdicts=ev.verdicts.assign(passed=pd.array([True] * len(ev.verdicts),
                                                                           dtype="boolean")))

    monkeypatch.setattr(evaluate_mod, "evaluate", lenient)
    found = failures_of(DemoCity(plan(tmp_path)), checks=("loads", "evaluations"), max_examples=10, shrink=False)
    assert [f.check for f in found] == ["evaluations"]
    assert "passes although target 'democity.plan-2021.retention' has no observation" in found[0].message


def test_conformance_failures_lists_instead_of_raising(tmp_path):
    found = conformance_failures(DemoCity(plan(tmp_path, id="plan-2021", target="retention")), checks=("ids",))
    assert len(found) == 2 and all(f.check == "ids" for f in found)
    with pytest.raises(ValueError, match="unknown checks"):
        conformance_failures(DemoCity(), checks=("spelling",))


# --------------------------------------------------------------------------- the pytest plugin and profiles


def test_the_pytest_plugin_is_registered_through_its_entry_point(request):
    plugin = request.config.pluginmanager.get_plugin("eduequity")
    assert plugin is not None and plugin.__name__ == "eduequity.testing.pytest_plugin"
    assert plugin.check_plugin is check_plugin


def test_the_registry_fixture_builds_isolated_registries(eduequity_registry, tmp_path):
    default = ee.registry()
    reg = eduequity_registry(DemoCity(plan(tmp_path)))
    assert "democity.plan-2021" in reg.standards and "democity.plan-2021" not in default.standards
    assert reg is not default and ee.registry() is default
    as_default = eduequity_registry(DemoCity(plan(tmp_path)), as_default=True)
    assert ee.registry() is as_default
    ev = ee.evaluate(None, "democity.plan-2021",
                     metrics=pd.DataFrame({"year": [2025], "county": ["democity"], "metric": ["nine_year_retention"],
                                           "value": [0.97]}))
    assert ev.targets["status"].tolist() == ["met"]


def test_the_default_registry_is_restored_after_the_fixture():
    assert "democity.plan-2021" not in ee.registry().standards


def test_the_conformance_fixture_is_the_check(eduequity_conformance):
    assert eduequity_conformance is check_plugin


def test_profiles_are_registered_and_chosen_from_the_environment():
    for name in PROFILES:
        assert settings.get_profile(name).deadline is None
    assert settings.get_profile("ci").derandomize and settings.get_profile("ci").database is None
    assert settings.get_profile("thorough").max_examples > 10 * settings.get_profile("ci").max_examples
    assert profile_name({}) == "dev"
    assert profile_name({"CI": "true"}) == "ci"
    assert profile_name({"CI": "true", "EDUEQUITY_HYPOTHESIS_PROFILE": "thorough"}) == "thorough"


def test_a_plugin_authors_suite_uses_the_fixtures_in_a_fresh_process(pytester):
    """What a province's CI runs: no conftest, only the installed pytest plugin."""
    pytester.makepyfile(test_city=textwrap.dedent('''
        import eduequity as ee
        import eduequity.national
        from hypothesis import given, settings
        from eduequity.testing import strategies as ees


        def test_conforms(eduequity_conformance):
            assert eduequity_conformance(eduequity.national, checks=("loads", "ids", "sources")) == []


        def test_isolated(eduequity_registry):
            assert "cn.basic-balance-2012" in eduequity_registry().standards


        @settings(max_examples=3)
        @given(ees.school_frames(max_schools=2))
        def test_frames(frame):
            assert ee.evaluate(frame, "cn.basic-balance-2012").input_rows == len(frame)
    '''))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hypothesis-profile=thorough")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*eduequity: hypothesis profile 'thorough'*"])


def test_a_county_years_source_without_its_clause_is_found_in_its_entry(tmp_path):
    from test_datafiles import SCHEDULE

    schedule = tmp_path / "democity.county-balance.toml"
    head = SCHEDULE.split("[target_years]")[0]  # the file of test_datafiles, its county years given one by one
    schedule.write_text(head + '''[[target_years]]
county = "甲区"
year = 2022
[target_years.source]
document = "示办发〔2021〕3号"
text = "甲区2022年通过评估"
''', encoding="utf-8")

    class WithSchedule(DemoCity):
        @ee.hookimpl
        def eduequity_schedules(self):
            return [schedule]

    [found] = failures_of(WithSchedule(), checks=("loads", "sources"))
    assert (found.file, found.entry, found.where) == ("democity.county-balance.toml", "target_years[0]",
                                                      "target year of 甲区 in 'democity.county-balance-2021'")
    assert found.message.startswith("no source clause")
