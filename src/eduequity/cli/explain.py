"""``eduequity explain``: why one county-year got its verdict, down to each school, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import emit, evaluated, guard, not_an_input, warn


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.quality-balance-2017.")
@click.option("--county", required=True, help="The county, as the table names it (e.g. 东区).")
@click.option("--year", type=int, required=True, help="The statistical year.")
@click.option("--level", default=None, help="primary, junior, 小学 or 初中; default both.")
@click.option("--metrics", type=click.Path(path_type=Path), help="CSV of year, county, metric, value[, level].")
@click.option("--recognitions", type=click.Path(path_type=Path), help="CSV of county, year[, kind].")
@click.option("--format", "fmt", default="markdown", show_default=True, help="Report format id: markdown, html, xlsx, json.")
@click.option("--out", type=click.Path(path_type=Path), help="Write the report here instead of printing it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report headers: zh (Chinese) or en (the library's names); default the format's own.")
@guard
def explain(file: Path, standard: str, county: str, year: int, level: str | None, metrics: Path | None,
            recognitions: Path | None, fmt: str, out: Path | None, lang: str | None) -> None:
    """Explain the verdict of one county and year of FILE (school sections) against a standard."""
    import eduequity as ee

    not_an_input(out, file, metrics, recognitions)
    ev = evaluated(file, standard, metrics, recognitions)
    ex = ee.explain(ev, county=county, year=year, level=level)
    emit(ee.render(ex, fmt, lang=lang), out)
    warn(ev.warnings)
    click.echo(f"{ev.standard.id} {county} {year}: {ex.status}", err=True)
