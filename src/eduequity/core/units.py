"""The one place that knows about units.

pint is used at the boundary only: a header such as ``教学及辅助用房面积 [亩]``
or a threshold such as ``4.5 m**2/student`` is turned into a plain float factor
once, and every column inside the library is float64 in canonical units.
pint-pandas stays out of the hot path (fragile, and several times slower).

The registry is built lazily because creating a pint ``UnitRegistry`` costs a
few hundred milliseconds and ``import eduequity`` must stay cheap.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pint

#: Units of this field. Students, teachers, computers, books and rooms are
#: their own dimensions so that "books [m²]" or a threshold in the wrong unit
#: is caught. ``mu`` is pint's micro prefix, so the land unit 亩 is ``mu_land``.
DEFINITIONS: tuple[str, ...] = (
    "student = [student] = _ = students = 学生 = 名学生 = 生",
    "hundred_students = 100 * student = _ = 百名学生",
    "teacher = [teacher] = _ = teachers = 教师 = 名教师",
    "computer = [computer] = _ = computers = 台",
    "book = [book] = _ = books = volume = volumes = 册",
    "room = [room] = _ = rooms = classroom = 间",
    "yuan = [currency] = CNY = RMB = 元",
    "wan_yuan = 10000 * yuan = _ = 万元",
    "mu_land = 10000 / 15 * meter ** 2 = _ = 亩",
    "square_meter_zh = meter ** 2 = _ = 平方米 = 平米",
    "@alias count = 个 = 项",
)


class UnitError(ValueError):
    """A unit that is unknown, or of the wrong dimension."""


@functools.cache
def ureg() -> pint.UnitRegistry:
    reg = pint.UnitRegistry(cache_folder=None, on_redefinition="raise")
    for line in DEFINITIONS:
        reg.define(line)
    return reg


_plugin_definitions: dict[str, str] = {}
_SUPERSCRIPT = re.compile(r"(?<![A-Za-z_])(m|km|cm|mm)([23])(?![0-9A-Za-z_])")


def normalise(text: str) -> str:
    """Make hand-typed unit text parseable: ㎡, m², m2 → m**2; full-width → ASCII."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = _SUPERSCRIPT.sub(r"\1**\2", s)
    return s.replace("／", "/")


def parse(text: str) -> pint.Unit:
    reg = ureg()
    try:
        return reg.Unit(normalise(text))
    except Exception as exc:  # noqa: BLE001 - pint's parser asserts or fails to tokenize on text like "-" or "m ("
        # Units come from headers and cells typed by hand: whatever pint cannot read is an unknown unit.
        raise UnitError(f"unknown unit {text!r}") from exc


def factor(source: str, target: str) -> float:
    """The number that turns a magnitude in ``source`` into one in ``target``."""
    src, dst = parse(source), parse(target)
    try:
        return float(ureg().Quantity(1.0, src).to(dst).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(f"{source!r} cannot be converted to {target!r}") from exc


#: Words a spreadsheet puts after a count ("在校生数(人)", "95台") that say "a count of
#: this column's own thing" rather than naming a unit: 人 is students in one column and
#: teachers in the next, so it cannot be a pint unit of its own.
COUNT_WORDS = frozenset({"人", "名", "个", "台", "册", "本", "间", "所", "count"})
_COUNTED = ("student", "teacher", "computer", "book", "room")


def counted(unit: str) -> bool:
    """Whether ``unit`` counts whole things (students, teachers, rooms, computers, books): a
    remedy hires whole teachers and equips whole rooms, where it may build 0.4 m²."""
    return str(parse(unit)) in _COUNTED


def cell_factor(text: str, column_unit: str) -> float:
    """Like ``factor``, but a bare count word on a count column means "as is" (1.0)."""
    if normalise(text) in COUNT_WORDS and counted(column_unit):
        return 1.0
    return factor(text, column_unit)


def same_dimension(a: str, b: str) -> bool:
    return parse(a).dimensionality == parse(b).dimensionality


def _defined(reg: pint.UnitRegistry, name: str) -> bool:
    """Whether ``name`` is a unit or (ending in "-") a prefix already; text pint cannot parse is not."""
    if name.endswith("-"):
        return name[:-1] in reg._prefixes  # pint keeps no public view of its prefixes
    try:
        return name in reg
    except Exception:  # noqa: BLE001 - pint asserts on names such as "kilo-" or "m ("
        return False


def define(definition: str) -> None:
    """Add a unit on behalf of a plugin; redefining an existing unit is an error.

    The same definition given again (an isolated registry loading the same
    plugin twice) is accepted, since the unit registry is process-wide.
    """
    if not isinstance(definition, str):
        raise UnitError(f"a unit definition is a string in pint's syntax, not {definition!r}")
    name = definition.split("=", 1)[0].strip()
    if _plugin_definitions.get(name) == definition:
        return
    reg = ureg()
    if name in _plugin_definitions or _defined(reg, name):
        raise UnitError(f"unit {name!r} is already defined; plugins may add units, not redefine them")
    try:
        reg.define(definition)
    except Exception as exc:  # noqa: BLE001 - pint asserts on some redefinitions; any failure is the definition's
        raise UnitError(f"cannot define unit from {definition!r}: {exc!r}") from exc
    _plugin_definitions[name] = definition
