"""``eduequity evaluate``: a table of school sections against a standard, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import emit, evaluated, guard, not_an_input, warn


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.basic-balance-2012.")
@click.option("--metrics", type=click.Path(path_type=Path), help="CSV of year, county, metric, value[, level].")
@click.option("--recognitions", type=click.Path(path_type=Path), help="CSV of county, year[, kind].")
@click.option("--format", "fmt", default="markdown", show_default=True,
              help="Report format id: markdown, html, xlsx, json, cn.indicators.csv, cn.verdicts.csv, "
                   "cn.cv-table.csv, or a plugin's (see `eduequity formats`).")
@click.option("--out", type=click.Path(path_type=Path), help="Write the report here instead of printing it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report headers: zh (Chinese) or en (the library's names); default the format's own (zh, or en for CSV).")
@guard
def evaluate(file: Path, standard: str, metrics: Path | None, recognitions: Path | None, fmt: str,
             out: Path | None, lang: str | None) -> None:
    """Evaluate FILE (CSV, XLSX or Parquet of school sections) against a standard."""
    import eduequity as ee

    not_an_input(out, file, metrics, recognitions)
    ev = evaluated(file, standard, metrics, recognitions)
    emit(ee.render(ev, fmt, lang=lang), out)
    warn(ev.warnings)
    counts = ev.verdicts["status"].value_counts()
    click.echo(f"{ev.standard.id}: {len(ev.verdicts)} county-years — "
               + ", ".join(f"{k} {n}" for k, n in counts.items() if n), err=True)
