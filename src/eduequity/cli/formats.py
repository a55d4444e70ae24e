"""``eduequity formats``: the report format ids ``--format`` takes."""

from __future__ import annotations

import click

from .shared import guard, table


@click.command()
@guard
def formats() -> None:
    """List the report formats (ids for --format)."""
    import eduequity as ee

    reg = ee.registry()
    table("report formats", ["id", "writer", "renders", "title"],
           [[f.id, f.writer, f.subject, f.title] for f in sorted(reg.report_formats.values(), key=lambda f: f.id)])
