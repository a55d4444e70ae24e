"""``evaluate``: a canonical school frame and a standard in, an ``Evaluation`` out.

Orchestration only, one pass: the inputs read and their counties resolved
(``read/inputs.py``) → the standard's scope (``scope.py``) → one grouping over
(year, county, level) and each indicator's weighted moments, once (the
``Context``) → every criterion judged, kind by kind (``criteria/``) → the school
rows each county-year stands on (``evidence.py``) → the verdict per (year,
county) by Kleene AND over every criterion (``verdicts.combine``) → the frames
(``results.py``).
"""

from __future__ import annotations

import functools
import os

import attrs
import numpy as np
import pandas as pd

from ..criteria import KINDS, Context, Outcome
from ..read.inputs import Inputs, read_inputs
from ..read.schools import read_schools
from . import evidence, results, verdicts, warnings
from .errors import InputError, Problem
from .evaluation import Evaluation
from .kernel import count_distinct, group, run_starts, weighted_moments
from .registry import Registry, registry as default_registry
from .scope import exclude
from .standards import Standard
from .warnings import Notice


def evaluate(
    frame: pd.DataFrame | None,
    standard: str | Standard,
    *,
    metrics: pd.DataFrame | str | os.PathLike | None = None,
    recognitions: pd.DataFrame | None = None,
    registry: Registry | None = None,
) -> Evaluation:
    """Judge ``frame`` against ``standard`` (an id or a ``Standard``).

    ``frame`` may be a canonical frame from ``read_schools`` or anything
    ``read_schools`` accepts; ``None`` for a standard of metric targets only.
    ``metrics``: long-form observations (year, county, metric, value[, level], or
    年份, 县（市、区）, 指标, 值[, 学段]), a frame or a CSV/XLSX path; a key no
    registered standard knows is an InputError naming the closest one.
    ``recognitions``: (county, year[, kind]); needed by prerequisites such as
    the quality-balance 3-year rule, which is "not assessable" without them.
    """
    reg = registry or default_registry()
    std = reg.standard(standard)
    given = read_inputs(frame, std, metrics, recognitions, reg)
    frame = given.schools
    ids = frozenset(reg.jurisdictions)
    excluded, left_out, keep = exclude(frame, std.exclusions)
    included = frame if keep is None else frame[keep]
    ctx, unseen = _context(included, std, given, ids)
    outcomes = judge(std, ctx)
    targets = results.targets(outcomes)
    shown_only = [o.criterion for o in outcomes if not o.decided_by_rows and o.rows is not None]
    deciding = targets[~targets["target"].isin(shown_only)] if shown_only else targets
    # Every (year, county) with a verdict needs school rows for each level the school rules hold.
    places_too = pd.concat([left_out[["year", "county"]], unseen], ignore_index=True)  # besides the groups'
    states = evidence.levels(ctx.groups, left_out, places_too, std.school_levels)
    found = warnings.frame([*given.notices, *_unused_places(given.metrics, std, ids)])
    warnings.emit(found)
    input_rows = count_distinct(frame["row"].to_numpy())
    return Evaluation(
        standard=std,
        counties=results.counties(ctx.groups, outcomes, states),
        verdicts=verdicts.combine(ctx.groups, outcomes, deciding, evidence.criteria(states),
                                  {m.key: m.zh for m in std.metrics}),
        indicators=results.indicators(ctx, outcomes),
        schools=functools.partial(results.schools, [o.schools for o in outcomes if o.schools is not None]),
        targets=targets,
        excluded=excluded,
        input_rows=input_rows,
        evaluated_rows=input_rows if keep is None else count_distinct(included["row"].to_numpy()),
        versions=dict(sorted(reg.versions.items())),
        warnings=found,
        sections=included,
    )


