"""``evaluate``: a canonical school frame and a standard in, an ``Evaluation`` out.

One pass: the inputs read and their counties resolved (``inputs.py``) →
exclusions → one grouping over (year, county, level) → indicator
values and their weighted moments, computed once → each rule's vectorised
check → metric targets and prerequisites → the evidence each county-year
stands on (``evidence.py``) → the overall verdict per (year, county) by
Kleene AND over every criterion.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pandas as pd

from . import evidence, verdicts, warnings
from . import targets as targets_mod
from .checks import Context, Outcome, check, trend
from .columns import LEVELS
from .errors import InputError, Problem
from .evaluation import Evaluation
from .kernel import Groups, count_distinct, dense_rank, group, join_runs, name_sets, run_starts, sort_order, weighted_moments
from .inputs import read_inputs
from .recognitions import first_year
from .registry import Registry, registry as default_registry
from .rules import Recognition, SchoolThreshold, Trend
from .schools import read_schools
from .standards import Standard
from .warnings import Notice

EXCLUDED_KEYS = ["row", "year", "county", "school_id", "level"]


def evaluate(
    frame: pd.DataFrame | None,
    standard: str | Standard,
    *,
    metrics: pd.DataFrame | None = None,
    recognitions: pd.DataFrame | None = None,
    registry: Registry | None = None,
) -> Evaluation:
    """Judge ``frame`` against ``standard`` (an id or a ``Standard``).

    ``frame`` may be a canonical frame from ``read_schools`` or anything
    ``read_schools`` accepts; ``None`` for a standard of metric targets only.
    ``metrics``: long-form observations (year, county, metric, value[, level]).
    ``recognitions``: (county, year[, kind]); needed by prerequisites such as
    the quality-balance 3-year rule, which is "not assessable" without them.
    """
    reg = registry or default_registry()
    std = reg.standard(standard)
    given = read_inputs(frame, std, metrics, recognitions, reg)
    frame, observations, recog = given.schools, given.metrics, given.recognitions
    ids = frozenset(reg.jurisdictions)
    notices = list(given.notices) + _unused_places(observations, std, ids)

    excluded, left_out, keep = _exclude(frame, std)
    included = frame if keep is None else frame[keep]
    ctx = _context(included, std)
    g = ctx.groups
    if g.repeated:  # an edited canonical frame with a school twice: read_schools names the rows
        read_schools(frame)
        raise InputError([Problem(None, "school_id", None, "each (year, county, level, school_id) once")],
                         source="schools")
    outcomes = [check(rule, ctx) for rule in std.rules if not isinstance(rule, Recognition | Trend)]
    columns = {name: col for o in outcomes for name, col in o.columns.items()}
    trends = [trend(rule, g, columns[rule.value], recog) for rule in std.rules if isinstance(rule, Trend)]
    outcomes += [o for o, _ in trends]

    places, unseen = _places(g, observations, ids, given.listed)
    target_rows = [targets_mod.judge(std.targets, observations, places, std.jurisdiction)]
    target_rows += [_recognition_rows(rule, places, recog) for rule in std.rules if isinstance(rule, Recognition)]
    target_rows += [rows for _, rows in trends]
    target_frame = _sort(_by_target(target_rows), ["target", "year", "county", "level"])

    # Every (year, county) with a verdict needs school rows for each level the school rules hold.
    places_too = pd.concat([left_out[["year", "county"]], unseen], ignore_index=True)  # besides the groups'
    states = evidence.levels(g, left_out, places_too, std.school_levels)
    counties = _counties(g, outcomes, states)
    indicators = _indicators(g, ctx, outcomes, std)
    trend_ids = [r.id for r in std.rules if isinstance(r, Trend)]  # already among the outcomes
    judged = target_frame[~target_frame["target"].isin(trend_ids)] if trend_ids else target_frame
    verdict_frame = _verdicts(g, outcomes, judged, evidence.criteria(states))
    schools = functools.partial(_school_rows, [o.schools for o in outcomes if o.schools is not None])
    input_rows = count_distinct(frame["row"].to_numpy())
    found = warnings.frame(notices)
    warnings.emit(found)
    return Evaluation(
        standard=std,
        counties=counties,
        verdicts=verdict_frame,
        indicators=indicators,
        schools=schools,
        targets=target_frame,
        excluded=excluded,
        input_rows=input_rows,
        evaluated_rows=input_rows if keep is None else count_distinct(included["row"].to_numpy()),
        versions=_versions(reg),
        warnings=found,
    )


# -- boundary ---------------------------------------------------------------------------------

def _unused_places(observations: pd.DataFrame, std: Standard, ids: frozenset[str]) -> list[Notice]:
    """Observations given for a jurisdiction other than the standard's own: no target reads them."""
    names = pd.unique(observations["county"].to_numpy(dtype=object))
    return [Notice("observation-unused", f"metrics, county {n!r}",
                   f"{n} 是辖区代号而非县，{std.id} 的全辖区目标按 {std.jurisdiction!r} 评估，这些观测未被使用 "
                   f"(a jurisdiction id, not a county: {std.id} judges jurisdiction-wide targets under "
                   f"{std.jurisdiction!r}; these observations are not used)")
            for n in names if n in ids and n != std.jurisdiction]


