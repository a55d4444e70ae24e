"""``ee.equity``: the school-finance battery of equity measures beside the official CV, its
within/between decomposition, and bootstrap intervals with the probability a verdict holds.

Orchestration in the pattern of ``explain`` and ``remedy``: the sections are the ones the
evaluation judged (or a frame read and scoped as ``evaluate`` would), their per-student
values and moments come from ``section_context`` — so ``ge2`` is ½·CV² of the very CVs of
``ev.indicators`` — and every measure is computed for all groups at once: one sort per
indicator within the groups, cumulative weights, per-group sums (``kernel.Groups``).
Formulas, references and the choices made (zeros, the bootstrap's bias) are in docs/equity.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd

from ..criteria import REL_TOL, compare
from ..read.inputs import read_inputs
from .evaluate import judged_sections, section_context
from .evaluation import Evaluation
from .kernel import Groups, dense_rank
from .registry import registry as default_registry
from .scope import exclude
from .standards import Standard

#: The battery, in the order rows come out.
MEASURES = ("range", "restricted_range", "federal_range_ratio", "mcloone", "verstegen", "gini", "theil_t",
            "theil_l", "ge2", "atkinson")
#: With ``by=``: the GE family split into within and between parts (Shorrocks 1980).
DECOMPOSED = ("ge2_within", "ge2_between", "theil_t_within", "theil_t_between", "theil_l_within", "theil_l_between")
#: With ``by=``: per category of the column (the ``group`` column), what the parts are made of.
PER_GROUP = ("pupil_share", "mean_ratio", "ge2", "theil_t", "theil_l")
#: The bootstrapped rows: each indicator's CV, and the composite (indicator ``composite``).
CV = "cv"
COMPOSITE = "composite"
DEFAULT_STANDARD = "cn.basic-balance-2012"
#: The percentiles of the restricted range and the federal range ratio (Berne & Stiefel 1984).
LOW, HIGH = 0.05, 0.95
#: Cumulative weight shares within this of a percentile count as reaching it (binary rounding).
SHARE_TOL = 1e-12
#: Resample-by-section cells worked on at once: bounds the bootstrap's memory (8M floats, 64 MB).
CHUNK = 1 << 23
#: Where a pooled frame keeps each school's own county (``by="county"`` reads it).
POOLED = "_own_county"
#: ``frame.attrs["eduequity"]`` of what ``equity`` returns: ``ee.render`` knows the frame by it.
MARK = "equity"


def is_equity(obj: Any) -> bool:
    """Whether ``obj`` is (a selection of) the frame ``equity`` returned."""
    return isinstance(obj, pd.DataFrame) and obj.attrs.get("eduequity") == MARK


@attrs.frozen
class Prepared:
    """The judged sections of one standard, grouped, with each indicator's values and moments."""

    standard: Standard
    ctx: Any
    indicators: tuple[str, ...]
    sections: pd.DataFrame
    order: np.ndarray | None


def prepare(frame_or_ev: Evaluation | pd.DataFrame | Any, standard: str | Standard | None = None,
            frame: pd.DataFrame | None = None, pooled: bool = False) -> Prepared:
    """The sections to measure: an evaluation's own (its standard), or a frame read and scoped as
    ``evaluate`` would for ``standard`` (default basic balance, whose 8 indicators are the
    national method's resource battery). ``frame``: the school table of an evaluation loaded
    from JSON, which keeps no sections. ``pooled``: every county's schools as one group per
    (year, level), named by the standard's jurisdiction; each school's own county is kept
    for ``by="county"`` (read_schools holds a school to one county, so ids stay unique)."""
    reg = default_registry()
    if isinstance(frame_or_ev, Evaluation):
        if standard is not None:
            raise ValueError("standard= is for a school frame; an evaluation measures on its own standard")
        std, sections = frame_or_ev.standard, judged_sections(frame_or_ev, frame)
    else:
        std = reg.standard(DEFAULT_STANDARD if standard is None else standard)
        schools = read_inputs(frame_or_ev, std, None, None, reg).schools
        _, _, keep = exclude(schools, std.exclusions)
        sections = schools if keep is None else schools[keep]
    if pooled:
        county = sections["county"].astype(str)
        sections = sections.assign(county=pd.Categorical([std.jurisdiction] * len(sections)), **{POOLED: county})
    needed = set(std.needed_columns)
    keys = tuple(i.key for i in std.indicators if i.key in needed)
    ctx, order = section_context(sections, std, keep=frozenset(keys))
    return Prepared(std, ctx, keys, sections, order)


