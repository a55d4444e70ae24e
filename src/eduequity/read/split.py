"""Mixed schools: how a whole-school row's physical resources are shared out between its sections.

A nine-year (九年一贯制), twelve-year (十二年一贯制) or complete secondary
(完全中学) school reports its buildings, grounds, equipment, computers, books
and multimedia rooms once for the whole school. The national method splits
each of them between the school's sections in proportion to *weighted*
students, so a nine-year school with A primary and B junior students gives its
primary section the share A / (A + 1.1·B). Only the primary and junior sections
are emitted; a senior section takes its share and is dropped (senior secondary
is not compulsory education). Counts of people (teachers …) are not split:
they are reported per section.

Both are data of the national built-in plugin,
``national/data/section-weights.toml``, each with its source, as cited in
shared/reference/national-standards.md, "Which schools count" / "Mixed
schools":

- **which columns are split** (``[[split]]``, the one place that says so;
  ``SPLIT`` and ``PEOPLE`` below are read from it): the five physical
  resources 教督〔2012〕3号 names, its indicators 1–5 (teaching area, sports
  area, equipment value, computers, books; **V3**), and
  ``multimedia_classrooms``, an indicator of 教督〔2017〕6号 that the 2012 rule
  predates, split the same way as *eduequity's reading* (marked **R**: no
  source says so);
- **the weights** (nine-year 1 : 1.1, complete secondary 1 : 1.2, twelve-year
  1 : 1.1 : 1.32; 教督〔2012〕3号, **V3**: read only in a third-party copy of
  the official text, never in the official text itself).

``national_weights`` and ``national_split`` read the file once.

Because of that, both can be overridden per call:
``read_schools(source, weights={"nine_year": (1.0, 1.2, None)})`` replaces the
weights of the school types it names (a tuple of ``(primary, junior, senior)``,
or ``SectionWeights``, e.g. from a province's own file read with
``load_weights``; ``None`` means the type has no such section) and keeps the
defaults for the others; ``read_schools(source, split=[...])`` names the
columns that are split instead (e.g. the five without
``multimedia_classrooms``, which is then given per section as
``multimedia_classrooms_primary`` / ``_junior``; or ``load_split`` of a file's
``[[split]]``). ``ee.remedy`` shares a mixed school's additions out by the
national list.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np

from ..core.columns import BY_NAME, RESOURCES, SCHOOL_TYPES
from ..core.sources import Source
from ..national import SECTION_WEIGHTS

#: The three sections a mixed school can have, in the order weights are given.
SECTIONS: tuple[str, ...] = ("primary", "junior", "senior")
#: The top-level key of a section-weights file that lists the split columns (not a school type).
SPLIT_KEY = "split"


def _toml(path: Path, what: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid {what} file {path.name}: not TOML: {exc}") from exc


def load_split(path: str | Path) -> dict[str, Source]:
    """The columns a file's ``[[split]]`` tables split, each with the source of its table.

    Each table has ``columns`` (resource columns, each once in the file) and a
    ``[split.source]``; a column that is not a resource, or is a count of people
    (reported per section, never split), is a ``ValueError`` naming the file.
    """
    path = Path(path)
    data = _toml(path, "section weights")
    entries = data.get(SPLIT_KEY, [])
    if not isinstance(entries, list):
        raise ValueError(f"{path.name} [{SPLIT_KEY}]: expected [[{SPLIT_KEY}]] tables, each with columns and a source")
    out: dict[str, Source] = {}
    for i, entry in enumerate(entries):
        where = f"{path.name} [[{SPLIT_KEY}]] {i + 1}"
        if not isinstance(entry, dict) or set(entry) != {"columns", "source"} or not isinstance(entry["source"], dict):
            raise ValueError(f"{where}: expected columns = [...] and a [{SPLIT_KEY}.source] table, nothing else")
        try:
            source = Source(**entry["source"])
            for name in split_columns(entry["columns"]):
                if name in out:
                    raise ValueError(f"{name!r} is listed twice")
                out[name] = source
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from exc
    return {name: out[name] for name in RESOURCES if name in out}  # in the order of COLUMNS


def split_columns(columns: Any) -> tuple[str, ...]:
    """``columns`` checked as columns a mixed school may split, in the order of ``COLUMNS``.

    Each must be a resource column and not a count of people (teachers are
    reported per section: a weighted share of a teacher is no teacher).
    """
    if isinstance(columns, str) or not isinstance(columns, Iterable):
        raise TypeError(f"split must be a list of resource columns, not {columns!r}")
    names = list(columns)
    for name in names:
        if name not in RESOURCES:
            raise ValueError(f"split: {name!r} is not a resource column; expected some of {', '.join(RESOURCES)}")
        if BY_NAME[name].unit == "teacher":
            raise ValueError(f"split: {name!r} counts people, who are reported per section "
                             f"({name}_primary / {name}_junior), not split")
    return tuple(name for name in RESOURCES if name in names)


@functools.cache
def national_split() -> Mapping[str, Source]:
    """The columns the national data file splits, each with its source, read once."""
    return MappingProxyType(load_split(SECTION_WEIGHTS))


def people(split: tuple[str, ...]) -> tuple[str, ...]:
    """The resource columns given per section when ``split`` are the ones split."""
    return tuple(name for name in RESOURCES if name not in split)


#: Resource columns split between the sections of a mixed school (the national data file's
#: ``[[split]]``), and those (people) given per section as ``<name>_primary`` / ``<name>_junior``.
SPLIT: tuple[str, ...] = tuple(national_split())
PEOPLE: tuple[str, ...] = people(SPLIT)


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
    #: The source record of weights read from a data file (document, clause, wording, confidence, note).
    reference: Source | None = None

    def __attrs_post_init__(self) -> None:
        if self.primary is None and self.junior is None:
            raise ValueError("section weights need a primary or a junior weight (a compulsory section)")

    def as_tuple(self) -> tuple[float | None, float | None, float | None]:
        return (self.primary, self.junior, self.senior)


_KEYS = ("primary", "junior", "senior", "source")


def load_weights(path: str | Path) -> dict[str, SectionWeights]:
    """Section weights from a TOML data file: one table per school type, each with its ``[source]``.

    ``[nine_year]`` holds ``primary = 1.0`` and ``junior = 1.1`` (a section left
    out: the type has none) and ``[nine_year.source]`` the document, clause,
    wording, confidence and note (``core.sources.Source``). Nothing in the file
    is executed; a file that is not TOML, an unknown school type or key, or a
    bad weight or source is a ``ValueError`` naming the file and the table.
    The file's ``[[split]]`` tables, if any, are ``load_split``'s.
    """
    path = Path(path)
    data = _toml(path, "section weights")
    return {school_type: _entry(f"{path.name} [{school_type}]", school_type, entry)
            for school_type, entry in data.items() if school_type != SPLIT_KEY}


def _entry(where: str, school_type: str, entry: Any) -> SectionWeights:
    if school_type not in SCHOOL_TYPES:
        raise ValueError(f"{where}: unknown school type; expected one of {', '.join(SCHOOL_TYPES)}")
    if not isinstance(entry, dict) or not isinstance(entry.get("source"), dict):
        raise ValueError(f"{where}: expected a table of weights with a [{school_type}.source] table")
    extra = sorted(set(entry) - set(_KEYS))
    if extra:
        raise ValueError(f"{where}: unknown key {', '.join(map(repr, extra))}; expected {', '.join(_KEYS)}")
    try:
        source = Source(**entry["source"])
        return SectionWeights(entry.get("primary"), entry.get("junior"), entry.get("senior"),
                              source=_cite(source), confidence=source.confidence, reference=source)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {exc}") from exc


def _cite(source: Source) -> str:
    """``教督〔2012〕3号 《title》, clause``, leaving out what the source does not say."""
    title = f" 《{source.title}》" if source.title else ""
    return f"{source.reference}{title}" + (f", {source.clause}" if source.clause else "")


@functools.cache
def national_weights() -> Mapping[str, SectionWeights]:
    """The national default weights by school type, read once from the national plugin's data file."""
    return MappingProxyType(load_weights(SECTION_WEIGHTS))


def resolve(weights: Mapping[str, SectionWeights | tuple] | None = None) -> dict[str, SectionWeights]:
    """The default weights with ``weights`` laid over them (per school type).

    A bad override is a programming error (``ValueError`` / ``TypeError``),
    not an ``InputError``: it is not about the data.
    """
    table = dict(national_weights())
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
