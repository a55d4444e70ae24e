"""The conformance check a plugin author runs on their plugin.

::

    from eduequity.testing import check_plugin
    import eduequity_myprovince

    def test_my_plugin_conforms():
        check_plugin(eduequity_myprovince)

``check_plugin`` builds an isolated registry of the built-ins and the plugin
(plus any plugins it builds on, ``plugins=[…]``), then checks, collecting every
problem before it raises one ``ConformanceError``:

``loads``
    the plugin registers without a ``PluginError`` and its hooks return lists.
``ids``
    every id it registers starts with its jurisdiction and a dot: standards,
    their rules and targets (``jilin.plan-2011.…``), schedules, and report
    formats (``jilin.cv-table.xlsx``); jurisdiction ids are lower-case ASCII
    without dots.
``sources``
    every standard, rule, target, exclusion and schedule has a source: a
    ``document`` that carries a document number (发文字号 such as ``吉政办发〔2011〕35号``,
    or a standard's code such as ``GB 50099-2011``: ``DOCUMENT_NUMBER``, which
    ``document_number=`` extends), or, for a document without a number, its
    ``issuer`` and ``date``; and every value's source (rules, targets, exclusions,
    schedules, milestones and county target years) names its ``clause`` and quotes
    its ``text``.
``units``
    every school threshold's unit converts to its indicator's unit and its
    value is a plausible amount per student (a threshold meant per 100
    students but written per student is a hundred times off). That CV limits
    are fractions, share targets lie in [0, 1] and yes/no targets are 0 or 1
    the standard itself checks when it is built (docs/standards.md): a
    standard that breaks them fails ``loads``.
``round-trip``
    standards and schedules come back equal through ``ee.converter`` and JSON.
``evaluations``
    evaluating generated school frames, metric observations and recognitions
    (``eduequity.testing.strategies``) with each of its standards never raises,
    accounts for every input row, and never passes a county-year whose data is
    missing (a blank resource cell of an evaluated school, an unobserved target,
    a recognition rule without recognitions); a verdict that passes has every
    criterion met, and one that does not gives its reasons.
``formats``
    every report format (the plugin's and the built-ins) renders a generated
    evaluation (or, for a ``track`` format, a generated ``TrackResult``).

Do not call ``check_plugin`` from inside a Hypothesis ``@given`` test: it runs
Hypothesis itself.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

from ..core.jurisdictions import JURISDICTION_ID
from .evaluations import check_evaluations, describe
from .locations import Locations

__all__ = ["CHECKS", "DOCUMENT_NUMBER", "ConformanceError", "DocumentTest", "Failure", "check_plugin",
           "conformance_failures"]

CHECKS: tuple[str, ...] = ("loads", "ids", "sources", "units", "round-trip", "evaluations", "formats")

#: What counts as a document number: a 发文字号 (``教督〔2012〕3号``, with any of the
#: brackets people type for 〔〕) or the code of a national or sector standard.
DOCUMENT_NUMBER = re.compile(
    r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*号"
    r"|\b(?:GB|GB/T|GBT|JGJ|JGJ/T|JY|JY/T|DB\d{0,2}(?:/T)?)\s*\d+(?:\.\d+)?(?:\s*[-—]\s*\d{4})?"
)

#: What ``document_number=`` takes, besides ``DOCUMENT_NUMBER``: a pattern (text or compiled, searched
#: in the document), a predicate, or several of these.
DocumentTest = str | re.Pattern | Callable[[str], bool]

#: How far from the realistic range (``strategies.PER_STUDENT``) a threshold may be
#: before it is taken for a unit mistake: ten times either way.
PLAUSIBLE = 10.0
_HOOKS = ("eduequity_units", "eduequity_jurisdictions", "eduequity_counties", "eduequity_standards",
          "eduequity_schedules", "eduequity_report_formats")


@attrs.frozen
class Failure:
    """One way a plugin does not conform: which check, where, and what is wrong.

    ``where`` names the record (``target 'jilin.plan-2011.x'``); ``file`` and ``entry``
    say where it is written, when it came from a file (``standards/jilin.plan-2011.toml``,
    ``targets[4]``), for ``located``: the line ``eduequity check-plugin`` prints.
    """

    check: str
    where: str
    message: str
    file: str = ""
    entry: str = ""

    def __str__(self) -> str:
        return f"[{self.check}] {self.where}: {self.message}"

    @property
    def located(self) -> str:
        """``file: entry: message`` (the record's name where the entry is unknown), or
        ``where: message`` for a record built in Python."""
        if not self.file:
            return f"{self.where}: {self.message}"
        return f"{self.file}: {self.entry or self.where}: {self.message}"


class ConformanceError(AssertionError):
    """The plugin does not conform; ``.failures`` lists every problem found."""

    def __init__(self, plugin: str, failures: Sequence[Failure]) -> None:
        self.plugin = plugin
        self.failures = list(failures)
        n = len(self.failures)
        lines = [f"plugin {plugin!r} does not conform: {n} problem{'s' if n != 1 else ''}"]
        lines += ["  - " + str(f).replace("\n", "\n    ") for f in self.failures]
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- entry points


def check_plugin(plugin: Any, **options: Any) -> list[Failure]:
    """Check ``plugin`` (a module or object with hook implementations, a dotted module name,
    or the name of an installed ``eduequity`` entry point); raise ``ConformanceError`` listing
    every problem, or return ``[]``. Options as for ``conformance_failures``."""
    failures = conformance_failures(plugin, **options)
    if failures:
        raise ConformanceError(_name(plugin), failures)
    return failures


def conformance_failures(
    plugin: Any,
    *,
    plugins: Iterable[Any] = (),
    checks: Iterable[str] = CHECKS,
    max_examples: int | None = None,
    document_number: DocumentTest | Iterable[DocumentTest] | None = None,
    shrink: bool = True,
) -> list[Failure]:
    """Every way ``plugin`` does not conform (see the module docstring for the checks).

    ``plugins``: plugins this one builds on (a city plugin whose parent node a
    province plugin adds), registered before it. ``checks``: a subset of
    ``CHECKS``. ``max_examples``: Hypothesis examples per standard for the
    ``evaluations`` check (default: a third of the active profile's, at least 10).
    ``document_number``: what else counts as a document number, besides ``DOCUMENT_NUMBER``
    (which still applies, so the national documents a plugin adopts keep passing): a pattern,
    as text or compiled, searched in the document; a predicate; or a list of these.
    ``shrink=False`` reports the first failing example as found instead of a minimal
    one (quicker, harder to read).
    """
    checks = tuple(checks)
    unknown = [c for c in checks if c not in CHECKS]
    if unknown:
        raise ValueError(f"unknown checks {unknown}; expected some of {', '.join(CHECKS)}")
    plugin = _resolve(plugin)
    dependencies = [_resolve(p) for p in plugins]
    has_number = _document_test(document_number)  # a bad pattern is the caller's error, before any work
    found: list[Failure] = []
    reg, own = _load(plugin, dependencies, found)
    if reg is None:
        return found
    if "ids" in checks:
        found += _check_ids(own, reg)
    if "sources" in checks:
        found += _check_sources(own, has_number)
    if "units" in checks:
        found += _check_units(own)
    if "round-trip" in checks:
        found += _check_round_trip(own)
    evaluations: list = []
    if "evaluations" in checks or "formats" in checks:
        found += [Failure("evaluations", where, message, *own.located.of(sid)) for sid, where, message in
                  check_evaluations(own.standards, reg, max_examples, evaluations, run="evaluations" in checks,
                                    shrink=shrink)]
    if "formats" in checks:
        found += _check_formats(own, reg, evaluations)
    return found


# --------------------------------------------------------------------------- loading


@attrs.define
class _Own:
    """What the plugin itself registers (from its own hooks, as the registry loaded it)."""

    name: str
    located: Locations
    jurisdictions: list = attrs.Factory(list)
    county_nodes: list = attrs.Factory(list)
    standards: list = attrs.Factory(list)
    schedules: list = attrs.Factory(list)
    formats: list = attrs.Factory(list)

    @property
    def places(self) -> set[str]:
        return ({j.id for j in self.jurisdictions} | set(self.county_nodes)
                | {s.jurisdiction for s in self.standards} | {s.jurisdiction for s in self.schedules})


def _resolve(plugin: Any) -> Any:
    if not isinstance(plugin, str):
        return plugin
    for ep in metadata.entry_points(group="eduequity"):
        if plugin in (ep.name, ep.dist.name if ep.dist else None):
            return ep.load()
    return importlib.import_module(plugin)


def _name(plugin: Any) -> str:
    if isinstance(plugin, str):
        return plugin
    return getattr(plugin, "__name__", None) or type(plugin).__name__


def _is_builtin(plugin: Any) -> bool:
    from ..core.registry import BUILTINS

    return any(plugin is importlib.import_module(m) for m in BUILTINS)


def _load(plugin: Any, dependencies: list, found: list[Failure]) -> tuple[Any, _Own]:
    from ..core.errors import PluginError
    from ..core.registry import Registry
    from ..core.schedules import PhasedSchedule
    from ..core.serialise import from_toml
    from ..core.standards import Standard

    name = _name(plugin)
    own = _Own(name, Locations(Path(plugin.__file__).parent if isinstance(getattr(plugin, "__file__", None), str)
                               else None))
    try:
        extra = dependencies if _is_builtin(plugin) else [*dependencies, plugin]
        reg = Registry(extra, entry_points=False)
    except PluginError as exc:
        found.append(Failure("loads", f"plugin {name!r}", f"does not load: {exc}"))
        return None, own
    for hook in _HOOKS:
        impl = getattr(plugin, hook, None)
        if impl is None or not hasattr(impl, "eduequity_impl"):
            continue
        try:
            items = list(impl() or [])
        except Exception as exc:  # noqa: BLE001 - reported, the registry took it already
            found.append(Failure("loads", f"plugin {name!r}", f"hook {hook} raised {describe(exc)}"))
            continue
        for item in items:
            if hook == "eduequity_jurisdictions":
                own.jurisdictions.append(item)
            elif hook == "eduequity_counties":
                own.county_nodes.append(item.jurisdiction)
            elif hook in ("eduequity_standards", "eduequity_schedules"):
                cls, kept = (Standard, reg.standards) if hook == "eduequity_standards" else (PhasedSchedule,
                                                                                            reg.schedules)
                obj = from_toml(item, cls) if isinstance(item, str | Path) else item
                if isinstance(item, str | Path):
                    own.located.add(obj.id, Path(item))
                (own.standards if cls is Standard else own.schedules).append(kept.get(obj.id, obj))
            elif hook == "eduequity_report_formats":
                own.formats.append(reg.report_formats.get(item.id, item))
    if not (own.jurisdictions or own.county_nodes or own.standards or own.schedules or own.formats):
        found.append(Failure("loads", f"plugin {name!r}",
                             "registers nothing: no hook implementation (functions decorated with "
                             "@eduequity.hookimpl and named like the specs in eduequity.core.hookspecs) "
                             "returned anything"))
    return reg, own


# --------------------------------------------------------------------------- ids


def _check_ids(own: _Own, reg: Any) -> list[Failure]:
    out = []

    def expect(prefix: str, what: str, ident: str, owner: str, at: tuple[str, str]) -> None:
        if not ident.startswith(prefix + "."):
            out.append(Failure("ids", f"{what} {ident!r}",
                               f"does not start with its jurisdiction: expected {prefix}.… ({owner})", *at))

    for j in own.jurisdictions:
        if not JURISDICTION_ID.fullmatch(j.id):
            out.append(Failure("ids", f"jurisdiction {j.id!r}",
                               "a jurisdiction id is lower-case ASCII (letters, digits, - or _) without dots, "
                               "e.g. 'panzhihua'"))
    for std in own.standards:
        j = std.jurisdiction
        expect(j, "standard", std.id, f"standard for jurisdiction {j!r}", (own.located.of(std.id)[0], "id"))
        for c in std.criteria:
            expect(j, c.NOUN, c.id, f"in standard {std.id!r}", own.located.of(std.id, c.id))
    for sch in own.schedules:
        expect(sch.jurisdiction, "schedule", sch.id, f"schedule for jurisdiction {sch.jurisdiction!r}",
               (own.located.of(sch.id)[0], "id"))
    places = own.places or set(reg.jurisdictions)
    for fmt in own.formats:
        if not any(fmt.id.startswith(p + ".") for p in places):
            shown = ", ".join(sorted(places)[:5]) + (" …" if len(places) > 5 else "")
            out.append(Failure("ids", f"report format {fmt.id!r}",
                               f"does not start with a jurisdiction of the plugin and a dot ({shown})"))
    return out


# --------------------------------------------------------------------------- sources


def _document_test(extra: DocumentTest | Iterable[DocumentTest] | None) -> Callable[[str], bool]:
    """``DOCUMENT_NUMBER``, or any of ``extra``: a plugin's own numbering extends the default, so the
    national documents it adopts still pass."""
    given = [] if extra is None else [extra] if isinstance(extra, str | re.Pattern) or callable(extra) else list(extra)
    tests: list[Callable[[str], bool]] = [DOCUMENT_NUMBER.search]
    for t in given:
        if isinstance(t, str):
            try:
                t = re.compile(t)
            except re.error as exc:
                raise ValueError(f"document_number={t!r} is not a regular expression: {exc}") from None
        if isinstance(t, re.Pattern):
            tests.append(t.search)
        elif callable(t):
            tests.append(t)
        else:
            raise TypeError(f"document_number: got {t!r}; expected a pattern (text or compiled), a predicate "
                            "taking the document's text, or a list of these")
    return lambda doc: any(bool(test(doc)) for test in tests)


#: What a finding about a missing clause or text asks for.
NO_CLAUSE = "no source clause: give the article or item the value is written in (clause = \"二、（一）2.\")"
NO_TEXT = "no source text: quote the Chinese wording the value rests on (text = \"…\")"


def _check_sources(own: _Own, has_number: Callable[[str], bool]) -> list[Failure]:
    out = []

    def check(where: str, source: Any, at: tuple[str, str], required: bool = True, value: bool = True) -> None:
        """``value``: the source backs a number or a date, so its clause and wording are needed too."""
        if source is None:
            if required:
                out.append(Failure("sources", where, "has no source; give [source] with a document number", *at))
            return
        doc = (getattr(source, "document", "") or "").strip()
        if doc and not has_number(doc):
            out.append(Failure("sources", where,
                               f"source document {doc!r} has no document number (a 发文字号 such as "
                               "教督〔2012〕3号, or a standard's code such as GB 50099-2011); a document "
                               "without a number is given by issuer and date instead", *at))
        elif not doc and not (getattr(source, "issuer", "") and getattr(source, "date", "")):
            out.append(Failure("sources", where, "has a source without a document, or an issuer and a date", *at))
        if value and not (getattr(source, "clause", "") or "").strip():
            out.append(Failure("sources", where, NO_CLAUSE, *at))
        if value and not (getattr(source, "text", "") or "").strip():
            out.append(Failure("sources", where, NO_TEXT, *at))

    for std in own.standards:
        at = own.located.of
        check(f"standard {std.id!r}", std.source, at(std.id, "source"), value=False)
        for criterion in std.criteria:
            for where, source, required in criterion.sources():
                check(where, source, at(std.id, criterion.id), required)
        for i, ex in enumerate(std.exclusions):
            check(f"exclusion {i} of {std.id!r} ({ex.column} in {list(ex.values)})", ex.source,
                  at(std.id, f"exclusions[{i}]" if std.adopts is None else None))
        for ind in std.indicators:
            check(f"indicator {ind.key!r} of {std.id!r}", ind.source, at(std.id, ind.key), required=False,
                  value=False)
    for sch in own.schedules:
        check(f"schedule {sch.id!r}", sch.source, own.located.of(sch.id, "source"))
        for i, m in enumerate(sch.milestones):
            check(f"milestone {m.year} of {sch.id!r}", m.source, own.located.of(sch.id, f"milestones[{i}]"),
                  required=False)
        for i, t in enumerate(sch.target_years):
            check(f"target year of {t.county} in {sch.id!r}", t.source, own.located.of(sch.id, f"target_years[{i}]"),
                  required=False)
    return out


# --------------------------------------------------------------------------- units


def _check_units(own: _Own) -> list[Failure]:
    """Every per-student amount a criterion names is one schools have, within ``PLAUSIBLE`` times:
    a threshold meant per 100 students but written per student is caught."""
    from ..core import units
    from .strategies import PER_STUDENT

    out = []
    for std in own.standards:
        indicators = {i.key: i for i in std.indicators}
        for criterion in std.criteria:
            try:
                amounts = criterion.amounts(indicators)
            except (ValueError, units.UnitError) as exc:
                out.append(Failure("units", f"rule {criterion.id!r}", f"a unit does not convert: {exc}",
                                   *own.located.of(std.id, criterion.id)))
                continue
            for a in amounts:
                lo, hi = PER_STUDENT.get(a.indicator, (0.0, math.inf))
                if not (lo / PLAUSIBLE <= a.per_student <= hi * PLAUSIBLE):
                    out.append(Failure(
                        "units", f"{a.where} ({a.level})",
                        f"{a.value:g} {a.unit} is {a.per_student:.6g} per student, but schools have about "
                        f"{lo:g}–{hi:g} per student: is the unit right? (per 100 students is "
                        f"'… / hundred_students', 万元 is 'wan_yuan', 亩 is 'mu_land'; indicator "
                        f"unit {indicators[a.indicator].unit!r})", *own.located.of(std.id, criterion.id)))
    return out


# --------------------------------------------------------------------------- round trip


def _first_difference(a: Any, b: Any, path: str) -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r} ({type(a).__name__}) came back as {b!r} ({type(b).__name__})"
    if attrs.has(type(a)):
        for f in attrs.fields(type(a)):
            d = _first_difference(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
            if d:
                return d
        return None
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: {len(a)} items came back as {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = _first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(a, dict):
        for k in a.keys() | b.keys():
            d = _first_difference(a.get(k), b.get(k), f"{path}[{k!r}]")
            if d:
                return d
        return None
    same = a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))
    return None if same else f"{path}: {a!r} came back as {b!r}"


def _check_round_trip(own: _Own) -> list[Failure]:
    from ..core.serialise import converter

    out = []
    for what, obj in [("standard", s) for s in own.standards] + [("schedule", s) for s in own.schedules]:
        where = f"{what} {obj.id!r}"
        try:
            text = json.dumps(converter.unstructure(obj), ensure_ascii=False, allow_nan=False)
            back = converter.structure(json.loads(text), type(obj))
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            out.append(Failure("round-trip", where, f"does not round-trip through ee.converter and JSON: "
                                                    f"{type(exc).__name__}: {exc}", *own.located.of(obj.id)))
            continue
        if back != obj:
            diff = _first_difference(obj, back, what) or "the restored object is not equal"
            out.append(Failure("round-trip", where, f"changes through ee.converter and JSON: {diff} "
                                                    "(use tuples, not lists, and plain floats, ints and strings)",
                                  *own.located.of(obj.id)))
    return out


# --------------------------------------------------------------------------- formats


def _track_result(own: _Own, reg: Any) -> Any:
    """A TrackResult of one of the plugin's schedules (or any registered one) on made-up recognitions."""
    import pandas as pd

    from ..core.schedules import Milestone, PhasedSchedule
    from ..core.sources import Source
    from ..core.track import track

    schedule = (own.schedules or list(reg.schedules.values()) or [None])[0]
    if schedule is None:
        schedule = PhasedSchedule("cn.conformance", "示例推进计划", "cn", "basic-balance", 2011, 3,
                                  (Milestone(2013, 1), Milestone(2015, 3)), Source("示例〔2011〕1号"))
    names = sorted(reg.counties(schedule.jurisdiction)) or ["甲县", "乙县", "丙县"]
    names = names[: max(1, min(len(names), schedule.total))]
    start = schedule.start
    recog = pd.DataFrame({"county": names, "year": [start + 1 + i for i in range(len(names))],
                          "kind": schedule.recognition})
    return track(schedule, recog, registry=reg)


def _check_formats(own: _Own, reg: Any, evaluations: list) -> list[Failure]:
    from ..reports.render import render

    out = []
    builtin = [f for f in reg.report_formats.values() if reg.owners.get(f.id) == "eduequity"]
    formats = list({f.id: f for f in own.formats + builtin}.values())
    track_result = None
    for fmt in formats:
        subject = getattr(fmt, "subject", "evaluation")
        subjects = []
        if subject in ("evaluation", "any"):
            subjects += [ev for _, ev in evaluations]
        if subject in ("track", "any"):
            if track_result is None:
                try:
                    track_result = _track_result(own, reg)
                except Exception as exc:  # noqa: BLE001
                    out.append(Failure("formats", f"report format {fmt.id!r}",
                                       f"no TrackResult to render: {describe(exc)}"))
                    continue
            subjects.append(track_result)
        for obj in subjects:
            what = getattr(getattr(obj, "standard", None), "id", None) or obj.schedule.id
            try:
                text = render(obj, fmt.id, registry=reg)
            except Exception as exc:  # noqa: BLE001 - the finding
                out.append(Failure("formats", f"report format {fmt.id!r}",
                                   f"raised rendering a generated result of {what!r}: {describe(exc)}"))
                break
            if not isinstance(text, str | bytes) or not text:
                out.append(Failure("formats", f"report format {fmt.id!r}",
                                   f"rendered {type(text).__name__} {text!r:.40}, expected non-empty str or bytes"))
                break
            if getattr(fmt, "writer", "") == "json":
                try:
                    json.loads(text)
                except ValueError as exc:
                    out.append(Failure("formats", f"report format {fmt.id!r}", f"is not valid JSON: {exc}"))
                    break
    return out