def equity(frame_or_ev: Evaluation | pd.DataFrame | Any, measures: Iterable[str] | None = None,
           by: str | None = None, bootstrap: int = 0, seed: int | None = None, *,
           standard: str | Standard | None = None, epsilon: float = 0.5, confidence: float = 0.95,
           pooled: bool = False) -> pd.DataFrame:
    """The equity battery per (year, county, level) and indicator, enrollment-weighted, as one
    long frame ``year, county, level, indicator[, group], measure, value``.

    ``measures``: ids of ``MEASURES`` (default all; ``"cv"`` adds the CVs themselves);
    ``by``: a column of the school frame (``urban_rural``, ``school_type``) to decompose the
    GE family by; ``bootstrap``: resamples of the schools within each group (Poisson
    weights, ``seed``), adding ``lower, upper, p_holds`` on the CV and composite rows;
    ``standard``: for a frame, which standard's indicators and scope (default basic
    balance); ``epsilon``: the Atkinson index's aversion to inequality (0.5, the value
    school-finance studies most often report); ``pooled``: across the counties of the
    jurisdiction, one group per (year, level) (``by="county"``: within and between counties).
    """
    chosen = _measures(measures, bootstrap)
    if not epsilon >= 0:
        raise ValueError(f"epsilon: got {epsilon!r}; expected a number ≥ 0")
    p = prepare(frame_or_ev, standard, pooled=pooled)
    g, ctx = p.ctx.groups, p.ctx
    battery = [m for m in chosen if m in MEASURES]
    blocks = {}
    for key in p.indicators:
        got = measure_all(g, ctx.values[key], ctx.means[key], ctx.cvs[key], epsilon) if battery else {}
        if CV in chosen:
            got[CV] = ctx.cvs[key]
        blocks[key] = {m: got[m] for m in chosen if m in got}
    parts = [_long(g, blocks)]
    if by is not None:
        labels = _by_codes(p, by)
        for key in p.indicators:
            whole, per = decompose(g, ctx.values[key], ctx.means[key], ctx.cvs[key], *labels)
            parts.append(_long(g, {key: whole}))
            parts.append(per.assign(indicator=key))
    if CV in chosen and p.standard.composite:
        parts.append(_composite_rows(p, g))
    out = pd.concat(parts, ignore_index=True)
    if by is not None:  # blank for the rows of the whole group (the battery, the parts' sums, the composite)
        out["group"] = out["group"].astype(object).where(out["group"].notna(), None)
    if bootstrap:
        out = _with_intervals(out, p, int(bootstrap), seed, confidence)
    out = _ordered(out, p.indicators)
    out.attrs = {"eduequity": MARK, "standard": p.standard.id}
    return out


def _measures(measures: Iterable[str] | None, bootstrap: int) -> tuple[str, ...]:
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise ValueError(f"bootstrap: got {bootstrap!r}; expected a whole number of resamples ≥ 0")
    if measures is None:
        return (*MEASURES, CV) if bootstrap else MEASURES
    chosen = tuple(dict.fromkeys([measures] if isinstance(measures, str) else measures))
    unknown = [m for m in chosen if m not in (*MEASURES, CV)]
    if unknown:
        raise ValueError(f"unknown measures {unknown}; expected some of {', '.join((*MEASURES, CV))}")
    return (*chosen, CV) if bootstrap and CV not in chosen else chosen


# -- the battery -------------------------------------------------------------------------------

