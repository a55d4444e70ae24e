"""The two exceptions a user is meant to catch.

Both carry structure for programs and a message for people: an inspector reads
the text, a pipeline reads ``.problems`` or ``.distribution``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple


class Problem(NamedTuple):
    """One thing wrong with the input: where it is, what was there, what was wanted.

    ``row`` is the 0-based position of the data row in the input (``None`` when
    the problem is about the whole input, such as a missing column).
    """

    row: int | None
    column: str | None
    value: Any
    expected: str

    def describe(self, line_offset: int | None = None, lines: Sequence[int] | None = None) -> str:
        """The problem in words; ``lines`` (each row's line) wins over ``row + line_offset``."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
            line = _line(self.row, line_offset, lines)
            if line is not None:
                where[-1] += f" (line {line})"
        if self.column is not None:
            where.append(f"column {self.column!r}")
        head = ", ".join(where) or "input"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{head}{got}; expected {self.expected}"


def _line(row: int, line_offset: int | None, lines: Sequence[int] | None) -> int | None:
    if lines is not None and 0 <= row < len(lines):
        return int(lines[row])
    return None if line_offset is None else row + line_offset


class InputError(ValueError):
    """Bad input. ``.problems`` lists every problem found, not just the first.

    In a file, row ``r`` is on line ``.line(r)``: ``r + .line_offset``, unless
    a quoted cell above it spans lines; then ``.lines`` holds each row's line.

    An error about several inputs at once (a school table and its metrics)
    keeps each input's own error in ``.parts``, so every problem is still read
    against its own source and line numbers; ``.problems`` has them all.
    """

    #: How many problems the message spells out; ``.problems`` always has all.
    SHOWN = 25

    def __init__(
        self,
        problems: Iterable[Problem | tuple],
        *,
        source: str | None = None,
        line_offset: int | None = None,
        lines: Sequence[int] | None = None,
    ) -> None:
        self.problems: list[Problem] = [Problem(*p) for p in problems]
        self.source = source
        self.line_offset = line_offset
        self.lines = lines
        self.parts: tuple[InputError, ...] = ()
        super().__init__(self._message())

    def line(self, row: int) -> int | None:
        """The line (CSV) or sheet row (XLSX) of input row ``row``; None for a DataFrame."""
        return _line(row, self.line_offset, self.lines)

    @classmethod
    def combine(cls, errors: Iterable[InputError]) -> InputError:
        """One error for the problems of several inputs, each kept with its source (``.parts``)."""
        parts = [p for e in errors for p in (e.parts or (e,))]
        if len(parts) == 1:
            return parts[0]
        out = cls([p for e in parts for p in e.problems], source=", ".join(e.source or "input" for e in parts))
        out.parts = tuple(parts)
        out.args = (out._message(),)
        return out

    def _message(self) -> str:
        if self.parts:
            n = len(self.problems)
            lines = [f"{n} problems in {len(self.parts)} inputs:"]
            lines += ["  " + line for part in self.parts for line in part._message().splitlines()]
            return "\n".join(lines)
        n = len(self.problems)
        where = f" in {self.source}" if self.source else ""
        lines = [f"{n} problem{'s' if n != 1 else ''}{where}:"]
        lines += ["  - " + p.describe(self.line_offset, self.lines) for p in self.problems[: self.SHOWN]]
        if n > self.SHOWN:
            lines.append(f"  … and {n - self.SHOWN} more (see .problems)")
        return "\n".join(lines)


class PluginError(RuntimeError):
    """A plugin failed to load, clashed with another, or raised inside a hook.

    ``distribution`` names the installed distribution at fault (for a clash,
    ``others`` names the plugin(s) it clashed with); ``hook`` the hook, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        distribution: str,
        hook: str | None = None,
        others: tuple[str, ...] = (),
    ) -> None:
        self.distribution = distribution
        self.hook = hook
        self.others = others
        where = f"plugin {distribution!r}"
        if hook:
            where += f" in hook {hook}"
        if others:
            where += " (clashes with " + ", ".join(repr(o) for o in others) + ")"
        super().__init__(f"{where}: {message}")
