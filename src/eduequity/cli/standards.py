"""``eduequity standards``: the registered standards."""

from __future__ import annotations

import click

from .shared import guard, table


@click.command()
@guard
def standards() -> None:
    """List the registered standards."""
    import eduequity as ee

    reg = ee.registry()
    table("standards", ["id", "document", "jurisdiction", "title"],
           [[s.id, s.source.document, s.jurisdiction, s.title] for s in sorted(reg.standards.values(), key=lambda s: s.id)])
