"""Files: a source (CSV, XLSX, Parquet or a DataFrame) loaded as header texts and columns.

A CSV file is in one encoding, UTF-8 or GB18030, decided on the whole file (a
file mixing the two, or holding lines in neither, is refused naming the
lines); its records' line numbers are kept for messages when quoted cells span
lines. A workbook is bounded (``XLSX_MAX_CELLS``, ``XLSX_MAX_BYTES``,
``XLSX_MAX_RATIO``) before it can take the machine's memory, and its merged
cells are filled where they stand for one value. Every file's header row is
found by ``headers.find_header``. What comes out is a ``Raw``: nothing is
parsed yet.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ..core.errors import InputError, Problem
from .canonical import ATTR, MARK
from .headers import HEADER_SCAN, Merge, find_header, header_text, is_text_header

SUFFIXES = (".csv", ".xlsx", ".parquet")


class Raw(NamedTuple):
    """A source as loaded: its header texts and positional columns, nothing parsed yet."""

    headers: list[str]
    columns: list[pd.Series]  # positional, RangeIndex
    n: int
    source: str
    line_offset: int | None
    row: pd.Series | None  # the ``row`` column of a canonical frame
    problems: Sequence[Problem] = ()  # found while locating the table (a unit note above it)
    #: Each row's line where it is not row + line_offset (quoted line breaks); asked only to report problems.
    lines: Callable[[], Sequence[int] | None] | None = None
    #: Per column, the unit a units row under the header gives it (``bureau.py``); () for none.
    units: Sequence[str | None] = ()


def _from_frame(df: pd.DataFrame, source: str, line_offset: int | None, problems: Sequence[Problem] = (),
                lines: Callable[[], Sequence[int] | None] | None = None) -> Raw:
    marked = df.attrs.get(ATTR) == MARK
    headers, columns, row = [], [], None
    for i in range(df.shape[1]):
        h = df.columns[i]
        if isinstance(h, str) and h == "row":
            # Our own column: kept from a canonical frame, recomputed otherwise.
            if marked and row is None:
                row = df.iloc[:, i].reset_index(drop=True)
            continue
        headers.append(header_text(h))
        columns.append(df.iloc[:, i].reset_index(drop=True))
    return Raw(headers, columns, len(df), source, line_offset, row, problems, lines)


def _unreadable(source: str, value: Any, expected: str) -> InputError:
    return InputError([Problem(None, None, value, expected)], source=source)


def _csv_head(path: Path, encoding: str) -> tuple[list[list[str]], list[int]]:
    """The first ``HEADER_SCAN + 1`` records and the line each starts on (a quoted cell may span lines)."""
    rows: list[list[str]] = []
    with path.open(encoding=encoding, newline="") as fh, _field_limit(path):
        lines = list(_record_starts(csv.reader(fh), rows, HEADER_SCAN + 1))
    return rows, lines


@contextlib.contextmanager
def _field_limit(path: Path) -> Iterator[None]:
    """The csv module's field limit (131,072 characters) raised to the file's size while it is read, then put back.

    A long cell (a note, a pasted text) would otherwise refuse a valid file;
    pandas has no such limit. No field is longer than the file.
    """
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, min(path.stat().st_size + 1, 2**31 - 1)))  # a C long on every platform
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _record_starts(reader: Any, rows: list | None = None, limit: int | None = None) -> Iterator[int]:
    """The line each record of ``reader`` starts on: one after the line the previous one ended on.

    ``line_num`` counts the lines the reader took (CR LF, LF or a bare CR
    ends one, inside quotes too), so this holds below any quoted line break.
    """
    end = 0
    for row in itertools.islice(reader, limit):
        if rows is not None:
            rows.append(row)
        yield end + 1
        end = reader.line_num


def _row_lines(path: Path, encoding: str, skip: int, n: int, first: int) -> list[int] | None:
    """The line of each of the ``n`` data rows below ``skip`` records, when quoted cells span lines.

    None when the file has one line per record (row ``r`` is on line
    ``first + r``), found by counting line ends; otherwise the file is read
    again record by record. Called only to report problems.
    """
    data = path.read_bytes()
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if ends + (not data.endswith((b"\n", b"\r"))) <= first - 1 + n:
        return None
    with path.open(encoding=encoding, newline="") as fh, _field_limit(path):
        starts = list(itertools.islice(_record_starts(csv.reader(fh)), skip, skip + n))
    return starts if len(starts) == n else None


def _read_csv(path: Path, source: str) -> Raw:
    """A CSV file in UTF-8 or, if not that, GB18030 — decided on the whole file, never line by line silently.

    The UTF-8 reading decodes every byte (the header scan its lines, pandas
    every field), so a file it reads is UTF-8 throughout and costs nothing
    more. Otherwise every line must be GB18030 (``_encoding_problems``).
    """
    try:
        return _read_csv_as(path, source, "utf-8-sig")
    except UnicodeDecodeError:
        data = path.read_bytes()
    found = _encoding_problems(data, check_gb=False)
    if found:
        raise InputError(found, source=source)
    try:
        return _read_csv_as(path, source, "gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(_encoding_problems(data, check_gb=True)
                         or [Problem(None, None, str(exc), ENCODINGS)], source=source) from exc


ENCODINGS = "text in UTF-8 (with or without BOM) or GB18030/GBK"


def _read_csv_as(path: Path, source: str, encoding: str) -> Raw:
    try:
        grid, lines = _csv_head(path, encoding)
        if len(grid) <= HEADER_SCAN and not any(c.strip() for r in grid for c in r):
            return _from_frame(pd.DataFrame(), source, 2)  # empty, or blank lines only
        found = find_header(grid[:HEADER_SCAN], lines, source, None)
        names = [f"c{i}" for i in range(len(found.headers))]
        with warnings.catch_warnings():
            # a line with more fields than the header: pandas would drop the extra ones with a warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            data = pd.read_csv(
                path, header=None, skiprows=found.skip, names=names, index_col=False, encoding=encoding,
                dtype={name: str for name, h in zip(names, found.headers) if is_text_header(h)},
                keep_default_na=False, na_values=[""], skip_blank_lines=False, low_memory=False,
            )
        data.columns = found.headers
        offset = lines[found.skip] if found.skip < len(lines) else lines[-1] + 1
        return _from_frame(data, source, offset, found.problems,
                           lambda: _row_lines(path, encoding, found.skip, len(data), offset))
    except (UnicodeDecodeError, InputError):
        raise
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error) as exc:
        raise _unreadable(source, str(exc).strip(),
                          "a readable CSV file (as many fields on every line as in the header)") from exc


def _encoding_problems(data: bytes, check_gb: bool) -> list[Problem]:
    """Problems with the encoding of a file that is not UTF-8 throughout, naming the lines.

    Decoding such a file as GB18030 would turn the UTF-8 lines of a file joined
    from two exports into mojibake (东区 -> 涓滃尯) without a word; so each line
    with non-ASCII bytes is judged on its own, and a file mixing the two is
    refused. Lines are told apart from one decoding of the whole file with
    U+FFFD for what is not UTF-8 (no exception per line); GB18030 itself is
    left to pandas' reading, and looked at line by line (``check_gb``) only
    when that fails, or to name the lines of a mixed file. (Neither
    encoding's multi-byte sequences hold a CR or LF byte, so lines can be
    judged apart.) A BOM says the file means to be UTF-8.
    """
    text = data.decode("utf-8", "replace")
    if "\r" in text:  # lines end at CR LF, LF or CR, as the CSV reader and bytes.splitlines() have them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    wide = [i for i, line in enumerate(lines) if not line.isascii()]
    other = [i for i in wide if "\ufffd" in lines[i]]
    literal = b"\xef\xbf\xbd" in data
    raw = data.splitlines() if (check_gb or literal or len(other) < len(wide)) else []
    if literal:  # a U+FFFD the file itself holds is UTF-8, not a replacement
        other = [i for i in other if lines[i].count("\ufffd") != raw[i].count(b"\xef\xbf\xbd")]
    if not other:  # pragma: no cover - every line is UTF-8, yet the file did not read as UTF-8
        return [Problem(None, None, None, f"{ENCODINGS}: the file reads as UTF-8 line by line, not as a whole")]
    if not check_gb and len(other) == len(wide):
        return []  # no line is UTF-8: GB18030, which pandas' reading will confirm
    utf8 = sorted(set(wide) - set(other))
    gb = [i for i in other if _decodes(raw[i], "gb18030")]
    found = [(i + 1, _shown(raw[i]), f"{ENCODINGS}: line {i + 1} is neither") for i in sorted(set(other) - set(gb))]
    if utf8 and gb:
        by = {"UTF-8": utf8, "GB18030/GBK": gb}
        major, minor = ("UTF-8", "GB18030/GBK") if data.startswith(b"\xef\xbb\xbf") or len(utf8) >= len(gb) \
            else ("GB18030/GBK", "UTF-8")
        n = len(by[major])
        found += [(i + 1, _shown(raw[i].decode("utf-8" if minor == "UTF-8" else "gb18030")),
                   f"{major} like the file's other {n} line{'s' if n > 1 else ''} of non-ASCII text: line {i + 1} "
                   f"is {minor} (a file joined from two exports?); save the whole file again in one encoding")
                  for i in by[minor]]
    return [Problem(None, None, value, expected) for _, value, expected in sorted(found)]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _shown(text: Any, width: int = 80) -> Any:
    """A line as shown in a message: cut to ``width`` characters (or bytes)."""
    return text if len(text) <= width else text[:width] + ("…" if isinstance(text, str) else b"...")


#: Cells a sheet may span, rows x columns as read (openpyxl pads each row to the used range):
#: 1,048,576 rows, the most a sheet holds, by 64 columns. A national sheet (~25 columns) reads,
#: a province's (~20,000 rows) is far below; a stray cell at XFD1048576 (17 billion cells once
#: padded, from a file of 1.5 KB) is refused before it takes the machine's memory.
XLSX_MAX_CELLS = 1_048_576 * 64
#: Bytes a workbook's parts may expand to in all: a national sheet of 1,048,576 rows x 25 columns
#: is about 1.2 GB of XML. zipfile reads no part past its declared size, so this bounds what is read.
XLSX_MAX_BYTES = 4 * 2**30
#: How many times a part over XLSX_RATIO_FROM bytes may expand: real sheets compress 5-20x (7.8x
#: the benchmark panel, 15x a sheet of one row repeated); a zip bomb, a tiny file expanding hugely,
#: about 1000x.
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 16 * 2**20


def _check_archive(path: Path, source: str) -> None:
    """Refuse a workbook whose parts would expand past reason before openpyxl opens any (it reads
    the shared strings whole, and the sheet's XML is streamed through twice)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # load_workbook says what is wrong with it
    total = sum(p.file_size for p in parts)
    if total > XLSX_MAX_BYTES:
        raise _unreadable(source, f"{total:,} bytes", f"a workbook whose parts expand to at most "
                          f"{XLSX_MAX_BYTES:,} bytes (a zip bomb?)")
    for part in parts:
        if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise _unreadable(source, f"{part.filename}: {part.compress_size:,} bytes expanding to "
                              f"{part.file_size:,}", f"parts that expand at most {XLSX_MAX_RATIO} times, as "
                              f"spreadsheets do (a zip bomb?)")


def _too_big(source: str, title: str, cells: int, ref: str) -> InputError:
    return _unreadable(source, f"{ref} ({cells:,} cells)",
                       f"a used range of at most {XLSX_MAX_CELLS:,} cells on sheet {title!r}: delete what lies "
                       f"beyond the table (Ctrl+End goes to its last cell), or split the sheet")


def _corner(rows: int, columns: int) -> str:
    from openpyxl.utils import get_column_letter

    try:
        return f"A1:{get_column_letter(max(columns, 1))}{rows}"
    except ValueError:  # past XFD: a file no spreadsheet wrote
        return f"{rows} rows x {columns} columns"


def _sheet_rows(ws: Any, source: str) -> list[tuple]:
    """The sheet's rows as read, bounded by XLSX_MAX_CELLS.

    The used range its ``<dimension>`` gives is checked up front; then the
    dimension is dropped, so that one smaller than the data (some writers get
    it wrong) cannot cut rows or columns off, and the cells are counted while
    read, so that a dimension that lies, or none, cannot pad past the limit.
    """
    if ws.max_row and ws.max_column and ws.max_row * ws.max_column > XLSX_MAX_CELLS:
        raise _too_big(source, ws.title, ws.max_row * ws.max_column, _corner(ws.max_row, ws.max_column))
    ws.reset_dimensions()
    rows: list[tuple] = []
    width = 0
    for row in ws.iter_rows(min_row=1, min_col=1, values_only=True):
        rows.append(row or ())  # a missing row comes as one shared list
        if len(row) > width:
            width = len(row)
        if len(rows) * width > XLSX_MAX_CELLS:
            raise _too_big(source, ws.title, len(rows) * width, _corner(len(rows), width))
    return rows


_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>|<(?:[A-Za-z_][\w.-]*:)?sheetData\s*/>")


def _merged_ranges(ws: Any, n_rows: int, source: str) -> list[Merge]:
    """0-based (first row, first column, last row, last column) of the sheet's merged cells over its rows.

    openpyxl's read-only mode, several times faster than the full one, skips
    ``<mergeCells>``; it follows the cell data in the sheet's XML, so one scan
    of that part, in chunks, finds them. Without it (another openpyxl) no cell
    is filled, and a header that needed the fill is reported as missing, not
    guessed. Filling counts toward XLSX_MAX_CELLS: a range over the whole
    sheet would otherwise pad every row to 16,384 columns.
    """
    from openpyxl.utils.cell import range_boundaries

    opener = getattr(ws, "_get_source", None)
    if opener is None:  # pragma: no cover - openpyxl internals changed
        return []
    out, area = [], 0
    with opener() as fh:
        for ref in _merge_refs(fh):
            c0, r0, c1, r1 = range_boundaries(ref.decode("ascii"))
            if r0 > n_rows:
                continue
            area += (min(r1, n_rows) - r0 + 1) * (c1 - c0 + 1)
            if area > XLSX_MAX_CELLS:
                raise _too_big(source, ws.title, area, f"merged cells such as {ref.decode('ascii')}")
            out.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
    return out


def _merge_refs(fh: Any, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The ``ref`` of each ``<mergeCell>`` after the sheet's cell data, read chunk by chunk (never whole)."""
    carry, after = b"", False
    while True:
        data = fh.read(chunk)
        buf = carry + data
        if not after:
            at = buf.rfind(b"sheetData")  # a fast scan; the pattern only where the name is
            end = _SHEET_DATA_END.search(buf, max(0, at - 64)) if at >= 0 else None
            if end is None:
                carry = buf[-64:]  # a closing tag cut in two
                if not data:
                    return
                continue
            after, buf = True, buf[end.end():]
        cut = buf.rfind(b">") + 1 if data else len(buf)
        yield from _MERGE_CELL.findall(buf, 0, cut)
        carry = buf[cut:][-256:]  # a tag cut in two (no mergeCell is longer)
        if not data:
            return


def _fill_merged(rows: list[Any], merged: list[Merge], first: int = 0,
                 columns: Sequence[bool] | None = None) -> None:
    """Give every cell of a merged range the value of its top-left cell, in place.

    Only ranges starting at row ``first`` or below, and only the columns where
    ``columns`` is true (all without it); rows are tuples from openpyxl and
    become lists when touched. The loop runs over merged cells, which are few.
    """
    for r0, c0, r1, c1 in merged:
        if r0 < first or r0 >= len(rows):
            continue
        top = rows[r0]
        value = top[c0] if c0 < len(top) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if not isinstance(row, list):
                row = rows[r] = list(row)
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and (columns is None or (c < len(columns) and columns[c])):
                    row[c] = value


def _read_xlsx(path: Path, source: str, sheet: str | int | None) -> Raw:
    """A sheet as found: the header row located (``find_header``), merged cells filled.

    Merged cells take their top-left value in the header rows (group labels)
    and, below them, in text columns (a county or a year merged down a block of
    schools); merged quantities are left to their first row, since a number
    shown once for several schools is not each school's number.
    """
    from openpyxl import load_workbook

    _check_archive(path, source)
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, openpyxl's InvalidFileException, KeyError …
        raise _unreadable(source, f"{type(exc).__name__}: {exc}", "a readable .xlsx workbook") from exc
    try:
        try:
            ws = wb.worksheets[0 if sheet is None else sheet] if not isinstance(sheet, str) else wb[sheet]
        except (KeyError, IndexError, TypeError) as exc:
            names = ", ".join(repr(n) for n in wb.sheetnames)
            raise _unreadable(source, sheet, f"a sheet named or numbered {sheet!r} (the workbook has {names})"
                              ) from exc
        try:
            rows: list[Any] = _sheet_rows(ws, source)
            merged = _merged_ranges(ws, len(rows), source)
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part
            raise _unreadable(source, f"{type(exc).__name__}: {exc}", "a readable .xlsx workbook") from exc
    finally:
        wb.close()
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    if not rows:
        return _from_frame(pd.DataFrame(), source, 2)
    grid = [list(r) for r in rows[:HEADER_SCAN]]
    _fill_merged(grid, merged)
    found = find_header(grid, range(1, HEADER_SCAN + 1), source, merged)
    body = rows[found.skip:]
    _fill_merged(body, [(r0 - found.skip, c0, r1 - found.skip, c1) for r0, c0, r1, c1 in merged],
                 columns=[is_text_header(h) for h in found.headers])
    width = max([len(found.headers), *map(len, body)])
    data = pd.DataFrame([r if len(r) == width else (*r, *[None] * (width - len(r))) for r in body]
                        if body else None, columns=range(width))
    data.columns = found.headers + [""] * (width - len(found.headers))
    return _from_frame(data, source, found.skip + 1, found.problems)


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (FileNotFoundError, ImportError):
        raise
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise _unreadable(source, f"{type(exc).__name__}: {exc}", "a readable .parquet file") from exc


def load(source: str | os.PathLike | pd.DataFrame, sheet: str | int | None) -> Raw:
    """The source as header texts and columns: a DataFrame as it is, a file by its suffix."""
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise ValueError("sheet= applies to .xlsx files only")
        return _from_frame(source, "DataFrame", None)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"read_schools reads a path or a DataFrame, not {type(source).__name__}")
    path = Path(source)
    name = os.fspath(source)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _unreadable(name, path.suffix or path.name, "a .csv, .xlsx or .parquet file (or a DataFrame)")
    if sheet is not None and suffix != ".xlsx":
        raise ValueError("sheet= applies to .xlsx files only")
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {name}")
    if suffix == ".csv":
        return _read_csv(path, name)
    if suffix == ".xlsx":
        return _read_xlsx(path, name, sheet)
    frame = _read_parquet(path, name)
    return _from_frame(frame, name, None)
