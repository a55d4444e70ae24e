"""``evaluate``: a canonical school frame and a standard in, an ``Evaluation`` out.

One pass: exclusions → one grouping over (year, county, level) → indicator
values and their weighted moments, computed once → each rule's vectorised
check → metric targets and prerequisites → the overall verdict per
(year, county) by Kleene AND over every criterion.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pandas as pd

from . import targets as targets_mod
from . import verdicts
from .checks import Context, Outcome, check, trend
from .errors import InputError, Problem
from .evaluation import Evaluation
from .groups import Groups, group, sort_order, weighted_moments
from .jurisdictions import closest
from .metrics import read_metrics
from .recognitions import first_year, read_recognitions
from .registry import Registry, registry as default_registry
from .rules import Recognition, SchoolThreshold, Trend
from .schools import ATTR, MARK, read_schools
from .standards import Standard

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
    observations = read_metrics(metrics, std.metric_map)
    recog = read_recognitions(recognitions)

    no_schools = frame is None
    if no_schools:
        frame = _empty_schools(std.needed_columns)  # school rules then judge nothing; targets still do
    elif not _is_canonical(frame):
        frame = read_schools(frame)
    _check_columns(frame, std)
    frame, canon = _canonical_counties(frame, std, reg)
    if canon:
        _check_places(observations, canon, std, reg, "metrics")
        if recog is not None:
            _check_places(recog, canon, std, reg, "recognitions", allow_jurisdictions=False)
        observations = observations.assign(county=observations["county"].map(lambda c: canon.get(c, c)))
        if recog is not None:
            recog = recog.assign(county=recog["county"].map(lambda c: canon.get(c, c)))

    excluded, keep = _exclude(frame, std)
    included = frame if keep is None else frame[keep]
    ctx = _context(included, std)
    g = ctx.groups
    outcomes = [check(rule, ctx) for rule in std.rules if not isinstance(rule, Recognition | Trend)]
    columns = {name: col for o in outcomes for name, col in o.columns.items()}
    trends = [trend(rule, g, columns[rule.value], recog) for rule in std.rules if isinstance(rule, Trend)]
    outcomes += [o for o, _ in trends]

    # Without school data, a county-scope commitment is judged for every county the
    # jurisdiction lists, so an unobserved one is "not assessable", not absent.
    listed = sorted(set(canon.values())) if no_schools else []
    places = _places(g, observations, std.jurisdiction, listed)
    target_rows = [targets_mod.judge(std.targets, observations, places, std.jurisdiction)]
    target_rows += [_recognition_rows(rule, places, recog) for rule in std.rules if isinstance(rule, Recognition)]
    target_rows += [rows for _, rows in trends]
    target_frame = _sort(_by_target(target_rows), ["target", "year", "county", "level"])

    counties = _counties(g, outcomes)
    indicators = _indicators(g, ctx, outcomes, std)
    trend_ids = [r.id for r in std.rules if isinstance(r, Trend)]  # already among the outcomes
    judged = target_frame[~target_frame["target"].isin(trend_ids)] if trend_ids else target_frame
    verdict_frame = _verdicts(g, outcomes, judged,
                              _unevaluated(frame, excluded, g))
    schools = functools.partial(_evidence, [o.schools for o in outcomes if o.schools is not None])
    input_rows = _distinct(frame["row"])
    return Evaluation(
        standard=std,
        counties=counties,
        verdicts=verdict_frame,
        indicators=indicators,
        schools=schools,
        targets=target_frame,
        excluded=excluded,
        input_rows=input_rows,
        evaluated_rows=input_rows if keep is None else _distinct(included["row"]),
        versions=_versions(reg),
    )


# -- boundary checks -------------------------------------------------------------------------

def _is_canonical(frame: pd.DataFrame) -> bool:
    """A frame read_schools produced, still with the dtypes the checks rely on (cheap: no data scan)."""
    if not isinstance(frame, pd.DataFrame) or frame.attrs.get(ATTR) != MARK:
        return False
    dtypes = frame.dtypes
    return ("row" in frame and "students" in frame and dtypes["students"] == np.float64
            and isinstance(dtypes.get("county"), pd.CategoricalDtype)
            and isinstance(dtypes.get("level"), pd.CategoricalDtype))

def _check_columns(frame: pd.DataFrame, std: Standard) -> None:
    missing = [c for c in std.needed_columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(None, c, None, f"column {c!r}, which standard {std.id} needs") for c in missing],
                         source="evaluate")


def _canonical_counties(frame: pd.DataFrame, std: Standard, reg: Registry) -> tuple[pd.DataFrame, dict[str, str]]:
    """Check county names against the standard's jurisdiction and map former names to one.

    扶余县 became 扶余市 in 2013: both are one county, named as the jurisdiction
    lists it, so its years line up (trends, schedules). Works on the categories,
    not on every row. National standards accept any county.
    """
    known = reg.counties(std.jurisdiction) if std.jurisdiction != "cn" else {}
    if not known:
        return frame, {}
    canon = {n: c.name for n, c in known.items()}
    cats = frame["county"].cat.categories
    unknown = [c for c in cats if c not in canon]
    if unknown:
        county = frame["county"]
        rows = np.flatnonzero(county.isin(unknown).to_numpy())
        names = list(known)
        raise InputError([
            Problem(int(frame["row"].iat[i]), "county", county.iat[i],
                    f"a county of {std.jurisdiction} (closest: {', '.join(closest(county.iat[i], names)) or 'none'})")
            for i in rows
        ], source="evaluate")
    if all(canon[c] == c for c in cats):
        return frame, canon
    renamed = frame["county"].astype("str").map(canon).astype("category")
    return frame.assign(county=renamed), canon


def _check_places(df: pd.DataFrame, canon: dict[str, str], std: Standard, reg: Registry, source: str,
                  allow_jurisdictions: bool = True) -> None:
    """Observed places must be counties of the jurisdiction (or, for metrics, a jurisdiction id):
    a misspelt county would otherwise add a silent row while the real one reads not assessable."""
    ids = set(reg.jurisdictions) if allow_jurisdictions else set()
    names = df["county"].astype("str")
    bad = ~names.isin(list(canon)) & ~names.isin(list(ids))
    if bad.any():
        known = list(canon)
        raise InputError([
            Problem(int(i), "county", n, f"a county of {std.jurisdiction}"
                    + (" or a jurisdiction id" if allow_jurisdictions else "")
                    + f" (closest: {', '.join(closest(n, known)) or 'none'})")
            for i, n in zip(np.flatnonzero(bad.to_numpy()), names[bad], strict=True)
        ], source=source)


def _exclude(frame: pd.DataFrame, std: Standard) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Rows the standard leaves out, each with the first reason that applies."""
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
    return excluded, (~out if out.any() else None)


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


