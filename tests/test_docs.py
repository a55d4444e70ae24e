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


TOML_BLOCK = re.compile(r"^```toml\n# (standards|schedules)/(\S+\.toml)\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("path", [d for d in DOCS if TOML_BLOCK.search(d.read_text(encoding="utf-8"))],
                         ids=lambda p: p.name)
def test_the_data_files_the_docs_show_load(path, tmp_path):
    """A ```toml block headed ``# schedules/NAME.toml`` (or ``# standards/``) is a whole file: it loads."""
    import eduequity as ee
    from eduequity.core.serialise import from_toml

    for kind, name, body in TOML_BLOCK.findall(path.read_text(encoding="utf-8")):
        file = tmp_path / name
        file.write_text(body, encoding="utf-8")
        loaded = from_toml(file, ee.PhasedSchedule if kind == "schedules" else ee.Standard)
        assert loaded.id == name.removesuffix(".toml")


def test_the_plugin_guide_lists_every_hook_recognition_kind_and_county_column():
    """What a plugin author needs is in docs/plugins.md, not only in the example plugins and help()."""
    import attrs

    from eduequity.core import hookspecs
    from eduequity.core.columns import RECOGNITION_KINDS
    from eduequity.core.datafiles import COUNTY_COLUMNS
    from eduequity.core.jurisdictions import County

    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    for hook in (n for n in dir(hookspecs) if n.startswith("eduequity_")):
        assert any(line.startswith(f"| `{hook}` |") for line in rows), hook
    for kind in RECOGNITION_KINDS:
        assert any(line.startswith(f"| `{kind}` |") for line in rows), kind
    for column in COUNTY_COLUMNS:
        assert any(f"`{column}`" in line.split(" | ")[0] for line in rows), column
    for field in attrs.fields(County):
        assert any(f"| `{field.name}` |" in line for line in rows), field.name
