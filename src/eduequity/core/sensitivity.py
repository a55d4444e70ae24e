"""``ee.sensitivity``: the schools whose numbers decide a verdict.

A composite of 0.648 against 0.65 rests on a few schools: take one out, or move its
reported figure by its stated error, and the verdict may turn. For every school at once
this module works out what each resource rule would say, in closed form from the group
sums (no evaluation per school):

- a CV without school i, or with its value moved, from the group's W = ΣP, the centred
  Σ P·y and Σ P·y² (y = x − x̄: centring keeps the subtraction of one school's share from
  losing the digits that matter);
- a school-threshold rule from the count of failing and unknown schools: taking out the
  only failing school lets the group pass, moving a school's figure may make it pass or fail.

Each row says which school, what was changed, and the verdict the rule would flip to.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..criteria import compare
from . import verdicts
from .columns import RESOURCES
from .equity import Prepared, prepare
from .evaluation import Evaluation

COLUMNS = ("year", "county", "level", "school_id", "criterion", "change", "value", "value_after", "status",
           "flips_to")
REMOVED = "removed"
_STATUS = np.array([verdicts.NOT_ASSESSABLE, verdicts.NOT_MET, verdicts.MET], dtype=object)  # by code + 1


def sensitivity(ev: Evaluation, relative_error: Mapping[str, float] | None = None, *,
                frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every (school, change) that flips a resource rule's verdict at its (year, county, level).

    Changes: the school left out (``removed``), and with ``relative_error={column: e}`` its
    figure of that resource column times 1 + e and 1 − e (``+5% teaching_area``). ``value``
    and ``value_after``: the rule's number (the composite, the highest CV of a rule held
    CV by CV, the schools failing a threshold rule) before and after; ``status`` and ``flips_to``: its verdict for the group
    before and after. ``frame``: the school table, for an evaluation loaded from JSON.
    """
    errors = _errors(relative_error)
    p = prepare(ev, frame=frame)
    changes = [(REMOVED, None, 0.0)]
    for column, e in errors.items():
        changes += [(f"+{100 * e:.4g}% {column}", column, 1 + e),
                    (f"-{100 * e:.4g}% {column}", column, 1 - e)]
    parts = []
    for rule in p.standard.rules:
        for label, column, factor in changes:
            if hasattr(rule, "aggregate"):  # a dispersion rule: the CVs, or their mean
                got = _dispersion(p, rule, column, factor)
            elif hasattr(rule, "school_verdicts"):  # a school-threshold rule
                got = _threshold(p, rule, column, factor)
            else:
                continue
            if got is not None:
                parts.append(_rows(p, rule.id, label, *got))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith("value") else object) for c in COLUMNS})
    return pd.concat(parts, ignore_index=True)


def _errors(relative_error: Mapping[str, float] | None) -> dict[str, float]:
    out = {}
    for column, e in (relative_error or {}).items():
        if column not in RESOURCES:
            raise ValueError(f"relative_error: {column!r} is not a resource column; expected some of "
                             + ", ".join(RESOURCES))
        if isinstance(e, bool) or not isinstance(e, int | float) or not 0 < e < 1:
            raise ValueError(f"relative_error[{column!r}]: got {e!r}; expected a fraction between 0 and 1 (0.05)")
        out[column] = float(e)
    return out


def changed_cv(p: Prepared, key: str, column: str | None, factor: float) -> np.ndarray:
    """Per section, its group's CV of ``key`` with that one section removed (``column`` None) or
    its value of ``column`` times ``factor`` (the CV as it is where ``key`` does not read it).

    With y = x − x̄, W = ΣP, S = ΣP·y (0 but for rounding) and Q = ΣP·y² of the group:
    without i, the mean of y is (S − P_i·y_i)/(W − P_i) and the variance
    (Q − P_i·y_i²)/(W − P_i) minus its square; with y_i moved by δ, S + P_i·δ and
    Q + P_i·((y_i + δ)² − y_i²) over W. A group of one school has no CV without it (NaN).
    """
    ctx = p.ctx
    g, x = ctx.groups, ctx.values[key]
    cv = g.spread(ctx.cvs[key])
    if column is not None and column != key:
        return cv
    pi, mean = g.students, g.spread(ctx.means[key])
    y = x - mean
    w, s, q = g.spread(g.total), g.spread(g.sum(pi * y)), g.spread(g.sum(pi * y * y))
    with np.errstate(invalid="ignore", divide="ignore"):
        if column is None:
            w = w - pi
            s, q = s - pi * y, q - pi * y * y
        else:
            moved = y + x * (factor - 1)
            s, q = s + pi * (moved - y), q + pi * (moved * moved - y * y)
        shift = s / w
        var = np.maximum(q / w - shift * shift, 0.0)
        out = np.sqrt(var) / (mean + shift)
    out[w <= 0] = np.nan
    return out