def measure_all(g: Groups, x: np.ndarray, mean: np.ndarray, cv: np.ndarray, epsilon: float = 0.5
                ) -> dict[str, np.ndarray]:
    """Every measure of ``MEASURES`` per group, for values ``x`` in the groups' section order.

    ``mean`` and ``cv`` are the kernel's (``weighted_moments``): a group whose schools are
    all equal has its value as mean and a CV of exactly 0, and gets exactly 0 inequality and
    ratios of 1 here too, whatever the rounding of its sums. A blank value makes its group's
    measures NaN, as it makes its CV NaN.
    """
    out = _order_statistics(g, x, mean)
    r = _ratio(g, x, mean)
    w = g.students / g.spread(g.total)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["theil_t"] = g.sum(w * np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), np.where(r == 0, 0.0, np.nan)))
        # log 0 is -inf: a school with none of a resource makes Theil L (and Atkinson ε ≥ 1) undefined.
        out["theil_l"] = -g.sum(w * np.where(r > 0, np.log(np.where(r > 0, r, 1.0)), np.nan))
        out["ge2"] = cv * cv / 2
        out["atkinson"] = _atkinson(g, w, r, epsilon)
    equal = cv == 0
    for m in ("range", "restricted_range", "federal_range_ratio", "gini", "theil_t", "theil_l", "ge2", "atkinson"):
        out[m][equal] = 0.0
    for m in ("mcloone", "verstegen"):
        out[m][equal] = 1.0
    blank = g.count(np.isnan(x)) > 0
    for m in out:
        out[m][blank] = np.nan
    return {m: out[m] for m in MEASURES}