def _exclude(frame: pd.DataFrame, std: Standard) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None]:
    """Rows the standard leaves out, each with the first reason that applies; the (year, county,
    level) of the sections left out (a mixed school's row is one excluded row, two sections)."""
    which = np.zeros(len(frame), dtype=np.int16)  # 0: kept, i: the i-th exclusion (1-based)
    for i, ex in enumerate(std.exclusions, start=1):
        if ex.column in frame.columns:
            which[frame[ex.column].isin(ex.values).to_numpy() & (which == 0)] = i
    out = which > 0
    reasons = np.array([""] + [f"{ex.reason} [{ex.source.cite()}]" for ex in std.exclusions], dtype=object)
    cols = [c for c in EXCLUDED_KEYS + ["school_name", "school_type"] if c in frame.columns]
    excluded = (frame.loc[out, cols].assign(reason=reasons[which[out]]).drop_duplicates("row")
                .sort_values(["year", "county", "school_id", "level"], kind="stable",
                             key=lambda c: c.astype("str") if c.name in ("county", "school_id") else c)
                .reset_index(drop=True))
    return excluded, _places_of(frame, out), (~out if out.any() else None)


def _places_of(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The distinct (year, county, level) of the selected rows, by one packed integer key."""
    county = frame["county"].cat
    year = frame["year"].to_numpy()[rows].astype(np.int64)
    y0, width = (int(year.min()) if len(year) else 0), max(len(county.categories), 1)
    key = np.unique(((year - y0) * width + county.codes.to_numpy()[rows]) * len(LEVELS)
                    + frame["level"].cat.codes.to_numpy()[rows])
    return pd.DataFrame({"year": y0 + key // (width * len(LEVELS)),
                         "county": np.asarray(county.categories, dtype=object)[(key // len(LEVELS)) % width],
                         "level": np.asarray(LEVELS, dtype=object)[key % len(LEVELS)]})


# -- evidence ---------------------------------------------------------------------------------

def _context(frame: pd.DataFrame, std: Standard) -> Context:
    """Indicator values and moments, sections in the groups' (group, school id) order.

    Per-section values are kept only for the indicators a school-threshold rule
    reads; the others live in one reused buffer. At 3 million rows a fresh array
    costs more in page faults than the arithmetic on it.
    """
    g, ids, order = group(frame)
    kept = {t.indicator for r in std.rules if isinstance(r, SchoolThreshold) for t in r.thresholds}
    n = len(g.codes)
    buffer, scratch = np.empty(n), (np.empty(n), np.empty(n))
    values, means, cvs, missing = {}, {}, {}, {}
    for key in std.needed_columns:
        ind = std.indicator(key)
        column = frame[key].to_numpy(dtype=np.float64)
        x = np.empty(n) if key in kept else buffer
        if order is None:
            np.copyto(x, column)
        else:
            np.take(column, order, out=x)
        # Multiply before dividing: 9 teachers x 100 / 1000 students is exactly 0.9 per 100
        # students, where 9 / 1000 x 100 is 0.8999999999999999 and would miss a 0.9 threshold.
        x *= ind.factor
        x /= g.students
        if key in kept:
            values[key] = x
        means[key], cvs[key] = weighted_moments(g, x, scratch)
        missing[key] = _missing_schools(g, x, ids)
    return Context(g, values, means, cvs, missing, ids, {i.key: i for i in std.indicators})


def _missing_schools(g: Groups, x: np.ndarray, ids: pd.Categorical) -> np.ndarray:
    """Per group, the ids of schools whose value is blank ("" where none)."""
    out = np.full(g.n, "", dtype=object)
    nan = np.isnan(x)
    if nan.any():
        s = pd.Series(np.asarray(ids)[nan].astype(str)).groupby(g.codes[nan]).agg(lambda v: ", ".join(sorted(v)))
        out[s.index.to_numpy()] = s.to_numpy()
    return out


def _counties(g: Groups, outcomes: list[Outcome], states: pd.DataFrame) -> pd.DataFrame:
    """One row per group, and a not-assessable row per level a county-year has no school of."""
    out = g.keys.copy()
    out["schools"] = g.size
    out["students"] = g.total.round().astype(np.int64)  # whole students, validated at the boundary
    for o in outcomes:
        for name, col in o.columns.items():
            out[name] = col
    passed = verdicts.all_of(np.tile(np.arange(g.n), len(outcomes)), _stack([o.passed for o in outcomes]), g.n)
    out["passed"] = passed
    out["status"] = verdicts.status(passed)
    absent = states[states["state"] == evidence.ABSENT]
    if not len(absent):
        return out
    n = len(absent)
    # counts of schools and students are 0; every value and verdict is missing
    none = pd.DataFrame({c: np.zeros(n, dtype=out[c].dtype) if out[c].dtype.kind in "iu" else np.full(n, np.nan)
                         for c in out.columns if c not in ("year", "county", "level", "passed", "status")})
    level = pd.Index(LEVELS).get_indexer(absent["level"])
    for o in outcomes:
        for name, values in o.by_level.items():
            none[name] = values[level]
    none["passed"] = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    none["status"] = verdicts.status(none["passed"].array)
    rows = pd.concat([absent[["year", "county", "level"]].reset_index(drop=True), none], axis=1)
    both = pd.concat([out.astype({"county": object, "level": object}), rows], ignore_index=True)
    both["county"] = pd.Categorical(both["county"], categories=sorted(set(both["county"])))
    both["level"] = pd.Categorical(both["level"], categories=list(LEVELS))
    return _sort(both, ["year", "county", "level"])


def _indicators(g: Groups, ctx: Context, outcomes: list[Outcome], std: Standard) -> pd.DataFrame:
    """One row per (group, indicator), laid out group-major so no sort is needed: the
    groups are already in (year, county, level) order."""
    keys = list(ctx.means)
    n, k = g.n, len(keys)
    limit = np.full((k, n), np.nan)
    value = np.zeros((k, n), dtype=bool)
    unknown = np.ones((k, n), dtype=bool)
    for o in outcomes:
        for key, (lim, p) in o.limits.items():
            i = keys.index(key)
            limit[i] = lim
            value[i] = np.asarray(p.fillna(False), dtype=bool)
            unknown[i] = np.asarray(p.isna())
    idx = np.repeat(np.arange(n), k)
    out = g.keys.iloc[idx].reset_index(drop=True)
    out["indicator"] = pd.Categorical.from_codes(np.tile(np.arange(k), n), categories=keys)

    def column(per_key: dict | np.ndarray) -> np.ndarray:
        stacked = np.vstack([per_key[key] for key in keys]) if isinstance(per_key, dict) else per_key
        return stacked.T.ravel() if k else stacked.ravel()

    out["mean"] = column(ctx.means) if k else np.array([])
    out["cv"] = column(ctx.cvs) if k else np.array([])
    out["limit"] = column(limit)
    out["passed"] = verdicts.boolean(column(value), ~column(unknown))
    out["schools"] = g.size[idx]
    out["missing"] = _mostly_blank(column({key: ctx.missing[key] for key in keys}) if k else np.array([], dtype=object))
    return out


def _mostly_blank(texts: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A str column from an object array that is mostly "": converts the texts, takes the blanks."""
    given = np.flatnonzero(texts.astype(bool))
    codes = np.zeros(len(texts), dtype=np.intp)
    codes[given] = np.arange(1, len(given) + 1)
    return pd.array(np.concatenate([np.array([""], dtype=object), texts[given]]), dtype="str").take(codes)


def _verdicts(g: Groups, outcomes: list[Outcome], targets: pd.DataFrame, stands: pd.DataFrame) -> pd.DataFrame:
    """Kleene AND per (year, county) over every criterion: each level's rules, each target row,
    and ``stands`` (year, county, passed, reason): what each county-year stands on (``evidence.criteria``).

    Reasons are written only for criteria that are not a pass, and joined per county
    with one ``np.add.reduceat`` rather than a Python join per group.
    """
    year, county, passed, reason = [], [], [], []  # county: codes into ``names``
    names = pd.Index(g.keys["county"].cat.categories.astype(object))
    places = [stands["county"], targets["county"]] if len(targets) else [stands["county"]]
    extra = pd.Index(pd.unique(np.concatenate([np.asarray(pd.unique(c.array), dtype=object) for c in places])))
    names = names.append(extra.difference(names)).sort_values()
    group_county = names.get_indexer(g.keys["county"].cat.categories)[g.keys["county"].cat.codes.to_numpy()]
    for o in outcomes:
        year.append(g.keys["year"].to_numpy())
        county.append(group_county)
        passed.append(o.passed)
        reason.append(np.asarray(o.reason, dtype=object))
    if len(stands):
        year.append(stands["year"].to_numpy())
        county.append(names.get_indexer(stands["county"].to_numpy(dtype=object)))
        passed.append(stands["passed"].array)
        reason.append(stands["reason"].to_numpy(dtype=object))
    kinds = None
    if len(targets):
        t = targets
        p = t["passed"].array
        text, kinds, target_codes, ids = _target_reasons(t, ~np.asarray(p.fillna(False), dtype=bool))
        reason.append(text)
        year.append(t["year"].to_numpy())
        codes, uniq = pd.factorize(t["county"].array)  # a few thousand distinct names among many rows
        county.append(names.get_indexer(np.asarray(uniq, dtype=object))[codes])
        passed.append(p)
    year_all = np.concatenate(year).astype(np.int64) if year else np.zeros(0, dtype=np.int64)
    if not len(year_all):
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "county": pd.Series(dtype="str"),
                             "passed": pd.Series(dtype="boolean"), "status": pd.Categorical([], dtype=verdicts.STATUS_DTYPE),
                             "reasons": pd.Series(dtype="str")})
    y0 = int(year_all.min())
    uniq, codes = dense_rank((year_all - y0) * len(names) + np.concatenate(county))
    n = len(uniq)
    crit_passed = pd.array(np.concatenate([np.asarray(x.fillna(False), dtype=bool) for x in passed]), dtype="boolean")
    crit_passed[np.concatenate([np.asarray(x.isna()) for x in passed])] = pd.NA
    verdict = verdicts.all_of(codes, crit_passed, n)
    texts = np.concatenate(reason)
    open_ = texts.astype(bool)  # a text where a criterion is not a definite pass
    at, texts = codes[open_], texts[open_]
    if kinds is not None:  # targets unobserved or pending: one reason per county, naming them all
        rows = codes[len(codes) - len(kinds):]
        for kind, label in ((_PENDING, "未到期 pending: "), (_UNOBSERVED, "无观测值 no observation: ")):
            grouped = _grouped_reasons(rows[kinds == kind], target_codes[kinds == kind], ids, label, n)
            given = np.flatnonzero(grouped.astype(bool))
            at, texts = np.concatenate([at, given]), np.concatenate([texts, grouped[given]])
    reasons = join_runs(at, texts, n)
    return pd.DataFrame({
        "year": y0 + uniq // len(names),
        "county": pd.array(np.asarray(names, dtype=object)[uniq % len(names)], dtype="str"),
        "passed": verdict, "status": verdicts.status(verdict), "reasons": pd.array(reasons, dtype="str"),
    })


