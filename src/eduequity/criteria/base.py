"""One shape for every criterion: the questions each kind answers, and what judging returns.

A standard is built from criteria of a few kinds — school thresholds, dispersion
limits, trends, recognition prerequisites, metric targets — each in a module of
its own (``criteria/<kind>.py``) holding its record (the TOML shape), the columns
it reads, and its arithmetic. Everything else asks the criterion rather than
switching on its kind: the standard (which columns, which levels, cross-entry
checks), ``ee.override`` (what a what-if key changes), the testing kit (sources,
plausible amounts, what-if strategies) and ``evaluate`` (``judge``).

The next questions (why did you fail, what would fix you) are methods of the same
classes: ``explain`` and ``remedy`` belong beside ``judge`` in each kind's module.
A kind whose rules additions of resources can satisfy (``RESOURCE``) says what it
would add (``remedy``); ``core/remedy.py`` rounds, shares out and checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import pandas as pd

from ..core import verdicts
from ..core.columns import BY_NAME, LEVELS
from ..core.kernel import Groups
from ..core.sources import Source
from . import reasons as txt
from .limits import PerLevel, margin


@attrs.frozen
class Context:
    """What every criterion is judged on, computed once per evaluation.

    Per group (year, county, level): the indicator means, CVs and the schools
    with blank cells; per section: the values of the indicators a school rule
    reads. Per place (year, county): ``places``, with the observations and
    recognitions. ``columns``: county columns criteria judged before have made
    (a trend reads the composite).
    """

    groups: Groups
    values: Mapping[str, np.ndarray]  # indicator -> per-section values, sections in (group, school id) order
    means: Mapping[str, np.ndarray]  # indicator -> per-group mean
    cvs: Mapping[str, np.ndarray]  # indicator -> per-group CV
    missing: Mapping[str, np.ndarray]  # indicator -> per-group text naming the schools with blank cells
    school_ids: pd.Categorical
    indicators: Mapping[str, Any]  # key -> Indicator
    places: pd.DataFrame  # (year, county) judged
    observations: pd.DataFrame
    recognitions: pd.DataFrame | None
    jurisdiction: str
    columns: Mapping[str, np.ndarray] = attrs.Factory(dict)


@attrs.frozen
class Outcome:
    """What judging a criterion gave, the same shape for every kind.

    ``passed``/``reason`` are per group (year, county, level) for criteria judged on
    schools; ``rows`` are rows of ``ev.targets`` (target, year, county[, level]).
    A criterion with ``passed`` is decided by it, its rows only shown (a trend); one
    without is decided by its rows (a metric target, a prerequisite).
    """

    criterion: str
    passed: pd.arrays.BooleanArray | None = None
    reason: np.ndarray | None = None  # "" where passed
    columns: Mapping[str, np.ndarray] = attrs.Factory(dict)  # county columns, per group
    by_level: Mapping[str, np.ndarray] = attrs.Factory(dict)  # county columns known per level (a limit)
    limits: Mapping[str, tuple[np.ndarray, pd.arrays.BooleanArray]] = attrs.Factory(dict)  # indicator -> (limit, passed)
    schools: Callable[[], pd.DataFrame] | None = None  # per-school evidence, built when ev.schools is read
    rows: pd.DataFrame | None = None

    @property
    def decided_by_rows(self) -> bool:
        return self.passed is None


@attrs.frozen
class Holdings:
    """What a remedy adds to: every section's resources as they stand, in the groups' order.

    ``amounts``: column -> per section, in the column's canonical unit (m², yuan,
    teachers). ``price``: column -> per group, what one canonical unit of it weighs
    in the objective (yuan with costs; 1 / the group's total of the column without,
    so that "2% more books" weighs like "2% more area").
    """

    groups: Groups
    amounts: Mapping[str, np.ndarray]
    indicators: Mapping[str, Any]  # key -> Indicator
    price: Mapping[str, np.ndarray]

    def value(self, key: str) -> np.ndarray:
        """Per-student values of indicator ``key`` (multiplied before divided, as ``evaluate`` does)."""
        return self.amounts[key] * self.indicators[key].factor / self.groups.students

    def addition(self, key: str, rise: np.ndarray) -> np.ndarray:
        """The amount of the column that raises each section's value of ``key`` by ``rise``."""
        return rise * self.groups.students / self.indicators[key].factor