def _ratio(g: Groups, x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Each school's value over its group's mean (negative values have no place in a log: NaN)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = x / g.spread(mean)
    r[x < 0] = np.nan
    return r


def _atkinson(g: Groups, w: np.ndarray, r: np.ndarray, epsilon: float) -> np.ndarray:
    """1 − the equally distributed equivalent over the mean (Atkinson 1970), on r = x / x̄."""
    if epsilon == 1:
        return 1.0 - np.exp(g.sum(w * np.log(np.where(r > 0, r, np.nan))))
    power = np.where(r > 0, r ** (1.0 - epsilon), 0.0 if epsilon < 1 else np.nan)
    return 1.0 - g.sum(w * power) ** (1.0 / (1.0 - epsilon))


def _order_statistics(g: Groups, x: np.ndarray, mean: np.ndarray) -> dict[str, np.ndarray]:
    """The measures that need the values in order: ranges, percentiles, the median's indices, Gini.

    One sort of (group, value), then the cumulative weight share F within each group; the
    q-th weighted percentile is the first value whose F reaches q (the pupil at that
    percentile of the county's pupils, Berne & Stiefel's pupil-weighted form).
    """
    order = np.lexsort((x, g.codes))
    xs, ps = x[order], g.students[order]
    ws = ps / g.spread(g.total)
    share = pd.Series(ws).groupby(g.codes, sort=False).cumsum().to_numpy()
    last = g.starts + g.size - 1

    def percentile(q: float) -> np.ndarray:
        at = g.starts + g.count(share < q - SHARE_TOL)
        return xs[np.minimum(at, last)]

    low, high, median = percentile(LOW), percentile(HIGH), percentile(0.5)
    # At the median within one part in 10^12: two schools equal per student in decimal may differ in
    # the last bit in binary, and must fall on the same side of it (criteria.limits.REL_TOL).
    m = g.spread(median)
    below, above = xs <= m + REL_TOL * np.abs(m), xs >= m - REL_TOL * np.abs(m)
    with np.errstate(invalid="ignore", divide="ignore"):
        mcloone = g.sum(np.where(below, ps * xs, 0.0)) / (median * g.sum(np.where(below, ps, 0.0)))
        verstegen = g.sum(np.where(above, ps * xs, 0.0)) / (median * g.sum(np.where(above, ps, 0.0)))
        # Gini as 2·cov(x, F_mid)/x̄ (F_mid: the share below a school plus half its own), centred
        # on the mean so that it needs no cumulative sum of values and loses nothing to cancellation.
        gini = g.sum(ws * (xs - g.spread(mean)) * (2 * (share - ws / 2) - 1)) / mean
        ratio = (high - low) / low
    return {"range": xs[last] - xs[g.starts], "restricted_range": high - low, "federal_range_ratio": ratio,
            "mcloone": mcloone, "verstegen": verstegen, "gini": gini}


# -- the decomposition -------------------------------------------------------------------------

def _by_codes(p: Prepared, by: str) -> tuple[np.ndarray, list[str]]:
    """Each section's category of ``by`` (in the groups' section order) and the categories; a blank
    is a category of its own ("—"), so every pupil is in one part."""
    if by == "county" and POOLED in p.sections.columns:
        by = POOLED
    if by not in p.sections.columns:
        raise KeyError(f"by={by!r}: the school frame has no such column; it has "
                       + ", ".join(c for c in p.sections.columns if c not in ("row", POOLED)))
    values = p.sections[by]
    if p.order is not None:
        values = values.take(p.order)
    codes, uniq = pd.factorize(values.to_numpy(dtype=object), sort=True)
    names = [str(u) for u in uniq]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append("—")
    return codes.astype(np.int64), names


def decompose(g: Groups, x: np.ndarray, mean: np.ndarray, cv: np.ndarray, category: np.ndarray,
              names: list[str]) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """GE(2), GE(1) and GE(0) of each group split into within and between parts by ``category``
    (Shorrocks 1980): GE(α) = Σ_h v_h r_h^α GE_h(α) + GE(α) of the part means, v_h the part's
    pupil share and r_h its mean over the group's. Returns the parts per group, and the rows
    of each (group, category): its pupil share, mean ratio and own GE measures."""
    k = max(len(names), 1)
    uniq, part = dense_rank(g.codes.astype(np.int64) * k + category)
    of, cat = uniq // k, uniq % k
    p = g.students
    big_p = np.bincount(part, weights=p, minlength=len(uniq)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.bincount(part, weights=p * x, minlength=len(uniq)) / big_p
        dev = x - mu[part]
        ge2_h = np.bincount(part, weights=p * dev * dev, minlength=len(uniq)) / big_p / (2 * mu * mu)
        r = x / mu[part]
        t_h = np.bincount(part, weights=p * np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)),
                                                     np.where(r == 0, 0.0, np.nan)), minlength=len(uniq)) / big_p
        l_h = -np.bincount(part, weights=p * np.where(r > 0, np.log(np.where(r > 0, r, 1.0)), np.nan),
                           minlength=len(uniq)) / big_p
        v = big_p / g.total[of]
        rh = mu / mean[of]
        log_rh = np.where(rh > 0, np.log(np.where(rh > 0, rh, 1.0)), np.nan)
    # A part with none of the resource (mean 0) has no GE(2) or Theil T of its own, but weighs
    # r_h = 0 in the within and between sums of both: its terms are 0 (r·ln r → 0), not NaN.
    none = rh == 0
    per_group = {
        "ge2_within": np.where(none, 0.0, v * rh * rh * ge2_h), "ge2_between": v * (rh - 1) ** 2 / 2,
        "theil_t_within": np.where(none, 0.0, v * rh * t_h), "theil_t_between": np.where(none, 0.0, v * rh * log_rh),
        "theil_l_within": v * l_h, "theil_l_between": -v * log_rh,
    }
    whole = {m: np.bincount(of, weights=a, minlength=g.n).astype(np.float64) for m, a in per_group.items()}
    blank = (g.count(np.isnan(x)) > 0) | np.isnan(cv)
    for m in whole:
        whole[m][blank] = np.nan
        whole[m][cv == 0] = 0.0  # every school equal: nothing within, nothing between
    rows = {"pupil_share": v, "mean_ratio": rh, "ge2": ge2_h, "theil_t": t_h, "theil_l": l_h}
    return whole, _part_rows(g, of, cat, names, rows)


