"""``eduequity evaluate``: a table of school sections against a standard, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import Steps, emit, evaluated, guard, not_an_input, report_format, report_options, warn


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.basic-balance-2012.")
@click.option("--metrics", type=click.Path(path_type=Path),
              help="CSV or XLSX of year, county, metric, value[, level] (or 年份, 县（市、区）, 指标, 值[, 学段]); "
                   "default the 指标 sheet of an XLSX FILE made by `eduequity template`.")
@click.option("--recognitions", type=click.Path(path_type=Path), help="CSV of county, year[, kind].")
@report_options("markdown, html, xlsx, json, cn.indicators.csv, cn.verdicts.csv, cn.cv-table.csv, or a plugin's")
@guard
def evaluate(file: Path, standard: str, metrics: Path | None, recognitions: Path | None, fmt: str | None,
             out: Path | None, lang: str | None, quiet: bool) -> None:
    """Evaluate FILE (CSV, XLSX or Parquet of school sections) against a standard."""
    import eduequity as ee

    not_an_input(out, file, metrics, recognitions)
    fmt = report_format(fmt, out)
    with Steps(quiet) as steps:
        ev = evaluated(file, standard, metrics, recognitions, steps)
        steps.step(f"写出 writing {fmt}")
        data = ee.render(ev, fmt, lang=lang)
    emit(data, out, quiet)
    warn(ev.warnings)
    counts = ev.verdicts["status"].value_counts()
    steps.say(f"{ev.standard.id}: {len(ev.verdicts)} county-years — "
              + ", ".join(f"{k} {n}" for k, n in counts.items() if n))