_OWN, _UNOBSERVED, _PENDING = 0, 1, 2


def _target_reasons(t: pd.DataFrame, open_: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Why each target row is not a pass: (its own text, "" where none, its kind, the code of its target,
    the target ids).

    A definite failure says what was observed and required. An unobserved or pending
    row says nothing of its own: its text depends on the target alone, and a county
    gets one reason naming all such targets (``_grouped_reasons``).
    """
    out = np.full(len(t), "", dtype=object)
    codes, ids = pd.factorize(t["target"].array)
    ids = np.asarray(ids, dtype=object)
    na = np.asarray(t["passed"].isna())
    pending = np.asarray(t["status"].cat.codes) == verdicts.STATUSES.index(verdicts.PENDING)
    kinds = np.where(open_ & na, np.where(pending, _PENDING, _UNOBSERVED), _OWN).astype(np.int8)
    seen = open_ & ~na  # a definite failure
    if seen.any():
        s2 = t[seen]
        out[seen] = (ids[codes[seen]] + ": " + s2["metric"].astype(str).to_numpy(dtype=object) + " = "
                     + np.char.mod("%g", s2["value"].to_numpy(dtype=float)).astype(object) + ", required "
                     + s2["op"].astype(str).to_numpy(dtype=object) + " "
                     + np.char.mod("%g", s2["required"].to_numpy(dtype=float)).astype(object))
    return out, kinds, codes, ids


def _grouped_reasons(place: np.ndarray, target: np.ndarray, ids: np.ndarray, label: str, n: int) -> np.ndarray:
    """Per place, ``label`` and the ids of its targets ("" for none), in the order of ``ids``;
    a prefix the ids share ("cn.quality-balance-2017") is written once.

    Counties mostly share one set of such targets: ``name_sets`` writes each set once.
    """
    prefix = os.path.commonprefix(list(ids)).rpartition(".")[0]  # the standard's id, said once
    if prefix:
        label = f"{label.rstrip(': ')} ({prefix}): "
        ids = np.asarray([i[len(prefix) + 1:] for i in ids], dtype=object)
    out = name_sets(place, target, ids, n)
    return np.where(out.astype(bool), label + out, out)


def _recognition_rows(rule: Recognition, places: pd.DataFrame, recog: pd.DataFrame | None) -> pd.DataFrame:
    base = places.reset_index(drop=True)
    required = base["year"].to_numpy() - rule.years_before
    if recog is None:
        first = np.full(len(base), np.nan)
    else:
        first = base["county"].map(first_year(recog, rule.recognition)).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        ok = first <= required
    passed = verdicts.boolean(ok, known=np.full(len(base), recog is not None))
    return pd.DataFrame({
        "target": rule.id, "year": base["year"].to_numpy(), "county": base["county"].to_numpy(),
        "level": pd.Series([None] * len(base), dtype="str"), "metric": f"recognition:{rule.recognition}",
        "value": first, "op": "<=", "required": required.astype(float),
        "deadline": pd.array([pd.NA] * len(base), dtype="Int64"), "approximate": False,
        "status": verdicts.status(passed), "passed": passed,
    })


# -- helpers ------------------------------------------------------------------------------------

def _places(g: Groups, observations: pd.DataFrame, ids: frozenset[str], listed: list[str]
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


def _stack(arrays: list) -> pd.arrays.BooleanArray:
    if not arrays:
        return pd.array([], dtype="boolean")
    return pd.array(pd.concat([pd.Series(a, dtype="boolean") for a in arrays], ignore_index=True), dtype="boolean")


def _by_target(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Target rows, one block per target, blocks in id order.

    Each piece holds each of its targets' rows together, already in (year, county,
    level) order; putting the blocks in order of their ids (slices, no copy) and
    concatenating once leaves ``_sort`` nothing to move in the usual case.
    """
    blocks = []
    for t in pieces:
        if not len(t):
            continue
        ids = t["target"].array
        cut = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
        blocks += [t.iloc[a:b] for a, b in zip(cut[:-1], cut[1:])]
    blocks.sort(key=lambda b: b["target"].iat[0])
    return pd.concat(blocks or [targets_mod.empty()], ignore_index=True)


def _sort(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``df`` sorted by ``by`` (blanks last), stably, by one packed sort of the columns' codes."""
    cols = [c for c in by if c in df.columns]
    if not cols or len(df) < 2:
        return df.reset_index(drop=True)
    codes, sizes = [], []
    for c in cols:
        code, uniq = pd.factorize(df[c], sort=True)
        codes.append(np.where(code < 0, len(uniq), code))
        sizes.append(len(uniq) + 1)
    order, _ = sort_order(codes, sizes)
    return df.reset_index(drop=True) if order is None else df.take(order).reset_index(drop=True)


def _versions(reg: Registry) -> dict[str, str]:
    return dict(sorted(reg.versions.items()))


def _school_rows(builders: list) -> pd.DataFrame:
    """``ev.schools``: each school-threshold rule's evidence, built when first read."""
    return pd.concat([build() for build in builders] or [_empty_school_rows()], ignore_index=True)


def _empty_school_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in [
        ("year", "int64"), ("county", "str"), ("level", "str"), ("school_id", "str"), ("indicator", "str"),
        ("value", "float64"), ("threshold", "float64"), ("floor", "float64"), ("met", "boolean"),
        ("school_passed", "boolean")]})