def _counties(g: Groups, outcomes: list[Outcome]) -> pd.DataFrame:
    out = g.keys.copy()
    out["schools"] = g.size
    out["students"] = g.total.round().astype(np.int64)  # whole students, validated at the boundary
    for o in outcomes:
        for name, col in o.columns.items():
            out[name] = col
    passed = verdicts.all_of(np.tile(np.arange(g.n), len(outcomes)), _stack([o.passed for o in outcomes]), g.n)
    out["passed"] = passed
    out["status"] = verdicts.status(passed)
    return out


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


def _unevaluated(frame: pd.DataFrame, excluded: pd.DataFrame, g: Groups) -> pd.DataFrame:
    """(year, county) pairs whose every school was excluded: not assessable, never silently absent."""
    if not len(excluded):
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "county": pd.Series(dtype="str")})
    seen = pd.DataFrame({"year": frame["year"].to_numpy(), "county": frame["county"].astype("str").to_numpy()})
    kept = pd.DataFrame({"year": g.keys["year"].to_numpy(), "county": g.keys["county"].astype("str").to_numpy()})
    both = seen.drop_duplicates().merge(kept.drop_duplicates(), how="left", indicator=True)
    return both.loc[both["_merge"] == "left_only", ["year", "county"]].reset_index(drop=True)


