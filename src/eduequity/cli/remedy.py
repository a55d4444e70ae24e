"""``eduequity remedy``: what each failing county must add, at which school, to pass (缺什么、补什么)."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import Steps, emit, evaluated, guard, not_an_input, report_format, report_options, warn


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.quality-balance-2017.")
@click.option("--costs", type=click.Path(path_type=Path),
              help="CSV of column, yuan[, unit, recurring]: yuan per unit of each resource; without, the plan "
                   "weighs each addition by its share of the county's total.")
@report_options("markdown, html, xlsx, json")
@guard
def remedy(file: Path, standard: str, costs: Path | None, fmt: str | None, out: Path | None, lang: str | None,
           quiet: bool) -> None:
    """The least additions that bring every school of FILE over the thresholds and every CV under its limit."""
    import pandas as pd

    import eduequity as ee

    not_an_input(out, file, costs)
    fmt = report_format(fmt, out)
    with Steps(quiet) as steps:
        ev = evaluated(file, standard, None, None, steps)
        steps.step("规划 planning the additions")
        plan = ee.remedy(ev, costs=pd.read_csv(costs, encoding="utf-8-sig") if costs else None)
        data = ee.render(plan, fmt, lang=lang)
    emit(data, out, quiet)
    warn(ev.warnings)
    places = plan.counties[["year", "county"]].drop_duplicates()
    steps.say(f"{ev.standard.id}: {len(places)} county-years need additions at "
              f"{plan.schools[['year', 'school_id']].drop_duplicates().shape[0]} school-years; "
              f"{len(plan.unresolved)} groups left unresolved")
