"""``eduequity track``: recognitions against a phased schedule, as a report."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import emit, guard, not_an_input, warn


@click.command()
@click.argument("schedule")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-of", type=int, help="The year to judge at (default: the latest recognition).")
@click.option("--format", "fmt", default="markdown", show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report headers: zh (Chinese) or en (the library's names); default the format's own (zh, or en for CSV).")
@guard
def track(schedule: str, file: Path, as_of: int | None, fmt: str, out: Path | None, lang: str | None) -> None:
    """Track FILE (CSV of county, year[, kind]) against SCHEDULE."""
    import pandas as pd

    import eduequity as ee

    not_an_input(out, file)
    result = ee.track(schedule, pd.read_csv(file, encoding="utf-8-sig"), as_of=as_of)
    emit(ee.render(result, fmt, lang=lang), out)
    warn(result.warnings)
