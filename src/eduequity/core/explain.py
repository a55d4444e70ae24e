"""``ee.explain``: why one county-year got its verdict, from the verdict down to each school.

Orchestration only: the county's sections are picked out of ``ev.sections`` by their
codes, their moments rebuilt by the evaluation's own code (``section_context``, so
each CV is the evaluation's), and every criterion explains itself (``explain`` beside
``judge`` in ``criteria/<kind>.py``). Nothing of the other counties is computed again:
nationally one county is a few hundred of three million sections.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from ..criteria import CRITERIA_COLUMNS, MISSING_COLUMNS, Criterion, Focus, missing_frame
from ..criteria.base import explain_rows
from .columns import LEVEL_ALIASES, LEVELS
from .evaluate import judged_sections, section_context
from .evaluation import Evaluation

#: The columns of ``ex.schools``: a dispersion rule's variance shares and a threshold rule's
#: misses in one frame; a column one of them has not is blank for the other.
SCHOOL_COLUMNS = ("criterion", "level", "indicator", "school_id", "school_name", "students", "value",
                  "county_value", "variance_part", "share", "rank", "threshold", "floor", "met", "school_passed", "why")


@attrs.frozen(eq=False)
class Explanation:
    """Why one county-year (one level, or both) got its verdict.

    ``status``/``reason``: the county-year's verdict, as ``ev.verdicts`` has it.
    ``criteria``: each criterion's value against its limit, margin, status and clause;
    ``schools``: each school's share of each variance behind a CV, and each threshold a
    school that does not pass misses; ``missing``: what to supply for a verdict that is
    not assessable (school cells, metrics, recognitions, a level's school rows).
    """

    standard: str
    title: str
    year: int
    county: str
    level: str | None
    status: str
    reason: str
    criteria: pd.DataFrame
    schools: pd.DataFrame
    missing: pd.DataFrame

    FRAMES = ("criteria", "schools", "missing")

    def __repr__(self) -> str:
        level = self.level or "primary+junior"
        return (f"<Explanation {self.standard} {self.county} {self.year} {level}: {self.status}, "
                f"{len(self.criteria)} criteria rows, {len(self.schools)} school rows, {len(self.missing)} missing>")


def explain(ev: Evaluation, *, county: str, year: int, level: str | None = None,
            frame: pd.DataFrame | None = None) -> Explanation:
    """Explain the verdict of ``county`` in ``year`` (``level`` "primary"/"junior"/小学/初中, or
    None for both), whatever it is: met, not met or not assessable.

    ``frame``: the school table the evaluation was made from, needed only for an
    evaluation loaded from JSON (which keeps no sections).
    """
    std = ev.standard
    levels = _levels(level)
    verdict = _verdict(ev, county, year)
    sections = judged_sections(ev, frame)
    chosen = _chosen(sections, year, county, levels)
    ctx, _ = section_context(chosen, std, keep=frozenset(std.needed_columns))
    t = ev.targets
    targets = t[t["year"].to_numpy() == year]  # nationally a million rows: the year first, then the county
    targets = targets[(targets["county"] == county).to_numpy(dtype=bool)
                      & (targets["level"].isna() | targets["level"].isin(levels)).to_numpy(dtype=bool)]
    names = None
    if "school_name" in chosen.columns:
        names = pd.Series(chosen["school_name"].to_numpy(dtype=object),
                          index=chosen["school_id"].to_numpy(dtype=object)).groupby(level=0).first()
    focus = Focus(ctx, targets, names, {m.key: m.zh for m in std.metrics})
    # Criteria explained by their rows of ev.targets alone are explained together (one frame, not
    # one per target); the rest each by its own kind; rows keep the standard's order.
    by_rows = [c for c in std.criteria if type(c).explain is Criterion.explain]
    parts = [c.explain(focus) for c in std.criteria if type(c).explain is not Criterion.explain]
    if by_rows:
        parts.append(explain_rows(by_rows, focus))
    place = {c.id: i for i, c in enumerate(std.criteria)}
    return Explanation(
        standard=std.id, title=std.title, year=int(year), county=county, level=None if level is None else levels[0],
        status=str(verdict["status"]), reason=str(verdict["reasons"]),
        criteria=_in_order(_frame([p.criteria for p in parts], CRITERIA_COLUMNS), place),
        schools=_frame([p.schools for p in parts], SCHOOL_COLUMNS if names is not None else
                       tuple(c for c in SCHOOL_COLUMNS if c != "school_name")),
        missing=_in_order(_frame([p.missing for p in parts] + [_absent(ev, year, county, levels)], MISSING_COLUMNS),
                          place),
    )


def _levels(level: str | None) -> tuple[str, ...]:
    if level is None:
        return LEVELS
    if level not in LEVEL_ALIASES:
        raise ValueError(f"unknown level {level!r}; expected primary, junior, 小学 or 初中 (or none for both)")
    return (LEVEL_ALIASES[level],)


def _verdict(ev: Evaluation, county: str, year: int) -> pd.Series:
    """The county-year's row of ``ev.verdicts``; a year or county it has none of is named with
    what it has."""
    v = ev.verdicts
    in_year = v[v["year"].to_numpy() == year]
    if not len(in_year):
        years = ", ".join(map(str, sorted(set(v["year"].tolist()))))
        raise KeyError(f"no verdict in {year} for {ev.standard.id}; years evaluated: {years or 'none'}")
    row = in_year[in_year["county"].to_numpy(dtype=object) == county]
    if not len(row):
        raise KeyError(f"no county {county!r} in {year}; counties of {year}: "
                       + ", ".join(sorted(in_year["county"].astype(str))))
    return row.iloc[0]


def _chosen(sections: pd.DataFrame, year: int, county: str, levels: tuple[str, ...]) -> pd.DataFrame:
    """The county's sections of the year and levels, found by codes (no text compared per row)."""
    c = sections["county"]
    categories = c.cat.categories if isinstance(c.dtype, pd.CategoricalDtype) else None
    if categories is not None:
        code = categories.get_indexer([county])[0]
        mask = c.cat.codes.to_numpy() == code if code >= 0 else np.zeros(len(sections), dtype=bool)
    else:
        mask = c.to_numpy(dtype=object) == county
    mask &= sections["year"].to_numpy() == year
    if len(levels) < len(LEVELS):
        mask &= sections["level"].cat.codes.to_numpy() == LEVELS.index(levels[0])
    return sections[mask]


def _absent(ev: Evaluation, year: int, county: str, levels: tuple[str, ...]) -> pd.DataFrame:
    """A level the standard holds schools to that the county has no school row of: supply them."""
    c = ev.counties
    none = c[(c["year"].to_numpy() == year) & (c["county"].to_numpy(dtype=object) == county)
             & c["level"].isin([lv for lv in levels if lv in ev.standard.school_levels]).to_numpy()
             & (c["schools"].to_numpy() == 0)]
    return missing_frame("school rows", "", none["level"].to_numpy(dtype=object))


def _in_order(frame: pd.DataFrame, place: dict[str, int]) -> pd.DataFrame:
    """Rows in the standard's order of criteria (rows of no criterion — a level's school rows — first)."""
    if not len(frame):
        return frame
    at = frame["criterion"].map(place).fillna(-1).to_numpy()
    return frame.iloc[np.argsort(at, kind="stable")].reset_index(drop=True)


def _frame(parts: list[pd.DataFrame | None], columns: tuple[str, ...]) -> pd.DataFrame:
    """The parts end to end, in one column order; an empty part adds nothing. Text is ``str``
    throughout (blank where a part has none), so the JSON round trip gives the same frame."""
    given = [p for p in parts if p is not None and len(p)]
    out = pd.concat(given, ignore_index=True) if given else pd.DataFrame()
    out = out.reindex(columns=list(columns))
    yes_no = {c: "boolean" for c in _YES_NO if c in out.columns}  # all blank (no threshold) is still yes/no, not float
    return out.astype({**yes_no, **{c: "str" for c in out.columns if out[c].dtype == object and c not in yes_no}})


_YES_NO = ("met", "school_passed")


__all__ = ["Explanation", "explain"]
