"""Three-valued verdicts and the one status vocabulary.

``passed`` is True, False or <NA>. Missing data is never a pass: it makes a
verdict <NA> ("not assessable"), and only a definite failure anywhere makes
the whole verdict False (Kleene logic).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .kernel import Groups, dense_rank, distinct, join_runs, name_sets

MET = "met"
NOT_MET = "not met"
PENDING = "pending"
NOT_ASSESSABLE = "not assessable"
STATUSES = (MET, NOT_MET, PENDING, NOT_ASSESSABLE)
STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES))

STATUS_ZH = {MET: "达标", NOT_MET: "未达标", PENDING: "未到期", NOT_ASSESSABLE: "无法评估"}


def boolean(values, known=None) -> pd.arrays.BooleanArray:
    """A nullable boolean array from ``values``; positions where ``known`` is False are <NA>."""
    values = np.asarray(values, dtype=bool)
    mask = np.zeros(values.shape, dtype=bool) if known is None else ~np.asarray(known, dtype=bool)
    return pd.arrays.BooleanArray(values & ~mask, mask)


def all_of(codes: np.ndarray, passed: pd.arrays.BooleanArray, n: int) -> pd.arrays.BooleanArray:
    """Kleene AND of ``passed`` within each of ``n`` groups given by ``codes``.

    A group with any False is False, else any <NA> makes it <NA>, else True;
    an empty group is True (nothing to fail).
    """
    mask = np.asarray(passed.isna())
    vals = np.asarray(passed.fillna(True), dtype=bool)
    n_false = np.bincount(codes, weights=(~vals & ~mask), minlength=n)
    n_na = np.bincount(codes, weights=mask, minlength=n)
    return boolean(n_false == 0, known=(n_false > 0) | (n_na == 0))


def concat(parts: list[pd.arrays.BooleanArray]) -> pd.arrays.BooleanArray:
    """Three-valued arrays end to end, <NA> kept."""
    if not parts:
        return boolean(np.zeros(0, dtype=bool))
    values = np.concatenate([np.asarray(x.fillna(False), dtype=bool) for x in parts])
    return pd.arrays.BooleanArray(values, np.concatenate([np.asarray(x.isna()) for x in parts]))


def every(parts: list[pd.arrays.BooleanArray], n: int) -> pd.arrays.BooleanArray:
    """Kleene AND, position by position, of ``parts`` (each of length ``n``); all True where none."""
    return all_of(np.tile(np.arange(n), len(parts)), concat(parts), n)


def status(passed: pd.arrays.BooleanArray, pending=None) -> pd.Categorical:
    """Statuses for ``passed``; <NA> is "pending" where ``pending`` is set, else "not assessable"."""
    mask = np.asarray(passed.isna())
    vals = np.asarray(passed.fillna(False), dtype=bool)
    codes = np.where(mask, 3, np.where(vals, 0, 1))
    if pending is not None:
        codes = np.where(mask & np.asarray(pending, dtype=bool), 2, codes)
    return pd.Categorical.from_codes(codes, dtype=STATUS_DTYPE)


# -- the verdict of each county-year ------------------------------------------------------------

_OWN, _UNOBSERVED, _PENDING = 0, 1, 2


def combine(g: Groups, outcomes: list, targets: pd.DataFrame, stands: pd.DataFrame,
            metric_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Kleene AND per (year, county) over every criterion: each level's rules (the outcomes
    judged per group), each target row that decides, and ``stands`` (year, county, passed,
    reason): what each county-year stands on (``evidence.criteria``).

    Places are ranked by a dense key, and reasons — written only for criteria that are
    not a pass — joined per county with one ``np.add.reduceat``, not a join per group.
    ``metric_names`` (key → Chinese name) lets the reason for unobserved targets name
    the metrics to supply, since a metrics file is keyed by metric, not by target.
    """
    judged = [o for o in outcomes if o.passed is not None]
    names = _place_names(g, [stands["county"]] + ([targets["county"]] if len(targets) else []))
    group_county = names.get_indexer(g.keys["county"].cat.categories)[g.keys["county"].cat.codes.to_numpy()]
    year = [g.keys["year"].to_numpy()] * len(judged) + [stands["year"].to_numpy()]
    county = [group_county] * len(judged) + [names.get_indexer(stands["county"].to_numpy(dtype=object))]
    passed = [o.passed for o in judged] + [stands["passed"].array]
    reason = [np.asarray(o.reason, dtype=object) for o in judged] + [stands["reason"].to_numpy(dtype=object)]
    kinds = target_codes = ids = None
    if len(targets):
        p = targets["passed"].array
        text, kinds, target_codes, ids = _target_reasons(targets, ~np.asarray(p.fillna(False), dtype=bool))
        codes, uniq = pd.factorize(targets["county"].array)  # a few thousand distinct names among many rows
        year.append(targets["year"].to_numpy())
        county.append(names.get_indexer(np.asarray(uniq, dtype=object))[codes])
        passed.append(p)
        reason.append(text)
    year_all = np.concatenate(year).astype(np.int64)
    if not len(year_all):
        return _no_verdicts()
    y0 = int(year_all.min())
    uniq, codes = dense_rank((year_all - y0) * len(names) + np.concatenate(county))
    n = len(uniq)
    verdict = all_of(codes, concat(passed), n)
    texts = np.concatenate(reason)
    open_ = texts.astype(bool)  # a text where a criterion is not a definite pass
    at, texts = codes[open_], texts[open_]
    if kinds is not None:  # targets unobserved or pending: one reason per county, naming them all
        rows = codes[len(codes) - len(kinds):]
        for kind, label in ((_PENDING, "未到期 pending: "), (_UNOBSERVED, "无观测值 no observation: ")):
            grouped = _grouped_reasons(rows[kinds == kind], target_codes[kinds == kind], ids, label, n)
            given = np.flatnonzero(grouped.astype(bool))
            at, texts = np.concatenate([at, given]), np.concatenate([texts, grouped[given]])
        if metric_names is not None:
            supply = _supply(rows[kinds == _UNOBSERVED], targets["metric"].to_numpy(dtype=object)[kinds == _UNOBSERVED],
                             metric_names, n)
            given = np.flatnonzero(supply.astype(bool))
            at, texts = np.concatenate([at, given]), np.concatenate([texts, supply[given]])
    return pd.DataFrame({
        "year": y0 + uniq // len(names),
        "county": pd.array(np.asarray(names, dtype=object)[uniq % len(names)], dtype="str"),
        "passed": verdict, "status": status(verdict), "reasons": pd.array(join_runs(at, texts, n), dtype="str"),
    })


