"""``eduequity remedy``: what each failing county must add, at which school, to pass (缺什么、补什么)."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import emit, evaluated, guard, not_an_input, warn


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.quality-balance-2017.")
@click.option("--costs", type=click.Path(path_type=Path),
              help="CSV of column, yuan[, unit, recurring]: yuan per unit of each resource; without, the plan "
                   "weighs each addition by its share of the county's total.")
@click.option("--format", "fmt", default="markdown", show_default=True, help="Report format id: markdown, html, xlsx, json.")
@click.option("--out", type=click.Path(path_type=Path), help="Write the report here instead of printing it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report headers: zh (Chinese) or en (the library's names); default the format's own.")
@guard
def remedy(file: Path, standard: str, costs: Path | None, fmt: str, out: Path | None, lang: str | None) -> None:
    """The least additions that bring every school of FILE over the thresholds and every CV under its limit."""
    import pandas as pd

    import eduequity as ee

    not_an_input(out, file, costs)
    ev = evaluated(file, standard, None, None)
    plan = ee.remedy(ev, costs=pd.read_csv(costs, encoding="utf-8-sig") if costs else None)
    emit(ee.render(plan, fmt, lang=lang), out)
    warn(ev.warnings)
    places = plan.counties[["year", "county"]].drop_duplicates()
    click.echo(f"{ev.standard.id}: {len(places)} county-years need additions at "
               f"{plan.schools[['year', 'school_id']].drop_duplicates().shape[0]} school-years; "
               f"{len(plan.unresolved)} groups left unresolved", err=True)
