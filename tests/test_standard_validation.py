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

import eduequity as ee
from eduequity.core.rules import Dispersion, PerLevel, SchoolThreshold, Threshold
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
    ("start = 2011", 'start = "2011"', "schedule.toml.start", "whole number"),
    ("start = 2011", "start = 1200", "demo.schedule", "start"),
    ("total = 6", "total = 0", "demo.schedule", "total"),
]


@pytest.mark.parametrize(("old", "new", "where", "expected"), BAD_SCHEDULES, ids=[c[1] for c in BAD_SCHEDULES])
def test_a_bad_schedule_file_is_refused(tmp_path, old, new, where, expected):
    message = refused(write(tmp_path, changed(old, new, SCHEDULE), "schedule.toml"), PhasedSchedule)
    assert where in message and expected in message, message


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
