"""``python -m eduequity``: the ``eduequity`` command, for an environment whose scripts are not on PATH."""

from .cli import main

main(prog_name="eduequity")
