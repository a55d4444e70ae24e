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

from pathlib import Path

import pytest

import eduequity as ee
from eduequity.core.schedules import PhasedSchedule
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
