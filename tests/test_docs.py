"""Docs that run: every ```python block of the README and docs/ is executed.

Blocks of one file run in order in one namespace, from the repository root, so
a later block may use an earlier one's names. A block with a title
(```python title="plugins/…/__init__.py") is a listing of a repository file for the
documentation site, not an example; tests/test_docs_site.py holds such blocks to one
snippet include of a file that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("path", [d for d in DOCS if BLOCK.search(d.read_text(encoding="utf-8"))],
                         ids=lambda p: p.name)
def test_python_examples_run(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": f"doc_{path.stem}"}
    for i, block in enumerate(BLOCK.findall(path.read_text(encoding="utf-8"))):
        exec(compile(block, f"{path.name}[block {i}]", "exec"), namespace)  # noqa: S102 - our own docs


def test_every_hook_is_documented_with_an_example():
    from eduequity.core import hookspecs

    hooks = [n for n in dir(hookspecs) if n.startswith("eduequity_")]
    assert hooks
    for name in hooks:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert "@hookimpl" in doc, f"{name} has no example implementation in its docstring"


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.findall(r"```sh\n(.*?)```", quick, re.S)[0]
    commands = [ln.split("#")[0].strip() for ln in block.splitlines()]
    assert commands == ["./dev demo", "./dev test"]
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
