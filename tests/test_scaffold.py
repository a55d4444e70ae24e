"""``eduequity new-jurisdiction`` and ``eduequity check-plugin``: a generated plugin, checked in this process.

The generated package is imported from its ``src/`` (not installed: tests/test_scaffold_install.py
installs one into a fresh environment); each test uses an id of its own, so no module is
imported twice.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import eduequity as ee
from eduequity.cli import main
from eduequity.scaffold import FILES, plan
from eduequity.testing import commitment_failures


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def isolated_imports(monkeypatch):
    """sys.path and sys.modules as they were, after a test imported a generated package."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("eduequity_scaffold"):
            del sys.modules[name]


def generate(tmp_path: Path, id: str, *args: str) -> Path:
    out = tmp_path / f"eduequity-{id}"
    r = run("new-jurisdiction", id, *args, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"pip install -e {out}" in r.output
    return out


def test_the_package_has_every_file_and_no_placeholder_left(tmp_path):
    out = generate(tmp_path, "scaffold-a", "--name", "示例市", "--parent", "sichuan", "--code", "510999")
    module = "eduequity_scaffold_a"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        t.format(module=module, id="scaffold-a") for t in FILES.values())
    for path in out.rglob("*"):
        if path.is_file():
            assert "$" not in path.read_text(encoding="utf-8"), path
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.eduequity]\nscaffold-a = "eduequity_scaffold_a"' in pyproject
    assert 'code = "510999"' in (out / "src" / module / "plugin.toml").read_text(encoding="utf-8")
    hook = (out / "src" / module / "__init__.py").read_text(encoding="utf-8")
    assert [line for line in hook.splitlines() if line and not line.startswith(("#", " ", '"', "-", "`"))
            and "=" in line] == [
        "eduequity_jurisdictions, eduequity_counties, eduequity_standards, eduequity_schedules = "
        "ee.data_hooks(__file__)"]


def test_a_generated_plugin_conforms_and_one_clause_removed_is_found_exactly(tmp_path, isolated_imports):
    out = generate(tmp_path, "scaffold-b", "--name", "示例市", "--parent", "sichuan")
    r = run("check-plugin", str(out), "--max-examples", "3")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "eduequity-scaffold-b: conforms"
    standard = out / "src" / "eduequity_scaffold_b" / "standards" / "scaffold-b.plan-2021.toml"
    text = standard.read_text(encoding="utf-8")
    assert text.count('clause = "二、（六）"\n') == 1
    standard.write_text(text.replace('clause = "二、（六）"\n', ""), encoding="utf-8")
    r = CliRunner().invoke(main, ["check-plugin", str(out), "--max-examples", "3"])
    assert r.exit_code == 1
    assert r.stdout.splitlines() == ["standards/scaffold-b.plan-2021.toml: targets[1]: no source clause: give the "
                                     "article or item the value is written in (clause = \"二、（一）2.\")"]
    assert "eduequity-scaffold-b: 1 problem" in r.stderr


def test_for_a_province_that_exists_the_package_gives_it_counties_without_a_clash(tmp_path, isolated_imports):
    out = tmp_path / "eduequity-hebei"
    r = run("new-jurisdiction", "hebei", "--out", str(out))  # name and parent are the node's own
    assert r.exit_code == 0, r.output
    assert "counties for hebei, which exists already" in r.output
    assert "[[jurisdictions]]" not in (out / "src" / "eduequity_hebei" / "plugin.toml").read_text(encoding="utf-8")
    sys.path.insert(0, str(out / "src"))
    module = importlib.import_module("eduequity_hebei")
    try:
        reg = ee.registry(plugins=[module], entry_points=False)
        assert reg.jurisdictions["hebei"].name_zh == "河北省" and len(reg.jurisdictions["hebei"].counties) == 3
        assert "hebei.plan-2021" in reg.standards and "hebei.county-balance-2021" in reg.schedules
        # The README's commitments table names the example's targets as generated.
        assert commitment_failures(out / "README.md", standards=["hebei.plan-2021"], registry=reg) == []
    finally:
        del sys.modules["eduequity_hebei"]


def test_a_city_under_a_plugins_node_builds_on_that_plugin(tmp_path):
    if "panzhihua" not in ee.registry().jurisdictions:
        pytest.fail("the Panzhihua plugin is installed with the repository (./dev)")
    s = plan("scaffold-c", "示例区", "panzhihua")
    assert s.builds_on == (("eduequity-panzhihua", "eduequity_panzhihua"),)
    out = generate(tmp_path, "scaffold-c", "--name", "示例区", "--parent", "panzhihua")
    assert '"eduequity-panzhihua"' in (out / "pyproject.toml").read_text(encoding="utf-8")
    assert "BUILDS_ON = [eduequity_panzhihua]" in (out / "tests" / "test_eduequity_scaffold_c.py").read_text(
        encoding="utf-8")


class Counties:
    @ee.hookimpl
    def eduequity_counties(self):
        return [ee.CountyList("hebei", (ee.County("石家庄某县"),))]


REFUSED = [
    (("Demo",), "expected lower-case ASCII letters"),
    (("demo.city", "--name", "示例市", "--parent", "sichuan"), "without dots"),
    (("democity",), "is a new jurisdiction: give --name"),
    (("democity", "--name", "示例市", "--parent", "sichaun"), "--parent 'sichaun' is not a registered"),
    (("democity", "--name", "示例市", "--parent", "sichuan", "--code", "5104"), "expected the 6-digit"),
    (("democity", "--name", '示"例', "--parent", "sichuan"), "without quotes"),
    (("hebei", "--name", "河北"), "exists already as 河北省 under cn: --name '河北' differs"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[m for _, m in REFUSED])
def test_what_cannot_make_a_plugin_exits_2_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    r = run("new-jurisdiction", *args, "--out", str(out))
    assert r.exit_code == 2 and message in r.output, r.output
    assert not out.exists()


def test_a_node_that_lists_counties_already_would_clash_and_is_refused():
    reg = ee.registry(plugins=[Counties()], entry_points=False)
    with pytest.raises(ValueError, match="'hebei' .* already lists counties"):
        plan("hebei", None, None, registry=reg)


def test_the_package_is_written_only_where_nothing_would_be_lost(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    r = run("new-jurisdiction", "democity", "--name", "示例市", "--parent", "sichuan", "--out", str(tmp_path / "out"))
    assert r.exit_code == 2 and "not an empty directory" in r.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["notes.txt"]


def test_check_plugin_names_an_unknown_plugin_and_checks_an_installed_one():
    r = run("check-plugin", "no-such-plugin")
    assert r.exit_code == 2 and "no installed plugin 'no-such-plugin'" in r.output and "jilin" in r.output
    r = CliRunner().invoke(main, ["check-plugin", "eduequity-panzhihua", "--check", "loads", "--check", "sources"])
    assert r.exit_code == 0 and r.stdout == "" and "eduequity-panzhihua: conforms" in r.stderr
    r = CliRunner().invoke(main, ["check-plugin", "--check", "loads"])  # every installed plugin
    assert r.exit_code == 0 and "eduequity-jilin: conforms" in r.stderr and "eduequity-panzhihua: conforms" in r.stderr
