"""What ``evaluate`` reads, checked together: the school frame, the observations, the recognitions.

Every problem of every input is raised at once, in one ``InputError`` whose
``parts`` keep each input's own problems (a bad school row and a bad metrics
row are both reported). Counties of all three go through the one resolver
(``resolver.py``), so a name means the same county in each.

A frame that ``read_schools`` returned is trusted only while it still looks
like one: editing it afterwards (students set to -300, a resource to inf,
fractional students, rows of two frames combined) sends it back through
``read_schools``, which names the rows. The probe is a handful of array
reductions, not a second read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import numpy as np
import pandas as pd

from ..core.bounds import YEAR_MAX, YEAR_MIN
from ..core.columns import LEVELS, RESOURCES
from ..core.errors import InputError, Problem
from ..core.kernel import all_whole
from ..core.standards import Standard
from ..core.warnings import Notice
from .canonical import ATTR, MARK, RESOURCE_MAX, STUDENTS_MAX
from .observations import read_metrics, read_recognitions
from .resolver import Resolver
from .schools import read_schools

T = TypeVar("T")


@attrs.frozen
class Inputs:
    """The inputs of one evaluation, valid and with their counties resolved.

    ``listed``: counties judged although no school row names them (no frame was
    given and the jurisdiction lists its counties); ``notices``: the warnings.
    """

    schools: pd.DataFrame
    metrics: pd.DataFrame
    recognitions: pd.DataFrame | None
    listed: list[str]
    notices: tuple[Notice, ...]


def read_inputs(frame: pd.DataFrame | None, std: Standard, metrics: Any, recognitions: Any, reg: Any) -> Inputs:
    errors: list[InputError] = []

    def attempt(read: Callable[..., T], *args: Any) -> T | None:
        try:
            return read(*args)
        except InputError as exc:
            errors.append(exc)
            return None

    every_key = frozenset(m.key for s in reg.standards.values() for m in s.metrics)
    observations = attempt(read_metrics, metrics, std.metric_map, every_key | set(std.metric_map))
    recog = attempt(read_recognitions, recognitions)
    schools = empty_schools(std.needed_columns) if frame is None else attempt(schools_of, frame, std.needed_columns)
    if schools is not None:
        attempt(_check_columns, schools, std)
    if errors:
        raise InputError.combine(errors)
    resolver: Resolver = reg.resolver(std.jurisdiction)
    notices: list[Notice] = []
    schools = attempt(_resolve_schools, schools, resolver, notices)
    observations = attempt(resolve_column, observations, resolver, notices, "metrics", True)
    if recog is not None:
        recog = attempt(resolve_column, recog, resolver, notices, "recognitions", False)
    if errors:
        raise InputError.combine(errors)
    listed = sorted({c.name for cs in resolver.by_name.values() for c in cs}) if frame is None and resolver.strict else []
    return Inputs(schools, observations, recog, listed, tuple(notices))


# -- the school frame -------------------------------------------------------------------------

def schools_of(frame: Any, resources: tuple[str, ...] = RESOURCES) -> pd.DataFrame:
    """``frame`` itself if it is a canonical frame still valid, else what ``read_schools`` makes of it."""
    marked = isinstance(frame, pd.DataFrame) and frame.attrs.get(ATTR) == MARK
    if marked and not _rows_consistent(frame):
        # Rows of several reads (pd.concat): ``row`` no longer names one input's rows, so the
        # combined frame is read as an input of its own, its rows numbered by position.
        unmarked = frame.copy(deep=False)
        unmarked.attrs = {}
        return read_schools(unmarked)
    if not is_canonical(frame):
        return read_schools(frame)
    return frame if _values_valid(frame, resources) else read_schools(frame)


def is_canonical(frame: Any) -> bool:
    """A frame read_schools produced, still with the dtypes the checks rely on (no data scan)."""
    if not isinstance(frame, pd.DataFrame) or frame.attrs.get(ATTR) != MARK:
        return False
    dtypes = frame.dtypes
    level = dtypes.get("level")
    return ("row" in frame and "students" in frame and dtypes["students"] == np.float64
            and dtypes["row"] == np.int64 and dtypes.get("year") == np.int64
            and isinstance(dtypes.get("county"), pd.CategoricalDtype)
            and isinstance(dtypes.get("school_id"), pd.CategoricalDtype)
            and isinstance(level, pd.CategoricalDtype) and list(level.categories) == list(LEVELS)
            and all(dtypes[c] == np.float64 for c in RESOURCES if c in frame))


def _values_valid(frame: pd.DataFrame, resources: tuple[str, ...]) -> bool:
    """The promises of the canonical frame, checked by reductions over whole columns (a few ms
    for 3 million sections); only the resource columns the standard reads matter to it."""
    if not len(frame):
        return True
    students = frame["students"].to_numpy()
    year = frame["year"].to_numpy()
    ok = 0 < students.min() and students.max() <= STUDENTS_MAX  # NaN fails both
    ok = ok and all_whole(students)
    ok = ok and YEAR_MIN <= int(year.min()) and int(year.max()) <= YEAR_MAX
    ok = ok and all(frame[c].cat.codes.min() >= 0 for c in ("county", "school_id", "level"))
    for c in resources:
        if ok and c in frame:
            v = frame[c].to_numpy()
            lo, hi = v.min(), v.max()
            if np.isnan(lo) or np.isnan(hi):  # a blank cell: the NaN-skipping reductions, twice as slow
                lo, hi = np.fmin.reduce(v), np.fmax.reduce(v)
            ok = not (lo < 0 or hi > RESOURCE_MAX)
    return bool(ok)


def _rows_consistent(frame: pd.DataFrame) -> bool:
    """Sections that share a ``row`` are the parts of one mixed school (one year, one school id).

    read_schools writes rows in input order, so the usual check is one comparison of
    neighbours; a reordered frame is sorted by row first.
    """
    if "row" not in frame or frame["row"].dtype != np.int64:
        return True  # not a row column read_schools wrote: read_schools numbers the rows afresh
    row = frame["row"].to_numpy()
    if not len(row):
        return True
    order = None if bool((row[1:] >= row[:-1]).all()) else np.argsort(row, kind="stable")
    r = row if order is None else row[order]
    same = np.flatnonzero(r[1:] == r[:-1])
    if not len(same):
        return True
    year = pd.factorize(frame["year"])[0]
    ids = frame["school_id"]
    school = ids.cat.codes.to_numpy() if isinstance(ids.dtype, pd.CategoricalDtype) else pd.factorize(ids)[0]
    if order is not None:
        year, school = year[order], school[order]
    return bool((year[same] == year[same + 1]).all() and (school[same] == school[same + 1]).all())


def _check_columns(frame: pd.DataFrame, std: Standard) -> None:
    missing = [c for c in std.needed_columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(None, c, None, f"column {c!r}, which standard {std.id} needs") for c in missing],
                         source="evaluate")


def empty_schools(resources: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({
        "row": pd.Series(dtype="int64"), "year": pd.Series(dtype="int64"),
        "county": pd.Series(pd.Categorical([])), "school_id": pd.Series(dtype="str"),
        "level": pd.Series(pd.Categorical([], categories=list(LEVELS))),
        "students": pd.Series(dtype="float64"),
        **{r: pd.Series(dtype="float64") for r in resources},
    })


# -- counties ---------------------------------------------------------------------------------

def _resolve_schools(frame: pd.DataFrame, resolver: Resolver, notices: list[Notice]) -> pd.DataFrame:
    """The frame with each county under its resolved name; works on the categories, not the rows."""
    county = frame["county"]
    if not isinstance(county.dtype, pd.CategoricalDtype):
        county = county.astype("category")
    names = [str(c) for c in county.cat.categories]
    done = resolver.resolve(names, "schools", codes=lambda asked: _codes_beside(frame, county, asked))
    notices += done.notices
    if done.unknown:
        rows = np.flatnonzero(np.asarray(county.isin(list(done.unknown))))
        raise InputError([Problem(int(frame["row"].iat[i]), "county", county.iat[i],
                                  resolver.expected(county.iat[i], done.unknown[county.iat[i]]))
                          for i in rows], source="schools")
    mapped = [done.names[n] for n in names]
    if mapped == names:
        return frame
    categories = pd.Index(sorted(set(mapped)), dtype="str")
    recode = np.append(categories.get_indexer(mapped), -1)  # -1 (blank) stays blank
    codes = recode[county.cat.codes.to_numpy()]
    return frame.assign(county=pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)))


def _codes_beside(frame: pd.DataFrame, county: pd.Series, names: list[str]) -> dict[str, frozenset[str]]:
    """For the given county names, the county codes written beside them (``county_code``)."""
    if not names or "county_code" not in frame:
        return {}
    mask = np.asarray(county.isin(names))
    pairs = pd.DataFrame({"county": county[mask].astype("str"), "code": frame.loc[mask, "county_code"]})
    pairs = pairs.dropna().drop_duplicates()
    return {n: frozenset(g["code"]) for n, g in pairs.groupby("county")}


def resolve_column(df: pd.DataFrame, resolver: Resolver, notices: list[Notice], source: str,
                   allow_places: bool = False) -> pd.DataFrame:
    """An observation table with its counties resolved (jurisdiction ids allowed in metrics)."""
    names = list(pd.unique(df["county"].to_numpy(dtype=object)))
    done = resolver.resolve(names, source, allow_places=allow_places)
    notices += done.notices
    if done.unknown:
        county = df["county"].to_numpy(dtype=object)
        rows = np.flatnonzero(np.isin(county, list(done.unknown)))
        raise InputError([Problem(int(i), "county", county[i], resolver.expected(county[i], done.unknown[county[i]],
                                                                                 allow_places))
                          for i in rows], source=source)
    if all(done.names[n] == n for n in names):
        return df
    return df.assign(county=df["county"].map(done.names).astype("str"))