@attrs.frozen
class Focus:
    """What explaining one county-year needs, gathered once by ``ee.explain``.

    ``ctx`` holds only the sections of the groups asked for (one per level), with every
    indicator kept per section: rebuilt by the evaluation's own code, so its CVs are the
    evaluation's. ``targets``: the rows ``ev.targets`` has at the place (levels asked for);
    ``names``: school names by school id, None when the input had none; ``labels``: the
    Chinese name of each metric key the standard defines.
    """

    ctx: Context
    targets: pd.DataFrame
    names: pd.Series | None
    labels: Mapping[str, str]

    def school_names(self, ids: Any) -> dict[str, np.ndarray]:
        """``{"school_name": …}`` for ``ids``, or nothing when the input had no names."""
        if self.names is None:
            return {}
        return {"school_name": self.names.reindex(np.asarray(ids, dtype=object)).to_numpy(dtype=object)}


@attrs.frozen
class Explained:
    """One criterion's part of an explanation: its rows of ``ex.criteria``, and where it has
    any, its rows of ``ex.schools`` and ``ex.missing``."""

    criteria: pd.DataFrame
    schools: pd.DataFrame | None = None
    missing: pd.DataFrame | None = None


#: The columns of ``ex.criteria`` and ``ex.missing``, one shape for every kind.
CRITERIA_COLUMNS = ("criterion", "title", "level", "indicator", "value", "op", "limit", "margin", "status",
                    "clause", "reason", "schools", "schools_not_met")
MISSING_COLUMNS = ("what", "criterion", "level", "school_id", "school_name", "column", "column_zh", "metric",
                   "metric_zh")


@attrs.frozen
class Slot:
    """One value a what-if may change: its ``ee.override`` key, what kind of value it is
    (``cv-limit``, ``threshold``, ``floor``, ``target``), and its current value."""

    key: str
    kind: str
    current: float | PerLevel


@attrs.frozen
class Amount:
    """A per-student amount a criterion names (a threshold), for the plausibility check of plugins."""

    where: str
    indicator: str
    level: str
    value: float  # as written, in ``unit``
    unit: str
    per_student: float  # in the column's canonical unit per student


class Criterion:
    """The questions every criterion kind answers; the defaults suit a county-level criterion.

    Kinds are attrs records that inherit these methods and override what applies.
    """

    KIND: ClassVar[str]
    NOUN: ClassVar[str] = "rule"
    #: Whether adding resources to schools can satisfy it (school thresholds, CV limits).
    RESOURCE: ClassVar[bool] = False
    id: str
    source: Source

    def indicators_read(self) -> tuple[str, ...]:
        """Indicator keys (resource columns) it reads."""
        return ()

    def section_values(self) -> tuple[str, ...]:
        """Indicators whose per-school values it reads, not only their group moments: kept
        per section by ``evaluate`` (the others share one reused buffer)."""
        return ()

    def judged(self) -> frozenset[tuple[str, str]]:
        """(indicator, level) pairs it holds schools to: a blank cell there leaves it unjudged."""
        return frozenset()

    def columns_made(self) -> tuple[str, ...]:
        """County columns it writes (``composite_cv``), for criteria and reports that read them."""
        return ()

    def needs(self) -> frozenset[str]:
        """Inputs without which it is not assessable: ``"recognitions"``, ``"metrics"``."""
        return frozenset()

    def check(self, standard: Any) -> None:
        """Checks across the standard's entries (the indicators it names exist, units match)."""

    def sources(self) -> list[tuple[str, Source | None, bool]]:
        """(what, source, required) for every value it rests on."""
        return [(f"{self.NOUN} {self.id!r}", self.source, True)]

    def amounts(self, indicators: Mapping[str, Any]) -> list[Amount]:
        return []

    def slots(self) -> list[Slot]:
        return []

    def overridden(self, key: str, value: Any) -> Criterion | None:
        """This criterion with the change ``key`` names, or None if ``key`` is not its.

        ``<id>.<field>`` sets any field but the id and the source (``….deadline``);
        a per-level field keeps the levels ``value`` leaves out.
        """
        field = key[len(self.id) + 1:] if key.startswith(self.id + ".") else None
        if field is None or field in ("id", "source") or field not in attrs.fields_dict(type(self)):
            return None
        return changed(self, field, value)

    @classmethod
    def judge(cls, criteria: Sequence[Any], ctx: Context) -> list[Outcome]:
        """All criteria of this kind at once: vectorised over every group or place."""
        raise NotImplementedError(f"{cls.__name__} defines no judge")

    def remedy(self, holdings: Holdings) -> dict[str, np.ndarray]:
        """The least additions (column -> per section, canonical unit, ≥ 0) that would make every
        group pass this criterion, as continuous amounts; {} where it needs none or no addition
        of resources can help (a recognition, an observed metric)."""
        return {}

    def shortfalls(self, holdings: Holdings) -> dict[str, np.ndarray]:
        """What each section lacks of each per-school minimum it misses (column -> per section);
        {} for a criterion with no per-school minimum."""
        return {}

    def supplies(self) -> str:
        """What a bureau must supply where it is not assessable (``ex.missing["what"]``)."""
        return "observation"

    def explain(self, focus: Focus) -> Explained:
        """Why it came out as it did at one county-year. The default suits a criterion decided
        by its rows of ``ev.targets`` (a metric target, a prerequisite, a trend): those rows are
        the whole story, already judged; nothing is computed again."""
        return explain_rows([self], focus)