def _part_rows(g: Groups, of: np.ndarray, cat: np.ndarray, names: list[str], rows: Mapping[str, np.ndarray]
               ) -> pd.DataFrame:
    m = len(rows)
    at = np.repeat(of, m)
    keys = g.keys.iloc[at].reset_index(drop=True)
    keys["group"] = np.asarray(names, dtype=object)[np.repeat(cat, m)]
    keys["measure"] = np.tile(np.asarray(list(rows), dtype=object), len(of))
    keys["value"] = np.column_stack(list(rows.values())).ravel() if len(of) else np.zeros(0)
    keys["_group"] = at
    return keys


# -- the frame ---------------------------------------------------------------------------------

def _long(g: Groups, blocks: Mapping[str, Mapping[str, np.ndarray]]) -> pd.DataFrame:
    """Rows group by group, then indicator, then measure, from arrays per (indicator, measure)."""
    pairs = [(k, m, v) for k, got in blocks.items() for m, v in got.items()]
    n = len(pairs)
    at = np.repeat(np.arange(g.n), n)
    out = g.keys.iloc[at].reset_index(drop=True)
    out["indicator"] = np.tile(np.asarray([k for k, _, _ in pairs], dtype=object), g.n)
    out["measure"] = np.tile(np.asarray([m for _, m, _ in pairs], dtype=object), g.n)
    out["value"] = np.column_stack([v for _, _, v in pairs]).ravel() if n else np.zeros(0)
    out["_group"] = at
    return out


def _composite_rows(p: Prepared, g: Groups) -> pd.DataFrame:
    keys, _ = p.standard.composite
    cvs = np.vstack([p.ctx.cvs[k] for k in keys])
    return _long(g, {COMPOSITE: {CV: cvs.mean(axis=0)}})


