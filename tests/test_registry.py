"""Plugins: what the registry collects, and how each kind of plugin fault is reported."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

import pytest

import eduequity as ee
from eduequity.core import registry as registry_mod

NATIONAL = Path(ee.__file__).parent / "national" / "standards"


def test_default_registry_has_national_standards_tree_and_formats():
    reg = ee.registry()
    assert {"cn.basic-balance-2012", "cn.quality-balance-2017"} <= set(reg.standards)
    assert reg.jurisdictions["cn"].parent is None
    provinces = [j for j in reg.jurisdictions.values() if j.parent == "cn"]
    assert len(provinces) >= 31
    assert reg.jurisdictions["jilin"].code == "220000"
    assert reg.jurisdictions["sichuan"].name_zh == "四川省"
    assert {"markdown", "json"} <= set(reg.report_formats)
    assert ee.registry() is reg  # cached


def test_mappings_are_read_only():
    reg = ee.registry()
    with pytest.raises(TypeError):
        reg.standards["x"] = None  # type: ignore[index]


class CityPlugin:
    """A plugin written as a class instance: a city node, its counties and a standard file."""

    def __init__(self, standard_file: Path | None = None):
        self.standard_file = standard_file

    @ee.hookimpl
    def eduequity_jurisdictions(self):
        return [ee.Jurisdiction("testcity", "测试市", "Test City", parent="sichuan", kind="city")]

    @ee.hookimpl
    def eduequity_counties(self):
        return [ee.CountyList("testcity", (ee.County("甲区", "district", "519901"),
                                           ee.County("乙县", "county", aliases=("乙旧县",))))]

    @ee.hookimpl
    def eduequity_standards(self):
        return [self.standard_file] if self.standard_file else []


def _metric_standard(tmp_path: Path, std_id: str = "testcity.plan", extra: str = "") -> Path:
    p = tmp_path / f"{std_id}.toml"
    p.write_text(f'''
id = "{std_id}"
title = "测试规划"
jurisdiction = "testcity"
[source]
document = "测办发〔2020〕1号"
[[metrics]]
key = "retention"
zh = "巩固率"
en = "Retention"
kind = "share"
[[targets]]
id = "{std_id}.retention"
metric = "retention"
op = ">="
value = 0.965
deadline = 2025
{extra}
[targets.source]
document = "测办发〔2020〕1号"
clause = "二、（一）"
text = "九年义务教育巩固率达到96.5%"
''', encoding="utf-8")
    return p


def test_isolated_registry_adds_a_city_its_counties_and_a_standard(tmp_path):
    reg = ee.registry(plugins=[CityPlugin(_metric_standard(tmp_path))], entry_points=False)
    assert reg.jurisdictions["testcity"].parent == "sichuan"
    assert set(reg.counties("testcity")) == {"甲区", "乙县", "乙旧县"}
    assert set(reg.counties("sichuan")) == {"甲区", "乙县", "乙旧县"}  # a county belongs to every ancestor
    t = reg.standards["testcity.plan"].targets[0]
    assert (t.op, t.value, t.deadline, t.source.document) == (">=", 0.965, 2025, "测办发〔2020〕1号")
    assert "testcity.plan" not in ee.registry().standards  # the cached default is untouched


def test_same_standard_from_two_plugins_is_a_clash_naming_both(tmp_path):
    class Twin:
        @ee.hookimpl
        def eduequity_standards(self):
            return [NATIONAL / "cn.basic-balance-2012.toml"]

    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[Twin()], entry_points=False)
    assert info.value.distribution == "Twin"
    assert info.value.others == ("eduequity",)
    assert "cn.basic-balance-2012" in str(info.value) and "eduequity" in str(info.value)


def test_two_plugins_giving_counties_to_one_node_clash():
    class Other:
        @ee.hookimpl
        def eduequity_counties(self):
            return [ee.CountyList("testcity", (ee.County("丙区"),))]

    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[CityPlugin(), Other()], entry_points=False)
    assert info.value.distribution == "Other" and info.value.others == ("CityPlugin",)


def test_a_hook_that_raises_is_reported_with_distribution_and_hook():
    class Broken:
        @ee.hookimpl
        def eduequity_jurisdictions(self):
            raise RuntimeError("boom")

    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[Broken()], entry_points=False)
    assert (info.value.distribution, info.value.hook) == ("Broken", "eduequity_jurisdictions")
    assert "boom" in str(info.value)


def test_an_invalid_standard_file_names_the_key_and_the_plugin(tmp_path):
    bad = _metric_standard(tmp_path, extra='colour = "red"')
    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[CityPlugin(bad)], entry_points=False)
    msg = str(info.value)
    assert info.value.hook == "eduequity_standards"
    assert "colour" in msg and "targets" in msg and bad.name in msg


def test_a_target_without_a_source_document_is_rejected(tmp_path):
    p = _metric_standard(tmp_path)
    p.write_text(p.read_text(encoding="utf-8").replace('document = "测办发〔2020〕1号"\nclause', 'document = ""\nclause'),
                 encoding="utf-8")
    with pytest.raises(ee.PluginError, match="document"):
        ee.registry(plugins=[CityPlugin(p)], entry_points=False)


def test_unknown_parent_and_wrong_return_type_are_plugin_errors():
    class Orphan:
        @ee.hookimpl
        def eduequity_jurisdictions(self):
            return [ee.Jurisdiction("x", "某市", parent="atlantis")]

    class Sloppy:
        @ee.hookimpl
        def eduequity_standards(self):
            return ["not a path that exists.toml"]

    with pytest.raises(ee.PluginError, match="atlantis"):
        ee.registry(plugins=[Orphan()], entry_points=False)
    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[Sloppy()], entry_points=False)
    assert info.value.distribution == "Sloppy"


def test_units_can_be_added_but_not_redefined():
    class Adds:
        @ee.hookimpl
        def eduequity_units(self):
            return ["test_jin = 0.5 * kilogram = _ = 测试斤"]

    class Redefines:
        @ee.hookimpl
        def eduequity_units(self):
            return ["yuan = 2 * meter"]

    ee.registry(plugins=[Adds()], entry_points=False)
    ee.registry(plugins=[Adds()], entry_points=False)  # the same definition again is fine
    from eduequity.core import units

    assert units.factor("测试斤", "kilogram") == 0.5
    with pytest.raises(ee.PluginError, match="yuan") as info:
        ee.registry(plugins=[Redefines()], entry_points=False)
    assert info.value.hook == "eduequity_units"


def _fake_entry_points(monkeypatch, *eps):
    monkeypatch.setattr(registry_mod.metadata, "entry_points", lambda group: list(eps) if group == "eduequity" else [])


def test_an_entry_point_that_fails_to_import_names_it(monkeypatch):
    _fake_entry_points(monkeypatch, md.EntryPoint("ghost", "eduequity_no_such_module", "eduequity"))
    with pytest.raises(ee.PluginError) as info:
        registry_mod.Registry()
    assert info.value.distribution == "ghost"
    assert "eduequity_no_such_module" in str(info.value)


def test_the_environment_variable_disables_named_plugins(monkeypatch):
    _fake_entry_points(monkeypatch, md.EntryPoint("ghost", "eduequity_no_such_module", "eduequity"))
    monkeypatch.setenv("EDUEQUITY_DISABLE_PLUGINS", "other, ghost")
    reg = registry_mod.Registry()
    assert "cn.basic-balance-2012" in reg.standards


def test_redefining_a_prefix_is_a_plugin_error_not_pints_assertion():
    class Prefix:
        @ee.hookimpl
        def eduequity_units(self):
            return ["kilo- = 1000"]

    with pytest.raises(ee.PluginError, match="kilo-") as info:
        ee.registry(plugins=[Prefix()], entry_points=False)
    assert info.value.hook == "eduequity_units"


class _ExitsOnImport:
    """An entry point whose module calls sys.exit (or is interrupted) while being imported."""

    def __init__(self, exc: BaseException) -> None:
        self.exc, self.name, self.value, self.dist = exc, "quitter", "eduequity_quitter", None

    def load(self):
        raise self.exc


@pytest.mark.parametrize("exc", [SystemExit(0), SystemExit(3), GeneratorExit(), MemoryError()])
def test_an_entry_point_that_exits_at_import_is_a_plugin_error(monkeypatch, exc):
    _fake_entry_points(monkeypatch, _ExitsOnImport(exc))
    with pytest.raises(ee.PluginError) as info:
        registry_mod.Registry()
    assert info.value.distribution == "quitter" and type(exc).__name__ in str(info.value)


def test_keyboard_interrupt_still_interrupts(monkeypatch):
    _fake_entry_points(monkeypatch, _ExitsOnImport(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        registry_mod.Registry()


def test_a_hook_that_exits_is_a_plugin_error():
    class Exits:
        @ee.hookimpl
        def eduequity_standards(self):
            raise SystemExit(0)

    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[Exits()], entry_points=False)
    assert info.value.hook == "eduequity_standards"
