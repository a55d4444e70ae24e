"""What a bureau reads first, and the page it hands each county's reviewer.

``summary``: per standard, how many county-years have each status, the counties that
fail in the latest year and by how much, the indicators that fail most, and the data
warnings. ``counties``: one section per county of the latest year — the verdict, every
criterion with value, limit, margin and clause (``ee.explain``), the schools that fail
by name and what they miss, what to add at each (``ee.remedy``), and the county's
verdicts over the years. Both are built from the evaluation's own frames and those two
public functions, so their numbers are the evaluation's numbers.
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

import pandas as pd

from ..core.evaluation import Evaluation
from ..core.explain import explain
from ..core.remedy import remedy
from ..criteria.reasons import localise
from . import language, labels
from .blocks import Break, Heading, Para, Table

#: Per-county pages written at most; past it the summary says how many were left out
#: (each page runs ``ee.explain`` once, ~0.2 s at a county of 50 schools, and is ~50 KB of HTML for
#: quality balance: 100 pages made a 500-county report too slow to open).
MAX_COUNTIES = 50


class _Pages(NamedTuple):
    """What a county page shows apart from its language: the same in every format."""

    year: int
    counties: list[str]  # every county of the latest year, failing first
    plan: Any  # ee.remedy's Plan, or None
    explained: dict[str, Any]  # county -> Explanation, for the counties shown


#: The pages of an evaluation while it lives. A bureau renders one evaluation as Markdown,
#: XLSX and HTML, and explaining 50 counties is most of a report's time; the evaluation
#: is frozen, so its pages stay true (a frame changed in place by hand is not seen). Keyed by
#: the object (an Evaluation compares by identity and is not hashable), dropped when it goes.
_PAGES: dict[int, _Pages] = {}
WORDS = {
    "zh": {"counts": "各状态县·年数", "failing": "{year}年未达标的县", "indicators": "未达标最多的指标",
           "warnings": "数据问题", "excluded": "未纳入计算的记录：{n} 行", "none": "（无）", "verdict": "结论",
           "criteria": "各项评估", "schools": "未达标的学校", "add": "应补充", "trend": "历年结论",
           "more": "另有 {n} 个县未列出分县页（用 eduequity explain 查看）", "county_years": "县·年数",
           "cv_fails": "差异系数超限的县·学段", "school_fails": "未达标的学校·年"},
    "en": {"counts": "County-years by status", "failing": "Counties not met in {year}",
           "indicators": "Indicators failing most", "warnings": "Data problems", "excluded": "Rows left out: {n}",
           "none": "(none)", "verdict": "Verdict", "criteria": "Criteria", "schools": "Schools not met",
           "add": "What to add", "trend": "Verdicts by year",
           "more": "{n} more counties have no page here (see eduequity explain)", "county_years": "County-years",
           "cv_fails": "County-levels over the CV limit", "school_fails": "School-years not met"},
}


def _w(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "zh"]


def summary(ev: Evaluation, lang: str, title: str = "") -> list:
    """The summary blocks of one evaluation."""
    w, names = _w(lang), language.names(ev.standard, lang)
    v = ev.verdicts
    out: list = [Heading(2, title or w["counts"]), Heading(3, w["counts"])]
    counts = (v.assign(status=v["status"].astype(str)).pivot_table(index="year", columns="status", values="county",
                                                                  aggfunc="count", fill_value=0, observed=True))
    counts = counts.reindex(columns=[s for s in language.STATUS["en"] if s in counts.columns])
    counts.columns = [language.STATUS[lang if lang == "en" else "zh"][c] for c in counts.columns]
    out.append(Table(counts.reset_index().rename(columns={"year": labels.header("year", lang)}),
                            w["counts"]))
    if len(v):
        out += _failing(ev, lang, w)
    out += _indicators(ev, lang, w, names)
    out += _warnings(ev, lang, w)
    return out


def _failing(ev: Evaluation, lang: str, w: dict) -> list:
    year = int(ev.verdicts["year"].max())
    v = ev.verdicts[(ev.verdicts["year"] == year) & (ev.verdicts["status"].astype(str) == "not met")]
    c = ev.counties[ev.counties["year"] == year]
    cols = [k for k in ("county", "level", "status", "schools_not_met", "composite_cv", "composite_limit") if k in c]
    part = c[c["county"].astype(str).isin(set(v["county"].astype(str)))][cols].copy()
    if "composite_cv" in part:
        part["over"] = (part["composite_cv"] - part["composite_limit"]).clip(lower=0)
    part = part.sort_values(["county", "level"], kind="stable").reset_index(drop=True)
    frame = labels.relabel(language.frame(part, lang, {}), lang)
    if "over" in part:
        frame = frame.rename(columns={labels.header("over", lang): "超出限值" if lang == "zh" else "Over the limit"})
    title = w["failing"].format(year=year)
    return [Heading(3, title), Para(w["none"]) if not len(part) else Table(frame, title)]


def _indicators(ev: Evaluation, lang: str, w: dict, names: dict) -> list:
    ind = ev.indicators
    over = ind[ind["passed"].fillna(True) == False].groupby("indicator", observed=True).size()  # noqa: E712
    s = ev.schools
    missed = s[s["met"].fillna(True) == False].groupby("indicator", observed=True).size()  # noqa: E712
    both = pd.DataFrame({w["cv_fails"]: over, w["school_fails"]: missed}).fillna(0).astype("int64")
    if not len(both):
        return [Heading(3, w["indicators"]), Para(w["none"])]
    both = both.sort_values([w["school_fails"], w["cv_fails"]], ascending=False, kind="stable").head(10)
    both.index = [names.get(str(k), str(k)) for k in both.index]
    head = labels.header("indicator", lang)
    return [Heading(3, w["indicators"]),
            Table(both.rename_axis(head).reset_index(), w["indicators"])]


def _warnings(ev: Evaluation, lang: str, w: dict) -> list:
    out: list = [Heading(3, w["warnings"])]
    warn = ev.warnings
    if len(warn):
        out.append(Table(labels.relabel(warn[["where", "message"]].reset_index(drop=True), lang), w["warnings"]))
    ex = ev.excluded
    out.append(Para(w["excluded"].format(n=len(ex))))
    if len(ex):
        why = ex["reason"].astype(str).map(lambda r: localise(r, lang)).value_counts().sort_index()
        out.append(Table(pd.DataFrame({labels.header("reason", lang): why.index,
                                             labels.header("row", lang) if lang == "en" else "行数": why.to_numpy()}),
                               w["warnings"]))
    if not len(warn) and not len(ex):
        out.append(Para(w["none"]))
    return out


def by_county(ev: Evaluation, lang: str, title: str = "") -> list:
    """A printable section per county of the latest year (failing counties first)."""
    w, names = _w(lang), language.names(ev.standard, lang)
    if not len(ev.verdicts):
        return []
    pages = _pages(ev)
    year, counties, plan = pages.year, pages.counties, pages.plan
    shown = counties[:MAX_COUNTIES]
    # Each county's rows, split once: a filter of the whole frame per county is a pass per county.
    mine = {"verdicts": _by_county(ev.verdicts, shown), "counties": _by_county(ev.counties, shown),
            "plan": _by_county(plan.schools[plan.schools["year"] == year], shown) if plan is not None else {}}
    # With a plan, a county it adds nothing to says so ("none"); without one, no such heading.
    none_to_add = plan.schools.iloc[:0] if plan is not None and len(plan.schools) else None
    out: list = [Heading(2, title or w["verdict"])]
    for county in shown:
        if (ex := pages.explained.get(county)) is None:
            continue
        out += _county(ex, {"verdicts": mine["verdicts"][county], "counties": mine["counties"].get(county),
                            "plan": mine["plan"].get(county, none_to_add)}, lang, w, names)
    if len(counties) > MAX_COUNTIES:
        out.append(Para(w["more"].format(n=len(counties) - MAX_COUNTIES)))
    return out


def _pages(ev: Evaluation) -> _Pages:
    """The explanations and the plan of ``ev``'s county pages, computed once per evaluation."""
    if (pages := _PAGES.get(id(ev))) is not None:
        return pages
    v = ev.verdicts
    year = int(v["year"].max())
    latest = v[v["year"] == year]
    order = latest.assign(_bad=latest["status"].astype(str) != "not met").sort_values(["_bad", "county"],
                                                                                    kind="stable")
    counties = order["county"].astype(str).tolist()
    try:
        plan = remedy(ev)
    except (KeyError, ValueError, TypeError):  # no school sections (loaded from JSON), or no resource rule
        plan = None
    explained = {}
    for county in counties[:MAX_COUNTIES]:
        try:
            explained[county] = explain(ev, county=county, year=year)
        except (KeyError, ValueError):
            continue
    pages = _PAGES[id(ev)] = _Pages(year, counties, plan, explained)
    weakref.finalize(ev, _PAGES.pop, id(ev), None)
    return pages


