"""The ``eduequity`` command: what bureaus use instead of Python.

Bad input exits with status 2 and a message naming the file, rows, column and
what was expected; a traceback only with ``--debug``.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import click

EXIT_INPUT = 2


def _fail(exc: BaseException, debug: bool) -> None:
    if debug:
        raise exc
    click.echo(f"错误 error: {exc}", err=True)
    sys.exit(EXIT_INPUT)


def _guard(fn):
    """Turn the library's own errors into a clean message and exit status 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import eduequity as ee

        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            with warnings.catch_warnings():  # the command prints the result's warnings itself
                warnings.simplefilter("ignore", ee.DataWarning)
                return fn(*args, **kwargs)
        except (ee.InputError, ee.PluginError, KeyError, OSError, TypeError, ValueError) as exc:
            _fail(exc, debug)

    return wrapper


def _table(title: str, columns: list[str], rows: list[list]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(v) for v in r])
    # Piped or captured output gets the full width: a listing must not be cut to "cn.basic-b…".
    Console(width=None if sys.stdout.isatty() else 200).print(t)


@click.group()
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="eduequity")
def main(debug: bool) -> None:
    """eduequity: school statistics in, verdicts against education-equity policy out."""


@main.command()
@_guard
def standards() -> None:
    """List the registered standards."""
    import eduequity as ee

    reg = ee.registry()
    _table("standards", ["id", "document", "jurisdiction", "title"],
           [[s.id, s.source.document, s.jurisdiction, s.title] for s in sorted(reg.standards.values(), key=lambda s: s.id)])


@main.command()
@_guard
def jurisdictions() -> None:
    """List jurisdictions and how many counties each lists."""
    import eduequity as ee

    reg = ee.registry()
    _table("jurisdictions", ["id", "name", "parent", "counties"],
           [[j.id, j.name_zh, j.parent or "", len({c.name for c in reg.counties(j.id).values()})]
            for j in reg.jurisdictions.values()])


@main.command()
@_guard
def formats() -> None:
    """List the report formats (ids for --format)."""
    import eduequity as ee

    reg = ee.registry()
    _table("report formats", ["id", "writer", "renders", "title"],
           [[f.id, f.writer, f.subject, f.title] for f in sorted(reg.report_formats.values(), key=lambda f: f.id)])


@main.command()
@_guard
def plugins() -> None:
    """List the loaded plugin distributions with their versions."""
    import eduequity as ee

    reg = ee.registry()
    _table("plugins", ["distribution", "version"], [[d, v] for d, v in sorted(reg.versions.items())])


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--standard", "-s", required=True, help="Standard id, e.g. cn.basic-balance-2012.")
@click.option("--metrics", type=click.Path(path_type=Path), help="CSV of year, county, metric, value[, level].")
@click.option("--recognitions", type=click.Path(path_type=Path), help="CSV of county, year[, kind].")
@click.option("--format", "fmt", default="markdown", show_default=True,
              help="Report format id: markdown, html, xlsx, json, cn.indicators.csv, cn.verdicts.csv, "
                   "cn.cv-table.csv, or a plugin's (see `eduequity formats`).")
@click.option("--out", type=click.Path(path_type=Path), help="Write the report here instead of printing it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report headers: zh (Chinese) or en (the library's names); default the format's own (zh, or en for CSV).")
@_guard
def evaluate(file: Path, standard: str, metrics: Path | None, recognitions: Path | None, fmt: str,
             out: Path | None, lang: str | None) -> None:
    """Evaluate FILE (CSV, XLSX or Parquet of school sections) against a standard."""
    import pandas as pd

    import eduequity as ee

    _not_an_input(out, file, metrics, recognitions)
    frame = ee.read_schools(file)
    m = pd.read_csv(metrics, encoding="utf-8-sig") if metrics else None
    r = pd.read_csv(recognitions, encoding="utf-8-sig") if recognitions else None
    ev = ee.evaluate(frame, standard, metrics=m, recognitions=r)
    _emit(ee.render(ev, fmt, lang=lang), out)
    _warn(ev.warnings)
    counts = ev.verdicts["status"].value_counts()
    click.echo(f"{ev.standard.id}: {len(ev.verdicts)} county-years — "
               + ", ".join(f"{k} {n}" for k, n in counts.items() if n), err=True)


@main.command()
@click.argument("schedule")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-of", type=int, help="The year to judge at (default: the latest recognition).")
@click.option("--format", "fmt", default="markdown", show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report headers: zh (Chinese) or en (the library's names); default the format's own (zh, or en for CSV).")
@_guard
def track(schedule: str, file: Path, as_of: int | None, fmt: str, out: Path | None, lang: str | None) -> None:
    """Track FILE (CSV of county, year[, kind]) against SCHEDULE."""
    import pandas as pd

    import eduequity as ee

    _not_an_input(out, file)
    result = ee.track(schedule, pd.read_csv(file, encoding="utf-8-sig"), as_of=as_of)
    _emit(ee.render(result, fmt, lang=lang), out)
    _warn(result.warnings)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("eduequity-demo"), show_default=True)
@_guard
def demo(out: Path) -> None:
    """Evaluate the bundled example data and write Markdown, XLSX and HTML reports."""
    from .demo import run

    run(out)


def _not_an_input(out: Path | None, *inputs: Path | None) -> None:
    """A report must never be written over the data it was made from."""
    if out is None:
        return
    for given in inputs:
        if given is not None and (os.path.abspath(out) == os.path.abspath(given)
                                  or (out.exists() and given.exists() and out.samefile(given))):
            raise ValueError(f"--out {str(out)!r} is an input of this command ({str(given)!r}); "
                             "write the report to another file")


def _warn(found) -> None:
    """The result's warnings on stderr: worth a look, and the report is written all the same."""
    for where, message in zip(found["where"], found["message"], strict=True):
        click.echo(f"警告 warning: {where}: {message}", err=True)


def _emit(data: str | bytes, out: Path | None) -> None:
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


if __name__ == "__main__":  # pragma: no cover
    main()
