"""Dispersion limits: enrollment-weighted CVs within a limit (综合差异系数 ≤ 0.65 / 0.55).

``aggregate = "mean"`` holds the mean of the indicators' CVs — the composite of
教督〔2012〕3号 — to the limit and writes it to a county column; ``"each"`` holds
every indicator's CV to it (教督〔2017〕6号). The CVs themselves are computed once
per evaluation (``kernel.weighted_moments``) and shared with every criterion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import pandas as pd

from ..core import verdicts
from ..core.bounds import CV_LIMIT, OneOf
from ..core.columns import LEVELS
from ..core.kernel import Groups, run_starts, weighted_moments
from ..core.sources import Source
from . import reasons as txt
from .base import (Context, Criterion, Explained, Focus, Holdings, Outcome, Slot, blank_cells, criteria_frame,
                   group_levels)
from .limits import OPS, PerLevel, compare, each_level, indicator_list


@attrs.frozen
class Dispersion(Criterion):
    """Enrollment-weighted CVs within a limit (``op``, usually ≤).

    ``aggregate = "mean"``: the mean of the indicators' CVs (the composite) is
    held to the limit and written to the county column ``column``;
    ``aggregate = "each"``: every indicator's CV is held to it separately.
    """

    KIND: ClassVar[str] = "dispersion"
    RESOURCE: ClassVar[bool] = True
    id: str
    title: str
    indicators: tuple[str, ...] = attrs.field(validator=indicator_list)
    limit: PerLevel = attrs.field(validator=each_level(CV_LIMIT))
    source: Source
    aggregate: str = attrs.field(default="each", validator=OneOf(("mean", "each")))
    op: str = attrs.field(default="<=", validator=OneOf(OPS))
    column: str | None = None
    title_en: str = ""  # the title an English report shows (``title`` where blank)

    def indicators_read(self) -> tuple[str, ...]:
        return self.indicators

    def judged(self) -> frozenset[tuple[str, str]]:
        return frozenset((k, lv) for k in self.indicators for lv in LEVELS if self.limit.get(lv) is not None)

    @property
    def composite(self) -> str | None:
        """The county column of the composite (``composite_cv``), None for CVs held one by one."""
        return (self.column or self.id) if self.aggregate == "mean" else None

    def columns_made(self) -> tuple[str, ...]:
        c = self.composite
        return () if c is None else (c, _limit_column(c))

    def check(self, standard: Any) -> None:
        known = {i.key for i in standard.indicators}
        for key in self.indicators:
            if key not in known:
                raise ValueError(f"rule {self.id!r} uses indicator {key!r}, which standard {standard.id!r} "
                                 "does not define")

    def slots(self) -> list[Slot]:
        return [Slot(self.id, "cv-limit", self.limit)]

    def overridden(self, key: str, value: Any) -> Dispersion | None:
        if key == self.id:
            return attrs.evolve(self, limit=self.limit.updated(value))
        return super().overridden(key, value)

    @classmethod
    def judge(cls, criteria: Sequence[Dispersion], ctx: Context) -> list[Outcome]:
        return [c._composite(ctx) if c.composite else c._each(ctx) for c in criteria]

    def _composite(self, ctx: Context) -> Outcome:
        g = ctx.groups
        limit = self.limit.array()[g.keys["level"].cat.codes.to_numpy()]
        applies = ~np.isnan(limit)  # a level with no limit is not held to this rule (as for thresholds)
        lead = txt.lead(g, self.title)
        cv = np.mean(np.vstack([ctx.cvs[k] for k in self.indicators]), axis=0)
        known = ~np.isnan(cv)
        ok = compare(self.op, cv, limit) | ~applies
        passed = verdicts.boolean(ok, known | ~applies)
        fail = known & ~ok
        reason = np.where(fail, txt.text(*lead, txt.number(cv), "，超出限值 over the limit ", txt.SYMBOL[self.op], " ",
                                         txt.number(limit, "%g"), " (", self.source.cite(), ")", where=fail),
                          not_assessable_reason(ctx, self.indicators, lead, applies & ~known))
        column = self.composite
        return Outcome(self.id, passed, _blank_where_passed(passed, reason),
                       columns={column: cv, _limit_column(column): limit},
                       by_level={_limit_column(column): self.limit.array()})

    def _each(self, ctx: Context) -> Outcome:
        g = ctx.groups
        limit = self.limit.array()[g.keys["level"].cat.codes.to_numpy()]
        applies = ~np.isnan(limit)
        limits, parts, over = {}, [], np.full(g.n, "", dtype=object)
        for k in self.indicators:
            cv = ctx.cvs[k]
            known = ~np.isnan(cv)
            ok = compare(self.op, cv, limit) | ~applies
            parts.append(verdicts.boolean(ok, known | ~applies))
            limits[k] = (limit, verdicts.boolean(ok, known & applies))  # <NA> where the level has no limit
            fail = known & ~ok
            over = txt.joined(over, txt.text(ctx.indicators[k].zh, " ", txt.number(cv), "，限值 limit ",
                                             txt.SYMBOL[self.op], " ", txt.number(limit, "%g"), where=fail))
        passed = verdicts.every(parts, g.n)
        failed = ~passed.fillna(True).to_numpy(dtype=bool)
        lead = txt.lead(g, self.title)
        reason = np.where(failed, txt.text(*lead, "差异系数超过限值 CV over the limit: ", over, " (", self.source.cite(),
                                           ")", where=failed),
                          not_assessable_reason(ctx, self.indicators, lead, np.asarray(passed.isna())))
        return Outcome(self.id, passed, _blank_where_passed(passed, reason), limits=limits)


    # -- remedying ------------------------------------------------------------------------------

    def remedy(self, h: Holdings) -> dict[str, np.ndarray]:
        """For each group over the limit, the lowest schools raised to one level, the least that
        brings the CV to the limit (``water_fill``); a composite first lowers its highest CVs
        to one common cap (``caps``) and fills each to it. A CV held from below (≥) is
        not something additions can be aimed at, and is left alone."""
        if self.op not in ("<=", "<"):
            return {}
        g = h.groups
        limit = self.limit.array()[g.keys["level"].cat.codes.to_numpy()]
        values = [h.value(k) for k in self.indicators]
        cvs = np.vstack([weighted_moments(g, x)[1] for x in values])
        caps = composite_caps(cvs, limit, self.op) if self.composite else np.broadcast_to(limit, cvs.shape)
        out = {}
        for key, x, cv, cap in zip(self.indicators, values, cvs, caps):
            over = ~np.isnan(cv) & ~compare(self.op, cv, cap)
            if over.any():
                out[key] = h.addition(key, water_fill(g, x, cap * (1 - SLACK), over) - x)
        return out


    def explain(self, focus: Focus) -> Explained:
        """Each CV against the limit (the composite: the mean of them), and each school's share
        of each indicator's weighted variance: the schools that make the CV what it is."""
        ctx = focus.ctx
        g = ctx.groups
        limit = self.limit.array()[g.keys["level"].cat.codes.to_numpy()]
        held = ~np.isnan(limit)  # a level with no limit is not held to this rule
        level = group_levels(g)[held]
        if self.composite:
            o = self._composite(ctx)
            rows = [criteria_frame(self, level, self.composite, o.columns[self.composite][held], self.op,
                                   limit[held], verdicts.status(o.passed[held]), o.reason[held])]
        else:  # one row per indicator and level: each held to the limit by itself, with its own reason
            rows = []
            for key in self.indicators:
                o = attrs.evolve(self, indicators=(key,))._each(ctx)
                rows.append(criteria_frame(self, level, key, ctx.cvs[key][held], self.op, limit[held],
                                           verdicts.status(o.passed[held]), o.reason[held]))
        criteria = pd.concat(rows, ignore_index=True)
        if not self.composite and len(criteria):  # level-major, as the other rules' rows are
            criteria = criteria.iloc[np.argsort(np.tile(np.arange(len(level)), len(self.indicators)),
                                                kind="stable")].reset_index(drop=True)
        return Explained(criteria, variance_shares(focus, self.id, self.indicators, held), blank_cells(focus, self))


