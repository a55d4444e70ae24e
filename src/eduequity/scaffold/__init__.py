"""A new jurisdiction plugin, generated: ``eduequity new-jurisdiction ID --name 名称 --parent PARENT``.

The package it writes is complete and installable — pyproject with the entry point,
the one-line hook module (``ee.data_hooks``), ``plugin.toml``, a county list, an
example standard with two targets and their sources, an example schedule with
milestones and each county's year, a README, and tests (the conformance check and
a property test) — and passes its own tests as generated, so an author starts from
green and edits data files only.

The files are ``string.Template`` texts in ``template/`` (package data): what an
author reads is what the template says, with the ids and names filled in.
"""

from __future__ import annotations

import re
import shutil
import string
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import attrs

from ..core.jurisdictions import JURISDICTION_ID

#: template → where it goes in the package (``{module}`` and ``{id}`` filled in).
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "__init__.py.tmpl": "src/{module}/__init__.py",
    "plugin.toml.tmpl": "src/{module}/plugin.toml",
    "counties.csv.tmpl": "src/{module}/data/counties.csv",
    "standard.toml.tmpl": "src/{module}/standards/{id}.plan-2021.toml",
    "schedule.toml.tmpl": "src/{module}/schedules/{id}.county-balance-2021.toml",
    "test_plugin.py.tmpl": "tests/test_{module}.py",
}
_CODE = re.compile(r"\d{6}")
_UNSAFE = re.compile(r'["\\\x00-\x1f]')


@attrs.frozen
class Scaffold:
    """What a new package is for: its node (new, or one that exists), and the plugins it builds on.

    ``builds_on`` holds (distribution, module) of the plugins that add the node its
    counties go to or the parent it hangs under, when that is not eduequity itself.
    """

    id: str
    name_zh: str
    parent: str
    code: str = ""
    new_node: bool = True
    builds_on: tuple[tuple[str, str], ...] = ()

    @property
    def module(self) -> str:
        return "eduequity_" + self.id.replace("-", "_")

    @property
    def dist(self) -> str:
        return "eduequity-" + self.id

    @property
    def kind(self) -> str:
        return "province" if self.parent == "cn" else "city"


def plan(id: str, name: str | None, parent: str | None, code: str = "", registry: Any = None) -> Scaffold:
    """The package for ``id``, checked against the registered tree: a new node needs a name and a
    known parent; for a node that exists (a province) the package gives counties to it, and a node
    that lists counties already would clash, so it is refused here rather than at install."""
    from ..core.registry import BUILTIN_DIST, registry as default_registry

    reg = registry or default_registry()
    if not JURISDICTION_ID.fullmatch(id):
        raise ValueError(f"id {id!r}: expected lower-case ASCII letters, digits, - or _, starting with a letter "
                         "and without dots (e.g. democity)")
    if code and not _CODE.fullmatch(code):
        raise ValueError(f"--code {code!r}: expected the 6-digit division code (GB/T 2260), e.g. 510400")
    if name is not None and (not name.strip() or _UNSAFE.search(name)):
        raise ValueError(f"--name {name!r}: expected the Chinese name, without quotes or backslashes")
    node = reg.jurisdictions.get(id)
    if node is None:
        if not name or not parent:
            raise ValueError(f"{id!r} is a new jurisdiction: give --name (its Chinese name) and --parent (the id of "
                             "the node it belongs to, e.g. sichuan; see `eduequity jurisdictions`)")
        if parent not in reg.jurisdictions:
            raise ValueError(f"--parent {parent!r} is not a registered jurisdiction; see `eduequity jurisdictions`")
        owner = reg.owners.get(parent, BUILTIN_DIST)
        return Scaffold(id, name, parent, code, True, _builds_on(owner, BUILTIN_DIST))
    if node.counties or reg.counties(id):
        owner = reg.owners.get(id, BUILTIN_DIST)
        raise ValueError(f"{id!r} ({node.name_zh}) already lists counties (from {owner} or a plugin below it); two "
                         f"plugins giving counties to one node clash: give a new id for a node under it "
                         f"(--parent {id})")
    for given, has, what in ((name, node.name_zh, "--name"), (parent, node.parent, "--parent")):
        if given is not None and given != has:
            raise ValueError(f"{id!r} exists already as {node.name_zh} under {node.parent}: {what} {given!r} "
                             f"differs; leave it out, or give {has!r}")
    return Scaffold(id, node.name_zh, node.parent or "", code or node.code, False,
                    _builds_on(reg.owners.get(id, BUILTIN_DIST), BUILTIN_DIST))


def _builds_on(owner: str, builtin: str) -> tuple[tuple[str, str], ...]:
    if owner == builtin:
        return ()
    modules = [ep.value.partition(":")[0] for ep in metadata.entry_points(group="eduequity")
               if ep.dist is not None and ep.dist.name == owner]
    return ((owner, modules[0]),) if modules else ()


def values(s: Scaffold) -> dict[str, str]:
    """What the templates' ``$names`` stand for."""
    node_doc = (f"the new node {s.id} ({s.name_zh}) under {s.parent}, and its county list" if s.new_node else
                f"the county list this plugin gives to {s.id} ({s.name_zh}), a node that exists already")
    out = {"id": s.id, "name_zh": s.name_zh, "parent": s.parent, "code": s.code, "kind": s.kind,
           "module": s.module, "dist": s.dist, "node_doc": node_doc,
           "prefecture": s.name_zh if s.kind == "city" else "",
           "under": f", under `{s.parent}`" if s.parent else "",
           "dependencies": ", ".join(f'"{d}"' for d in ("eduequity>=0.1", *(dist for dist, _ in s.builds_on))),
           "builds_on": ", ".join(m for _, m in s.builds_on),
           "builds_on_imports": "".join(f"import {m}\n" for _, m in s.builds_on)}
    out["node"] = _render("node.toml.tmpl", out) if s.new_node else ""
    return out


def _render(template: str, mapping: dict[str, str]) -> str:
    text = (resources.files(__name__) / "template" / template).read_text(encoding="utf-8")
    return string.Template(text).substitute(mapping)


def write(s: Scaffold, out: Path) -> list[Path]:
    """Write the package of ``s`` into ``out`` (new, or an empty directory); the files written.

    The package is loaded once before this returns (its hooks, in an isolated registry
    with what it builds on), so a package that would not load is never left behind.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"--out {str(out)!r} exists and is not an empty directory: a plugin is written only "
                         "where no file would be lost")
    mapping = values(s)
    written = []
    for template, target in FILES.items():
        path = out / target.format(module=s.module, id=s.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(template, mapping), encoding="utf-8")
        written.append(path)
    try:
        _load(s, out)
    except Exception:
        shutil.rmtree(out)
        raise
    return written


def _load(s: Scaffold, out: Path) -> None:
    import importlib
    import types

    from ..core.datafiles import data_hooks
    from ..core.registry import Registry

    module = types.ModuleType(s.module)
    module.__file__ = str(out / "src" / s.module / "__init__.py")
    (module.eduequity_jurisdictions, module.eduequity_counties, module.eduequity_standards,
     module.eduequity_schedules) = data_hooks(module.__file__)
    Registry([*(importlib.import_module(m) for _, m in s.builds_on), module], entry_points=False)


__all__ = ["FILES", "Scaffold", "plan", "values", "write"]
