"""The ``eduequity`` command: what bureaus use instead of Python.

One module per command (``cli/<command>.py``); ``shared.py`` holds what they
share. Bad input exits with status 2 and a message naming the file, rows, column
and what was expected; a traceback only with ``--debug``.
"""

from __future__ import annotations

import click

from . import (check_plugin, demo, evaluate, explain, formats, jurisdictions, new_jurisdiction, plugins, remedy,
               schedules, standards, template, track)


@click.group()
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="eduequity")
def main(debug: bool) -> None:
    """eduequity: school statistics in, verdicts against education-equity policy out."""


for _module in (standards, schedules, jurisdictions, formats, plugins, template, evaluate, explain, remedy, track,
                demo, new_jurisdiction, check_plugin):
    main.add_command(getattr(_module, _module.__name__.rpartition(".")[2]))

if __name__ == "__main__":  # pragma: no cover
    main()