def judged_sections(ev: Evaluation, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sections ``ev`` judged: its own, or — for an evaluation loaded from JSON, which keeps
    none — ``frame`` read and scoped as ``evaluate`` does. What explain and remedy go back to."""
    if frame is None:
        if ev.sections is None:
            raise ValueError("this evaluation keeps no school sections (it was loaded from JSON): pass the school "
                             "table it was made from as frame=")
        return ev.sections
    schools = read_inputs(frame, ev.standard, None, None, default_registry()).schools
    _, _, keep = exclude(schools, ev.standard.exclusions)
    return schools if keep is None else schools[keep]


def judge(std: Standard, ctx: Context) -> list[Outcome]:
    """Every criterion of ``std``, kind by kind in ``KINDS`` order (a trend reads the composite a
    dispersion rule makes), all criteria of a kind at once; outcomes in the standard's order."""
    out: list[Outcome] = []
    for kind in KINDS:
        mine = [c for c in std.criteria if type(c) is kind]
        if mine:
            got = kind.judge(mine, ctx)
            ctx = attrs.evolve(ctx, columns={**ctx.columns, **{k: v for o in got for k, v in o.columns.items()}})
            out += got
    order = {c.id: i for i, c in enumerate(std.criteria)}
    return sorted(out, key=lambda o: order[o.criterion])


def _unused_places(observations: pd.DataFrame, std: Standard, ids: frozenset[str]) -> list[Notice]:
    """Observations given for a jurisdiction other than the standard's own: no target reads them."""
    names = pd.unique(observations["county"].to_numpy(dtype=object))
    return [Notice("observation-unused", f"metrics, county {n!r}",
                   f"{n} 是辖区代号而非县，{std.id} 的全辖区目标按 {std.jurisdiction!r} 评估，这些观测未被使用 "
                   f"(a jurisdiction id, not a county: {std.id} judges jurisdiction-wide targets under "
                   f"{std.jurisdiction!r}; these observations are not used)")
            for n in names if n in ids and n != std.jurisdiction]


# -- the context --------------------------------------------------------------------------------

def _context(frame: pd.DataFrame, std: Standard, given: Inputs, ids: frozenset[str]) -> tuple[Context, pd.DataFrame]:
    """The context every criterion is judged on, and the places the frame has no school of."""
    ctx, _ = section_context(frame, std)
    places, unseen = _places(ctx.groups, given.metrics, ids, given.listed)
    return attrs.evolve(ctx, places=places, observations=given.metrics, recognitions=given.recognitions), unseen


def section_context(frame: pd.DataFrame, std: Standard, keep: frozenset[str] | None = None
                    ) -> tuple[Context, np.ndarray | None]:
    """The school half of a context (no places, observations or recognitions), and the order
    applied to the frame's rows (None: they already were in it).

    Indicator values and moments are computed once, sections in the groups' (group,
    school id) order. Per-section values are kept only for the indicators in ``keep``
    (default: those a criterion reads school by school); the others live in one reused
    buffer: at 3 million rows a fresh array costs more in page faults than the arithmetic
    on it. ``ee.explain`` runs this on one county's sections, keeping every indicator:
    the same code in the same order gives the very CVs of the evaluation.
    """
    g, school_ids, order = group(frame)
    if g.repeated:  # an edited canonical frame with a school twice: read_schools names the rows
        read_schools(frame)
        raise InputError([Problem(None, "school_id", None, "each (year, county, level, school_id) once")],
                         source="schools")
    kept = {k for c in std.criteria for k in c.section_values()} if keep is None else keep
    n = len(g.codes)
    buffer, scratch = np.empty(n), (np.empty(n), np.empty(n))
    values, means, cvs, missing = {}, {}, {}, {}
    for key in std.needed_columns:
        column = frame[key].to_numpy(dtype=np.float64)
        x = np.empty(n) if key in kept else buffer
        if order is None:
            np.copyto(x, column)
        else:
            np.take(column, order, out=x)
        # Multiply before dividing: 9 teachers x 100 / 1000 students is exactly 0.9 per 100
        # students, where 9 / 1000 x 100 is 0.8999999999999999 and would miss a 0.9 threshold.
        x *= std.indicator(key).factor
        x /= g.students
        if key in kept:
            values[key] = x
        means[key], cvs[key] = weighted_moments(g, x, scratch)
        missing[key] = _missing_schools(g, x, school_ids)
    no_places = pd.DataFrame({"year": pd.Series(dtype="int64"), "county": pd.Series(dtype=object)})
    ctx = Context(g, values, means, cvs, missing, school_ids, {i.key: i for i in std.indicators}, no_places,
                  no_places.assign(metric=pd.Series(dtype=object), value=pd.Series(dtype="float64")), None,
                  std.jurisdiction)
    return ctx, order


def _missing_schools(g, x: np.ndarray, ids: pd.Categorical) -> np.ndarray:
    """Per group, the ids of schools whose value is blank ("" where none)."""
    out = np.full(g.n, "", dtype=object)
    nan = np.isnan(x)
    if nan.any():
        s = pd.Series(np.asarray(ids)[nan].astype(str)).groupby(g.codes[nan]).agg(lambda v: ", ".join(sorted(v)))
        out[s.index.to_numpy()] = s.to_numpy()
    return out


def _places(g, observations: pd.DataFrame, ids: frozenset[str], listed: list[str]
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(year, county) pairs judged — the frame's, any county observed in the metrics, and
    ``listed`` counties in every year observed — and those of them the frame has no school of.

    The frame's pairs come straight from the sorted group keys (a county's levels are
    adjacent), so only observations and listed counties need a merge.
    """
    year = g.keys["year"].to_numpy()
    county = g.keys["county"].array
    first = run_starts(year, county.codes)
    names = np.asarray(county.categories, dtype=object)
    from_frame = pd.DataFrame({"year": year[first], "county": names[county.codes[first]]})
    obs = observations[~observations["county"].isin(list(ids))][["year", "county"]]  # ids: not counties
    if not len(obs) and not listed:
        return from_frame, from_frame.iloc[:0]
    years = np.unique(observations["year"].to_numpy())
    grid = pd.DataFrame({"year": np.repeat(years, len(listed)), "county": np.tile(np.asarray(listed, dtype=object),
                                                                                 len(years))})
    more = pd.concat([obs.astype({"county": object}), grid], ignore_index=True).drop_duplicates()
    more = more.merge(from_frame, how="left", indicator=True)
    more = more.loc[more["_merge"] == "left_only", ["year", "county"]]
    both = pd.concat([from_frame, more], ignore_index=True)
    return both.sort_values(["year", "county"], kind="stable").reset_index(drop=True), more
