"""A verdict needs its evidence: the school rows each (year, county) is judged on.

A standard with school rules holds each county to them level by level
(``Standard.school_levels``). For every (year, county) a verdict is given for
— from the school table, the observations or the recognitions — and each
such level:

- schools of the level were evaluated: the rules judge them;
- the level has rows, but the standard's scope excluded every one (all city-run,
  say): the level is left out, said in the reasons, and the verdict rests on the
  other level — unless no level is left, when it is not assessable;
- the level has no rows at all: that level, and so the verdict, is not
  assessable ("无初中学校数据"). Observations alone never make a verdict met.

Works on places and levels (tens of thousands nationally), never on rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import LEVEL_ZH, LEVELS
from .kernel import Groups, run_starts

#: States of a (year, county, level) that was not evaluated: rows present but all excluded, or none.
EXCLUDED, ABSENT = 1, 2


def _absent(level: str) -> str:
    return f"无{LEVEL_ZH[level]}学校数据 no {level} school rows for this county and year"


def _left_out(level: str) -> str:
    return (f"{LEVEL_ZH[level]}学校均不在计算范围，未评估 every {level} school is outside the standard's scope "
            "and left out (see excluded)")


NONE_EVALUATED = "无纳入计算的学校 no school of the county was evaluated (see excluded)"


def levels(g: Groups, excluded: pd.DataFrame, places: pd.DataFrame, required: tuple[str, ...]) -> pd.DataFrame:
    """(year, county, none, level, state) for every place and required level not evaluated;
    ``none``: the place has no required level evaluated at all.

    ``places``: (year, county) pairs given a verdict besides the groups' own
    (counties observed but without schools, county-years with excluded schools).
    The usual national table, where every county-year has both levels, gives an
    empty frame after one pass over the group keys.
    """
    if not required:  # no school rules: the verdicts rest on observations alone
        return _no_states()
    want = sum(1 << LEVELS.index(lv) for lv in required)
    keys = g.keys
    year = keys["year"].to_numpy().astype(np.int64)
    county = keys["county"].cat.codes.to_numpy().astype(np.int64)
    names = keys["county"].cat.categories
    first = run_starts(year, county)
    have = np.bincount(np.cumsum(first) - 1, weights=np.left_shift(1, keys["level"].cat.codes.to_numpy().astype(np.int64)),
                       minlength=int(first.sum())).astype(np.int64)
    # the groups' places as one sorted int key; the other places are looked up in it
    y0, width = (int(year.min()) if g.n else 0), max(len(names), 1)
    judged = (year[first] - y0) * width + county[first]
    more = places.astype({"county": object}).drop_duplicates()
    code = names.get_indexer(more["county"].to_numpy(dtype=object)) if len(names) else np.full(len(more), -1)
    key = (more["year"].to_numpy(dtype=np.int64) - y0) * width + code
    seen = np.zeros(len(more), dtype=bool)
    if len(judged):
        at = np.minimum(np.searchsorted(judged, key), len(judged) - 1)
        seen = (code >= 0) & (judged[at] == key)
    short = np.flatnonzero((have & want) != want)  # the groups' places lacking a level
    open_ = pd.concat([pd.DataFrame({"year": year[first][short], "have": have[short],
                                     "county": np.asarray(names, dtype=object)[county[first][short]]}),
                       more.loc[~seen, ["year", "county"]].assign(have=0)], ignore_index=True)
    if not len(open_):
        return _no_states()
    open_["none"] = (open_["have"].to_numpy() & want) == 0  # no level the rules hold was evaluated
    lacking = [(lv, (open_["have"].to_numpy() & (1 << LEVELS.index(lv))) == 0) for lv in required]
    rows = pd.concat([open_.loc[m, ["year", "county", "none"]].assign(level=lv) for lv, m in lacking],
                     ignore_index=True)
    out = excluded[["year", "county", "level"]].astype({"county": object, "level": object}).drop_duplicates()
    rows = rows.merge(out.assign(out=True), how="left", on=["year", "county", "level"])
    rows["state"] = np.where(rows["out"].eq(True).to_numpy(), EXCLUDED, ABSENT).astype(np.int8)
    rows["order"] = pd.Index(LEVELS).get_indexer(rows["level"])  # primary before junior, as everywhere
    rows = rows.sort_values(["year", "county", "order"], kind="stable")
    return rows.drop(columns=["out", "order"]).reset_index(drop=True)


def _no_states() -> pd.DataFrame:
    return pd.DataFrame({"year": pd.Series(dtype="int64"), "county": pd.Series(dtype=object),
                         "none": pd.Series(dtype=bool), "level": pd.Series(dtype=object),
                         "state": pd.Series(dtype="int8")})


def criteria(states: pd.DataFrame) -> pd.DataFrame:
    """The criteria these states add to the verdicts: (year, county, passed, reason).

    An absent level is not assessable; a level left out is a pass that says so; a
    place whose required levels were all left out has nothing to rest on, and is
    not assessable.
    """
    if not len(states):
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "county": pd.Series(dtype=object),
                             "passed": pd.Series(dtype="boolean"), "reason": pd.Series(dtype=object)})
    state = states["state"].to_numpy()
    level = pd.Index(LEVELS).get_indexer(states["level"])
    texts = np.array([[_left_out(lv) for lv in LEVELS], [_absent(lv) for lv in LEVELS]], dtype=object)
    absent = state == ABSENT
    out = pd.DataFrame({"year": states["year"].to_numpy(dtype=np.int64),
                        "county": states["county"].to_numpy(dtype=object),
                        "passed": pd.arrays.BooleanArray(np.ones(len(state), dtype=bool), absent),
                        "reason": texts[absent.astype(np.intp), level]})
    places = states.groupby(["year", "county"], sort=False).agg(none=("none", "first"), worst=("state", "max"))
    rest = places[places["none"] & (places["worst"] == EXCLUDED)].reset_index()
    nothing = pd.DataFrame({"year": rest["year"].to_numpy(dtype=np.int64), "county": rest["county"].to_numpy(dtype=object),
                            "passed": pd.array([pd.NA] * len(rest), dtype="boolean"),
                            "reason": np.full(len(rest), NONE_EVALUATED, dtype=object)})
    return pd.concat([out, nothing], ignore_index=True)
