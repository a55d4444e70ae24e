"""``eduequity jurisdictions``: the tree of places and how many counties each lists."""

from __future__ import annotations

import click

from .shared import guard, table


@click.command()
@guard
def jurisdictions() -> None:
    """List jurisdictions and how many counties each lists."""
    import eduequity as ee

    reg = ee.registry()
    table("jurisdictions", ["id", "name", "parent", "counties"],
           [[j.id, j.name_zh, j.parent or "", len({c.name for c in reg.counties(j.id).values()})]
            for j in reg.jurisdictions.values()])
