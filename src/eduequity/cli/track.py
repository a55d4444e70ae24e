"""``eduequity track``: recognitions against a phased schedule, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import Steps, emit, guard, not_an_input, report_format, report_options, warn


@click.command()
@click.argument("schedule")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-of", type=int, help="The year to judge at (default: the latest recognition).")
@report_options("markdown, html, xlsx, json")
@guard
def track(schedule: str, file: Path, as_of: int | None, fmt: str | None, out: Path | None, lang: str | None,
          quiet: bool) -> None:
    """Track FILE (CSV of county, year[, kind]) against SCHEDULE."""
    import pandas as pd

    import eduequity as ee

    not_an_input(out, file)
    fmt = report_format(fmt, out)
    with Steps(quiet) as steps:
        steps.step(f"读取 reading {file}")
        result = ee.track(schedule, pd.read_csv(file, encoding="utf-8-sig"), as_of=as_of)
        data = ee.render(result, fmt, lang=lang)
    emit(data, out, quiet)
    warn(result.warnings)
