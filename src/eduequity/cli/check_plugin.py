"""``eduequity check-plugin [DIST]``: the conformance check (``eduequity.testing.check_plugin``) from the
command line.

Each finding is one line naming the file and the entry to fix
(``standards/plan-2021.toml: targets[4]: no source clause: …``); the exit status is
1 when there are findings, so CI can run it as it is. The plugin is checked with
the other installed plugins beside it, as ``ee.registry()`` will load it (a city
plugin whose province another plugin adds then loads too).
"""

from __future__ import annotations

import importlib
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import click

from .shared import guard

EXIT_FINDINGS = 1


def _installed() -> list[metadata.EntryPoint]:
    """The installed plugins ``ee.registry()`` loads (``EDUEQUITY_DISABLE_PLUGINS`` leaves some out)."""
    import os

    from eduequity.core.hookspecs import PROJECT
    from eduequity.core.registry import DISABLE_ENV

    off = {s.strip() for s in os.environ.get(DISABLE_ENV, "").split(",") if s.strip()}
    return sorted((ep for ep in metadata.entry_points(group=PROJECT)
                   if ep.name not in off and (ep.dist is None or ep.dist.name not in off)), key=lambda e: e.name)


def _from_directory(path: Path) -> tuple[str, Any]:
    """The plugin a package directory declares in its pyproject.toml, importable from its ``src/``
    (or the directory) even before it is installed."""
    pyproject = path / "pyproject.toml"
    try:
        with pyproject.open("rb") as fh:
            project = tomllib.load(fh).get("project", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{pyproject}: cannot be read ({exc}); expected the plugin's pyproject.toml") from None
    points = project.get("entry-points", {}).get("eduequity", {})
    if not points:
        raise ValueError(f"{pyproject}: no [project.entry-points.eduequity] entry; expected one naming the plugin's "
                         "module, e.g. democity = \"eduequity_democity\"")
    value = next(iter(points.values()))
    for root in (path / "src", path):
        if root.is_dir() and str(root) not in sys.path:
            sys.path.insert(0, str(root))
    module, _, attr = value.partition(":")
    obj = importlib.import_module(module)
    return project.get("name", path.name), getattr(obj, attr) if attr else obj


def _plugins(dist: str | None) -> list[tuple[str, Any, set[str]]]:
    """(name shown, plugin, entry-point values it is known by) of each plugin to check."""
    points = _installed()
    if dist is None:
        if not points:
            raise ValueError("no plugin is installed (no 'eduequity' entry point): name a DIST or a directory")
        return [(ep.dist.name if ep.dist else ep.name, ep.load(), {ep.value}) for ep in points]
    if Path(dist).is_dir():
        name, plugin = _from_directory(Path(dist))
        return [(name, plugin, {ep.value for ep in points if ep.dist and ep.dist.name == name})]
    for ep in points:
        if dist in (ep.name, ep.dist.name if ep.dist else None, ep.value):
            return [(ep.dist.name if ep.dist else ep.name, ep.load(), {ep.value})]
    known = ", ".join(f"{ep.name} ({ep.dist.name})" if ep.dist else ep.name for ep in points) or "none"
    raise KeyError(f"no installed plugin {dist!r}; installed: {known} (or give the plugin's directory)")


@click.command("check-plugin")
@click.argument("dist", required=False)
@click.option("--max-examples", type=click.IntRange(1), default=None,
              help="Hypothesis examples per standard for the evaluations check (default: the kit's).")
@click.option("--check", "checks", multiple=True, help="Run only this check (repeatable): loads, ids, sources, "
              "units, round-trip, evaluations, formats.")
@click.option("--document-number", "numbers", multiple=True,
              help="A regular expression of your documents' numbers, besides the default (repeatable).")
@guard
def check_plugin(dist: str | None, max_examples: int | None, checks: tuple[str, ...], numbers: tuple[str, ...]) -> None:
    """Check DIST (a distribution, entry-point or module name, or a plugin's directory; default every
    installed plugin) against the conformance rules; each finding as FILE: ENTRY: MESSAGE."""
    from eduequity.testing.conformance import CHECKS, conformance_failures

    targets = _plugins(dist)
    findings = 0
    for name, plugin, values in targets:
        others = [ep.load() for ep in _installed() if ep.value not in values]
        found = conformance_failures(plugin, plugins=others, checks=checks or CHECKS, max_examples=max_examples,
                                     document_number=list(numbers) or None)
        for f in found:
            click.echo(f.located)
        findings += len(found)
        n = len(found)
        click.echo(f"{name}: " + (f"{n} problem{'s' if n != 1 else ''}" if n else "conforms"), err=True)
    if findings:
        sys.exit(EXIT_FINDINGS)
