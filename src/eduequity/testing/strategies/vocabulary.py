"""The vocabulary the strategies draw from: realistic magnitudes, county names, size checks.

County names come from the registry (every county a plugin registers, in the
order the jurisdictions list them), so a plugin's own counties are drawn
without a copy of its list; with no county registered, a few made-up names.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ...core.columns import RESOURCES

#: Names drawn where no county is registered (a registry without plugins).
FALLBACK_COUNTIES: tuple[str, ...] = ("甲县", "乙县", "丙区", "丁区", "戊市")


def county_names(jurisdiction: str = "cn", registry: Any = None) -> tuple[str, ...]:
    """The counties registered under ``jurisdiction`` (``cn``: all of them), each once, by its name."""
    return _names(registry or _default(), jurisdiction)


def county_codes(registry: Any = None) -> Mapping[str, str]:
    """Registered counties' 6-digit division codes, by name (only those with a code)."""
    reg = registry or _default()
    return MappingProxyType({c.name: c.code for c in reg.counties("cn").values() if c.code})


def _default() -> Any:
    from ...core.registry import registry

    return registry()


@functools.lru_cache(maxsize=16)
def _names(reg: Any, jurisdiction: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(c.name for c in reg.counties(jurisdiction).values()))
    return names or FALLBACK_COUNTIES


#: Realistic range of each resource per student, in canonical units (m², yuan, counts).
#: ``teachers_above_degree`` and ``teachers_mid_senior_title`` are drawn as shares of
#: ``teachers`` (``TEACHER_SHARES``) and their range here follows from it.
PER_STUDENT = MappingProxyType({
    "teaching_area": (3.0, 6.5),
    "sports_area": (4.0, 11.0),
    "equipment_value": (1200.0, 4700.0),
    "computers": (0.08, 0.25),
    "books": (15.0, 50.0),
    "teachers": (0.05, 0.12),
    "teachers_above_degree": (0.04, 0.12),
    "teachers_mid_senior_title": (0.0225, 0.09),
    "backbone_teachers": (0.006, 0.02),
    "pe_art_teachers": (0.006, 0.018),
    "multimedia_classrooms": (0.012, 0.04),
})
TEACHER_SHARES = MappingProxyType({"teachers_above_degree": (0.8, 1.0), "teachers_mid_senior_title": (0.45, 0.75)})
#: Every per-student value before rounding lies in [low / 3, high * 1.5] of its ``PER_STUDENT`` range.
BOUNDS = MappingProxyType({k: (lo / 3, hi * 1.5) for k, (lo, hi) in PER_STUDENT.items()})
#: Spreads of log per-student values within a group: balanced, typical, uneven, very uneven.
SPREADS: tuple[float, ...] = (0.1, 0.3, 0.7, 1.3)
DECIMALS = MappingProxyType({"teaching_area": 2, "sports_area": 2})  # others: whole numbers
MIN_STUDENTS, MAX_STUDENTS = 20, 3000
MIXED_SCHOOL_TYPES: tuple[str, ...] = ("nine_year", "twelve_year", "complete_secondary")
_SECTIONS_OF = {"nine_year": (True, True, False), "twelve_year": (True, True, True),
                "complete_secondary": (False, True, True)}
_BASE = tuple(k for k in PER_STUDENT if k not in TEACHER_SHARES)
_LEVEL_DIGIT = {"primary": "1", "junior": "2"}
_LEVEL_ZH = {"primary": "小学", "junior": "中学"}


def _check_strategy(name: str, value: Any) -> None:
    if not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy (e.g. st.sampled_from([...]))")


def _check_sizes(name: str, lo: int, hi: int | None, floor: int = 0) -> None:
    if not isinstance(lo, int) or lo < floor:
        raise InvalidArgument(f"min_{name}={lo!r} must be an integer >= {floor}")
    if hi is not None and (not isinstance(hi, int) or hi < lo):
        raise InvalidArgument(f"max_{name}={hi!r} must be an integer >= min_{name}={lo}")


def _check_resources(resources: Sequence[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(resources))
    unknown = [r for r in out if r not in RESOURCES]
    if unknown:
        raise InvalidArgument(f"unknown resource columns {unknown}; expected some of {', '.join(RESOURCES)}")
    return out


def _unique_lists(elements: st.SearchStrategy, lo: int, hi: int) -> st.SearchStrategy[list]:
    return st.lists(elements, min_size=lo, max_size=hi, unique=True)


