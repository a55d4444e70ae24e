"""The national standards as encoded, loading errors, and what-if overrides."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pandas as pd
import pytest

import eduequity as ee
from eduequity.criteria import Dispersion, Recognition, SchoolThreshold
from eduequity.core.standards import load

BASIC, QUALITY = "cn.basic-balance-2012", "cn.quality-balance-2017"


def std(sid):
    return ee.registry().standards[sid]


def test_basic_balance_encodes_the_reference():
    s = std(BASIC)
    assert s.source.document == "教督〔2012〕3号"
    assert [i.key for i in s.indicators] == [
        "teaching_area", "sports_area", "equipment_value", "computers", "books", "teachers",
        "teachers_above_degree", "teachers_mid_senior_title"]
    [rule] = s.rules
    assert isinstance(rule, Dispersion) and rule.aggregate == "mean" and rule.op == "<="
    assert (rule.limit.primary, rule.limit.junior) == (0.65, 0.55)
    assert "0.65、0.55" in rule.source.text
    assert s.indicator("computers").factor == 100.0  # per 100 students
    assert s.indicator("teachers").factor == 1.0  # teachers per student, not the student-teacher ratio
    assert {(t.metric, t.op, t.value) for t in s.targets} == {
        ("schools_meeting_provincial_standard", ">=", 1.0), ("government_work_score", ">=", 85.0),
        ("public_satisfaction", ">=", 0.85)}
    excluded = {v for e in s.exclusions for v in e.values}
    assert excluded == {"teaching_point", "special", "vocational", "private", "city", "province"}


def test_quality_balance_encodes_the_reference():
    s = std(QUALITY)
    kinds = {type(r) for r in s.rules}
    assert kinds == {SchoolThreshold, Dispersion, Recognition}
    cv = next(r for r in s.rules if isinstance(r, Dispersion))
    assert cv.aggregate == "each" and len(cv.indicators) == 7
    assert (cv.limit.primary, cv.limit.junior) == (0.50, 0.45)
    rec = next(r for r in s.rules if isinstance(r, Recognition))
    assert (rec.recognition, rec.years_before) == ("basic-balance", 3)
    thr = next(r for r in s.rules if isinstance(r, SchoolThreshold))
    got = {t.indicator: (t.value.primary, t.value.junior) for t in thr.thresholds}
    assert got == {"teachers_above_degree": (4.2, 5.3), "backbone_teachers": (1.0, 1.0),
                   "pe_art_teachers": (0.9, 0.9), "teaching_area": (4.5, 5.8), "sports_area": (7.5, 10.2),
                   "equipment_value": (2000.0, 2500.0), "multimedia_classrooms": (2.3, 2.4)}
    assert s.indicator("multimedia_classrooms").factor == 100.0
    assert {e for ex in s.exclusions for e in ex.values} == {"special", "vocational"}
    by_metric = {t.id.rsplit(".", 1)[1]: (t.op, t.value) for t in s.targets}
    assert by_metric["junior-retention"] == (">=", 0.95)
    assert by_metric["class-size-primary"] == ("<=", 45.0)
    assert by_metric["school-size"] == ("<=", 2000.0)
    assert by_metric["social-recognition"] == (">=", 0.85)
    kinds = {m.key: m.kind for m in s.metrics}
    veto = {t.id.rsplit(".", 1)[1]: (t.metric, t.op, t.value) for t in s.targets if t.veto}
    assert veto == {"social-recognition": ("social_recognition", ">=", 0.85),
                    "no-exam-admission": ("exam_based_admission", "==", 0.0),
                    "no-illegal-school-choice": ("illegal_school_choice", "==", 0.0),
                    "no-key-schools": ("key_schools_or_classes", "==", 0.0)}
    assert all(kinds[m] == "yes/no" for k, (m, _, _) in veto.items() if k != "social-recognition")
    four = [t for t in s.targets if ".four-unified-" in t.id]
    assert len(four) == 4 and all((kinds[t.metric], t.op, t.value, t.source.confidence) == ("yes/no", "==", 1.0, "V")
                                  for t in four)


@pytest.mark.parametrize("sid", [BASIC, QUALITY])
def test_every_rule_target_and_exclusion_has_a_sourced_document(sid):
    s = std(sid)
    sources = [r.source for r in s.rules] + [t.source for t in s.targets] + [e.source for e in s.exclusions]
    assert sources and all(src.document == s.source.document for src in sources)
    assert all(src.text and src.clause and src.confidence in ("V", "V3", "R") for src in sources)


@pytest.mark.parametrize("sid", [BASIC, QUALITY])
def test_standards_round_trip_through_the_converter(sid):
    s = std(sid)
    data = json.loads(json.dumps(ee.converter.unstructure(s), ensure_ascii=False))
    assert ee.converter.structure(data, ee.Standard) == s


def test_a_threshold_in_the_wrong_unit_is_rejected_at_load(tmp_path):
    src = Path(ee.__file__).parent / "national" / "standards" / "cn.quality-balance-2017.toml"
    good = src.read_text(encoding="utf-8")
    bad = good.replace('unit = "yuan / student"\nvalue', 'unit = "meter ** 2 / student"\nvalue')
    assert bad != good
    path = tmp_path / "x.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match="equipment_value"):
        load(path)


def test_override_changes_the_copy_only():
    s = std(BASIC)
    w = ee.override(s, {"cn.basic-balance-2012.composite-cv": 0.6,
                        "cn.basic-balance-2012.public-satisfaction": 0.9})
    assert (w.rules[0].limit.primary, w.rules[0].limit.junior) == (0.6, 0.6)
    assert next(t for t in w.targets if t.metric == "public_satisfaction").value == 0.9
    assert (s.rules[0].limit.primary, s.rules[0].limit.junior) == (0.65, 0.55)
    q = ee.override(std(QUALITY), {"cn.quality-balance-2017.school-thresholds.equipment_value": {"primary": 1800, "junior": 2200},
                                   "cn.quality-balance-2017.basic-balance-prerequisite.years_before": 2})
    thr = next(r for r in q.rules if isinstance(r, SchoolThreshold))
    eq = next(t for t in thr.thresholds if t.indicator == "equipment_value")
    assert (eq.value.primary, eq.value.junior) == (1800, 2200)
    assert next(r for r in q.rules if isinstance(r, Recognition)).years_before == 2


def test_override_takes_an_id_as_evaluate_does():
    by_id = ee.override(BASIC, {"cn.basic-balance-2012.composite-cv": 0.6})
    assert by_id == ee.override(std(BASIC), {"cn.basic-balance-2012.composite-cv": 0.6})
    assert by_id.rules[0].limit.primary == 0.6 and std(BASIC).rules[0].limit.primary == 0.65
    with pytest.raises(KeyError, match="no-such-standard"):
        ee.override("cn.no-such-standard", {})


def test_override_with_an_unknown_id_is_an_error():
    with pytest.raises(KeyError, match="no-such-rule"):
        ee.override(std(BASIC), {"cn.basic-balance-2012.no-such-rule": 0.5})


def test_standards_are_frozen():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        std(BASIC).rules[0].limit.primary = 1.0  # type: ignore[misc]


def test_a_veto_item_not_met_fails_the_verdict_and_reports_name_it():
    """veto = true changes no arithmetic: like every criterion, a veto item not met makes the
    verdict not met, even with the rest unknown (no recognitions, no other metric). It is
    a label: reports, explain and ``standards show`` name it 一票否决 / veto."""
    from conftest import COUNTY, YEAR, frame, section

    from eduequity.cli.standards import describe
    from eduequity.reports import tables

    schools = ee.read_schools(frame([section("P"), section("J", level="junior")]))
    found = pd.DataFrame({"year": [YEAR], "county": [COUNTY], "metric": ["exam_based_admission"], "value": [1]})
    ev = ee.evaluate(schools, QUALITY, metrics=found)
    [verdict] = ev.verdicts.itertuples()
    assert verdict.status == "not met" and f"{QUALITY}.no-exam-admission: exam_based_admission = 1" in verdict.reasons
    assert ee.evaluate(schools, QUALITY, metrics=found.assign(value=0)).verdicts["status"].tolist() == ["not assessable"]
    ex = ee.explain(ev, county=COUNTY, year=YEAR)
    zh, en = ee.render(ex, "markdown", lang="zh"), ee.render(ex, "markdown", lang="en")
    assert "不以考试方式招生（一票否决）" in zh and "社会认可度（一票否决）" in zh
    assert "No admission by examination (veto)" in en
    progress = tables.progress(ev).set_index("目标")["状态"]
    assert progress["不以考试方式招生（一票否决）"] == "未达标" and progress["小学、初中规模不超过2000人"] == "无法评估"
    lines = describe(std(QUALITY))
    assert any(line.split()[0] == f"{QUALITY}.no-key-schools" and "一票否决 veto" in line for line in lines if line.split())
    assert not any("veto" in line for line in lines if line.split() and line.split()[0] == f"{QUALITY}.school-size")