def _verdicts(g: Groups, outcomes: list[Outcome], targets: pd.DataFrame, unevaluated: pd.DataFrame) -> pd.DataFrame:
    """Kleene AND per (year, county) over every criterion: each level's rules, each target row.

    A county whose schools were all excluded gets a row too, not assessable, with the reason.
    Reasons are written only for criteria that are not a pass, and joined per county
    with one ``np.add.reduceat`` rather than a Python join per group.
    """
    year, county, passed, reason = [], [], [], []  # county: codes into ``names``
    names = pd.Index(g.keys["county"].cat.categories.astype(object))
    places = [unevaluated["county"], targets["county"]] if len(targets) else [unevaluated["county"]]
    extra = pd.Index(pd.unique(np.concatenate([np.asarray(pd.unique(c.array), dtype=object) for c in places])))
    names = names.append(extra.difference(names)).sort_values()
    group_county = names.get_indexer(g.keys["county"].cat.categories)[g.keys["county"].cat.codes.to_numpy()]
    for o in outcomes:
        year.append(g.keys["year"].to_numpy())
        county.append(group_county)
        passed.append(o.passed)
        reason.append(np.asarray(o.reason, dtype=object))
    if len(unevaluated):
        year.append(unevaluated["year"].to_numpy())
        county.append(names.get_indexer(unevaluated["county"].to_numpy(dtype=object)))
        passed.append(pd.array([pd.NA] * len(unevaluated), dtype="boolean"))
        reason.append(np.full(len(unevaluated), "无纳入计算的学校 no school of the county was evaluated (see excluded)",
                              dtype=object))
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
    place = (year_all - y0) * len(names) + np.concatenate(county)  # a dense key: ranked by counting, no hashing
    present = np.zeros(int(place.max()) + 1, dtype=bool)
    present[place] = True
    uniq = np.flatnonzero(present)
    codes = (np.cumsum(present) - 1)[place]
    n = len(uniq)
    crit_passed = pd.array(np.concatenate([np.asarray(x.fillna(False), dtype=bool) for x in passed]), dtype="boolean")
    crit_passed[np.concatenate([np.asarray(x.isna()) for x in passed])] = pd.NA
    verdict = verdicts.all_of(codes, crit_passed, n)
    reasons = np.full(n, "", dtype=object)
    texts = np.concatenate(reason)
    open_ = texts.astype(bool)  # a text where a criterion is not a definite pass
    at, texts = codes[open_], texts[open_]
    if kinds is not None:  # targets unobserved or pending: one reason per county, naming them all
        rows = codes[len(codes) - len(kinds):]
        for kind, label in ((_PENDING, "未到期 pending: "), (_UNOBSERVED, "无观测值 no observation: ")):
            grouped = _grouped_reasons(rows[kinds == kind], target_codes[kinds == kind], ids, label, n)
            given = np.flatnonzero(grouped.astype(bool))
            at, texts = np.concatenate([at, given]), np.concatenate([texts, grouped[given]])
    if len(at):
        order = np.argsort(at, kind="stable")
        c = at[order]
        joined = texts[order]
        later = np.flatnonzero(np.r_[False, c[1:] == c[:-1]])  # every reason after a county's first
        joined[later] = "; " + joined[later]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        reasons[c[starts]] = np.add.reduceat(joined, starts)
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

    Each place's set of targets is a bit mask (a sum of distinct powers of two,
    exact in a float64 below 2**53, so 50 targets per mask); counties mostly share
    one set, so the text is written once per distinct set.
    """
    out = np.full(n, "", dtype=object)
    prefix = os.path.commonprefix(list(ids)).rpartition(".")[0]  # the standard's id, said once
    if prefix:
        label = f"{label.rstrip(': ')} ({prefix}): "
        ids = np.asarray([i[len(prefix) + 1:] for i in ids], dtype=object)
    for first in range(0, len(ids), 50):
        mine = (target >= first) & (target < first + 50)
        mask = np.bincount(place[mine], weights=np.exp2(target[mine] - first), minlength=n)
        distinct, inverse = np.unique(mask, return_inverse=True)
        names = [", ".join(ids[first + b] for b in range(50) if int(m) >> b & 1) for m in distinct]
        part = np.asarray(names, dtype=object)[inverse]
        out = np.where(out.astype(bool) & part.astype(bool), out + ", " + part, np.where(part.astype(bool), part, out))
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

def _places(g: Groups, observations: pd.DataFrame, jurisdiction: str, listed: list[str]) -> pd.DataFrame:
    """(year, county) pairs judged: the frame's, any county observed in the metrics, and
    ``listed`` counties in every year observed.

    The frame's pairs come straight from the sorted group keys (a county's levels are
    adjacent), so only observations and listed counties need a merge.
    """
    year = g.keys["year"].to_numpy()
    county = g.keys["county"].array
    first = np.ones(g.n, dtype=bool)
    first[1:] = (year[1:] != year[:-1]) | (county.codes[1:] != county.codes[:-1])
    names = np.asarray(county.categories, dtype=object)
    from_frame = pd.DataFrame({"year": year[first], "county": names[county.codes[first]]})
    obs = observations[observations["county"] != jurisdiction][["year", "county"]]
    if not len(obs) and not listed:
        return from_frame
    years = np.unique(observations["year"].to_numpy())
    grid = pd.DataFrame({"year": np.repeat(years, len(listed)), "county": np.tile(np.asarray(listed, dtype=object),
                                                                                 len(years))})
    both = pd.concat([from_frame, obs.astype({"county": object}), grid], ignore_index=True).drop_duplicates()
    return both.sort_values(["year", "county"], kind="stable").reset_index(drop=True)


def _distinct(rows: pd.Series) -> int:
    """How many input rows (a mixed school's row gives two sections): counted, not hashed."""
    r = rows.to_numpy()
    if len(r) and r.min() >= 0 and r.max() < 4 * len(r) + 1024:
        return int(np.count_nonzero(np.bincount(r)))
    return int(rows.nunique())


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


def _empty_schools(resources: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({
        "row": pd.Series(dtype="int64"), "year": pd.Series(dtype="int64"),
        "county": pd.Series(pd.Categorical([])), "school_id": pd.Series(dtype="str"),
        "level": pd.Series(pd.Categorical([], categories=["primary", "junior"])),
        "students": pd.Series(dtype="float64"),
        **{r: pd.Series(dtype="float64") for r in resources},
    })


def _evidence(builders: list) -> pd.DataFrame:
    """``ev.schools``: each school-threshold rule's evidence, built when first read."""
    return pd.concat([build() for build in builders] or [_empty_school_rows()], ignore_index=True)


def _empty_school_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in [
        ("year", "int64"), ("county", "str"), ("level", "str"), ("school_id", "str"), ("indicator", "str"),
        ("value", "float64"), ("threshold", "float64"), ("floor", "float64"), ("met", "boolean"),
        ("school_passed", "boolean")]})


