"""``eduequity explain``: why one county-year got its verdict, down to each school, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import Steps, emit, evaluated, guard, not_an_input, report_format, report_options, warn


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.quality-balance-2017.")
@click.option("--county", required=True, help="The county, as the table names it (e.g. 东区).")
@click.option("--year", type=int, required=True, help="The statistical year.")
@click.option("--level", default=None, help="primary, junior, 小学 or 初中; default both.")
@click.option("--metrics", type=click.Path(path_type=Path), help="CSV or XLSX of year, county, metric, value[, level].")
@click.option("--recognitions", type=click.Path(path_type=Path), help="CSV of county, year[, kind].")
@report_options("markdown, html, xlsx, json")
@guard
def explain(file: Path, standard: str, county: str, year: int, level: str | None, metrics: Path | None,
            recognitions: Path | None, fmt: str | None, out: Path | None, lang: str | None, quiet: bool) -> None:
    """Explain the verdict of one county and year of FILE (school sections) against a standard."""
    import eduequity as ee

    not_an_input(out, file, metrics, recognitions)
    fmt = report_format(fmt, out)
    with Steps(quiet) as steps:
        ev = evaluated(file, standard, metrics, recognitions, steps)
        steps.step(f"解释 explaining {county} {year}")
        ex = ee.explain(ev, county=county, year=year, level=level)
        data = ee.render(ex, fmt, lang=lang)
    emit(data, out, quiet)
    warn(ev.warnings)
    steps.say(f"{ev.standard.id} {county} {year}: {ex.status}")