#: How far under its limit a remedy aims a CV, so that the rounding of the re-evaluation
#: (sums in another order) cannot leave a remedied CV a hair over it: 1 part in 10^9.
SLACK = 1e-9


def composite_caps(cvs: np.ndarray, limit: np.ndarray, op: str) -> np.ndarray:
    """Per indicator and group, the CV to bring each indicator down to so that the mean of the
    CVs meets ``limit``: the highest are lowered to one common cap τ, the others kept (inf).

    With CVs c₁ ≥ … ≥ c_K and the j highest capped, the mean is (j·τ + Σ_{i>j} c_i) / K,
    so τ = (K·L − Σ_{i>j} c_i) / j for the j at which c_{j+1} ≤ τ ≤ c_j. A heuristic:
    which indicators are cheapest to even out is not sought (docs/remedy.md).
    """
    k, _ = cvs.shape
    caps = np.full(cvs.shape, np.inf)
    with np.errstate(invalid="ignore"):
        over = ~np.isnan(cvs).any(axis=0) & ~compare(op, cvs.mean(axis=0), limit)
    if not over.any():
        return caps
    c, lim = cvs[:, over], limit[over]
    desc = -np.sort(-c, axis=0)
    below = np.vstack([desc[1:], np.zeros((1, desc.shape[1]))])
    tail = desc.sum(axis=0) - np.cumsum(desc, axis=0)  # Σ_{i>j} c_i for j = 1 … K
    tau = np.full(len(lim), np.nan)
    for j in range(1, k + 1):
        t = (k * lim - tail[j - 1]) / j
        fits = np.isnan(tau) & (t >= below[j - 1]) & (t <= desc[j - 1])
        tau[fits] = t[fits]
    caps[:, over] = np.where(c > tau, tau, np.inf)
    return caps


