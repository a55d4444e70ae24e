"""``ee.data_hooks``: a plugin that is data files only, and the county lists it reads."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

import eduequity as ee

PLUGIN_TOML = '''
[[jurisdictions]]
id = "democity"
name_zh = "示例市"
parent = "sichuan"
kind = "city"

[[counties]]
jurisdiction = "democity"
file = "data/counties.csv"
prefecture = "示例市"
'''
COUNTIES = "name,kind,code,aliases\n甲区,district,510901,\n乙县,county,,乙；乙城\n"
SCHEDULE = '''
id = "democity.county-balance-2021"
title = "示例市推进计划"
jurisdiction = "democity"
recognition = "basic-balance"
start = 2021
total = 2
[source]
document = "示办发〔2021〕2号"
clause = "二、"
text = "到2023年全部2个县（区）通过评估"
[[milestones]]
year = 2023
count = 2
[target_years]
"甲区" = 2022
"乙城" = 2023
'''


def package(tmp_path: Path, plugin: str = PLUGIN_TOML, counties: str = COUNTIES) -> types.ModuleType:
    """A plugin module whose hooks are ``data_hooks`` of the files beside it."""
    root = tmp_path / "eduequity_democity"
    (root / "data").mkdir(parents=True)
    (root / "schedules").mkdir()
    (root / "plugin.toml").write_text(plugin, encoding="utf-8")
    (root / "data" / "counties.csv").write_text(counties, encoding="utf-8")
    (root / "schedules" / "democity.county-balance-2021.toml").write_text(SCHEDULE, encoding="utf-8")
    module = types.ModuleType("eduequity_democity")
    module.__file__ = str(root / "__init__.py")
    (module.eduequity_jurisdictions, module.eduequity_counties, module.eduequity_standards,
     module.eduequity_schedules) = ee.data_hooks(module.__file__)
    return module


def test_a_package_of_data_files_registers_its_node_counties_and_schedule(tmp_path):
    reg = ee.registry(plugins=[package(tmp_path)], entry_points=False)
    node = reg.jurisdictions["democity"]
    assert (node.parent, node.name_zh, [c.name for c in node.counties]) == ("sichuan", "示例市", ["甲区", "乙县"])
    assert node.counties[1] == ee.County("乙县", "county", "", "示例市", ("乙", "乙城"))
    assert node.counties[0].code == "510901"
    sched = reg.schedules["democity.county-balance-2021"]
    assert reg.owners[sched.id] == "eduequity_democity"
    # the alias in the schedule resolves to the county
    r = ee.track(sched, __import__("pandas").DataFrame({"county": ["乙县"], "year": [2022]}), registry=reg)
    assert r.counties.set_index("county")["status"].to_dict() == {"乙县": "early", "甲区": "late"}


def test_counties_for_a_province_that_exists_need_no_node_and_do_not_clash(tmp_path):
    only_counties = '[[counties]]\njurisdiction = "hebei"\nfile = "data/counties.csv"\n'
    plugin = package(tmp_path, only_counties)
    (tmp_path / "eduequity_democity" / "schedules" / "democity.county-balance-2021.toml").unlink()
    reg = ee.registry(plugins=[plugin], entry_points=False)
    assert [c.name for c in reg.jurisdictions["hebei"].counties] == ["甲区", "乙县"]
    assert reg.jurisdictions["hebei"].name_zh == "河北省"  # the built-in node, unchanged but for its counties


BAD_COUNTIES = [
    ("name,kind,alias\n甲区,district,甲\n", "counties file counties.csv: unknown column alias; expected the columns "
                                           "name ("),
    ("kind\ndistrict\n", "counties file counties.csv: no name column; expected the columns name ("),
    ("name,code\n甲区,51090\n", "counties file counties.csv: line 2: code '51090'; expected the 6-digit division code"),
    ("name,aliases\n甲区,\n乙县,甲区\n", "line 3: '甲区' is also the county of line 2; expected each name (and alias) once"),
    ("name,kind\n,district\n", "line 2: name is blank; expected the county's name"),
    ("name\n甲区,多余\n", "line 2: more cells than columns (['多余']); expected one cell per column"),
    ("name,renamed_in\n甲区,二〇一三\n", "line 2: renamed_in '二〇一三'; expected the year of the rename"),
]


@pytest.mark.parametrize(("text", "message"), BAD_COUNTIES, ids=[m.split(": ")[-1][:30] for _, m in BAD_COUNTIES])
def test_a_bad_county_list_names_the_file_line_and_what_was_expected(tmp_path, text, message):
    path = tmp_path / "counties.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        ee.read_counties(path)
    assert message in str(info.value)


def test_a_bad_county_list_in_a_plugin_is_a_plugin_error_naming_the_hook(tmp_path):
    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[package(tmp_path, counties="nom\n甲区\n")], entry_points=False)
    assert info.value.hook == "eduequity_counties" and "unknown column nom" in str(info.value)


def test_a_bad_plugin_file_is_explained_in_plain_words(tmp_path):
    with pytest.raises(ee.PluginError) as info:
        ee.registry(plugins=[package(tmp_path, PLUGIN_TOML.replace("kind = \"city\"", "level = \"city\""))],
                    entry_points=False)
    assert ("invalid plugin file plugin.toml: jurisdictions[0]: unknown key level; a jurisdiction has the keys "
            "id, name_zh, name_en, parent, code, kind, counties") in str(info.value)


def test_the_real_plugins_are_data_hooks_and_a_report_format():
    import eduequity_jilin
    import eduequity_panzhihua

    for module in (eduequity_jilin, eduequity_panzhihua):
        hooks = [n for n in dir(module) if n.startswith("eduequity_")]
        assert hooks == ["eduequity_counties", "eduequity_jurisdictions", "eduequity_report_formats",
                         "eduequity_schedules", "eduequity_standards"]
