"""``eduequity plugins``: the plugin distributions loaded, with their versions."""

from __future__ import annotations

import click

from .shared import guard, table


@click.command()
@guard
def plugins() -> None:
    """List the loaded plugin distributions with their versions."""
    import eduequity as ee

    reg = ee.registry()
    table("plugins", ["distribution", "version"], [[d, v] for d, v in sorted(reg.versions.items())])
