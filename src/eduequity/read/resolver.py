"""The one county resolver: how a name typed in a table becomes a county of the registry.

School tables, metric observations, recognitions and tracking all name
counties by hand-typed text, so all four go through this module:

1. the text is normalised (NFKC, which folds full-width Latin and digits; zero-width
   characters and soft hyphens removed; outer blanks stripped) — differences no
   reader can see must not split a county in two;
2. a registered name or alias (扶余县 → 扶余市, and plugins' short names) becomes the
   county's current name, so its years line up;
3. under ``cn`` a registered county is attached only by its 6-digit code or by a
   name unique in the country (Beijing and Changchun both have a 朝阳区); any
   other name is accepted as a county of its own, since national standards apply
   to every county;
4. a name that is not registered but within one edit of a registered one (米易具
   for 米易县), or the traditional form of one (東區 for 东区), is reported — as a
   warning under ``cn``, in the error under a jurisdiction that lists its counties —
   and never corrected: a guess would silently move a school to another county.

Everything works on the distinct names of a table (a few thousand nationally),
never per row.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

import attrs

from ..core.jurisdictions import County, Jurisdiction, closest, descendants
from ..core.warnings import Notice

#: Characters that change a name's bytes but not how it reads.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def normalise(name: str) -> str:
    """The name as compared: NFKC, no invisible characters, no outer blanks."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", name)).strip()


@functools.cache
def _t2s():  # OpenCC's dictionaries load in milliseconds, but only when a name needs them
    import opencc

    return opencc.OpenCC("t2s")


def simplified(names: list[str]) -> list[str]:
    """Each name in simplified characters (unchanged where it already is)."""
    if not names:
        return []
    if any("\n" in n for n in names):  # one call for all, split at line breaks, unless a name has one
        return [_t2s().convert(n) for n in names]
    return _t2s().convert("\n".join(names)).split("\n")


def _deletions(name: str) -> set[str]:
    """The name and the name without each one of its characters: two names within one
    edit of each other (an insertion, a deletion or a substitution) share one of these."""
    return {name} | {name[:i] + name[i + 1:] for i in range(len(name))}


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@attrs.frozen
class Resolved:
    """What the resolver made of a table's distinct names.

    ``names`` maps every given name to the name to use (its county's current
    name, or the normalised text); ``unknown`` lists the given names a
    jurisdiction with a county list does not have, with a hint for the
    message; ``notices`` are the warnings.
    """

    names: dict[str, str]
    unknown: dict[str, str]
    notices: tuple[Notice, ...]


