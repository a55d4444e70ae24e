"""Mixed schools: how a whole-school row's physical resources are shared out between its sections.

A nine-year (九年一贯制), twelve-year (十二年一贯制) or complete secondary
(完全中学) school reports its buildings, grounds, equipment, computers, books
and multimedia rooms once for the whole school. The national method splits
each of them between the school's sections in proportion to *weighted*
students:

==================== ========= ======== ========
school type           primary   junior   senior
==================== ========= ======== ========
nine_year             1         1.1      —
complete_secondary    —         1        1.2
twelve_year           1         1.1      1.32
==================== ========= ======== ========

so a nine-year school with A primary and B junior students gives its primary
section the share A / (A + 1.1·B). Only the primary and junior sections are
emitted; a senior section takes its share and is dropped (senior secondary is
not compulsory education). Counts of people (teachers …) are not split: they
are reported per section.

Source: the national method 教督〔2012〕3号 (《县域义务教育均衡发展督导评估暂行办法》),
as cited in shared/reference/national-standards.md, "Which schools count" /
"Mixed schools". Confidence **V3**: read only in a third-party copy of the
official text, never in the official text itself.

Because of that, the weights are data and can be overridden:
``read_schools(source, weights={"nine_year": (1.0, 1.2, None)})`` replaces the
weights of the school types it names (a tuple of ``(primary, junior, senior)``;
``None`` means the type has no such section) and keeps the defaults for the
others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import attrs
import numpy as np

from ..core.columns import COLUMNS, SCHOOL_TYPES

#: The three sections a mixed school can have, in the order weights are given.
SECTIONS: tuple[str, ...] = ("primary", "junior", "senior")
#: Resource columns split between the sections of a mixed school, and those
#: (people) given per section as ``<name>_primary`` / ``<name>_junior``.
SPLIT: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.role == "resource" and c.split)
PEOPLE: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.role == "resource" and not c.split)

SOURCE_DOCUMENT = "教督〔2012〕3号"
SOURCE_TITLE = "县域义务教育均衡发展督导评估暂行办法"
SOURCE_CONFIDENCE = "V3"
SOURCE_NOTE = (
    "Mixed schools: the five physical resources are split between sections in proportion to "
    "weighted students — nine-year school primary:junior = 1 : 1.1; complete secondary "
    "junior:senior = 1 : 1.2; twelve-year school 1 : 1.1 : 1.32 (read only in a third-party copy)."
)


def _weight(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"a section weight must be a number or None, not {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a section weight must be a positive finite number or None, not {value!r}")
    return value


@attrs.frozen
class SectionWeights:
    """Weights of one school type's sections; ``None``: the type has no such section."""

    primary: float | None = attrs.field(converter=_weight)
    junior: float | None = attrs.field(converter=_weight)
    senior: float | None = attrs.field(converter=_weight)
    source: str = "weights= passed to read_schools"
    confidence: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.primary is None and self.junior is None:
            raise ValueError("section weights need a primary or a junior weight (a compulsory section)")

    def as_tuple(self) -> tuple[float | None, float | None, float | None]:
        return (self.primary, self.junior, self.senior)


_NATIONAL = f"{SOURCE_DOCUMENT} 《{SOURCE_TITLE}》, mixed schools"

#: The national default weights, by school type (see the module docstring).
WEIGHTS: Mapping[str, SectionWeights] = MappingProxyType({
    "nine_year": SectionWeights(1.0, 1.1, None, source=_NATIONAL, confidence=SOURCE_CONFIDENCE),
    "complete_secondary": SectionWeights(None, 1.0, 1.2, source=_NATIONAL, confidence=SOURCE_CONFIDENCE),
    "twelve_year": SectionWeights(1.0, 1.1, 1.32, source=_NATIONAL, confidence=SOURCE_CONFIDENCE),
})


def resolve(weights: Mapping[str, SectionWeights | tuple] | None = None) -> dict[str, SectionWeights]:
    """The default weights with ``weights`` laid over them (per school type).

    A bad override is a programming error (``ValueError`` / ``TypeError``),
    not an ``InputError``: it is not about the data.
    """
    table = dict(WEIGHTS)
    if weights is None:
        return table
    if not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a mapping of school type to (primary, junior, senior), not {weights!r}")
    for school_type, value in weights.items():
        if school_type not in SCHOOL_TYPES:
            raise ValueError(
                f"weights: unknown school type {school_type!r}; expected one of {', '.join(SCHOOL_TYPES)}"
            )
        if not isinstance(value, SectionWeights):
            try:
                primary, junior, senior = value
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"weights[{school_type!r}] must be a (primary, junior, senior) tuple, not {value!r}"
                ) from exc
            value = SectionWeights(primary, junior, senior)
        table[school_type] = value
    return table


def matrix(table: Mapping[str, SectionWeights]) -> np.ndarray:
    """Weights as an array of shape (len(SCHOOL_TYPES), 3), NaN where there is no section.

    Row ``i`` belongs to ``SCHOOL_TYPES[i]`` (the category codes of the
    canonical ``school_type`` column); a type without weights is all NaN.
    """
    out = np.full((len(SCHOOL_TYPES), len(SECTIONS)), np.nan)
    for i, school_type in enumerate(SCHOOL_TYPES):
        w = table.get(school_type)
        if w is not None:
            out[i] = [np.nan if x is None else x for x in w.as_tuple()]
    return out


def shares(students: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each section's share of a whole-school resource, vectorised over schools.

    ``students`` and ``weights`` have shape (m, 3): students per section
    (primary, junior, senior; 0 where there is none) and the weights of each
    school's type (NaN where the type has no such section, counted as 0).
    Row i of the result is ``w·n / Σ w·n``; a row without weighted students is NaN.
    """
    weighted = np.asarray(students, dtype="float64") * np.nan_to_num(np.asarray(weights, dtype="float64"))
    total = weighted.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, weighted / np.where(total > 0, total, 1.0), np.nan)