def _ordered(out: pd.DataFrame, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Group by group, each indicator's rows together in the standard's order, the composite last;
    the battery before a decomposition's parts (stable: each block keeps its own order)."""
    rank = {k: i for i, k in enumerate((*indicators, COMPOSITE))}
    ind = out["indicator"].map(rank).to_numpy()
    order = np.lexsort((ind, out["_group"].to_numpy()))
    out = out.take(order).drop(columns="_group").reset_index(drop=True)
    out["indicator"] = pd.Categorical(out["indicator"], categories=list(rank))
    out["measure"] = out["measure"].astype("str")
    cols = ["year", "county", "level", "indicator", *(["group"] if "group" in out else []), "measure", "value"]
    return out[cols + [c for c in ("lower", "upper", "p_holds") if c in out]]


# -- the bootstrap ------------------------------------------------------------------------------

def poisson_cvs(g: Groups, values: list[np.ndarray], resamples: int, seed: int | None,
                means: list[np.ndarray] | None = None) -> np.ndarray:
    """CVs of each indicator under ``resamples`` Poisson bootstraps: indicators x resamples x groups.

    Each school's enrollment is multiplied by a Poisson(1) count, the same counts for every
    indicator of a resample (so the composite is the mean of one resample's CVs). Values are
    centred once on their group's mean (``means``, default the weighted means), y = x − x̄;
    a resample's variance is then Σw·y²/W − (Σw·y/W)², one pass over a block of resamples
    with no cancellation to fear (its mean of y is a small fraction of the spread). A group
    every school of which drew 0 has no CV in that resample (NaN).
    """
    rng = np.random.default_rng(seed)
    n = len(g.codes)
    if means is None:
        means = [g.sum(g.students * x) / g.total for x in values]
    centred = [x - g.spread(m) for x, m in zip(values, means)]
    out = np.empty((len(values), resamples, g.n))
    step = max(1, min(resamples, CHUNK // max(n, 1)))
    for first in range(0, resamples, step):
        k = min(step, resamples - first)
        w = rng.poisson(1.0, size=(k, n)) * g.students
        if not g.n:
            continue
        total = np.add.reduceat(w, g.starts, axis=1)
        for i, y in enumerate(centred):
            out[i, first:first + k] = _resampled_cv(g, w, total, y, means[i])
    return out


def _resampled_cv(g: Groups, w: np.ndarray, total: np.ndarray, y: np.ndarray, mean: np.ndarray) -> np.ndarray:
    wy = w * y
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.add.reduceat(wy, g.starts, axis=1) / total
        wy *= y
        var = np.add.reduceat(wy, g.starts, axis=1) / total - shift * shift
        return np.sqrt(np.maximum(var, 0.0)) / (mean + shift)


def corrected(draws: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """Bootstrap draws (resamples x groups) shifted by their bias, mean(draws) − estimate.

    The population CV of a resample is biased low (a resample repeats some schools and
    leaves others out, so it sees less spread): uncorrected, a CV exactly at its limit
    would seem to pass more often than not. Shifted, the draws are centred on the CV
    itself, and at the limit the probability of passing is near ½.
    """
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a group with no CV in any resample: NaN
        bias = np.nanmean(draws, axis=0) - estimate
    return draws - bias


def _with_intervals(out: pd.DataFrame, p: Prepared, resamples: int, seed: int | None, confidence: float
                    ) -> pd.DataFrame:
    """``lower, upper`` (a percentile interval of the bias-corrected draws) on the CV rows and the
    composite, and ``p_holds``: the share of corrected draws within the standard's limit."""
    g, ctx = p.ctx.groups, p.ctx
    draws = poisson_cvs(g, [ctx.values[k] for k in p.indicators], resamples, seed,
                        [ctx.means[k] for k in p.indicators])
    series = {k: (draws[i], ctx.cvs[k]) for i, k in enumerate(p.indicators)}
    if p.standard.composite:
        keys, _ = p.standard.composite
        at = [p.indicators.index(k) for k in keys]
        series[COMPOSITE] = (draws[at].mean(axis=0), np.vstack([ctx.cvs[k] for k in keys]).mean(axis=0))
    limits = _limits(p.standard, g)
    a = (1 - confidence) / 2
    for col in ("lower", "upper", "p_holds"):
        out[col] = np.nan
    is_cv = (out["measure"] == CV).to_numpy() & out["group"].isna().to_numpy() if "group" in out \
        else (out["measure"] == CV).to_numpy()
    for key, (d, est) in series.items():
        c = corrected(d, est)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group no resample could measure: NaN
            lo, hi = np.nanquantile(c, [a, 1 - a], axis=0) if resamples else (est, est)
        held = np.full(g.n, np.nan)
        if key in limits:
            op, limit = limits[key]
            known = ~np.isnan(c)
            with np.errstate(invalid="ignore", divide="ignore"):
                held = (compare(op, c, limit[None, :]) & known).sum(axis=0) / known.sum(axis=0)
            held[np.isnan(limit) | np.isnan(est)] = np.nan
        rows = np.flatnonzero(is_cv & (out["indicator"] == key).to_numpy())
        at = out["_group"].to_numpy()[rows]
        out.loc[rows, "lower"], out.loc[rows, "upper"], out.loc[rows, "p_holds"] = lo[at], hi[at], held[at]
    return out


def _limits(std: Standard, g: Groups) -> dict[str, tuple[str, np.ndarray]]:
    """(op, limit per group) of each CV a dispersion rule holds: the composite's, or each
    indicator's; the strictest where two rules hold one CV."""
    level = g.keys["level"].cat.codes.to_numpy()
    out: dict[str, tuple[str, np.ndarray]] = {}
    for c in std.rules:
        if not hasattr(c, "aggregate"):  # only dispersion rules hold a CV to a limit
            continue
        limit = c.limit.array()[level]
        for key in ((COMPOSITE,) if c.composite else c.indicators_read()):
            if key in out and out[key][0] == c.op:
                limit = np.fmin(out[key][1], limit) if c.op in ("<=", "<") else np.fmax(out[key][1], limit)
            out[key] = (c.op, limit)
    return out


__all__ = ["DECOMPOSED", "MEASURES", "PER_GROUP", "equity", "is_equity", "measure_all", "decompose", "poisson_cvs"]
