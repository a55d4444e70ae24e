"""Strategies for what comes beside school tables: metric observations, recognitions, what-ifs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .vocabulary import _check_sizes, _check_strategy, _unique_lists, county_names


# --------------------------------------------------------------------------- metrics


def _standard(standard: Any, registry: Any) -> Any:
    if standard is None or not isinstance(standard, str):
        return standard
    if registry is None:
        from ...core.registry import registry as default_registry

        registry = default_registry()
    return registry.standard(standard)


def _metric_value(rng: np.random.Generator, kind: str, target: float | None) -> float:
    """One realistic observation of a metric of ``kind``; often at or just either side of ``target``."""
    mode = rng.integers(0, 4) if target is not None else 3
    if kind == "yes/no":
        return float(rng.integers(0, 2)) if mode == 3 else float(target if mode == 0 else 1 - target)
    if mode == 0:
        v = float(target)
    elif mode in (1, 2):
        step = rng.choice([0.001, 0.01, 0.05, 0.1]) * (1 if mode == 1 else -1)
        v = float(target) + step * (1 if kind in ("share", "ratio") else max(abs(float(target)), 1.0))
    elif kind == "share":
        v = float(rng.uniform(0.5, 1.0))
    elif kind == "ratio":
        v = float(rng.uniform(0.8, 1.2))
    elif kind == "score":
        v = float(rng.uniform(60, 100))
    elif kind == "year":
        v = float(rng.integers(2010, 2026))
    elif kind == "count":
        v = float(rng.integers(0, 3000))
    else:  # quantity
        v = float(rng.uniform(0, 2) * (abs(float(target)) if target else 1000.0))
    if kind == "share":
        v = min(1.0, max(0.0, v))
    if kind in ("count", "year"):
        v = float(max(0, round(v)))
    return round(v, 6)


def metrics_frames(
    standard: Any = "cn.basic-balance-2012",
    *,
    years: st.SearchStrategy[int] | None = None,
    counties: st.SearchStrategy[str] | None = None,
    min_years: int = 1,
    max_years: int = 2,
    min_counties: int = 1,
    max_counties: int = 3,
    min_size: int = 0,
    max_size: int | None = None,
    allow_missing: bool = True,
    registry: Any = None,
) -> st.SearchStrategy[pd.DataFrame]:
    """Long-form metric observations (``year, county, level, metric, value``) for a standard's targets.

    ``standard``: a ``Standard`` or a registered id (looked up in ``registry``,
    default the installed one). For each drawn year and county, and each
    (metric, level) a target of the standard judges, an observation may be
    given; jurisdiction-wide targets are observed under the jurisdiction's id.
    Between ``min_size`` and ``max_size`` (default: all of them) observations
    are drawn, so some are missing; ``allow_missing=False`` gives every one
    (each target can then be judged everywhere). Values are realistic for the metric's kind
    (shares in [0, 1], yes/no 1 or 0, whole counts) and often exactly at or
    just either side of the target's value, where verdicts change.
    Keys (year, county, level, metric) are unique; the frame passes
    ``read_metrics`` for the standard.
    """
    std = _standard(standard, registry)
    years = st.integers(2013, 2024) if years is None else years
    counties = st.sampled_from(county_names()) if counties is None else counties
    _check_strategy("years", years)
    _check_strategy("counties", counties)
    _check_sizes("years", min_years, max_years, 1)
    _check_sizes("counties", min_counties, max_counties, 1)
    _check_sizes("size", min_size, max_size)
    metric_kind = {m.key: m.kind for m in std.metrics}
    slots: dict[tuple[str, str | None, str], float | None] = {}
    for t in std.targets:
        slots.setdefault((t.metric, t.level, t.scope), t.value)
    for m in std.metrics:
        if not any(key[0] == m.key for key in slots):
            slots[(m.key, None, "county")] = None

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        ys = sorted(draw(_unique_lists(years, min_years, max_years), label="years"))
        cs = draw(_unique_lists(counties, min_counties, max_counties), label="counties")
        combos = [(y, std.jurisdiction if scope == "jurisdiction" else c, metric, level, value)
                  for y in ys for (metric, level, scope), value in slots.items()
                  for c in (cs if scope == "county" else [std.jurisdiction])]
        combos = list(dict.fromkeys(combos))
        if min_size > len(combos):
            raise InvalidArgument(f"min_size={min_size}, but only {len(combos)} observations are possible")
        hi = len(combos) if max_size is None else min(max_size, len(combos))
        k = hi if not allow_missing else draw(st.integers(min_size, hi), label="observations")
        seed = draw(st.integers(0, 2**32 - 1), label="seed")
        rng = np.random.default_rng(seed)
        chosen = sorted(rng.permutation(len(combos))[:k].tolist())
        rows = [(combos[i][0], combos[i][1], combos[i][3], combos[i][2],
                 _metric_value(rng, metric_kind.get(combos[i][2], "quantity"), combos[i][4])) for i in chosen]
        df = pd.DataFrame(rows, columns=["year", "county", "level", "metric", "value"])
        df["year"] = df["year"].astype("int64")
        df["value"] = df["value"].astype("float64")
        df["level"] = df["level"].astype(object).where(df["level"].notna(), None)
        return df

    return build()


# --------------------------------------------------------------------------- recognitions


def recognitions(
    *,
    counties: st.SearchStrategy[str] | None = None,
    years: st.SearchStrategy[int] | None = None,
    kinds: st.SearchStrategy[str] | None = None,
    min_size: int = 0,
    max_size: int = 8,
) -> st.SearchStrategy[pd.DataFrame]:
    """Recognitions (国家认定 and the like): ``county, year, kind, list_year``.

    One row per (county, kind): a county is recognised once of each kind, in
    its inspection year; ``list_year``, the year the list was published, is
    the next year or blank. Default kinds shrink towards ``basic-balance``.
    """
    from ...core.columns import RECOGNITION_KINDS as KINDS

    counties = st.sampled_from(county_names()) if counties is None else counties
    years = st.integers(2011, 2024) if years is None else years
    kinds = st.sampled_from(KINDS) if kinds is None else kinds
    for name, value in (("counties", counties), ("years", years), ("kinds", kinds)):
        _check_strategy(name, value)
    _check_sizes("size", min_size, max_size)

    @st.composite
    def build(draw: st.DrawFn) -> pd.DataFrame:
        keys = draw(st.lists(st.tuples(counties, kinds), min_size=min_size, max_size=max_size, unique=True),
                    label="recognised")
        bad = [k for _, k in keys if k not in KINDS]
        if bad:
            raise InvalidArgument(f"kinds drew {bad[0]!r}; expected one of {', '.join(KINDS)}")
        ys = [draw(years, label="year") for _ in keys]
        listed = [draw(st.booleans(), label="list year known") for _ in keys]
        df = pd.DataFrame({
            "county": pd.Series([c for c, _ in keys], dtype=object),
            "year": pd.Series(ys, dtype="int64"),
            "kind": pd.Series([k for _, k in keys], dtype=object),
            "list_year": pd.array([y + 1 if known else None for y, known in zip(ys, listed, strict=True)],
                                  dtype="Int64"),
        })
        return df

    return build()


# --------------------------------------------------------------------------- what-ifs


def _what_if(slot: Any, per_level: st.SearchStrategy, metric_kind: str | None) -> st.SearchStrategy:
    """Values for one what-if slot: a CV limit, a threshold (0.5 to 1.5 times its value), a floor
    (0.5 to 1) or a target value (by its metric's kind)."""
    if slot.kind == "cv-limit":
        return per_level
    if slot.kind == "threshold":
        base = max(v for v in (slot.current.primary, slot.current.junior, 1e-9) if v is not None)
        return st.floats(0.5, 1.5).map(lambda f: round(base * f, 6))
    if slot.kind == "floor":
        return st.floats(0.5, 1.0).map(lambda v: round(v, 4))
    if metric_kind == "share":
        return st.floats(0.0, 1.0).map(lambda v: round(v, 4))
    if metric_kind == "yes/no":
        return st.sampled_from([1.0, 0.0])
    return st.floats(0.5, 1.5).map(lambda f: round(slot.current * f, 4))


def overrides(standard: Any = "cn.basic-balance-2012", *, min_size: int = 0, max_size: int = 3,
              registry: Any = None) -> st.SearchStrategy[dict[str, Any]]:
    """What-if changes for ``ee.override(standard, changes)``: ``{id: value}``.

    Draws dispersion limits (0.1 to 1, one for both levels or one per level),
    school thresholds (0.5 to 1.5 times the current value), floors (0.5 to 1)
    and target values (by the metric's kind) among the standard's own ids.
    """
    std = _standard(standard, registry)
    _check_sizes("size", min_size, max_size)
    kind_of = {t.id: {m.key: m.kind for m in std.metrics}.get(t.metric, "quantity") for t in std.targets}
    limits = st.floats(0.1, 1.0, allow_nan=False).map(lambda v: round(v, 4))
    per_level = st.one_of(limits, st.fixed_dictionaries({"primary": limits, "junior": limits}))
    choices: dict[str, st.SearchStrategy] = {}
    for slot in (s for c in std.criteria for s in c.slots()):
        choices[slot.key] = _what_if(slot, per_level, kind_of.get(slot.key))
    ids = sorted(choices)
    if not ids:
        return st.just({})
    return st.lists(st.sampled_from(ids), min_size=min(min_size, len(ids)), max_size=min(max_size, len(ids)),
                    unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({k: choices[k] for k in keys}))
