"""The national benchmark (benchmarks/national.py) runs, and its numpy reference agrees with eduequity.

``--smoke`` is the whole script at 50 counties x 2 years: every measurement,
the memory pass, the linearity panel and the import subprocesses, in a few
seconds. The timings it prints mean nothing at that size; what is checked is
that it runs and that the reference the timings are compared with computes
the same CVs as ``ev.indicators``, to 1e-9.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import eduequity as ee

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "national.py"


@pytest.fixture(scope="module")
def national():
    spec = importlib.util.spec_from_file_location("benchmark_national", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_smoke_runs_and_prints_the_table(national, capsys):
    out = national.main(["--smoke", "--linearity"])
    printed = capsys.readouterr().out
    assert "targets:" in printed and "import eduequity" in printed
    assert out["max_cv_diff"] <= 1e-9
    assert set(out["verdicts"]) == {"basic_eval", "basic_read_eval", "quality_eval", "memory", "linearity", "import",
                                    "explain", "remedy", "bootstrap", "bootstrap_eval", "sensitivity"}
    assert out["times"]["quality_explain"] > 0 and out["times"]["quality_remedy"] > 0  # speeds: the script's table
    assert all(v in ("PASS", "FAIL") for v in out["verdicts"].values())
    assert out["times"]["ref_basic"] > 0 and out["memory"]["basic_eval"]["traced"] > 0


def test_reference_cvs_equal_eduequity(national):
    df = national.make_panel(50, 2)
    frame = ee.read_schools(df)
    ref = national.reference_cvs(df)
    ind = ee.evaluate(frame, national.BASIC).indicators
    g = ref["groups"]
    assert len(ind) == 8 * g.n
    for key in national.BASIC_FACTORS:
        sub = ind[ind["indicator"] == key]
        ours = {(int(y), c, lv): cv for y, c, lv, cv in zip(g.year, g.county, g.level, ref["cvs"][key], strict=True)}
        theirs = {(int(y), str(c), str(lv)): cv for y, c, lv, cv in
                  zip(sub["year"], sub["county"], sub["level"], sub["cv"], strict=True)}
        assert ours.keys() == theirs.keys()
        assert max(abs(ours[k] - theirs[k]) for k in ours) <= 1e-9, key


def test_quality_reference_agrees(national):
    df = national.make_panel(20, 2, seed=7)
    ev = ee.evaluate(ee.read_schools(df), national.QUALITY)
    got = national.compare_quality(ev, national.reference_quality(df))
    assert got["evidence_rows"] == 7 * len(df)
    assert got["max_cv_diff"] <= 1e-9


def test_the_check_catches_a_disagreement(national):
    df = national.make_panel(10, 1, seed=3)
    ev = ee.evaluate(ee.read_schools(df), national.BASIC)
    ind = ev.indicators.copy()
    ind.loc[ind.index[5], "cv"] = ind["cv"].iloc[5] + 1e-6
    with pytest.raises(AssertionError, match="CVs differ"):
        national.compare(SimpleNamespace(indicators=ind), national.reference_cvs(df))


def test_panel_is_seeded_and_within_the_issue_ranges(national):
    a, b = national.make_panel(30, 3), national.make_panel(30, 3)
    assert a.equals(b)
    assert not a.duplicated(["year", "school_id", "level"]).any()
    assert set(a["level"]) == {"primary", "junior"} and a["year"].between(2011, 2013).all()
    assert (a["students"] > 0).all() and a["students"].min() < 100 and a["students"].max() > 2000
    per = a[list(national.RESOURCES)].div(a["students"], axis=0).median()
    assert 3 <= per["teaching_area"] <= 6.5 and 4 <= per["sports_area"] <= 11
    assert 1200 <= per["equipment_value"] <= 4700 and 0.08 <= per["computers"] <= 0.25
    assert 15 <= per["books"] <= 50 and 0.05 <= per["teachers"] <= 0.12
    assert np.isclose(per["teachers_above_degree"] / per["teachers"], 0.95, atol=0.05)
