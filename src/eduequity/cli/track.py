"""``eduequity track``: recognitions against a phased schedule, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import Steps, emit, guard, not_an_input, report_format, report_options, warn


@click.command()
@click.argument("schedule")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-of", type=int, help="The year to judge at (default: the latest recognition).")
@click.option("--target-years", type=click.Path(path_type=Path),
              help="CSV of county, target_year: each county's own year, added to the schedule's (and winning "
                   "county by county).")
@report_options("markdown, html, xlsx, json")
@guard
def track(schedule: str, file: Path, as_of: int | None, target_years: Path | None, fmt: str | None, out: Path | None,
          lang: str | None, quiet: bool) -> None:
    """Track FILE (CSV of county, year[, kind]) against SCHEDULE.

    Each county is early, on time, late or pending against its target year: the
    schedule's own (`eduequity schedules show SCHEDULE`) and those of --target-years.
    """
    import pandas as pd

    import eduequity as ee

    not_an_input(out, file, target_years)
    fmt = report_format(fmt, out)
    with Steps(quiet) as steps:
        steps.step(f"读取 reading {file}")
        years = pd.read_csv(target_years, encoding="utf-8-sig") if target_years is not None else None
        result = ee.track(schedule, pd.read_csv(file, encoding="utf-8-sig"), as_of=as_of, target_years=years)
        data = ee.render(result, fmt, lang=lang)
    emit(data, out, quiet)
    warn(result.warnings)