def _code(ok: np.ndarray, known: np.ndarray) -> np.ndarray:
    """1 met, 0 not met, -1 not assessable."""
    return np.where(known, ok.astype(np.int8), np.int8(-1)).astype(np.int8)


def _dispersion(p: Prepared, rule, column: str | None, factor: float):
    """(before, after, status before, status after) per section, for a dispersion rule."""
    keys = rule.indicators_read()
    if column is not None and column not in keys:
        return None
    g = p.ctx.groups
    limit = g.spread(rule.limit.array()[g.keys["level"].cat.codes.to_numpy()])
    before = [g.spread(p.ctx.cvs[k]) for k in keys]
    after = [changed_cv(p, k, column, factor) for k in keys]
    if rule.composite:
        b, a = np.mean(before, axis=0), np.mean(after, axis=0)
        was = _code(compare(rule.op, b, limit), ~np.isnan(b))
        now = _code(compare(rule.op, a, limit), ~np.isnan(a))
    else:
        was, now = _each(rule.op, before, limit), _each(rule.op, after, limit)
        b, a = np.max(before, axis=0), np.max(after, axis=0)
    held = ~np.isnan(limit)
    return b, a, np.where(held, was, -2), np.where(held, now, -2)


def _each(op: str, cvs: list[np.ndarray], limit: np.ndarray) -> np.ndarray:
    """Kleene AND of each CV against the limit: a failure fails, else a blank is not assessable."""
    ok = np.all([compare(op, c, limit) for c in cvs], axis=0)
    fail = np.any([~compare(op, c, limit) & ~np.isnan(c) for c in cvs], axis=0)
    return np.where(fail, np.int8(0), np.where(ok, np.int8(1), np.int8(-1))).astype(np.int8)


def _threshold(p: Prepared, rule, column: str | None, factor: float):
    """(schools failing before, after, status before, after) per section, for a school-threshold
    rule: the group passes when none of its schools fails and none is unknown."""
    keys = rule.indicators_read()
    if column is not None and column not in keys:
        return None
    ctx = p.ctx
    g = ctx.groups
    passes, fails = rule.school_verdicts(ctx)
    unknown = ~passes & ~fails
    n_fail, n_unknown = g.spread(g.count(fails)), g.spread(g.count(unknown))
    size = g.spread(g.size)
    if column is None:
        fail_after, unknown_after = n_fail - fails, n_unknown - unknown
        size = size - 1
    else:
        p2, f2 = rule.school_verdicts(ctx, {column: ctx.values[column] * factor})
        fail_after, unknown_after = n_fail - fails + f2, n_unknown - unknown + (~p2 & ~f2)
    was = _group_code(n_fail, n_unknown)
    now = np.where(size > 0, _group_code(fail_after, unknown_after), -2)
    return n_fail.astype(float), fail_after.astype(float), was, now


def _group_code(n_fail: np.ndarray, n_unknown: np.ndarray) -> np.ndarray:
    return np.where(n_fail > 0, np.int8(0), np.where(n_unknown > 0, np.int8(-1), np.int8(1))).astype(np.int8)


def _rows(p: Prepared, criterion: str, change: str, before: np.ndarray, after: np.ndarray, was: np.ndarray,
          now: np.ndarray) -> pd.DataFrame:
    """The sections whose change flips the verdict (a level the rule does not hold, -2, never does)."""
    g, ctx = p.ctx.groups, p.ctx
    flip = np.flatnonzero((was != now) & (was > -2) & (now > -2))
    at = g.codes[flip]
    out = g.keys.iloc[at].reset_index(drop=True)
    out["school_id"] = np.asarray(ctx.school_ids, dtype=object)[flip]
    out["criterion"] = criterion
    out["change"] = change
    out["value"], out["value_after"] = before[flip], after[flip]
    out["status"] = _STATUS[was[flip] + 1]
    out["flips_to"] = _STATUS[now[flip] + 1]
    return out[list(COLUMNS)]


__all__ = ["sensitivity"]
