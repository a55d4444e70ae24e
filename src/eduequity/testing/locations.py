"""Where in a plugin's files each thing it registers is written, so that a finding can say
``standards/plan-2021.toml: targets[4]: …`` — the file to open and the entry to fix.

A standard or schedule a plugin gives as a path is read once more here, as plain TOML,
to number its entries the way the file does: ``rules[i]`` and ``targets[i]`` by their
``id``, ``indicators[i]`` by their ``key``, the rest (``exclusions``, ``milestones``,
``target_years``) by position. Objects built in Python have no file, and their
findings are located by their id alone.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

#: The lists of entries a standard or schedule file holds.
LISTS = ("rules", "targets", "indicators", "exclusions", "metrics", "milestones", "target_years")


def shown_path(path: Path, root: Path | None) -> str:
    """``path`` as its author knows it: relative to the plugin's package (``standards/x.toml``),
    else to the working directory, else the name alone."""
    path = Path(path).resolve()
    for base in (root, Path.cwd()):
        if base is not None:
            try:
                return path.relative_to(Path(base).resolve()).as_posix()
            except ValueError:
                continue
    return path.name


class Locations:
    """Files and entries of the records a plugin registers, by the record's id."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._files: dict[str, str] = {}
        self._entries: dict[tuple[str, str], str] = {}

    def add(self, ident: str, path: Path) -> None:
        """Record that ``ident`` (a standard or schedule id) is written in ``path``."""
        self._files[ident] = shown_path(path, self.root)
        try:
            with Path(path).open("rb") as fh:
                data: Any = tomllib.load(fh)
        except (OSError, ValueError):
            return  # the loader has said what is wrong with the file
        for key in LISTS:
            items = data.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                entry = f"{key}[{i}]"
                self._entries[(ident, entry)] = entry
                name = item.get("id") or item.get("key") if isinstance(item, dict) else None
                if isinstance(name, str):
                    self._entries.setdefault((ident, name), entry)

    def of(self, ident: str, item: str | None = None) -> tuple[str, str]:
        """(file, entry) of ``item`` (a rule or target id, ``source``, ``milestones[0]``, …) of the
        record ``ident``; blanks where it was not read from a file or the file does not hold it."""
        file = self._files.get(ident, "")
        if not file or item is None:
            return file, ""
        if item == "source":
            return file, "source"
        return file, self._entries.get((ident, item), "")
