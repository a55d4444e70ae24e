"""The frames of an ``Evaluation``, laid out from the criteria's outcomes.

``counties`` (one row per year, county and level, with a not-assessable row for a
level that has no school), ``indicators`` (one per group and indicator),
``targets`` (every row a criterion wrote) and ``schools`` (built when first read).
Groups are already in (year, county, level) order, so most frames need no sort.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..criteria import Context, Outcome, no_rows
from . import evidence, verdicts
from .columns import LEVELS
from .kernel import Groups, sort_frame


def counties(g: Groups, outcomes: list[Outcome], states: pd.DataFrame) -> pd.DataFrame:
    """One row per group, and a not-assessable row per level a county-year has no school of."""
    judged = [o for o in outcomes if o.passed is not None]
    out = g.keys.copy()
    out["schools"] = g.size
    out["students"] = g.total.round().astype(np.int64)  # whole students, validated at the boundary
    for o in judged:
        for name, col in o.columns.items():
            out[name] = col
    passed = verdicts.every([o.passed for o in judged], g.n)
    out["passed"] = passed
    out["status"] = verdicts.status(passed)
    absent = states[states["state"] == evidence.ABSENT]
    return out if not len(absent) else _with_absent(out, judged, absent)


def _with_absent(out: pd.DataFrame, judged: list[Outcome], absent: pd.DataFrame) -> pd.DataFrame:
    n = len(absent)
    # counts of schools and students are 0; every value and verdict is missing, a limit is known
    none = pd.DataFrame({c: np.zeros(n, dtype=out[c].dtype) if out[c].dtype.kind in "iu" else np.full(n, np.nan)
                         for c in out.columns if c not in ("year", "county", "level", "passed", "status")})
    level = pd.Index(LEVELS).get_indexer(absent["level"])
    for o in judged:
        for name, values in o.by_level.items():
            none[name] = values[level]
    none["passed"] = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    none["status"] = verdicts.status(none["passed"].array)
    rows = pd.concat([absent[["year", "county", "level"]].reset_index(drop=True), none], axis=1)
    both = pd.concat([out.astype({"county": object, "level": object}), rows], ignore_index=True)
    both["county"] = pd.Categorical(both["county"], categories=sorted(set(both["county"])))
    both["level"] = pd.Categorical(both["level"], categories=list(LEVELS))
    return sort_frame(both, ["year", "county", "level"])


def indicators(ctx: Context, outcomes: list[Outcome]) -> pd.DataFrame:
    """One row per (group, indicator), laid out group-major so no sort is needed."""
    g = ctx.groups
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

    out["mean"] = column(dict(ctx.means)) if k else np.array([])
    out["cv"] = column(dict(ctx.cvs)) if k else np.array([])
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


def targets(outcomes: list[Outcome]) -> pd.DataFrame:
    """Every row the criteria wrote, one block per target, blocks in id order.

    Each outcome holds each of its targets' rows together, already in (year, county,
    level) order; putting the blocks in order of their ids (slices, no copy) and
    concatenating once leaves the sort nothing to move in the usual case.
    """
    blocks = []
    for t in (o.rows for o in outcomes if o.rows is not None and len(o.rows)):
        ids = t["target"].array
        cut = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
        blocks += [t.iloc[a:b] for a, b in zip(cut[:-1], cut[1:], strict=True)]
    blocks.sort(key=lambda b: b["target"].iat[0])
    return sort_frame(pd.concat(blocks or [no_rows()], ignore_index=True), ["target", "year", "county", "level"])


def schools(builders: list[Callable[[], pd.DataFrame]]) -> pd.DataFrame:
    """``ev.schools``: each school-threshold rule's evidence, built when first read."""
    return pd.concat([build() for build in builders] or [_no_school_rows()], ignore_index=True)


def _no_school_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in [
        ("year", "int64"), ("county", "str"), ("level", "str"), ("school_id", "str"), ("indicator", "str"),
        ("value", "float64"), ("threshold", "float64"), ("floor", "float64"), ("met", "boolean"),
        ("school_passed", "boolean")]})
