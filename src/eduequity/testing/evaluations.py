"""The conformance check's ``evaluations``: generated inputs, and no verdict without its data.

For each standard of a plugin, Hypothesis generates school frames, metric
observations and recognitions over the jurisdiction's own counties and the
standard's years; every evaluation must run, account for every input row, and
never pass a county-year whose data is missing (a blank cell of an evaluated
school, an unobserved target, a prerequisite without recognitions) or fail one
without a reason. Findings are (standard id, where, message) for ``conformance.py``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _years(std: Any) -> tuple[int, int]:
    marks = [y for y in [std.effective, *(t.deadline for t in std.targets), *(t.start for t in std.targets)]
             if y is not None and 1990 <= y <= 2100]
    if not marks:
        return 2013, 2024
    return min(marks) - 1, max(marks) + 1


def _county_strategy(reg: Any, jurisdiction: str):
    from hypothesis import strategies as st

    # each county by its own name: an alias (米易 for 米易县) would be judged under the county's name,
    # and the missing-data oracle compares names as written
    names = sorted({c.name for c in reg.counties(jurisdiction).values()}) if jurisdiction != "cn" else []
    return st.sampled_from(names) if names else None


def _hypothesis_settings(max_examples: int | None, shrink: bool = True):
    from hypothesis import HealthCheck, Phase, settings

    n = max_examples if max_examples is not None else max(10, settings.default.max_examples // 3)
    phases = [p for p in settings.default.phases if p is not Phase.explain and (shrink or p is not Phase.shrink)]
    return settings(max_examples=n, deadline=None, database=None, phases=phases, print_blob=False,
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False)


class _NotConforming(AssertionError):
    """A finding of the evaluations check (not a crash of the kit)."""


def describe(exc: BaseException) -> str:
    notes = "\n".join(n for n in getattr(exc, "__notes__", []) if len(n) < 4000)
    if isinstance(exc, _NotConforming):
        text = str(exc)
    else:
        tb = traceback.extract_tb(exc.__traceback__)
        # the innermost frame of eduequity or a plugin, not of pandas: where a fix would go
        ours = [f for f in tb if "eduequity" in f.filename and "eduequity/testing/" not in f.filename] or tb
        where = ours[-1] if ours else None
        at = (f" (at {Path(where.filename).parent.name}/{Path(where.filename).name}:{where.lineno} "
              f"in {where.name})") if where else ""
        text = f"{type(exc).__name__}: {exc}{at}"
    return f"{text}\n{notes}" if notes else text


def _judged(std: Any) -> set[tuple[str, str]]:
    """(column, level) pairs some criterion of ``std`` judges: a blank there is missing data."""
    return {pair for c in std.criteria for pair in c.judged()}


def _missing_data_failures(ev: Any, frame: Any, std: Any, metrics: Any, recognitions: Any) -> list[str]:
    """Why some verdicts pass although their data is missing, or fail without a reason ([] when none)."""
    import numpy as np
    import pandas as pd

    v = ev.verdicts
    reasonless = v[~v["passed"].fillna(False).to_numpy(dtype=bool) & (v["reasons"].astype(str).str.strip() == "")]
    problems = [f"{y} {c} is {status} without a reason" for y, c, status in
                zip(reasonless["year"], reasonless["county"], reasonless["status"].astype(str), strict=True)][:3]
    passed = v["passed"].fillna(False).to_numpy(dtype=bool)
    passing = set(zip(v["year"].astype(int)[passed], v["county"].astype(str)[passed], strict=True))
    if not passing:
        return problems
    if frame is not None and len(frame):
        kept = frame[~frame["row"].isin(ev.excluded["row"])] if len(ev.excluded) else frame
        level = kept["level"].astype(str).to_numpy()
        blank = np.zeros(len(kept), dtype=bool)
        for column, lv in _judged(std):
            if column in kept.columns:
                blank |= kept[column].isna().to_numpy() & (level == lv)
        for y, c, sid in zip(kept["year"].to_numpy()[blank], kept["county"].astype(str).to_numpy()[blank],
                             kept["school_id"].astype(str).to_numpy()[blank], strict=True):
            if (int(y), c) in passing:
                problems.append(f"{y} {c} passes although school {sid} has a blank resource cell")
    obs = set()
    if metrics is not None and len(metrics):
        level = metrics["level"] if "level" in metrics else pd.Series([None] * len(metrics))
        obs = {(int(y), str(c), str(m), None if pd.isna(lv) else str(lv))
               for y, c, m, lv in zip(metrics["year"], metrics["county"], metrics["metric"], level, strict=True)}
    for t in std.targets:
        for y, c in sorted(passing):
            if t.start is not None and y < t.start:
                continue
            place = std.jurisdiction if t.scope == "jurisdiction" else c
            if (t.scope == "jurisdiction") != (c == std.jurisdiction):
                continue
            if (y, place, t.metric, t.level) not in obs:
                problems.append(f"{y} {c} passes although target {t.id!r} has no observation")
    needing = [c.id for c in std.criteria if "recognitions" in c.needs()]
    if recognitions is None and needing:
        problems += [f"{y} {c} passes without recognitions, which rule {needing[0]!r} needs"
                     for y, c in sorted(passing) if c != std.jurisdiction]
    # a passing verdict has every criterion met
    counties = ev.counties
    for y, c in sorted(passing):
        rows = counties[(counties["year"].to_numpy() == y) & (counties["county"].astype(str).to_numpy() == c)]
        if len(rows) and not rows["passed"].fillna(False).to_numpy(dtype=bool).all():
            problems.append(f"{y} {c} passes although a level does not ({rows['status'].astype(str).tolist()})")
        t = ev.targets
        trows = t[(t["year"].to_numpy() == y) & (t["county"].astype(str).to_numpy() == c)]
        if len(trows) and not trows["passed"].fillna(False).to_numpy(dtype=bool).all():
            bad = trows.loc[~trows["passed"].fillna(False).to_numpy(dtype=bool), "target"].astype(str).tolist()
            problems.append(f"{y} {c} passes although targets are not met: {bad[:3]}")
    return problems


def _property(std: Any, reg: Any, best: dict) -> Callable[[Any], None]:
    """The property the evaluations check runs for one standard; the richest evaluation goes to ``best``."""
    from hypothesis import strategies as st

    from ..core.evaluate import evaluate
    from . import strategies as ees

    lo, hi = _years(std)
    counties = _county_strategy(reg, std.jurisdiction)
    years = st.integers(lo, hi)
    frames = st.one_of(
        ees.school_frames(years=years, counties=counties, max_years=2, max_counties=2, max_schools=4,
                          allow_blanks=True, descriptive=True),
        ees.whole_school_frames(years=years, counties=counties, max_years=1, max_counties=2),
    )
    if not std.needed_columns:
        frames = st.one_of(st.none(), frames)

    def evaluate_one(data: Any) -> None:
        frame = data.draw(frames, label="frame")
        if frame is not None:
            ys = sorted(set(frame["year"].tolist()))
            cs = sorted(set(frame["county"].astype(str).tolist()))
            m_years, m_counties, r_counties = st.sampled_from(ys), st.sampled_from(cs), st.sampled_from(cs)
            n_counties = len(cs)
        else:
            ys = [lo, lo + 1]
            m_years, m_counties, r_counties, n_counties = years, counties, counties, 2
        metrics = data.draw(st.one_of(st.none(), ees.metrics_frames(
            std, years=m_years, counties=m_counties, max_years=len(ys), max_counties=n_counties,
            registry=reg)), label="metrics")
        recog = data.draw(st.one_of(st.none(), ees.recognitions(
            counties=r_counties, years=st.integers(min(ys) - 8, max(ys)))), label="recognitions")
        try:
            ev = evaluate(frame, std, metrics=metrics, recognitions=recog, registry=reg)
        except Exception as exc:
            raise _NotConforming(f"evaluate raised {describe(exc)}") from exc
        if frame is not None and ev.evaluated_rows + len(ev.excluded) != ev.input_rows:
            raise _NotConforming(f"{ev.evaluated_rows} evaluated + {len(ev.excluded)} excluded rows "
                                 f"!= {ev.input_rows} input rows")
        problems = _missing_data_failures(ev, frame, std, metrics, recog)
        if problems:
            raise _NotConforming("; ".join(problems[:5]))
        if "ev" not in best or len(best["ev"].verdicts) < len(ev.verdicts):
            best["ev"] = ev

    return evaluate_one


def check_evaluations(standards: list, reg: Any, max_examples: int | None, keep: list, run: bool,
                      shrink: bool = True) -> list[tuple[str, str, str]]:
    """Run Hypothesis over each standard of the plugin; ``keep`` receives (standard, evaluation) pairs,
    the evaluation with the most county-years seen for each standard, for the formats check.
    Findings are (standard id, where, message).

    A plugin without standards gets the national basic-balance standard, so that its formats
    have something to render; failures are then not the plugin's and are not reported.
    """
    from hypothesis import given
    from hypothesis import strategies as st

    out = []
    theirs = bool(standards)
    standards = list(standards) or [reg.standards["cn.basic-balance-2012"]]
    report = run and theirs
    for std in standards:
        best: dict[str, Any] = {}
        settings_ = _hypothesis_settings(max_examples if report else 2, shrink)
        test = settings_(given(st.data())(_property(std, reg, best)))
        try:
            test()
        except _NotConforming as exc:
            if report:
                out.append((std.id, f"standard {std.id!r}", describe(exc)))
        except Exception as exc:  # noqa: BLE001 - the kit itself or Hypothesis failed
            if report:
                out.append((std.id, f"standard {std.id!r}", f"could not be exercised: {describe(exc)}"))
        if "ev" in best:
            keep.append((std, best["ev"]))
    return out


