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


def evaluated(file: Path, standard: str, metrics: Path | None, recognitions: Path | None,
              steps: Steps | None = None):
    """The evaluation of a school table with its optional observations, as ``evaluate`` makes it.

    A workbook from ``eduequity template`` carries its metrics on a sheet of their own
    (``METRICS_SHEET``): read when ``--metrics`` names no other file, so the one
    file a bureau filled in is the whole input.
    """
    import pandas as pd

    import eduequity as ee
    from eduequity.read.observations import metrics_sheet

    steps = steps or Steps(quiet=True)
    steps.step(f"读取 reading {file}")
    schools = ee.read_schools(file)
    given = metrics if metrics is not None or file.suffix.lower() != ".xlsx" else metrics_sheet(file)
    r = pd.read_csv(recognitions, encoding="utf-8-sig") if recognitions else None
    steps.step(f"评估 evaluating against {standard}")
    return ee.evaluate(schools, standard, metrics=given, recognitions=r)


def warn(found) -> None:
    """The result's warnings on stderr: worth a look, and the report is written all the same."""
    for where, message in zip(found["where"], found["message"], strict=True):
        click.echo(f"警告 warning: {where}: {message}", err=True)


def emit(data: str | bytes, out: Path | None, quiet: bool = False) -> None:
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
    if not quiet:
        click.echo(f"wrote {out}", err=True)


# --------------------------------------------------------------------------- report options

#: The writer a file name promises. A suffix not listed here (``.txt``, none) promises nothing,
#: and the report is Markdown unless ``--format`` says otherwise.
SUFFIX_WRITERS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".xlsx": "xlsx",
                  ".json": "json", ".csv": "csv", ".pdf": "pdf"}


def report_format(fmt: str | None, out: Path | None) -> str:
    """The format id to write: ``--format`` if given, else the one ``--out``'s suffix names.

    A report whose bytes contradict its file name is worse than no report (an
    ``.xlsx`` holding Markdown opens as a corrupt workbook), so a contradiction
    is an error, not a guess. A CSV file holds one table, so ``.csv`` needs
    ``--format`` to say which.
    """
    import eduequity as ee

    formats = ee.registry().report_formats
    want = SUFFIX_WRITERS.get(out.suffix.lower()) if out is not None else None
    csvs = ", ".join(sorted(i for i, f in formats.items() if f.writer == "csv"))
    if fmt is None:
        if want is None:
            return "markdown"
        if want == "csv":
            raise ValueError(f"--out {str(out)!r} is a CSV file, which holds one table: give --format with one "
                             f"of the CSV formats ({csvs})")
        fmt = want
    if fmt not in formats:
        if fmt == "pdf" or want == "pdf":
            raise ValueError("no PDF writer is registered (see `eduequity formats`); write html and print it, "
                             "or install a plugin that adds the pdf format")
        raise ValueError(f"unknown report format {fmt!r}; registered: {', '.join(sorted(formats))}")
    writer = formats[fmt].writer
    if want is not None and writer != want:
        hint = f"one of the CSV formats ({csvs})" if want == "csv" else f"--format {want}"
        raise ValueError(f"--out {str(out)!r} asks for {want} (its suffix) but --format {fmt!r} writes {writer}: "
                         f"give an --out ending in the format's suffix, or {hint}")
    return fmt


def report_options(formats_help: str):
    """``--format``, ``--out``, ``--lang`` and ``--quiet``: the options of every command that writes a
    report, declared once so they mean the same everywhere."""
    def add(fn):
        for option in reversed((
            click.option("--format", "fmt", default=None,
                         help=f"Report format id: {formats_help} (see `eduequity formats`); default the one "
                              "--out's suffix names (.md, .html, .xlsx, .json), else markdown."),
            click.option("--out", type=click.Path(path_type=Path), help="Write the report here instead of printing it."),
            click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                         help="Report headers: zh (Chinese) or en (the library's names); default the format's own "
                              "(zh, or en for CSV)."),
            click.option("--quiet", "-q", is_flag=True,
                         help="No progress display and no summary line on stderr (errors and data warnings still)."),
        )):
            fn = option(fn)
        return fn
    return add


class Steps:
    """A progress display on stderr for the long parts of a command (reading, evaluating, writing).

    Large files take minutes to read and judge; a bureau analyst needs to see that
    the command is working. The display is transient and drawn only on a terminal,
    so piped and captured stderr holds the summary line and nothing else.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._progress = None
        self._task = None

    def __enter__(self) -> Steps:
        if not self.quiet:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            if not console.is_terminal:  # piped or captured: no display, not even a blank line
                return self
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task("", total=None)
        return self

    def step(self, description: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=description)

    def say(self, line: str) -> None:
        """A summary line on stderr, unless ``--quiet``."""
        if not self.quiet:
            click.echo(line, err=True)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