@attrs.frozen(eq=False)
class Resolver:
    """Counties of one jurisdiction, by every name and code they are known by.

    ``strict``: the jurisdiction lists its counties (a province or city plugin),
    so a name it does not list is an error; under ``cn`` it is a county of its own.
    """

    jurisdiction: str
    strict: bool
    by_name: Mapping[str, tuple[County, ...]]
    by_code: Mapping[str, County]
    places: frozenset[str]  # jurisdiction ids, accepted where an observation is jurisdiction-wide
    _near: Mapping[str, tuple[str, ...]]  # deletion variant -> registered names

    @classmethod
    def of(cls, tree: Mapping[str, Jurisdiction], jurisdiction: str) -> Resolver:
        nodes = descendants(dict(tree), jurisdiction)
        by_name: dict[str, dict[County, None]] = {}
        by_code: dict[str, County] = {}
        for node in nodes:
            for county in tree[node].counties:
                for name in county.names:
                    by_name.setdefault(normalise(name), {})[county] = None
                if county.code:
                    by_code[county.code] = county
        near: dict[str, list[str]] = {}
        for name in by_name:
            for variant in _deletions(name):
                near.setdefault(variant, []).append(name)
        return cls(jurisdiction, strict=jurisdiction != "cn" and bool(by_name),
                   by_name={n: tuple(c) for n, c in by_name.items()}, by_code=by_code,
                   places=frozenset(tree), near={k: tuple(v) for k, v in near.items()})

    def resolve(self, names: Iterable[str], source: str, column: str = "county",
                codes: Callable[[list[str]], Mapping[str, frozenset[str]]] | None = None,
                allow_places: bool = False) -> Resolved:
        """Resolve distinct ``names`` (as written) found in ``source``.

        ``codes``: given some names, the county codes written beside each (the
        ``county_code`` column); asked only for the names whose codes decide
        something, since finding them means a pass over the rows.
        ``allow_places``: jurisdiction ids stand for jurisdiction-wide rows.
        """
        names = list(names)
        out = {raw: normalise(raw) for raw in names}
        given = [(raw, out[raw]) for raw in names if not (allow_places and out[raw] in self.places)]
        hints = self._hints([name for _, name in given if name not in self.by_name])
        # under cn, a code beside an unregistered name says which county it is: no near-miss warning
        asked = [raw for raw, name in given if name in hints or len(self.by_name.get(name, ())) > 1
                 or any(c.code for c in self.by_name.get(name, ()))]
        beside = codes(asked) if codes is not None and asked else {}
        notices = [Notice("county-normalised", f"{source}, {column} {raw!r}",
                          f"县名 {raw!r} 含不可见或全角字符，按 {out[raw]!r} 读取 (invisible or full-width characters; "
                          f"read as {out[raw]!r})") for raw in names if out[raw] != raw]
        unknown: dict[str, str] = {}
        for raw, name in given:
            where = f"{source}, {column} {raw!r}"
            written = {c for c in beside.get(raw, ()) if c}
            if name not in self.by_name:
                if self.strict:
                    unknown[raw] = hints.get(name, "")
                elif name in hints and not written:
                    notices.append(Notice("county-unregistered", where, f"{name} 不是已登记的县名，{hints[name]}；未作更正 "
                                          "(not a registered county; left as written, never corrected)"))
                continue
            county, notice = self._attach(name, written)
            if county is not None:
                out[raw] = county.name
            if notice:
                notices.append(Notice(notice[0], where, notice[1]))
        return Resolved(out, unknown, tuple(notices))

    def _attach(self, name: str, written: set[str]) -> tuple[County | None, tuple[str, str] | None]:
        """The registered county a name stands for, given the codes written beside it, and a notice.

        One candidate without a contradicting code is attached; under a jurisdiction
        that lists its counties the name decides and a code that differs is reported.
        Under ``cn`` a code that differs from the only candidate's is another county
        of the same name, left as it is; several candidates need a code to choose.
        """
        candidates = self.by_name[name]
        if written:
            matching = [c for c in candidates if c.code in written]
            if len(matching) == 1:
                return matching[0], None
            if len(candidates) == 1 and candidates[0].code:  # the code says another county
                if self.strict:
                    return candidates[0], ("county-code", f"{name} 的区划代码应为 {candidates[0].code}，表中为 "
                                           f"{', '.join(sorted(written))} (the registered code differs)")
                return None, None
        if len(candidates) == 1:
            return candidates[0], None
        return None, ("county-ambiguous", f"{name} 对应多个已登记的县，请填县级行政区划代码 (the name is shared by "
                      f"{len(candidates)} registered counties; give county_code to attach it)")

    def _hints(self, names: list[str]) -> dict[str, str]:
        """For unregistered names, the registered ones they may have meant (one edit away, or
        the same name in simplified characters)."""
        hints: dict[str, str] = {}
        for name, simple in zip(names, simplified(names), strict=True):
            if simple != name and simple in self.by_name:
                hints[name] = f"是否为简体的 {simple}？(traditional characters for {simple}?)"
                continue
            near = sorted({r for v in _deletions(simple) for r in self._near.get(v, ()) if _one_edit(simple, r)})
            if near:
                hints[name] = f"是否为 {'、'.join(near)}？(one edit from {', '.join(near)})"
        return hints

    def expected(self, name: str, hint: str, allow_places: bool = False) -> str:
        """What an unknown name should have been, for the InputError."""
        also = " or a jurisdiction id" if allow_places else ""
        close = hint or f"closest: {', '.join(closest(normalise(name), list(self.by_name))) or 'none'}"
        return f"a county of {self.jurisdiction}{also} ({close})"
