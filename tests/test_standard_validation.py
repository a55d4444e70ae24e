"""Standards, schedules and overrides validated as data (issue 13: no verdict without evidence).

A bad number in a standard must never become a silent pass: a NaN limit compares
False with everything, a dropped level is a level nobody is held to, ``"false"``
is a true string. Every case here is refused when the file is loaded, when the
record is built in Python, or when ``ee.override`` is called, with the file (or
the override key), the entry and the value in the message.

The bounds are typed in again from docs/standards.md ("What a standard file must
satisfy"), not imported from the code, so a loosened bound fails a test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import attrs
import pytest
from conftest import GOOD, county_row, section
from conftest import evaluate as read_and_evaluate
from conftest import frame as input_frame
from hypothesis import given
from hypothesis import strategies as st

import eduequity as ee
from eduequity.criteria import Dispersion, PerLevel, SchoolThreshold, Threshold
from eduequity.core.schedules import Milestone, PhasedSchedule
from eduequity.core.serialise import from_toml
from eduequity.core.standards import load

# docs/standards.md, "What a standard file must satisfy".
CV_LIMIT_MAX = 2.0
YEARS_BEFORE_MAX = 30
YEAR_MIN, YEAR_MAX = 1949, 2100

DOC = 'source]\ndocument = "示教发〔2015〕1号"\n'  # after "[", "[rules." or "[targets."
STANDARD = f'''
id = "demo.std"
title = "示例标准"
jurisdiction = "cn"
effective = 2015
[{DOC}
[[indicators]]
key = "teaching_area"
zh = "生均教学及辅助用房面积"
en = "Teaching area per student"
unit = "meter ** 2 / student"

[[indicators]]
key = "books"
zh = "生均图书册数"
en = "Books per student"
unit = "book / student"

[[rules]]
kind = "dispersion"
id = "demo.std.cv"
title = "综合差异系数"
indicators = ["teaching_area", "books"]
aggregate = "mean"
limit = {{ primary = 0.65, junior = 0.55 }}
[rules.{DOC}
[[rules]]
kind = "school-threshold"
id = "demo.std.thresholds"
title = "办学标准"
min_met = 1
floor = 0.85
[[rules.thresholds]]
indicator = "teaching_area"
unit = "meter ** 2 / student"
value = {{ primary = 4.5, junior = 5.8 }}
[[rules.thresholds]]
indicator = "books"
unit = "book / student"
value = {{ primary = 25.0, junior = 35.0 }}
[rules.{DOC}
[[rules]]
kind = "recognition"
id = "demo.std.prerequisite"
title = "通过基本均衡认定3年以上"
recognition = "basic-balance"
years_before = 3
[rules.{DOC}
[[metrics]]
key = "retention"
zh = "巩固率"
en = "Retention"
kind = "share"

[[metrics]]
key = "fees_waived"
zh = "免除作业本费"
en = "Fees waived"
kind = "yes/no"

[[metrics]]
key = "largest_class"
zh = "最大班额"
en = "Largest class"
kind = "count"

[[targets]]
id = "demo.std.retention"
metric = "retention"
op = ">="
value = 0.95
start = 2015
deadline = 2018
approximate = false
[targets.{DOC}
[[targets]]
id = "demo.std.fees"
metric = "fees_waived"
op = "=="
value = 1.0
[targets.{DOC}
[[targets]]
id = "demo.std.class-size"
metric = "largest_class"
op = "<="
value = 45.0
[targets.{DOC}'''

SCHEDULE = f'''
id = "demo.schedule"
title = "示例推进计划"
jurisdiction = "cn"
recognition = "basic-balance"
start = 2011
total = 6
[{DOC}
[[milestones]]
year = 2013
count = 2

[[milestones]]
year = 2015
count = 6
'''


def write(tmp_path: Path, text: str, name: str = "demo.std.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str, text: str = STANDARD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def refused(path: Path, cls: type = ee.Standard) -> str:
    with pytest.raises(ValueError) as info:
        from_toml(path, cls)
    message = str(info.value)
    assert path.name in message
    return message


def test_the_template_loads(tmp_path):
    """The cases below change one thing each in a file that is itself valid."""
    std = load(write(tmp_path, STANDARD))
    assert [r.id for r in std.rules] == ["demo.std.cv", "demo.std.thresholds", "demo.std.prerequisite"]
    assert from_toml(write(tmp_path, SCHEDULE, "s.toml"), PhasedSchedule).total == 6


# --------------------------------------------------------------------------- types in files

# (old, new, the entry's path, what was expected)
WRONG_TYPES = [
    ("approximate = false", 'approximate = "false"', "targets[0].approximate", "true or false"),
    ("approximate = false", "approximate = 0", "targets[0].approximate", "true or false"),
    ("deadline = 2018", "deadline = 2020.7", "targets[0].deadline", "whole number"),
    ("deadline = 2018", "deadline = 2018.0", "targets[0].deadline", "whole number"),
    ("deadline = 2018", "deadline = true", "targets[0].deadline", "whole number"),
    ("deadline = 2018", 'deadline = "2018"', "targets[0].deadline", "whole number"),
    ("value = 0.95", 'value = "0.95"', "targets[0].value", "a number"),
    ("value = 0.95", "value = true", "targets[0].value", "a number"),
    ("primary = 0.65", 'primary = "0.65"', "rules[0].limit.primary", "a number"),
    ("min_met = 1", "min_met = 1.5", "rules[1].min_met", "whole number"),
    ("years_before = 3", "years_before = true", "rules[2].years_before", "whole number"),
    ('title = "综合差异系数"', "title = 5", "rules[0].title", "text"),
    ('indicators = ["teaching_area", "books"]', 'indicators = "books"', "rules[0].indicators", "a list"),
]


@pytest.mark.parametrize(("old", "new", "where", "expected"), WRONG_TYPES, ids=[c[1] for c in WRONG_TYPES])
def test_a_value_of_the_wrong_type_in_a_standard_file_is_refused(tmp_path, old, new, where, expected):
    message = refused(write(tmp_path, changed(old, new)))
    assert where in message and expected in message, message
    assert new.split(" = ", 1)[1].strip('"').lower() in message.lower()  # the value as written


# --------------------------------------------------------------------------- file structure


def test_a_deeply_nested_array_is_a_clear_error_naming_the_file(tmp_path):
    path = write(tmp_path, "x = " + "[" * 50_000 + "]" * 50_000 + "\n", "deep.toml")
    message = refused(path)
    assert "nested" in message


def test_a_file_that_is_not_toml_names_the_file(tmp_path):
    message = refused(write(tmp_path, "id = \n", "broken.toml"))
    assert "line 1" in message


# --------------------------------------------------------------------------- numbers in files

# (old, new, the entry's path, words the message must have)
BAD_NUMBERS = [
    ("primary = 0.65", "primary = nan", "rules[0]", ["limit.primary", "nan", "> 0"]),
    ("primary = 0.65", "primary = inf", "rules[0]", ["limit.primary", "inf"]),
    ("junior = 0.55", "junior = -inf", "rules[0]", ["limit.junior", "-inf"]),
    ("junior = 0.55", "junior = -0.1", "rules[0]", ["limit.junior", "-0.1"]),
    ("junior = 0.55", "junior = 0.0", "rules[0]", ["limit.junior", "0.0", "> 0"]),
    ("primary = 0.65", "primary = 65.0", "rules[0]", ["limit.primary", "65.0", "0.65, not 65"]),
    ("primary = 0.65", "primary = 2.000001", "rules[0]", ["limit.primary", "2.000001"]),
    ("limit = { primary = 0.65, junior = 0.55 }", "limit = {}", "rules[0]", ["limit", "primary or junior"]),
    ("primary = 4.5", "primary = nan", "rules[1].thresholds[0]", ["value.primary", "nan", "≥ 0"]),
    ("junior = 35.0", "junior = -1.0", "rules[1].thresholds[1]", ["value.junior", "-1.0"]),
    ("primary = 25.0", "primary = inf", "rules[1].thresholds[1]", ["value.primary", "inf"]),
    ("value = { primary = 25.0, junior = 35.0 }", "value = {}", "rules[1].thresholds[1]", ["primary or junior"]),
    ("floor = 0.85", "floor = 5.0", "rules[1]", ["floor", "5.0", "≤ 1"]),
    ("floor = 0.85", "floor = 0.0", "rules[1]", ["floor", "0.0", "> 0"]),
    ("floor = 0.85", "floor = nan", "rules[1]", ["floor", "nan"]),
    ("min_met = 1", "min_met = 0", "rules[1]", ["min_met", "0", "from 1 to 2"]),
    ("min_met = 1", "min_met = 3", "rules[1]", ["min_met", "3", "from 1 to 2"]),
    ("years_before = 3", "years_before = -1", "rules[2]", ["years_before", "-1"]),
    ("years_before = 3", "years_before = 2013", "rules[2]", ["years_before", "2013", f"0 to {YEARS_BEFORE_MAX}"]),
    ("value = 0.95", "value = nan", "targets[0]", ["value", "nan"]),
    ("value = 0.95", "value = 96.5", "demo.std.retention", ["96.5", "share", "0.965, not 96.5"]),
    ("value = 1.0", "value = 0.5", "demo.std.fees", ["0.5", "yes/no", "0 or 1"]),
    ("value = 45.0", "value = -45.0", "demo.std.class-size", ["-45.0", "count"]),
    ("deadline = 2018", "deadline = 2014", "targets[0]", ["deadline 2014", "start 2015"]),
    ("deadline = 2018", "deadline = 1800", "targets[0]", ["deadline", "1800", f"{YEAR_MIN} to {YEAR_MAX}"]),
    ("start = 2015", "start = 2200", "targets[0]", ["start", "2200"]),
    ("effective = 2015", "effective = 20", "demo.std.toml", ["effective", "20"]),
    ('indicators = ["teaching_area", "books"]', "indicators = []", "rules[0]", ["indicators", "at least one"]),
    ('indicators = ["teaching_area", "books"]', 'indicators = ["books", "books"]', "rules[0]", ["books", "twice"]),
    ('recognition = "basic-balance"', 'recognition = "basic_balance"', "rules[2]", ["basic_balance"]),
]


@pytest.mark.parametrize(("old", "new", "where", "words"), BAD_NUMBERS, ids=[c[1] for c in BAD_NUMBERS])
def test_a_number_out_of_range_in_a_standard_file_is_refused(tmp_path, old, new, where, words):
    message = refused(write(tmp_path, changed(old, new)))
    assert where in message
    for w in words:
        assert w in message, (w, message)


def test_a_school_threshold_rule_without_thresholds_is_refused(tmp_path):
    head, rest = STANDARD.split("[[rules.thresholds]]", 1)
    _, tail = rest.rsplit("[[rules.thresholds]]", 1)
    text = head + "thresholds = []\n" + tail.split("\n", 4)[4]
    message = refused(write(tmp_path, text))
    assert "rules[1]" in message and "thresholds" in message and "at least one" in message


# (old, new, the entry's path, what was expected)
BAD_SCHEDULES = [
    ("year = 2013", "year = 2013.5", "milestones[0].year", "whole number"),
    ("year = 2013", "year = 1800", "milestones[0]", f"{YEAR_MIN} to {YEAR_MAX}"),
    ("count = 2", "count = -2", "milestones[0]", "count"),
    ("count = 2", "count = true", "milestones[0].count", "whole number"),
    ("start = 2011", 'start = "2011"', "schedule.toml: start: got '2011'", "whole number"),
    ("start = 2011", "start = 1200", "demo.schedule", "start"),
    ("total = 6", "total = 0", "demo.schedule", "total"),
]


@pytest.mark.parametrize(("old", "new", "where", "expected"), BAD_SCHEDULES, ids=[c[1] for c in BAD_SCHEDULES])
def test_a_bad_schedule_file_is_refused(tmp_path, old, new, where, expected):
    message = refused(write(tmp_path, changed(old, new, SCHEDULE), "schedule.toml"), PhasedSchedule)
    assert where in message and expected in message, message


# (file, old, new, the whole message after "invalid … file NAME: "): every word of it checked, so a
# message that slips back into a library's internals (attrs' Attribute(...), cattrs' "@ path") fails.
PLAIN = [
    ("schedule.toml", 'recognition = "basic-balance"', 'recognition = "quality"',
     "schedule 'demo.schedule' recognition: got 'quality'; expected one of basic-balance, quality-balance, "
     "preliminary, provincial"),
    ("schedule.toml", "total = 6", "total = 6\nplan_years = {}",
     "unknown key plan_years; a schedule has the keys id, title, jurisdiction, recognition, start, total, "
     "milestones, source, title_en, target_years, lead_unit, partner_units"),
    ("schedule.toml", "count = 2", "",
     "milestones[0].count: missing; expected a whole number ≥ 0"),
    ("demo.std.toml", 'kind = "dispersion"', 'kind = "dispersal"',
     "rules[0]: kind: got 'dispersal'; expected one of school-threshold, dispersion, recognition, trend"),
    ("demo.std.toml", 'op = ">="', 'op = "=>"',
     "targets[0]: target 'demo.std.retention' op: got '=>'; expected one of >=, >, <=, <, =="),
    ("demo.std.toml", 'kind = "share"', 'kind = "fraction"',
     "metrics[0]: metric 'retention' kind: got 'fraction'; expected one of share, ratio, yes/no, quantity, count, "
     "score, year"),
    ("demo.std.toml", "deadline = 2018", "deadline = 2018\nlevel = \"middle\"",
     "targets[0]: target 'demo.std.retention' level: got 'middle'; expected one of primary, junior, or left out"),
    ("demo.std.toml", 'title = "综合差异系数"', "", "rules[0].title: missing; expected text"),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), PLAIN, ids=[c[2] or c[1] for c in PLAIN])
def test_a_bad_file_is_explained_in_plain_words(tmp_path, name, old, new, message):
    cls, text = (PhasedSchedule, SCHEDULE) if name == "schedule.toml" else (ee.Standard, STANDARD)
    got = refused(write(tmp_path, changed(old, new, text), name), cls)
    assert got == f"invalid {'schedule' if cls is PhasedSchedule else 'standard'} file {name}: {message}"


ACCEPTED = [
    ("primary = 0.65", "primary = 2.0"),
    ("primary = 0.65", "primary = 0.001"),
    ("primary = 0.65", "primary = 1"),  # an int where a float belongs
    ("limit = { primary = 0.65, junior = 0.55 }", "limit = { primary = 0.65 }"),  # a rule for one level
    ("floor = 0.85", "floor = 1.0"),
    ("primary = 4.5", "primary = 0.0"),
    ("min_met = 1", "min_met = 2"),
    ("years_before = 3", "years_before = 0"),
    ("years_before = 3", f"years_before = {YEARS_BEFORE_MAX}"),
    ("value = 0.95", "value = 1"),
    ("value = 0.95", "value = 0.0"),
    ("deadline = 2018", "deadline = 2015"),  # the deadline is the start year
    ("deadline = 2018", f"deadline = {YEAR_MAX}"),
    ("start = 2015", f"start = {YEAR_MIN}"),
]


@pytest.mark.parametrize(("old", "new"), ACCEPTED, ids=[c[1] for c in ACCEPTED])
def test_values_at_the_bounds_load(tmp_path, old, new):
    std = load(write(tmp_path, changed(old, new)))
    data = ee.converter.unstructure(std)
    back = ee.converter.structure(json.loads(json.dumps(data, allow_nan=False)), ee.Standard)
    assert back == std


def test_an_int_for_a_float_loads_as_a_float(tmp_path):
    std = load(write(tmp_path, changed("value = 0.95", "value = 1")))
    assert type(std.targets[0].value) is float
    assert type(PerLevel(1, 2).primary) is float  # built in Python too: round trips keep the type


def test_a_bad_plugin_file_is_a_plugin_error_naming_the_plugin_the_file_and_the_entry(tmp_path):
    path = write(tmp_path, changed("primary = 0.65", "primary = nan"))

    class Province:
        @ee.hookimpl
        def eduequity_standards(self):
            return [path]

    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[Province()], entry_points=False)
    assert (info.value.distribution, info.value.hook) == ("Province", "eduequity_standards")
    assert path.name in str(info.value) and "rules[0]" in str(info.value) and "limit.primary" in str(info.value)


# --------------------------------------------------------------------------- records built in Python


def _source() -> ee.Source:
    return ee.Source("示教发〔2015〕1号")


@pytest.mark.parametrize("build", [
    lambda: Dispersion("x.cv", "t", ("books",), PerLevel(math.nan, 0.5), _source()),
    lambda: Dispersion("x.cv", "t", (), PerLevel(0.6, 0.5), _source()),
    lambda: Dispersion("x.cv", "t", ("books",), PerLevel(), _source()),
    lambda: Dispersion("x.cv", "t", ("books",), PerLevel("0.6", 0.5), _source()),
    lambda: Threshold("books", PerLevel(True, 1.0), "book / student"),
    lambda: Threshold("books", PerLevel(-1.0, 1.0), "book / student"),
    lambda: SchoolThreshold("x.t", "t", (Threshold("books", PerLevel(1.0, 1.0), "book / student"),), _source(),
                            min_met=2),
    lambda: SchoolThreshold("x.t", "t", (Threshold("books", PerLevel(1.0, 1.0), "book / student"),), _source(),
                            floor=5.0),
    lambda: SchoolThreshold("x.t", "t", (), _source()),
    lambda: ee.MetricTarget("x.m", "m", ">=", 0.5, _source(), deadline=2020.7),
    lambda: ee.MetricTarget("x.m", "m", ">=", 0.5, _source(), start=2020, deadline=2019),
    lambda: ee.MetricTarget("x.m", "m", ">=", math.inf, _source()),
    lambda: ee.MetricTarget("x.m", "m", ">=", 0.5, _source(), approximate="false"),
    lambda: Milestone(2015.5, 3),
    lambda: PhasedSchedule("x.s", "t", "cn", "basic-balance", 2011, True, (Milestone(2015, 1),), _source()),
], ids=["nan-limit", "no-indicators", "no-level", "text-limit", "bool-limit", "negative-threshold",
        "min_met-above-count", "floor-5", "no-thresholds", "fractional-deadline", "deadline-before-start",
        "inf-target", "text-bool", "fractional-year", "bool-total"])
def test_records_built_in_python_are_validated_too(build):
    """Plugins may return Standard objects: the invariants live on the records, not only in the loader."""
    with pytest.raises(ValueError):
        build()


def test_a_target_value_of_the_wrong_kind_is_refused_by_the_standard(tmp_path):
    """A target alone cannot know that its metric is a share; the standard holding both can."""
    std = load(write(tmp_path, STANDARD))
    target = attrs.evolve(std.targets[0], value=96.5)  # a finite number: fine on its own
    with pytest.raises(ValueError, match=r"demo\.std\.retention.*96\.5"):
        attrs.evolve(std, targets=(target, *std.targets[1:]))


# --------------------------------------------------------------------------- overrides

BASIC, QUALITY = "cn.basic-balance-2012", "cn.quality-balance-2017"
COMPOSITE = f"{BASIC}.composite-cv"
QUALITY_CV = f"{QUALITY}.cv"
SCHOOL_RULE = f"{QUALITY}.school-thresholds"
FLOOR = f"{SCHOOL_RULE}.floor"
MIN_MET = f"{SCHOOL_RULE}.min_met"
YEARS_BEFORE = f"{QUALITY}.basic-balance-prerequisite.years_before"
SATISFACTION = f"{BASIC}.public-satisfaction"  # a share
SMALL_SCHOOL_FUNDING = f"{QUALITY}.small-school-funding"  # yes/no
CLASS_SIZE = f"{QUALITY}.class-size-primary"  # a count, marked R


def national(sid: str):
    return ee.registry().standards[sid]


BAD_OVERRIDES = [
    (COMPOSITE, math.nan), (COMPOSITE, math.inf), (COMPOSITE, -math.inf), (COMPOSITE, -0.5), (COMPOSITE, 0.0),
    (COMPOSITE, 65), (COMPOSITE, "0.6"), (COMPOSITE, True), (COMPOSITE, None), (COMPOSITE, [0.6, 0.5]),
    (COMPOSITE, {"primary": math.nan}), (COMPOSITE, {"junior": "0.5"}), (COMPOSITE, {"primray": 0.6}),
    (COMPOSITE, {"junior": None}), (COMPOSITE, {}),
    (QUALITY_CV, {"junior": -0.45}),
    (f"{SCHOOL_RULE}.equipment_value", -1.0), (f"{SCHOOL_RULE}.equipment_value", {"primary": math.nan}),
    (f"{SCHOOL_RULE}.books_per_student", 1.0),  # not a threshold of the rule: a KeyError below
    (FLOOR, 5.0), (FLOOR, 0), (FLOOR, "0.8"), (FLOOR, math.nan),
    (MIN_MET, 0), (MIN_MET, 8), (MIN_MET, 6.5), (MIN_MET, True),
    (YEARS_BEFORE, -1), (YEARS_BEFORE, 2.5), (YEARS_BEFORE, 2013),
    (SATISFACTION, 96.5), (SATISFACTION, "0.9"), (SATISFACTION, math.nan), (SATISFACTION, -0.1),
    (SMALL_SCHOOL_FUNDING, 0.5), (CLASS_SIZE, -45),
    (f"{SATISFACTION}.deadline", 2020.7), (f"{SATISFACTION}.start", "2016"),
    (f"{SATISFACTION}.approximate", "false"), (f"{COMPOSITE}.limit", {"primary": math.inf}),
]


@pytest.mark.parametrize(("key", "value"), BAD_OVERRIDES,
                         ids=[f"{k.rsplit('.', 1)[-1]}={v!r}" for k, v in BAD_OVERRIDES])
def test_a_bad_override_is_refused_naming_the_key_and_the_value(key, value):
    std = national(QUALITY if key.startswith(QUALITY) else BASIC)
    wanted = KeyError if key.endswith("books_per_student") else ValueError
    with pytest.raises(wanted) as info:
        ee.override(std, {key: value})
    message = str(info.value)
    assert key in message
    if wanted is ValueError:
        assert repr(value) in message, message


def test_overriding_one_level_keeps_the_other():
    w = ee.override(national(BASIC), {COMPOSITE: {"primary": 0.60}})
    assert (w.rules[0].limit.primary, w.rules[0].limit.junior) == (0.60, 0.55)
    t = ee.override(national(QUALITY), {f"{SCHOOL_RULE}.equipment_value": {"junior": 2200}})
    rule = next(r for r in t.rules if r.id == SCHOOL_RULE)
    eq = next(x for x in rule.thresholds if x.indicator == "equipment_value")
    assert (eq.value.primary, eq.value.junior) == (2000.0, 2200.0)
    # the field form of the key is the same what-if
    assert ee.override(national(BASIC), {f"{COMPOSITE}.limit": {"primary": 0.60}}) == w


def _spread(level: str, d: float, prefix: str) -> list[dict]:
    """Two equal schools with every per-student value 1 ± d of a comfortable school's: every CV is d."""
    return [section(f"{prefix}{i}", 1000, level=level,
                    per_student={k: v * (1 + sign * d) for k, v in GOOD[level].items()})
            for i, sign in enumerate((1, -1))]