def _by_county(df: pd.DataFrame, counties: list[str]) -> dict[str, pd.DataFrame]:
    """The rows of each of ``counties``, by one group-by."""
    if not len(df):
        return {}
    key = df["county"].astype(str)
    mine = key.isin(counties)
    return {c: part for c, part in df[mine].groupby(key[mine], sort=False)}


def _county(ex, mine: dict, lang: str, w: dict, names: dict) -> list:
    """One county's page: verdict, criteria, failing schools, what to add, the years.
    ``mine``: the county's rows of the verdicts, the county table and the plan (None: no rows)."""
    status = language.STATUS[lang if lang == "en" else "zh"].get(ex.status, ex.status)
    out: list = [Break(ex.county), Heading(3, f"{ex.county} {ex.year}"),
                 Para(f"{w['verdict']}：{status}" if lang != "en" else f"{w['verdict']}: {status}")]
    if ex.reason:
        out.append(Para(localise(ex.reason, lang, names)))
    crit = ex.criteria[[c for c in ("title", "level", "indicator", "value", "op", "limit", "margin", "status",
                                    "clause") if c in ex.criteria]]
    out += [Heading(4, w["criteria"]), _detail(crit, lang, names, w["criteria"])]
    s = ex.schools
    if "met" in s:
        failing = s[s["met"].fillna(True) == False]  # noqa: E712
        cols = [c for c in ("school_name", "school_id", "level", "indicator", "value", "threshold", "floor", "why")
                if c in failing]
        out += [Heading(4, w["schools"]), _detail(failing[cols].reset_index(drop=True), lang, names, w["schools"])]
    plan = mine["plan"]
    if plan is not None:
        cols = [c for c in ("school_name", "level", "resource", "unit", "addition", "cost_one_off") if c in plan]
        out += [Heading(4, w["add"]), _detail(plan[cols].reset_index(drop=True), lang, names, w["add"])]
    years = mine["verdicts"][["year", "status"]]
    c = mine["counties"]
    if c is not None and "composite_cv" in c:
        cv = c.pivot_table(index="year", columns="level", values="composite_cv", observed=True)
        cv.columns = [f"{language.LEVEL[lang if lang == 'en' else 'zh'].get(str(k), k)} "
                      f"{labels.header('composite_cv', lang)}" for k in cv.columns]
        years = years.merge(cv.reset_index(), on="year", how="left")
    out += [Heading(4, w["trend"]), _detail(years.reset_index(drop=True), lang, names, w["trend"])]
    return out


def _detail(df: pd.DataFrame, lang: str, names: dict, title: str) -> Table | Para:
    if not len(df):
        return Para(_w(lang)["none"])
    return Table(labels.relabel(language.frame(df, lang, names), lang), title, detail=True)


SECTIONS = {"summary": summary, "by_county": by_county}