def explain_rows(criteria: Sequence[Criterion], focus: Focus) -> Explained:
    """The default ``explain`` of many criteria at once, in their order: a standard has a score of
    targets, and a frame per target per county costs more than all their arithmetic."""
    ids = pd.Index([c.id for c in criteria])
    t = focus.targets
    pos = ids.get_indexer(t["target"].to_numpy(dtype=object))
    keep = np.flatnonzero(pos >= 0)
    keep = keep[np.argsort(pos[keep], kind="stable")]
    rows, at = t.iloc[keep], pos[keep]
    status = rows["status"].array
    value, required = rows["value"].to_numpy(dtype=float), rows["required"].to_numpy(dtype=float)
    failed = np.asarray(status == verdicts.NOT_MET)
    unknown = np.asarray(status == verdicts.NOT_ASSESSABLE)
    pending = np.asarray(status == verdicts.PENDING)
    op, metric = rows["op"].to_numpy(dtype=object), rows["metric"].to_numpy(dtype=object)
    level = rows["level"].to_numpy(dtype=object)
    reason = txt.joined(txt.text(metric, " = ", txt.number(value, "%g"), "，要求 required ", op, " ",
                                 txt.number(required, "%g"), where=failed),
                        txt.joined(txt.text("无观测值 no observation", where=unknown),
                                   txt.text("未到期 pending, deadline ", rows["deadline"].to_numpy(dtype=object),
                                            where=pending)))
    title = np.array([getattr(c, "title", "") for c in criteria], dtype=object)
    frame = criteria_frame(criteria[0] if len(criteria) == 1 else None, level, metric, value, op, required,
                           status, reason, ids=ids.to_numpy(dtype=object)[at], titles=title[at],
                           clauses=np.array([c.source.cite() for c in criteria], dtype=object)[at])
    lacking = at[unknown]
    missing = missing_frame(np.array([c.supplies() for c in criteria], dtype=object)[lacking],
                            ids.to_numpy(dtype=object)[lacking], level[unknown], metric=metric[unknown],
                            metric_zh=np.array([focus.labels.get(m, title[i]) for m, i in zip(metric[unknown], lacking)],
                                               dtype=object))
    return Explained(frame, missing=missing)


def changed(obj: Any, field: str, value: Any) -> Any:
    """``obj`` with ``field`` set to ``value``; a per-level field keeps the levels ``value`` leaves out."""
    current = getattr(obj, field)
    return attrs.evolve(obj, **{field: current.updated(value) if isinstance(current, PerLevel) else value})


#: The columns of ``ev.targets``, one shape for every kind that writes rows there.
TARGET_COLUMNS = ("target", "year", "county", "level", "metric", "value", "op", "required",
                  "deadline", "approximate", "status", "passed")


def target_rows(target: Any, year: np.ndarray, county: Any, level: Any, metric: Any, value: np.ndarray, op: Any,
                required: np.ndarray, passed: pd.arrays.BooleanArray, *, deadline: Any = None,
                approximate: Any = False, pending: np.ndarray | None = None) -> pd.DataFrame:
    """Rows of ``ev.targets``; scalars stand for every row (one target's id, its metric)."""
    n = len(year)
    if deadline is None:
        deadline = pd.array([pd.NA] * n, dtype="Int64")
    if level is None:
        level = pd.Series([None] * n, dtype="str")
    return pd.DataFrame({
        "target": target, "year": year, "county": county, "level": level, "metric": metric, "value": value,
        "op": op, "required": required, "deadline": deadline, "approximate": approximate,
        "status": verdicts.status(passed, pending=pending), "passed": passed,
    })


