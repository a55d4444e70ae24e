"""The commitments-table check: a README table and the registry cannot drift apart unnoticed."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import eduequity as ee
from eduequity.testing import commitment_failures

REG = ee.registry()
STD = "cn.basic-balance-2012"
SHORT = [c.id.removeprefix(STD + ".") for c in REG.standards[STD].criteria]


def readme(tmp: Path, rows: list[str], *, heading: str = f"### `{STD}` — 教督〔2012〕3号",
           header: str = "| clause | commitment | target |") -> Path:
    path = tmp / "README.md"
    body = "\n".join([heading, "", header, "|---|---|---|", *rows, ""])
    path.write_text(textwrap.dedent(f"# plugin\n\nSome text.\n\n{body}\n## Tests\n\nmore text\n"), encoding="utf-8")
    return path


def row(cell: str) -> str:
    return f"| 一、 | 某项承诺 | {cell} |"


def check(path: Path) -> list[str]:
    return commitment_failures(path, standards=[STD], registry=REG)


def test_a_complete_table_has_no_findings(tmp_path):
    rows = [row(f"`{s}`") for s in SHORT] + [row("not encoded: no observable measure in the plan")]
    assert check(readme(tmp_path, rows)) == []


def test_ids_may_be_whole_several_to_a_row_a_registered_schedule_or_another_standards_criterion(tmp_path):
    rows = [row(f"`{STD}.{SHORT[0]}`, `{SHORT[1]}`"), row(f"`{SHORT[2]}`"), row(f"`{SHORT[3]}`"),
            row("`jilin.county-balance-2011`"), row("`cn.quality-balance-2017.cv`")]
    path = readme(tmp_path, rows, header="| clause | commitment | target (after the standard id) |")
    assert check(path) == []


def test_a_criterion_left_out_is_named(tmp_path):
    path = readme(tmp_path, [row(f"`{s}`") for s in SHORT[1:]])
    assert check(path) == [f"README.md: {STD}.{SHORT[0]} is a criterion of {STD} but not in its table"]


def test_an_unknown_id_a_bare_cell_and_a_reasonless_not_encoded_are_each_named_by_line(tmp_path):
    rows = [row(f"`{s}`") for s in SHORT] + [row("`renamed-target`"), row("see above"), row("not encoded")]
    found = check(readme(tmp_path, rows))
    assert len(found) == 3
    assert found[0].startswith("README.md:13: `renamed-target` is neither a criterion")
    assert found[1].startswith("README.md:14: target cell 'see above'")
    assert found[2] == "README.md:15: 'not encoded' without a reason"


def test_a_table_under_another_heading_does_not_count(tmp_path):
    path = readme(tmp_path, [row(f"`{s}`") for s in SHORT], heading="### The targets")
    assert check(path) == [f"README.md: no table under a heading `{STD}`"]


def test_a_table_without_a_target_column_names_nothing(tmp_path):
    path = readme(tmp_path, [row(f"`{s}`") for s in SHORT], header="| clause | commitment | id |")
    assert len(check(path)) == len(SHORT)


def test_owner_picks_the_plugins_standards():
    assert commitment_failures(Path(__file__), owner="no-such-distribution", registry=REG) == [
        "no standard of the registry is owned by 'no-such-distribution'"]


@settings(max_examples=25, deadline=None)
@given(kept=st.lists(st.sampled_from(SHORT), unique=True), notes=st.integers(0, 3))
def test_exactly_the_criteria_left_out_are_reported(tmp_path_factory, kept, notes):
    rows = [row(f"`{s}`") for s in kept] + [row("not encoded: 不可观测")] * notes
    found = check(readme(tmp_path_factory.mktemp("r"), rows))
    assert found == [f"README.md: {STD}.{s} is a criterion of {STD} but not in its table"
                     for s in sorted(set(SHORT) - set(kept), key=lambda s: f"{STD}.{s}")]
