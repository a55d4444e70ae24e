"""``eduequity demo``: the bundled example data evaluated, and its reports written."""

from __future__ import annotations

from pathlib import Path

import click

from .shared import guard


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("eduequity-demo"), show_default=True)
@guard
def demo(out: Path) -> None:
    """Evaluate the bundled example data and write Markdown, XLSX and HTML reports, with the
    least additions each failing county needs (remedy) and an explanation of one verdict."""
    from ..demo import run

    run(out)