def no_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "target": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"), "county": pd.Series(dtype="str"),
        "level": pd.Series(dtype="str"), "metric": pd.Series(dtype="str"), "value": pd.Series(dtype="float64"),
        "op": pd.Series(dtype="str"), "required": pd.Series(dtype="float64"), "deadline": pd.Series(dtype="Int64"),
        "approximate": pd.Series(dtype="bool"), "status": pd.Series(pd.Categorical([], dtype=verdicts.STATUS_DTYPE)),
        "passed": pd.Series(dtype="boolean"),
    })


# -- the frames of an explanation ---------------------------------------------------------------

def criteria_frame(criterion: Any, level: Any, indicator: Any, value: np.ndarray, op: Any, limit: np.ndarray,
                   status: Any, reason: np.ndarray, schools: np.ndarray | None = None,
                   schools_not_met: np.ndarray | None = None, *, ids: Any = None, titles: Any = None,
                   clauses: Any = None) -> pd.DataFrame:
    """Rows of ``ex.criteria``; scalars stand for every row (``ids``, ``titles``, ``clauses``: per
    row, for rows of several criteria). The margin says how far from failing, with the sign
    readers expect: positive is room to spare."""
    n = len(value)
    if ids is None:
        ids, titles, clauses = criterion.id, getattr(criterion, "title", ""), criterion.source.cite()

    def counts(x: np.ndarray | None) -> pd.arrays.IntegerArray:
        return pd.array([pd.NA] * n if x is None else np.asarray(x, dtype=np.int64), dtype="Int64")

    return pd.DataFrame({
        "criterion": ids, "title": titles,
        "level": pd.Series(np.broadcast_to(np.asarray(level, dtype=object), (n,)), dtype=object),
        "indicator": pd.Series(np.broadcast_to(np.asarray(indicator, dtype=object), (n,)), dtype=object),
        "value": np.asarray(value, dtype=float), "op": op, "limit": np.asarray(limit, dtype=float),
        "margin": margin(op, value, limit), "status": pd.Categorical(status, dtype=verdicts.STATUS_DTYPE),
        "clause": clauses, "reason": np.asarray(reason, dtype=object),
        "schools": counts(schools), "schools_not_met": counts(schools_not_met),
    }, index=pd.RangeIndex(n), columns=list(CRITERIA_COLUMNS))


def missing_frame(what: str, criterion: str, level: Any, **columns: Any) -> pd.DataFrame:
    """Rows of ``ex.missing``: one thing to supply each; columns not given are blank."""
    n = len(level)
    blank = np.full(n, None, dtype=object)
    data = {"what": what, "criterion": criterion, "level": np.asarray(level, dtype=object),
            **{c: np.asarray(columns.get(c, blank), dtype=object) for c in MISSING_COLUMNS[3:]}}
    return pd.DataFrame(data, index=pd.RangeIndex(n), columns=list(MISSING_COLUMNS))


def blank_cells(focus: Focus, criterion: Criterion) -> pd.DataFrame:
    """The school cells the criterion reads that are blank, in the groups explained: which
    school, which input column (and its Chinese header), one row each."""
    g = focus.ctx.groups
    level = g.spread(g.keys["level"].cat.codes.to_numpy())
    ids = np.asarray(focus.ctx.school_ids, dtype=object)
    judged = criterion.judged()
    parts = []
    for key in criterion.indicators_read():
        held = np.isin(level, [i for i, lv in enumerate(LEVELS) if (key, lv) in judged])
        blank = np.isnan(focus.ctx.values[key]) & held
        if blank.any():
            parts.append(missing_frame("school cell", criterion.id, np.asarray(LEVELS, dtype=object)[level[blank]],
                                       school_id=ids[blank], column=np.full(blank.sum(), key, dtype=object),
                                       column_zh=np.full(blank.sum(), BY_NAME[key].zh, dtype=object),
                                       **focus.school_names(ids[blank])))
    return pd.concat(parts, ignore_index=True) if parts else missing_frame("school cell", criterion.id, [])


def group_levels(g: Groups) -> np.ndarray:
    """Each group's level, as text."""
    return np.asarray(LEVELS, dtype=object)[g.keys["level"].cat.codes.to_numpy()]
