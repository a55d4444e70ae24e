"""What every command shares: clean errors with exit status 2, tables, writing reports."""

from __future__ import annotations

import functools
import os
import sys
import warnings
from pathlib import Path

import click

EXIT_INPUT = 2


def fail(exc: BaseException, debug: bool) -> None:
    if debug:
        raise exc
    click.echo(f"错误 error: {exc}", err=True)
    sys.exit(EXIT_INPUT)


def guard(fn):
    """Turn the library's own errors into a clean message and exit status 2."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import eduequity as ee

        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            with warnings.catch_warnings():  # the command prints the result's warnings itself
                warnings.simplefilter("ignore", ee.DataWarning)
                return fn(*args, **kwargs)
        except (ee.InputError, ee.PluginError, KeyError, OSError, TypeError, ValueError) as exc:
            fail(exc, debug)

    return wrapper


def table(title: str, columns: list[str], rows: list[list]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(v) for v in r])
    # Piped or captured output gets the full width: a listing must not be cut to "cn.basic-b…".
    Console(width=None if sys.stdout.isatty() else 200).print(t)


def not_an_input(out: Path | None, *inputs: Path | None) -> None:
    """A report must never be written over the data it was made from."""
    if out is None:
        return
    for given in inputs:
        if given is not None and (os.path.abspath(out) == os.path.abspath(given)
                                  or (out.exists() and given.exists() and out.samefile(given))):
            raise ValueError(f"--out {str(out)!r} is an input of this command ({str(given)!r}); "
                             "write the report to another file")


def evaluated(file: Path, standard: str, metrics: Path | None, recognitions: Path | None):
    """The evaluation of a school table with its optional observations, as ``evaluate`` makes it."""
    import pandas as pd

    import eduequity as ee

    m = pd.read_csv(metrics, encoding="utf-8-sig") if metrics else None
    r = pd.read_csv(recognitions, encoding="utf-8-sig") if recognitions else None
    return ee.evaluate(ee.read_schools(file), standard, metrics=m, recognitions=r)


def warn(found) -> None:
    """The result's warnings on stderr: worth a look, and the report is written all the same."""
    for where, message in zip(found["where"], found["message"], strict=True):
        click.echo(f"警告 warning: {where}: {message}", err=True)


def emit(data: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(data, bytes):
            if sys.stdout.isatty():  # binary garbage on a terminal helps nobody
                raise ValueError("this format writes a file: give --out FILE, or redirect the output")
            click.echo(data, nl=False)  # piped: ``--format cn.indicators.csv > out.csv`` works
            return
        click.echo(data)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        out.write_bytes(data)
    else:
        out.write_text(data, encoding="utf-8")
    click.echo(f"wrote {out}", err=True)