def _supply(place: np.ndarray, metric: np.ndarray, metric_names: Mapping[str, str], n: int) -> np.ndarray:
    """Per place, "需补充指标 supply metrics: key（中文名）, …" for the metrics of its unobserved targets."""
    if not len(metric):
        return np.full(n, "", dtype=object)
    codes, uniq = pd.factorize(metric)  # a score of keys among a million rows: hashed, not sorted
    order = np.argsort(np.asarray(uniq, dtype=str))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    keys = np.asarray(uniq, dtype=object)[order]
    names = np.asarray([f"{k}（{metric_names[k]}）" if metric_names.get(k) else k for k in keys], dtype=object)
    pair = distinct(place.astype(np.int64) * len(keys) + rank[codes])  # two targets may share a metric
    out = name_sets(pair // len(keys), pair % len(keys), names, n)
    return np.where(out.astype(bool), "需补充指标 supply metrics: " + out, out)


def _place_names(g: Groups, more: list[pd.Series]) -> pd.Index:
    """Every county name a verdict is given for, sorted: the groups' and those of ``more``."""
    names = pd.Index(g.keys["county"].cat.categories.astype(object))
    extra = pd.Index(pd.unique(np.concatenate([np.asarray(pd.unique(c.array), dtype=object) for c in more])))
    return names.append(extra.difference(names)).sort_values()


def _no_verdicts() -> pd.DataFrame:
    return pd.DataFrame({"year": pd.Series(dtype="int64"), "county": pd.Series(dtype="str"),
                         "passed": pd.Series(dtype="boolean"), "status": pd.Categorical([], dtype=STATUS_DTYPE),
                         "reasons": pd.Series(dtype="str")})


def _target_reasons(t: pd.DataFrame, open_: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Why each target row is not a pass: (its own text, "" where none; its kind; the code of its
    target; the target ids).

    A definite failure says what was observed and required. An unobserved or pending
    row says nothing of its own: its text depends on the target alone, and a county
    gets one reason naming all such targets (``_grouped_reasons``).
    """
    out = np.full(len(t), "", dtype=object)
    codes, ids = pd.factorize(t["target"].array)
    ids = np.asarray(ids, dtype=object)
    na = np.asarray(t["passed"].isna())
    pending = np.asarray(t["status"].cat.codes) == STATUSES.index(PENDING)
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
