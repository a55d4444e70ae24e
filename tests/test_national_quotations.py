"""National quotations and confidence marks, against the shared reference and without it.

The reference (../shared/reference/national-standards.md, beside the repository) has a
table "Chinese wording as found": the wording of some national items with the mark
of where it was read. Every national ``source.text`` that quotes one of them must be
the wording verbatim (or a part of it), with a mark no stronger than the table's. CI
runs on a clean clone without ../shared, so that test skips there; the marks this
encoding changed are asserted from the registry alone below.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

import eduequity as ee
from eduequity.read.split import national_split, national_weights

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "national-standards.md"
BASIC, QUALITY = "cn.basic-balance-2012", "cn.quality-balance-2017"
STRENGTH = {"V": 0, "V3": 1, "R": 2}  # a larger number claims less

# Which targets quote each item of the table (ids after the standard's id).
ITEMS = {
    "veto items (一票否决)": ("no-exam-admission", "no-illegal-school-choice", "no-key-schools"),
    "four unified (四统一)": ("four-unified-building", "four-unified-staffing", "four-unified-funding",
                             "four-unified-equipment"),
    "quota allocation": ("quota-allocation",),
    "nearest admission": ("nearest-admission-primary", "nearest-admission-junior"),
}
#: A source quoting this many characters of a wording in a row quotes that item.
OVERLAP = 8


def wording_table() -> dict[str, tuple[str, str]]:
    """item -> (wording, mark) of the reference's "Chinese wording as found" table."""
    text = REFERENCE.read_text(encoding="utf-8")
    part = text.split("Chinese wording as found", 1)[1]
    out = {}
    for line in part.splitlines()[1:]:
        if out and not line.startswith("|"):
            break  # the end of the table
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("item", "") or set(cells[0]) <= set("-"):
            continue
        mark = re.match(r"(V3|V|R)\b", cells[2])
        assert mark, f"no mark in {line!r}"
        out[cells[0]] = (cells[1], mark[1])
    return out


def national_sources():
    """(where, source) of every source the national plugin ships: standards and section weights."""
    for sid in (BASIC, QUALITY):
        std = ee.registry().standards[sid]
        yield f"{sid} (standard)", std.source
        for c in std.criteria:
            for where, src, _ in c.sources():
                if src is not None:
                    yield where, src
        for i, ex in enumerate(std.exclusions):
            yield f"{sid} exclusion {i}", ex.source
    for school_type, w in national_weights().items():
        yield f"section weights [{school_type}]", w.reference
    for column, src in national_split().items():
        yield f"section weights [[split]] {column}", src


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference (../shared) is not beside this clone")
def test_national_quotations_are_the_reference_wording_with_no_stronger_mark():
    table = wording_table()
    assert set(table) == set(ITEMS), "a row of the reference's wording table is not mapped to targets here"
    std = ee.registry().standards[QUALITY]
    by_id = {t.id.removeprefix(QUALITY + "."): t for t in std.targets}
    for item, ids in ITEMS.items():
        wording, mark = table[item]
        for tid in ids:
            src = by_id[tid].source
            assert src.text and src.text in wording, (tid, src.text, wording)
            assert STRENGTH[src.confidence] >= STRENGTH[mark], (tid, src.confidence, mark)
    # any other national source that quotes a wording of the table at length quotes it verbatim too
    for where, src in national_sources():
        for item, (wording, mark) in table.items():
            m = SequenceMatcher(None, src.text, wording, autojunk=False).find_longest_match()
            if m.size >= OVERLAP:
                assert src.text in wording, (where, src.text, wording)
                assert STRENGTH[src.confidence] >= STRENGTH[mark], (where, src.confidence, item, mark)


def target(tid: str):
    return next(t for t in ee.registry().standards[QUALITY].targets if t.id == f"{QUALITY}.{tid}")


def test_the_marks_rest_on_the_weakest_fact():
    std = ee.registry().standards[QUALITY]
    rooms, music, art = target("music-art-rooms"), target("music-room-area"), target("art-room-area")
    assert rooms.source.confidence == "V3" and "平方米" not in rooms.source.text  # rooms per 12 classes only
    assert (music.metric, music.op, music.value, music.source.confidence) == ("smallest_music_room_area", ">=", 96, "R")
    assert (art.metric, art.op, art.value, art.source.confidence) == ("smallest_art_room_area", ">=", 90, "R")
    assert ee.override(std, {music.id: 80}).targets != std.targets  # R: overridable
    cv = next(r for r in std.rules if r.id == f"{QUALITY}.cv")
    assert cv.aggregate == "each" and cv.source.confidence == "R"  # the per-indicator reading is R
    for level in ("primary", "junior"):
        near = target(f"nearest-admission-{level}")
        assert near.source.text == "城区和镇区公办小学、初中就近划片入学比例分别达到100%、95%以上"
        assert near.source.confidence == "V" and "寄宿制" in near.source.note and "R" in near.source.note
    quota = target("quota-allocation").source
    assert quota.text == "全县优质高中招生名额分配比例不低于50%，并向农村初中倾斜" and quota.confidence == "V"
    assert national_split()["multimedia_classrooms"].confidence == "R"  # eduequity's reading
    assert {national_split()[c].confidence for c in ("teaching_area", "sports_area", "equipment_value",
                                                       "computers", "books")} == {"V3"}