def water_fill(g: Groups, x: np.ndarray, target: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``x`` with, in each group of ``where``, every section below one level h raised to h: the
    least h at which the group's CV is ``target``.

    For any total added, raising the lowest to a common level leaves the least variance
    (the KKT conditions of min Σw·x'² at a fixed mean give x' = max(x, h)), and the CV
    falls as h rises; so the least h that meets the limit is the least addition that
    does (the proof: docs/remedy.md). Within a group sections are sorted by value;
    at the k-th value as h, with W, S, Q the weights, Σw·y, Σw·y² of the sections not
    raised, the CV meets the limit when W·h² + Q ≤ (1 + L²)(W·h + S)². The first
    value at which it does bounds the segment where h lies, found by bisection there
    (per group, not per section). Values are scaled by the group mean (y = x / x̄) so
    the sums are near 1 and lose nothing to cancellation.
    """
    out = x.copy()
    sec = np.flatnonzero(where[g.codes])
    if not len(sec):
        return out
    mean = g.sum(np.nan_to_num(g.students * x)) / g.total
    codes = g.codes[sec]
    y = x[sec] / mean[codes]
    order = np.lexsort((y, codes))
    sec, codes, y = sec[order], codes[order], y[order]
    w = g.students[sec] / g.total[codes]
    parts = np.column_stack([w, w * y, w * y * y])
    before = pd.DataFrame(parts).groupby(codes, sort=False).cumsum().to_numpy() - parts
    first = np.ones(len(sec), dtype=bool)
    np.not_equal(codes[1:], codes[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    run = np.cumsum(first) - 1
    last = np.append(starts[1:], len(sec)) - 1
    total = np.add.reduceat(parts, starts, axis=0)[run]
    big_w, s, q = before[:, 0], total[:, 1] - before[:, 1], total[:, 2] - before[:, 2]
    a = 1 + target[codes] ** 2
    holds = big_w * y * y + q <= a * (big_w * y + s) ** 2
    j = np.minimum.reduceat(np.where(holds, np.arange(len(sec)), last[run]), starts)
    lo, hi = y[np.maximum(j - 1, starts)], y[j]
    big_w, s, q, a = big_w[j], s[j], q[j], a[j]
    for _ in range(64):  # per group: 64 halvings reach the float's resolution
        mid = (lo + hi) / 2
        ok = big_w * mid * mid + q <= a * (big_w * mid + s) ** 2
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    level = hi[run]
    raised = y < level
    out[sec[raised]] = level[raised] * mean[codes[raised]]
    return out

    # -- explaining ----------------------------------------------------------------------------

def variance_shares(focus: Focus, criterion: str, keys: tuple[str, ...], held: np.ndarray) -> pd.DataFrame:
    """Each school's part of each indicator's weighted variance, (P_i/P)(x_i − x̄)², and its share
    of the sum, ranked within (level, indicator): 1 is the school that adds most to the CV.

    The parts add up to the variance whose root over the county value is the CV; where
    they add up to 0 (every school equal) or cannot be added (a blank cell) there is no
    share, and ``why`` says so.
    """
    ctx = focus.ctx
    g = ctx.groups
    rows = np.flatnonzero(held[g.codes])
    codes = g.codes[rows]
    weight = (g.students / g.spread(g.total))[rows]
    ids = np.asarray(ctx.school_ids, dtype=object)[rows]
    level = group_levels(g)[codes]
    first = run_starts(codes)
    starts, run = np.flatnonzero(first), np.cumsum(first) - 1  # each group a contiguous run
    parts = []
    for i, key in enumerate(keys):
        x = ctx.values[key][rows]
        mean = ctx.means[key][codes]
        part = weight * (x - mean) ** 2
        total = np.add.reduceat(part, starts)[run] if len(rows) else part
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, part / total, np.nan)
        why = np.where(np.isnan(x), "缺数据 missing data",
                       np.where(np.isnan(total), "本学段有学校缺数据，无法分解 a school has missing data: no shares",
                                np.where(total == 0, "各校生均值相同，方差为0 zero variance: every school equal, no "
                                                     "shares", "")))
        parts.append(pd.DataFrame({
            "criterion": criterion, "level": level, "indicator": key, "school_id": ids, **focus.school_names(ids),
            "students": g.students[rows], "value": x, "county_value": mean, "variance_part": part, "share": share,
            "rank": _rank(codes, starts[run], share), "why": why, "_order": i}))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    order = np.lexsort((out["rank"].to_numpy(dtype=float, na_value=np.inf), out["_order"].to_numpy(),
                        np.tile(codes, len(keys))))
    return out.take(order).drop(columns="_order").reset_index(drop=True)


def _rank(codes: np.ndarray, start: np.ndarray, share: np.ndarray) -> pd.arrays.IntegerArray:
    """1 for the largest share of each group (a contiguous run from ``start``), <NA> where there
    is no share; ties in school id order."""
    order = np.lexsort((np.where(np.isnan(share), np.inf, -share), codes))
    pos = np.empty(len(codes), dtype=np.int64)
    pos[order] = np.arange(len(codes))
    return pd.arrays.IntegerArray(pos - start + 1, np.isnan(share))


def _limit_column(column: str) -> str:
    return column.removesuffix("_cv") + "_limit"


def _blank_where_passed(passed: pd.arrays.BooleanArray, reason: np.ndarray) -> np.ndarray:
    return np.where(passed.fillna(False).to_numpy(dtype=bool), "", reason)


def not_assessable_reason(ctx: Context, keys: tuple[str, ...], lead: tuple, where: np.ndarray) -> np.ndarray:
    """Why a group's CV is missing: the schools with blank cells, or a zero mean."""
    reason = np.full(ctx.groups.n, "", dtype=object)
    if not where.any():
        return reason
    for key in keys:
        miss = ctx.missing[key]
        has = (miss != "") & where
        zero = (ctx.means[key] == 0) & ~has & where
        label = ctx.indicators[key].zh
        add = np.where(zero, label + " 全县平均值为0，差异系数无定义 (mean is 0)",
                       txt.text(label, " 缺数据的学校 (missing data): ", miss, where=has))
        reason = txt.joined(reason, add)
    return txt.text(*lead, "无法评估 not assessable — ", reason, where=reason != "")