def test_a_one_level_override_still_judges_the_other_level_against_its_own_limit():
    """Junior's composite is 0.58: above its 0.55, below the primary what-if of 0.60."""
    df = input_frame(_spread("primary", 0.30, "p") + _spread("junior", 0.58, "j"))
    ev = read_and_evaluate(df, ee.override(national(BASIC), {COMPOSITE: {"primary": 0.60}}))
    junior = county_row(ev, level="junior")
    assert junior["composite_cv"] == pytest.approx(0.58)
    assert junior["composite_limit"] == 0.55 and junior["status"] == "not met"
    primary = county_row(ev, level="primary")
    assert primary["composite_limit"] == 0.60 and primary["status"] == "met"


# --------------------------------------------------------------------------- properties of overrides

#: A key of each kind of value, and the values valid for it.
VALID = {
    COMPOSITE: st.floats(0.0, CV_LIMIT_MAX, exclude_min=True),
    QUALITY_CV: st.floats(0.0, CV_LIMIT_MAX, exclude_min=True),
    f"{SCHOOL_RULE}.equipment_value": st.floats(0.0, 1e6),
    FLOOR: st.floats(0.0, 1.0, exclude_min=True),
    SATISFACTION: st.floats(0.0, 1.0),
    SMALL_SCHOOL_FUNDING: st.sampled_from([0, 1, 0.0, 1.0]),
    CLASS_SIZE: st.floats(0.0, 1e4),
    MIN_MET: st.integers(1, 7),
    YEARS_BEFORE: st.integers(0, YEARS_BEFORE_MAX),
}
NOT_NUMBERS = st.one_of(st.text(max_size=5), st.booleans(), st.none(), st.lists(st.floats(0.1, 0.5), max_size=2))
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
INVALID = {
    COMPOSITE: st.one_of(NON_FINITE, NOT_NUMBERS, st.floats(max_value=0.0),
                         st.floats(min_value=CV_LIMIT_MAX, exclude_min=True)),
    QUALITY_CV: st.one_of(NON_FINITE, st.floats(max_value=0.0)),
    f"{SCHOOL_RULE}.equipment_value": st.one_of(NON_FINITE, NOT_NUMBERS, st.floats(max_value=0.0, exclude_max=True)),
    FLOOR: st.one_of(NON_FINITE, st.text(max_size=3), st.booleans(), st.floats(max_value=0.0),
                     st.floats(min_value=1.0, exclude_min=True)),
    SATISFACTION: st.one_of(NON_FINITE, NOT_NUMBERS, st.floats(min_value=1.0, exclude_min=True),
                            st.floats(max_value=0.0, exclude_max=True)),
    SMALL_SCHOOL_FUNDING: st.one_of(NON_FINITE, st.floats(0.01, 0.99), st.floats(min_value=1.0, exclude_min=True)),
    MIN_MET: st.one_of(st.integers(max_value=0), st.integers(min_value=8), st.floats(1.0, 7.0), st.booleans()),
    YEARS_BEFORE: st.one_of(st.integers(max_value=-1), st.integers(min_value=YEARS_BEFORE_MAX + 1),
                            st.floats(0.0, 5.0), st.booleans()),
}
PER_LEVEL = (COMPOSITE, QUALITY_CV, f"{SCHOOL_RULE}.equipment_value")


