"""``eduequity new-jurisdiction ID --name 名称 --parent PARENT``: a complete plugin package to fill in.

The package passes its own tests as generated; its author edits data files only
(``eduequity.scaffold`` says what is in it). For the id of a node that exists
already (a province), the package gives counties and standards to that node.
"""

from __future__ import annotations

from pathlib import Path

import click

from .shared import guard


@click.command("new-jurisdiction")
@click.argument("jurisdiction_id")
@click.option("--name", help="The Chinese name (示例市); for a node that exists already, its own by default.")
@click.option("--parent", help="The id of the node it belongs to (sichuan); see `eduequity jurisdictions`.")
@click.option("--code", default="", help="The 6-digit division code (GB/T 2260), if known.")
@click.option("--out", type=click.Path(path_type=Path), help="The directory to write (default ./eduequity-ID).")
@guard
def new_jurisdiction(jurisdiction_id: str, name: str | None, parent: str | None, code: str, out: Path | None) -> None:
    """Write a plugin package for JURISDICTION_ID: counties, an example standard and schedule, tests."""
    from eduequity.scaffold import plan, write

    s = plan(jurisdiction_id, name, parent, code)
    out = out or Path(s.dist)
    written = write(s, out)
    what = f"a new node under {s.parent}" if s.new_node else f"counties for {s.id}, which exists already"
    click.echo(f"wrote {out}/ ({len(written)} files, {what}). Next:\n"
               f"  pip install -e {out}\n"
               f"  eduequity check-plugin {s.dist}\n"
               f"  then edit the data files: {out}/src/{s.module}/ (plugin.toml, data/, standards/, schedules/)")