def _leaves(data, path: str = "") -> dict[str, object]:
    """Every scalar of a standard's data by its path, so two standards can be compared leaf by leaf."""
    if isinstance(data, dict):
        return {k: v for key, item in data.items() for k, v in _leaves(item, f"{path}.{key}").items()}
    if isinstance(data, list):
        return {k: v for i, item in enumerate(data) for k, v in _leaves(item, f"{path}[{i}]").items()}
    return {path: data}


@given(data=st.data(), key=st.sampled_from(sorted(VALID)))
def test_an_in_range_override_changes_that_value_only_and_round_trips(data, key):
    std = national(QUALITY if key.startswith(QUALITY) else BASIC)
    value = data.draw(VALID[key], label="value")
    changes = [value]
    if key in PER_LEVEL:  # every shape each time: one level, the other, both
        other = data.draw(VALID[key], label="other level")
        changes += [{"primary": value}, {"junior": value}, {"primary": value, "junior": other}]
    before = _leaves(ee.converter.unstructure(std))
    for change in changes:
        w = ee.override(std, {key: change})
        after = _leaves(ee.converter.unstructure(w))
        assert before.keys() == after.keys()
        wanted = change if isinstance(change, dict) else (
            {"primary": change, "junior": change} if key in PER_LEVEL else {"": change})
        moved = [p for p in before if before[p] != after[p]]
        assert len({p.rsplit(".", 1)[0] for p in moved}) <= 1  # one entry of one record
        for p in moved:
            level = p.rsplit(".", 1)[1] if key in PER_LEVEL else ""
            assert level in wanted and after[p] == wanted[level], (change, p, before[p], after[p])
        text = json.dumps(ee.converter.unstructure(w), ensure_ascii=False, allow_nan=False)
        assert ee.converter.structure(json.loads(text), ee.Standard) == w


@given(data=st.data(), key=st.sampled_from(sorted(INVALID)))
def test_any_non_finite_out_of_range_or_non_numeric_override_is_refused_with_the_key(data, key):
    std = national(QUALITY if key.startswith(QUALITY) else BASIC)
    value = data.draw(INVALID[key], label="value")
    if key in PER_LEVEL and data.draw(st.booleans(), label="one level"):
        value = {data.draw(st.sampled_from(["primary", "junior"]), label="level"): value}
    with pytest.raises(ValueError) as info:
        ee.override(std, {key: value})
    assert key in str(info.value) and repr(value) in str(info.value)


@given(level=st.sampled_from(["primary", "junior"]), value=st.floats(0.0, CV_LIMIT_MAX, exclude_min=True))
def test_a_one_level_override_never_touches_the_other_level(level, value):
    other = "junior" if level == "primary" else "primary"
    base = national(BASIC).rules[0].limit
    limit = ee.override(national(BASIC), {COMPOSITE: {level: value}}).rules[0].limit
    assert limit.get(level) == value and limit.get(other) == base.get(other)
