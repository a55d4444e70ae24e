"""read_schools: the input boundary (files, headers, units, mixed schools, every class of bad input)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduequity.read import split
from eduequity.core.columns import COLUMNS, SCHOOL_TYPES
from eduequity.core.errors import InputError, Problem
from eduequity.read.canonical import ATTR, LEVEL_DTYPE, MARK
from eduequity.read.schools import read_schools

MU = 10000 / 15  # m² in one 亩


def frame(**overrides) -> pd.DataFrame:
    """Three valid section rows; keyword arguments replace or add columns."""
    data = {
        "year": [2015, 2015, 2016],
        "county": ["东区", "东区", "西区"],
        "school_id": ["0123", "0123", "S2"],
        "level": ["primary", "junior", "primary"],
        "students": [400, 300, 50],
        "teaching_area": [2000.0, 1800.0, 250.0],
        "teachers": [25, 22, 4],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def problems(source, **kw) -> list[Problem]:
    with pytest.raises(InputError) as info:
        read_schools(source, **kw)
    return info.value.problems


def only(source, **kw) -> Problem:
    found = problems(source, **kw)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- the canonical frame


def test_canonical_dtypes_order_and_marker():
    df = frame(school_name=["一小", "一中", "二小"], ownership=["公办", "public", None],
               county_code=["220102", "220102", ""], urban_rural=["城区", "城区", " "])
    out = read_schools(df)
    assert list(out.columns) == ["row", "year", "county", "county_code", "school_id", "level", "students",
                                 "teaching_area", "teachers", "school_name", "ownership", "urban_rural"]
    assert out.dtypes["row"] == np.int64 and out.dtypes["year"] == np.int64
    assert isinstance(out.dtypes["county"], pd.CategoricalDtype)
    assert list(out["county"].cat.categories) == ["东区", "西区"]
    assert out["county"].cat.categories.dtype == "str"
    assert out.dtypes["county_code"] == "str"
    assert isinstance(out.dtypes["school_id"], pd.CategoricalDtype)
    assert out["school_id"].cat.categories.dtype == "str" and out["school_id"].cat.categories.is_monotonic_increasing
    assert out.dtypes["level"] == LEVEL_DTYPE and list(out["level"].cat.categories) == ["primary", "junior"]
    for name in ("students", "teaching_area", "teachers"):
        assert out.dtypes[name] == np.float64
    assert list(out["ownership"].cat.categories) == ["public", "private"]
    assert out["ownership"].tolist()[:2] == ["public", "public"] and pd.isna(out["ownership"][2])
    assert out["county_code"].tolist()[:2] == ["220102", "220102"] and pd.isna(out["county_code"][2])
    assert pd.isna(out["urban_rural"][2])
    assert out["row"].tolist() == [0, 1, 2]
    assert out["school_id"].tolist() == ["0123", "0123", "S2"]
    assert out.attrs[ATTR] == MARK
    assert isinstance(out.index, pd.RangeIndex)


def test_school_type_categories_are_fixed():
    out = read_schools(frame(school_type=["小学", "初中", "primary_school"]))
    assert list(out["school_type"].cat.categories) == list(SCHOOL_TYPES)
    assert out["school_type"].tolist() == ["primary_school", "junior_school", "primary_school"]


def test_blank_resource_is_missing_not_an_error():
    out = read_schools(frame(teaching_area=[2000.0, None, ""], teachers=[1, 2, " "]))
    assert out["teaching_area"].isna().tolist() == [False, True, True]
    assert out["teachers"].isna().tolist() == [False, False, True]


def test_idempotent_and_input_untouched():
    df = pd.DataFrame({
        "年份": [2015, 2015, 2015],
        "县区": ["东区 ", "西区", "西区"],
        "学校代码": ["0123", "S2", "S3"],
        "学段": ["小学", None, "初中"],
        "在校生数": [400, None, 120],
        "students_primary": [None, 300, None],
        "students_junior": [None, 200, None],
        "办学类型": [None, "九年一贯制学校", None],
        "教学及辅助用房面积 [亩]": [3, 3, 1],
        "teachers": [20, None, 9],
        "teachers_primary": [None, 18, None],
        "teachers_junior": [None, 16, None],
    })
    df.attrs["mine"] = 1
    before = df.copy(deep=True)
    once = read_schools(df)
    twice = read_schools(once)
    pd.testing.assert_frame_equal(once, twice)
    assert twice.attrs == once.attrs
    pd.testing.assert_frame_equal(df, before)
    assert df.attrs == {"mine": 1}
    assert once["row"].tolist() == [0, 1, 1, 2]
    # the output is its own: writing to it leaves both inputs alone
    once.loc[0, "students"] = 1.0
    assert twice.loc[0, "students"] == 400.0


def test_canonical_fast_path_frame_is_writable_and_independent():
    out = read_schools(frame())
    again = read_schools(out)
    again.loc[0, "teaching_area"] = -5.0
    again.loc[0, "year"] = 1999
    assert out.loc[0, "teaching_area"] == 2000.0 and out.loc[0, "year"] == 2015


def test_row_kept_only_from_a_marked_frame():
    out = read_schools(frame())
    sub = out.iloc[[2, 0]].reset_index(drop=True)
    sub.attrs[ATTR] = MARK
    assert read_schools(sub)["row"].tolist() == [2, 0]
    plain = sub.copy()
    plain.attrs.clear()
    assert read_schools(plain)["row"].tolist() == [0, 1]


def test_wholly_blank_rows_are_skipped_but_counted(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("year,county,school_id,level,students\n2015,东区,A,primary,10\n,,,,\n"
                    "2015,东区,B,primary,x\n", encoding="utf-8")
    p = only(path)
    assert (p.row, p.column, p.value) == (2, "students", "x")
    path.write_text("year,county,school_id,level,students\n2015,东区,A,primary,10\n,,,,\n"
                    "2015,东区,B,primary,20\n", encoding="utf-8")
    assert read_schools(path)["row"].tolist() == [0, 2]


# --------------------------------------------------------------------------- files


CSV_ZH = "年份,县（市、区）,学校代码,学段,在校生数,教学及辅助用房面积 [亩],专任教师数\n" \
         "2015,东区,0123,小学,400,3,25\n2015,东区,0123,初中,300,1.5,22\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "schools.csv"
    path.write_bytes(CSV_ZH.encode(encoding))
    out = read_schools(path)
    assert out["school_id"].tolist() == ["0123", "0123"]
    assert out["level"].tolist() == ["primary", "junior"]
    assert out["county"].tolist() == ["东区", "东区"]
    assert out["teaching_area"].tolist() == pytest.approx([3 * MU, 1.5 * MU], rel=1e-12)
    assert out["teachers"].tolist() == [25.0, 22.0]


def test_csv_ascii_header_with_gbk_data(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes("year,county,school_id,level,students\n2015,米易县,1,小学,10\n".encode("gbk"))
    out = read_schools(path)
    assert out["county"].tolist() == ["米易县"] and out["level"].tolist() == ["primary"]


def test_a_gb18030_line_in_a_utf8_file_is_named_not_turned_into_mojibake(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("year,county,school_id,level,students\n2015,东区,A,小学,10\n2015,东区,B,小学,10\n".encode()
                     + "2015,西区,C,小学,10\n".encode("gb18030"))
    [p] = problems(path)
    assert p.row is None and p.value == "2015,西区,C,小学,10" and "line 4" in p.expected
    assert "UTF-8" in p.expected and "GB18030" in p.expected


def test_a_utf8_line_in_a_gb18030_file_is_named(tmp_path):
    path = tmp_path / "mixed.csv"
    rows = "".join(f"2015,米易县,S{i},小学,10\n" for i in range(4))
    path.write_bytes(("年份,县,学校代码,学段,学生数\n" + rows).encode("gb18030") + "2015,东区,Z,小学,10\n".encode())
    [p] = problems(path)
    assert p.value == "2015,东区,Z,小学,10" and "line 6" in p.expected and p.expected.startswith("GB18030")


def test_lines_in_no_encoding_are_each_named(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"year,county,school_id,level,students\n2015,\x81\x30\xff\xff,A,primary,1\n"
                     b"2015,x,B,primary,1\n2015,\xff,C,primary,1\n")
    found = problems(path)
    assert [p.row for p in found] == [None, None]
    assert ["line 2" in found[0].expected, "line 4" in found[1].expected] == [True, True]


def csv_error(path, text: str) -> InputError:
    """The InputError of reading ``text`` written to ``path`` as UTF-8."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_schools(path)
    return info.value


def test_csv_problem_lines(tmp_path):
    path = tmp_path / "schools.csv"
    err = csv_error(path, "year,county,school_id,level,students\n2015,东区,1,primary,10\n2015,东区,2,primary,-3\n")
    assert err.source == str(path) and err.line_offset == 2
    assert err.problems == [Problem(1, "students", -3, "a positive whole number of students (at most 1,000,000)")]
    assert "(line 3)" in str(err)


def test_csv_numeric_looking_ids_stay_text(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("year,county,county_code,school_id,level,students\n2015,东区,510402,007,primary,10\n",
                    encoding="utf-8")
    out = read_schools(path)
    assert out["school_id"].tolist() == ["007"] and out["county_code"].tolist() == ["510402"]


def test_xlsx(tmp_path):
    path = tmp_path / "schools.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"a": [1]}).to_excel(xl, sheet_name="notes", index=False)
        frame(county_code=["220102", "220102", "220103"]).to_excel(xl, sheet_name="data", index=False)
    p = only(path)  # the first sheet unless told: its only header names no key column
    assert p.value == ["a"] and "header row" in p.expected and "line 1" in p.expected
    for sheet in ("data", 1):
        out = read_schools(path, sheet=sheet)
        assert out["school_id"].tolist() == ["0123", "0123", "S2"]
        assert out["county_code"].tolist() == ["220102", "220102", "220103"]
        assert out["students"].tolist() == [400.0, 300.0, 50.0]
    p = only(path, sheet="nope")
    assert p.value == "nope" and "sheet" in p.expected


def test_xlsx_numeric_ids_and_line_offset(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["年份", "县", "学校标识码", "学段", "学生数", "图书册数"])
    ws.append([2015, "东区", 3101, "小学", 200, 5000])
    ws.append([2015, "东区", "0042", "初中", 100, "1,200"])
    ws.append([2015, "东区", 3102, "小学", 100, "many"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_schools(path)
    assert info.value.line_offset == 2
    assert info.value.problems == [Problem(2, "图书册数", "many", "a number in book, or blank if unknown")]
    ws.cell(row=4, column=6).value = None
    wb.save(path)
    out = read_schools(path)
    assert out["school_id"].tolist() == ["3101", "0042", "3102"]
    assert out["books"].tolist()[:2] == [5000.0, 1200.0] and math.isnan(out["books"][2])


# --------------------------------------------------------------------------- where the table starts

TITLE = "2016年东区义务教育学校基本情况统计表"
FLAT = ["年份", "县", "学校标识码", "学段", "学生数", "教学及辅助用房面积"]
ROWS = ((2016, "东区", "A1", "小学", 400, 2000), (2016, "东区", "A2", "初中", 300, 1800),
        (2016, "东区", "A3", "小学", 120, 600))


def sheet(path, rows, merges=()):
    """Write ``rows`` (lists of cell values, None for empty) to an .xlsx with ``merges`` ("A1:F1")."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def flat_frame(tmp_path):
    return read_schools(sheet(tmp_path / "flat.xlsx", [FLAT, *ROWS]))


def test_xlsx_title_blank_and_unit_rows_are_skipped_and_lines_stay_true(tmp_path):
    rows = [[TITLE, *[None] * 5], [None] * 6, ["单位：平方米、人", *[None] * 5], FLAT, *map(list, ROWS)]
    path = sheet(tmp_path / "s.xlsx", rows, merges=["A1:F1", "A3:F3"])
    pd.testing.assert_frame_equal(read_schools(path), flat_frame(tmp_path))
    rows[5][4] = -300  # the second data row, sheet row 6
    with pytest.raises(InputError) as info:
        read_schools(sheet(path, rows, merges=["A1:F1", "A3:F3"]))
    assert info.value.problems == [Problem(1, "学生数", -300, "a positive whole number of students (at most 1,000,000)")]
    assert info.value.line_offset == 5 and "(line 6)" in str(info.value)


def test_xlsx_two_row_header_with_merged_group_labels(tmp_path):
    rows = [
        [TITLE, *[None] * 7],
        ["年份", "县", "学校", None, "学段", "学生数", "教学及辅助用房面积", None],
        [None, None, "代码", "名称", None, None, "（亩）", "备注"],
        [2016, "东区", "A1", "一小", "小学", 400, 3, None],
        [2016, "东区", "A2", "一中", "初中", 300, 1.5, "新建"],
    ]
    merges = ["A1:H1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3", "G2:H2"]
    out = read_schools(sheet(tmp_path / "s.xlsx", rows, merges))
    assert out["school_id"].tolist() == ["A1", "A2"] and out["school_name"].tolist() == ["一小", "一中"]
    assert out["teaching_area"].tolist() == pytest.approx([3 * MU, 1.5 * MU], rel=1e-12)
    assert out["row"].tolist() == [0, 1]
    rows[4][5] = "很多"
    with pytest.raises(InputError) as info:
        read_schools(sheet(tmp_path / "s.xlsx", rows, merges))
    [p] = info.value.problems
    assert (p.row, p.column, p.value) == (1, "学生数", "很多") and "(line 5)" in str(info.value)


def test_xlsx_two_row_header_of_whole_school_counts(tmp_path):
    rows = [
        ["年份", "县", "学校代码", "办学类型", "在校生数", None, "专任教师数", None, "学段", "学生数"],
        [None, None, None, None, "小学", "初中", "小学", "初中", None, None],
        [2016, "东区", "M1", "九年一贯制学校", 600, 300, 30, 25, None, None],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "G1:H1", "I1:I2", "J1:J2"]
    out = read_schools(sheet(tmp_path / "s.xlsx", rows, merges))
    assert out["level"].tolist() == ["primary", "junior"] and out["students"].tolist() == [600.0, 300.0]
    assert out["teachers"].tolist() == [30.0, 25.0]


def test_csv_title_line_and_two_row_header(tmp_path):
    path = tmp_path / "s.csv"
    err = csv_error(path, f"{TITLE},,,,,,\n\n年份,县,学校,,学段,学生数,\n,,代码,名称,,,\n"
                          "2016,东区,A1,一小,小学,400,\n2016,东区,A2,一中,初中,x,\n")
    [p] = err.problems
    assert (p.row, p.column, p.value) == (1, "学生数", "x") and "(line 6)" in str(err)
    path.write_text(path.read_text(encoding="utf-8").replace(",x,\n", ",300,\n"), encoding="utf-8")
    out = read_schools(path)
    assert out["school_id"].tolist() == ["A1", "A2"] and out["school_name"].tolist() == ["一小", "一中"]


def test_csv_quoted_line_breaks_above_the_data_keep_lines_true(tmp_path):
    err = csv_error(tmp_path / "s.csv",
                    '"2016年\n统计表"\nyear,county,school_id,level,"students\n(人)"\n2016,东区,A,primary,0\n')
    assert err.problems[0].row == 0 and "(line 5)" in str(err)


def test_csv_quoted_line_breaks_in_the_data_keep_lines_true_below_them(tmp_path):
    err = csv_error(tmp_path / "s.csv",
                    "year,county,school_id,level,students,school_name\n"
                    '2016,东区,A,primary,10,"一小\n（东校区）\n"\n'  # lines 2-4
                    "2016,东区,B,primary,-1,二小\n"  # line 5
                    "\n"  # line 6, blank
                    '2016,东区,C,primary,x,"三\r小"\n'  # lines 7-8: a bare CR ends a line too
                    "2016,东区,D,primary,0,四小\n")  # line 9
    assert [p.row for p in err.problems] == [1, 3, 4]
    assert "row 1 (line 5)" in str(err) and "row 3 (line 7)" in str(err) and "row 4 (line 9)" in str(err)
    assert [err.line(p.row) for p in err.problems] == [5, 7, 9] and err.line_offset == 2
    # without quoted line breaks the line is row + line_offset, as before
    err = csv_error(tmp_path / "s.csv", "year,county,school_id,level,students\n2016,东区,B,primary,-1\n")
    assert err.lines is None and err.line(0) == 2 and "(line 2)" in str(err)


def test_input_error_keeps_its_signature():
    err = InputError([(3, "students", -1, "a positive number")], source="x.csv", line_offset=2)
    assert err.problems == [Problem(3, "students", -1, "a positive number")] and err.line(3) == 5
    assert "row 3 (line 5)" in str(err) and InputError([]).line(0) is None
    assert Problem(3, "s", 1, "e").describe(2) == "row 3 (line 5), column 's': got 1; expected e"


def test_a_cell_longer_than_the_csv_modules_field_limit_is_read(tmp_path):
    import csv

    limit = csv.field_size_limit()
    long = "长" * (limit + 10)
    path = tmp_path / "s.csv"
    path.write_text(f"year,county,school_id,level,students,school_name\n2016,东区,A,primary,10,{long}\n",
                    encoding="utf-8")
    assert read_schools(path)["school_name"].tolist() == [long]
    err = csv_error(path, f'{TITLE}\nyear,county,school_id,level,students,school_name\n'
                          f'2016,东区,A,primary,10,"{long}\n"\n2016,东区,B,primary,-1,x\n')
    assert "row 1 (line 5)" in str(err)
    assert csv.field_size_limit() == limit


def test_merged_text_cells_fill_down_and_merged_quantities_do_not(tmp_path):
    rows = [FLAT, [2016, "东区", "A1", "小学", 400, 2000], [None, None, "A2", "小学", 300, None],
            [None, None, "A3", "初中", 120, 600]]
    out = read_schools(sheet(tmp_path / "s.xlsx", rows, merges=["A2:A4", "B2:B4", "F2:F3"]))
    assert out["year"].tolist() == [2016] * 3 and out["county"].tolist() == ["东区"] * 3
    assert out["teaching_area"].tolist()[0] == 2000.0 and math.isnan(out["teaching_area"][1])


def test_a_unit_note_that_would_rescale_a_column_is_refused(tmp_path):
    rows = [["（单位：万元、平方米）", None, None, None, None, None, None], [*FLAT, "教学仪器设备值"],
            *[[*r, 10] for r in ROWS]]
    with pytest.raises(InputError) as info:
        read_schools(sheet(tmp_path / "s.xlsx", rows))
    [p] = info.value.problems
    assert (p.row, p.column) == (None, "教学仪器设备值") and "教学仪器设备值 [万元]" in p.expected
    rows[1][6] = "教学仪器设备值 [万元]"  # said where it belongs: read and converted
    assert read_schools(sheet(tmp_path / "s.xlsx", rows))["equipment_value"].tolist() == [1e5] * 3
    rows[0][0] = "填报单位：东区教育局"  # not a unit note
    rows[1][6] = "教学仪器设备值"
    assert read_schools(sheet(tmp_path / "s.xlsx", rows))["equipment_value"].tolist() == [10.0] * 3


def test_no_header_row_says_what_was_looked_for(tmp_path):
    path = sheet(tmp_path / "s.xlsx", [[TITLE], ["学校名称", "人数"], *ROWS])
    p = only(path)
    assert (p.row, p.column, p.value) == (None, None, ["学校名称", "人数"])
    assert "line 2" in p.expected and "年份" in p.expected and "在校生数" in p.expected
    csv_path = tmp_path / "s.csv"
    csv_path.write_text("\n" * 25 + ",".join(FLAT) + "\n2016,东区,A,小学,1,1\n", encoding="utf-8")
    p = only(csv_path)
    assert p.value is None and "first 20 rows" in p.expected


OLD_HEADER = "year,county,school_id,level,students"
FULL_HEADER = OLD_HEADER + ",teaching_area"


def test_csv_second_header_line_above_the_header_is_a_problem_not_skipped_rows(tmp_path):
    text = (f"{OLD_HEADER}\n2016,东区,A,primary,10\n2016,东区,B,primary,20\n{FULL_HEADER}\n"
            "2016,东区,C,primary,30,5\n2016,东区,D,primary,40,5\n2016,东区,E,primary,50,5\n")
    err = csv_error(tmp_path / "s.csv", text)
    [p] = err.problems
    assert (p.row, p.column) == (None, None) and p.value == OLD_HEADER.split(",")
    assert "a second header line" in p.expected and "line 1" in p.expected and "line 4" in p.expected


def test_xlsx_second_header_line_above_the_header_is_a_problem(tmp_path):
    rows = [[TITLE], FLAT[:5], [2016, "东区", "A0", "小学", 10], FLAT, *map(list, ROWS)]
    [p] = problems(sheet(tmp_path / "s.xlsx", rows))
    assert p.value == FLAT[:5] and "a second header line" in p.expected and "line 2" in p.expected


def test_a_header_line_repeated_among_the_data_is_one_problem_for_its_row(tmp_path):
    text = f"{FULL_HEADER}\n2016,东区,C,primary,30,5\n{FULL_HEADER}\n2016,东区,D,primary,40,5\n"
    err = csv_error(tmp_path / "s.csv", text)
    [p] = err.problems
    assert (p.row, p.column) == (1, None) and p.value == FULL_HEADER.split(",") and "(line 3)" in str(err)
    assert "header" in p.expected
    # another table's header, in another order, below the first
    text = f"{FULL_HEADER}\n2016,东区,C,primary,30,5\ncounty,year,学校代码,学段,学生数\n东区,2016,D,小学,40\n"
    found = csv_error(tmp_path / "s.csv", text).problems
    assert [(p.row, p.column) for p in found][:1] == [(1, None)] and "header" in found[0].expected


def test_a_merged_three_row_header_is_one_header(tmp_path):
    rows = [
        ["年份", "县", "学校情况", None, None, "教学及辅助用房面积"],
        [None, None, "学校", None, "学段", None],
        [None, None, "代码", "名称", None, None],
        [2016, "东区", "A1", "一小", "小学", 3],
    ]
    rows[1][5] = None
    rows = [r + [None] for r in rows]
    rows[0][6] = "学生数"
    rows[3][6] = 400
    merges = ["A1:A3", "B1:B3", "C1:E1", "C2:D2", "E2:E3", "F1:F3", "G1:G3"]
    out = read_schools(sheet(tmp_path / "s.xlsx", rows, merges))
    assert out["school_id"].tolist() == ["A1"] and out["students"].tolist() == [400.0]


def test_spreadsheet_error_values_are_not_names(tmp_path):
    rows = [FLAT, [2016, "#N/A", "A1", "小学", 400, "#DIV/0!"], [2016, "东区", "#REF!", "小学", 300, 2000]]
    found = problems(sheet(tmp_path / "s.xlsx", rows))
    assert [(p.row, p.column, p.value) for p in found] == [(0, "县", "#N/A"), (0, "教学及辅助用房面积", "#DIV/0!"),
                                                           (1, "学校标识码", "#REF!")]


# --------------------------------------------------------------------------- workbook limits (issue 13)


def rewrite_part(path, name: str, edit) -> None:
    """Replace one part of an .xlsx with ``edit(its bytes)``, as another program would have written it."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = edit(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def stray_cell(path, dimension: bytes | None = None):
    """A header, one school and one cell at XFD1048576: 1.5 KB that pads to 17 billion cells."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(FLAT)
    wb.active.append(list(ROWS[0]))
    wb.active.cell(row=1_048_576, column=16_384, value="x")
    wb.save(path)
    if dimension is not None:
        rewrite_part(path, "xl/worksheets/sheet1.xml",
                     lambda x: re.sub(rb'<dimension ref="[^"]*"\s*/>', dimension, x))
    return path


def test_a_stray_cell_far_out_is_refused_by_the_sheets_dimension(tmp_path):
    from eduequity.read.files import XLSX_MAX_CELLS

    path = stray_cell(tmp_path / "s.xlsx")
    assert path.stat().st_size < 10_000
    [p] = problems(path)
    assert "A1:XFD1048576" in p.value and f"{XLSX_MAX_CELLS:,}" in p.expected and "'Sheet'" in p.expected


@pytest.mark.parametrize("dimension", [b'<dimension ref="A1:F2"/>', b""], ids=["lying", "absent"])
def test_a_stray_cell_is_refused_while_reading_when_the_dimension_lies(tmp_path, dimension):
    [p] = problems(stray_cell(tmp_path / "s.xlsx", dimension))
    assert "XFD1048576" in p.value and "cells" in p.expected


def test_a_dimension_smaller_than_the_data_loses_no_row_or_column(tmp_path):
    path = sheet(tmp_path / "s.xlsx", [FLAT, *map(list, ROWS)])
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C2"', x))
    out = read_schools(path)
    assert out["school_id"].tolist() == ["A1", "A2", "A3"] and out["teaching_area"].tolist() == [2000.0, 1800.0, 600.0]


def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    path = sheet(tmp_path / "s.xlsx", [FLAT, *map(list, ROWS)])
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda x: x + b" " * (40 * 2**20))  # 40 MiB from ~40 KB
    assert path.stat().st_size < 200_000
    [p] = problems(path)
    assert "xl/worksheets/sheet1.xml" in p.value and "zip bomb" in p.expected


def test_a_workbook_expanding_past_the_byte_limit_is_refused(tmp_path, monkeypatch):
    from eduequity.read import files

    path = sheet(tmp_path / "s.xlsx", [FLAT, *map(list, ROWS)])
    monkeypatch.setattr(files, "XLSX_MAX_BYTES", 10_000)
    [p] = problems(path)
    assert "bytes" in p.value and "at most 10,000 bytes" in p.expected


def test_merged_cells_count_toward_the_cell_limit(tmp_path, monkeypatch):
    from eduequity.read import files

    rows = [FLAT, *[[2016, "东区", f"S{i}", "小学", 10, 1] for i in range(30)]]
    path = sheet(tmp_path / "s.xlsx", rows, merges=["G2:ZZ31"])
    monkeypatch.setattr(files, "XLSX_MAX_CELLS", 10_000)
    [p] = problems(path)
    assert "cells" in p.expected and "10,000" in p.expected
    monkeypatch.setattr(files, "XLSX_MAX_CELLS", 100_000)
    assert len(read_schools(path)) == 30


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_merged_cells_are_found_whatever_the_chunks_the_sheet_is_read_in(chunk):
    import io

    from eduequity.read.files import _merge_refs

    xml = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
           b'<mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C2:C9"/></mergeCells></worksheet>')
    assert list(_merge_refs(io.BytesIO(xml), chunk)) == [b"A1:B1", b"C2:C9"]
    empty = b'<x:worksheet><x:sheetData/><x:mergeCells><x:mergeCell ref="A1:A2"/></x:mergeCells></x:worksheet>'
    assert list(_merge_refs(io.BytesIO(empty), chunk)) == [b"A1:A2"]


def test_parquet_round_trip(tmp_path):
    out = read_schools(frame(ownership=["公办", "民办", "公办"]))
    path = tmp_path / "s.parquet"
    out.to_parquet(path)
    back = read_schools(path)
    pd.testing.assert_frame_equal(back, out)
    raw = tmp_path / "raw.parquet"
    frame().to_parquet(raw)
    pd.testing.assert_frame_equal(read_schools(raw), read_schools(frame()))


# --------------------------------------------------------------------------- headers and units


def test_chinese_and_variant_headers():
    df = pd.DataFrame({
        "统计年度": [2015], " 所在县 ": ["米易县"], "学校标识码": ["A"], "学校类别": ["小学"], "在校学生数": [100],
        "体育运动场(馆)面积": [900], "教学仪器设备总值": [1e5], "学生用计算机台数": [10], "藏书册数": [3000],
        "多媒体教室数": [2], "专任教师": [8], "高于规定学历教师数": [7], "中级及以上职称教师数": [5],
        "骨干教师数": [1], "体育艺术专任教师数": [1], "校名": ["米易一小"], "学校类型": ["小学"],
        "举办性质": ["公办"], "主管部门级别": ["县级"], "城乡": ["镇区"], "行政区划代码": ["510421"],
        "Teaching and auxiliary floor area": [500],
    })
    out = read_schools(df)
    assert list(out.columns) == ["row"] + [c.name for c in COLUMNS]
    assert out.loc[0, "sponsor"] == "county" and out.loc[0, "county"] == "米易县"
    assert out.loc[0, "sports_area"] == 900.0 and out.loc[0, "teaching_area"] == 500.0


@pytest.mark.parametrize(("header", "factor"), [
    ("教学及辅助用房面积 [亩]", MU),
    ("教学及辅助用房面积（亩）", MU),
    ("教学及辅助用房面积(㎡)", 1.0),
    ("teaching_area [m²]", 1.0),
    ("teaching_area【平方米】", 1.0),
])
def test_area_unit_headers(header, factor):
    out = read_schools(frame(teaching_area=None).drop(columns="teaching_area").assign(**{header: [3, 1.5, 0]}))
    assert out["teaching_area"].tolist() == pytest.approx([3 * factor, 1.5 * factor, 0.0], rel=1e-12)


def test_money_unit_header():
    out = read_schools(frame(**{"equipment_value [万元]": [1.5, 2, None]}))
    assert out["equipment_value"].tolist()[:2] == [15000.0, 20000.0]


def test_cell_text_numbers_and_units():
    out = read_schools(frame(
        students=["1,234", "1，234", "１２３"],
        teaching_area=["450㎡", "450 m2", "3 亩"],
        **{"equipment_value [万元]": ["1.5", "20000 元", "2万元"]},
    ))
    assert out["students"].tolist() == [1234.0, 1234.0, 123.0]
    assert out["teaching_area"].tolist() == pytest.approx([450.0, 450.0, 3 * MU], rel=1e-12)
    assert out["equipment_value"].tolist() == pytest.approx([15000.0, 20000.0, 20000.0], rel=1e-12)


# --------------------------------------------------------------------------- bad input, class by class


def test_missing_key_columns():
    found = problems(frame().drop(columns=["year", "level", "students"]))
    assert [(p.row, p.column) for p in found] == [(None, "year"), (None, "level"), (None, "students")]
    assert "年份" in found[0].expected
    assert "students_primary" in found[1].expected


def test_unknown_column_names_the_closest():
    p = only(frame(teachrs=[1, 2, 3]))
    assert (p.row, p.column) == (None, "teachrs")
    assert "'teachers'" in p.expected
    p = only(frame(**{"专任教师人数": [1, 2, 3]}))
    assert "专任教师数" in p.expected and "teachers" in p.expected


def test_two_headers_for_one_column():
    found = problems(frame(**{"专任教师数": [1, 2, 3]}))
    assert sorted(p.column for p in found) == ["teachers", "专任教师数"]
    assert all(p.row is None and "one column for 'teachers'" in p.expected for p in found)


def test_header_units_wrong_dimension_and_unknown():
    found = problems(frame().drop(columns="teaching_area").assign(**{"books [m²]": 1, "teaching_area [foo]": 1}))
    assert [(p.column, p.value) for p in found] == [("books [m²]", "m2"), ("teaching_area [foo]", "foo")]
    assert "convertible to book" in found[0].expected
    assert "known unit of meter ** 2" in found[1].expected


def test_blank_key_cells():
    found = problems(frame(county=["东区", "  ", "西区"], school_id=["A", "B", None], year=[2015, None, 2016]))
    assert [(p.row, p.column, p.value) for p in found] == [(1, "year", None), (1, "county", "  "),
                                                           (2, "school_id", None)]
    assert all("required" in p.expected for p in found)


@pytest.mark.parametrize("bad", [2015.5, 1800, 2101, "二〇一五", "2015-2016"])
def test_year_not_an_integer_in_range(bad):
    p = only(frame(year=[2015, bad, 2016]))
    assert (p.row, p.column, p.value) == (1, "year", bad)
    assert "1949" in p.expected and "2100" in p.expected


def test_year_with_suffix_is_fine():
    assert read_schools(frame(year=["2015年", "2015", "2016"]))["year"].tolist() == [2015, 2015, 2016]


@pytest.mark.parametrize("bad", [-3, 0, 12.5, "many", "5 kg"])
def test_students_bad(bad):
    p = only(frame(students=[400, bad, 50]))
    assert (p.row, p.column, p.value) == (1, "students", bad)
    assert "positive whole number" in p.expected


def test_students_blank_on_a_section_row():
    p = only(frame(students=[400, None, 50]))
    assert (p.row, p.column, p.value) == (1, "students", None) and "required" in p.expected


def test_resource_not_a_number():
    found = problems(frame(teaching_area=["2000", "lots", "1,23"]))
    assert [(p.row, p.column, p.value) for p in found] == [(1, "teaching_area", "lots"),
                                                           (2, "teaching_area", "1,23")]
    assert all("a number in meter ** 2" in p.expected for p in found)


def test_resource_wrong_dimension_cell_unit():
    p = only(frame(teaching_area=["2000", "450 kg", "3 亩"]))
    assert (p.row, p.column, p.value) == (1, "teaching_area", "450 kg")
    assert "convertible to meter ** 2" in p.expected


def test_absurdly_large_numbers_are_refused_before_they_overflow():
    found = problems(frame(students=[400, 2_000_000, 1e300], teaching_area=[1e16, 2.0, 3.0]))
    assert [(p.row, p.column) for p in found] == [(0, "teaching_area"), (1, "students"), (2, "students")]
    assert "at most 1,000,000" in found[1].expected and "at most 1e+15" in found[0].expected
    assert read_schools(frame(students=[400, 1_000_000, 50]))["students"].tolist() == [400.0, 1e6, 50.0]


@pytest.mark.parametrize("unit", ["-", "/", "m/", "*", "(", "m ("])
def test_units_pint_cannot_tokenize_are_unknown_units_not_crashes(unit):
    p = only(frame().drop(columns="teaching_area").assign(**{f"teaching_area [{unit}]": 1.0}))
    assert (p.row, p.column) == (None, f"teaching_area [{unit}]") and "known" in p.expected
    p = only(frame(teaching_area=[1.0, f"5 {unit}", 2.0]))
    assert (p.row, p.value) == (1, f"5 {unit}")


def test_negative_resource():
    found = problems(frame(teaching_area=[-1.0, 2.0, 3.0], teachers=["-2", 1, np.inf]))
    assert [(p.row, p.column, p.value) for p in found] == [(0, "teaching_area", -1.0), (0, "teachers", "-2"),
                                                           (2, "teachers", math.inf)]
    assert all("≥ 0" in p.expected for p in found)


def test_duplicate_keys_report_every_row():
    df = frame(school_id=["A", "A", "A"], level=["primary", "小学", "primary"], year=[2015, 2015, 2015],
               county=["东区"] * 3)
    found = problems(df)
    assert [(p.row, p.column, p.value) for p in found] == [(0, "school_id", "A"), (1, "school_id", "A"),
                                                           (2, "school_id", "A")]
    assert "rows 1, 2" in found[0].expected and "rows 0, 1" in found[2].expected


def test_duplicate_keys_after_splitting_a_mixed_school():
    df = pd.DataFrame({
        "year": [2015, 2015], "county": ["东区", "东区"], "school_id": ["M", "M"],
        "level": [None, "junior"], "students": [None, 80],
        "students_primary": [100, None], "students_junior": [50, None],
        "school_type": ["nine_year", None],
    })
    found = problems(df)
    assert [(p.row, p.column) for p in found] == [(0, "school_id"), (1, "school_id")]
    assert found[0].expected.endswith("on row 1") and found[1].expected.endswith("on row 0")


def test_one_school_in_two_counties_in_one_year_names_every_row():
    df = frame(school_id=["A", "A", "A"], county=["东区", "西区", "东区"], year=[2015, 2015, 2015],
               level=["primary", "junior", "junior"])
    found = [p for p in problems(df) if p.column == "county"]
    assert [(p.row, p.value) for p in found] == [(0, "东区"), (1, "西区"), (2, "东区")]
    assert "'A'" in found[0].expected and "2015" in found[0].expected and found[0].expected.endswith("on row 1 (西区)")
    assert found[1].expected.endswith("on rows 0, 2 (东区)")


def test_a_school_may_move_county_from_one_year_to_the_next():
    out = read_schools(frame(school_id=["A", "A", "A"], county=["东区", "东区", "西区"], year=[2015, 2015, 2016]))
    assert out["county"].tolist() == ["东区", "东区", "西区"]


def test_one_county_per_school_holds_for_the_sections_of_a_mixed_school():
    df = pd.concat([whole(), frame(school_id=["M", "M", "S2"], county=["西区", "东区", "西区"], year=[2015] * 3,
                                   level=["primary", "primary", "junior"]).iloc[[0]]], ignore_index=True)
    found = problems(df)
    assert {(p.row, p.column) for p in found} >= {(0, "county"), (1, "county")}


def test_unknown_level():
    p = only(frame(level=["primary", "高中", "primary"]))
    assert (p.row, p.column, p.value) == (1, "level", "高中") and "primary or junior" in p.expected


@pytest.mark.parametrize(("column", "bad"), [("school_type", "大学"), ("ownership", "公私合营"), ("sponsor", "乡")])
def test_unknown_category_values(column, bad):
    p = only(frame(**{column: [None, bad, None]}))
    assert (p.row, p.column, p.value) == (1, column, bad)
    assert "or blank" in p.expected


@pytest.mark.parametrize("bad", ["12345", "2201020", "22010X"])
def test_county_code_not_six_digits(bad):
    p = only(frame(county_code=["220102", bad, None]))
    assert (p.row, p.column, p.value) == (1, "county_code", bad) and "6-digit" in p.expected


def test_empty_inputs(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert only(empty) == Problem(None, None, None, "a header line and at least one data row")
    header_only = tmp_path / "header.csv"
    header_only.write_text("year,county,school_id,level,students\n", encoding="utf-8")
    assert only(header_only).expected == "a header line and at least one data row"
    blank_rows = tmp_path / "blank.csv"
    blank_rows.write_text("year,county,school_id,level,students\n,,,,\n", encoding="utf-8")
    assert only(blank_rows).expected == "a header line and at least one data row"
    assert only(frame().iloc[:0]).expected == "a header line and at least one data row"
    assert only(pd.DataFrame()).expected == "a header line and at least one data row"


def test_unreadable_and_wrong_file_types(tmp_path):
    wrong = tmp_path / "schools.json"
    wrong.write_text("{}")
    with pytest.raises(InputError) as info:
        read_schools(wrong)
    assert info.value.source == str(wrong)
    assert info.value.problems[0].value == ".json" and ".csv, .xlsx or .parquet" in info.value.problems[0].expected
    for name, expected in (("bad.xlsx", "readable .xlsx"), ("bad.parquet", "readable .parquet")):
        path = tmp_path / name
        path.write_text("not really")
        assert expected in only(path).expected
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("year,county\n2015,东区,extra\n", encoding="utf-8")
    assert "readable CSV" in only(ragged).expected
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"year,county\n2015,\x81\x30\xff\xff\n")
    assert "UTF-8" in only(binary).expected
    with pytest.raises(FileNotFoundError):
        read_schools(tmp_path / "missing.csv")
    with pytest.raises(TypeError):
        read_schools(42)


def test_every_problem_at_once():
    df = frame(year=[2015, 1800, 2016], students=[0, 300, 50], teaching_area=[-1, 1, "x"],
               level=["primary", "junior", "大学"], bogus=[1, 2, 3]).drop(columns="county")
    with pytest.raises(InputError) as info:
        read_schools(df)
    err = info.value
    assert err.source == "DataFrame" and err.line_offset is None
    assert [(p.row, p.column) for p in err.problems] == [
        (None, "bogus"), (None, "county"),
        (0, "students"), (0, "teaching_area"),
        (1, "year"),
        (2, "level"), (2, "teaching_area"),
    ]


# --------------------------------------------------------------------------- cell types (issue 13)

NUMBER_COLUMNS = ("year", "students", "teaching_area")
TEXT_COLUMNS = ("county", "school_id", "level", "school_name", "school_type")


@pytest.mark.parametrize("column", NUMBER_COLUMNS + TEXT_COLUMNS)
@pytest.mark.parametrize(("cell", "what"), [
    (True, "a boolean"), (np.bool_(False), "a boolean"), (3 + 0j, "a complex number"),
    ([1], "a list"), ({"a": 1}, "a dict"), ({1}, "a set"), (b"ab", "bytes"), (bytearray(b"x"), "bytes"),
    (np.array([1, 2]), "a list"), (object(), "an object"), (np.timedelta64(5), "a duration"),
    (pd.Timestamp("2016-09-01"), "a date"),
])
def test_a_cell_that_is_neither_text_nor_a_number_is_a_problem(column, cell, what):
    df = frame(school_name=["一小", "一中", "二小"], school_type=["小学", "初中", "小学"]).astype({column: object})
    df.at[1, column] = cell
    p = only(df)
    want = "a number" if column in NUMBER_COLUMNS else "text"
    assert (p.row, p.column) == (1, column) and p.expected.startswith(f"{want}, not {what}"), p


@pytest.mark.parametrize("column", NUMBER_COLUMNS + ("county", "school_id", "level"))
@pytest.mark.parametrize("values", [
    np.array([True, False, True]), pd.array([True, None, False], dtype="boolean"),
    np.array([1 + 0j, 2 + 0j, 3 + 0j]), pd.Categorical([True, False, True]),
], ids=["bool", "boolean", "complex", "categorical-bool"])
def test_boolean_and_complex_columns_are_not_numbers(column, values):
    found = problems(frame(**{column: values}))
    assert {p.column for p in found} == {column}
    typed = [p.row for p in found if ", not a " in p.expected]
    assert typed == [i for i, v in enumerate(pd.Series(values).isna()) if not v]  # a blank cell stays blank


def test_xlsx_true_false_cells_are_not_numbers(tmp_path):
    path = sheet(tmp_path / "s.xlsx", [FLAT, [2016, "东区", "A1", "小学", True, 2000],
                                       [2016, "东区", "A2", "小学", 300, False], [2016, "东区", "A3", "小学", 1, 1]])
    found = problems(path)
    assert [(p.row, p.column, p.value) for p in found] == [(0, "学生数", True), (1, "教学及辅助用房面积", False)]
    assert all(p.expected.startswith("a number, not a boolean") for p in found)


def test_parquet_list_and_struct_columns_are_problems_not_crashes(tmp_path):
    path = tmp_path / "nested.parquet"
    frame(school_id=[["0123"], ["0123"], ["S2"]], teaching_area=[{"m2": 1.0}, {"m2": 2.0}, None]).to_parquet(path)
    found = problems(path)
    assert [(p.row, p.column) for p in found] == [(0, "school_id"), (0, "teaching_area"), (1, "school_id"),
                                                  (1, "teaching_area"), (2, "school_id")]


def test_a_row_holding_only_a_foreign_cell_is_not_dropped_as_blank():
    df = pd.DataFrame({"year": [2016, None], "county": ["东区", None], "school_id": ["A", None],
                       "level": ["primary", None], "students": [10, None], "school_name": [None, [1]]})
    found = problems(df)
    assert {p.row for p in found} == {1} and (1, "school_name", [1]) in [(p.row, p.column, p.value) for p in found]


def test_numeric_ids_read_as_written_whatever_else_the_column_holds():
    out = read_schools(frame(school_id=[3101.0, 3102.0, 3103.5], county=["东区", "西区", "南区"]))
    assert out["school_id"].tolist() == ["3101", "3102", "3103.5"]
    out = read_schools(frame(school_id=[1e20, 2.0, 3.0], county=["东区", "西区", "南区"]))
    assert out["school_id"].tolist() == ["100000000000000000000", "2", "3"]


@pytest.mark.parametrize("column", ["year", "students", "teaching_area"])
def test_an_integer_too_large_for_a_float_is_a_problem_not_a_crash(column):
    df = frame().astype({column: object})
    df.at[1, column] = -10**400 if column == "teaching_area" else 10**400
    p = only(df)
    assert (p.row, p.column, p.value) == (1, column, df.at[1, column])


def test_a_signalling_nan_in_a_column_not_read_is_not_a_crash():
    from decimal import Decimal

    for extra in ("备注", "", "teachers_senior", "unknown column"):
        df = frame(**{extra: [Decimal("sNaN"), None, 1]})
        if extra == "teachers_senior":
            df = pd.concat([df, whole(students_senior=[100], teachers_senior=[Decimal("sNaN")])], ignore_index=True)
        try:
            read_schools(df)
        except InputError as exc:
            assert all(p.row is None or p.row < len(df) for p in exc.problems)


@pytest.mark.parametrize("column", ["year", "county", "school_id", "students", "teaching_area"])
def test_a_signalling_nan_is_a_problem_not_a_crash(column):
    from decimal import Decimal

    df = frame().astype({column: object})
    df.at[1, column] = Decimal("sNaN")
    p = only(df)
    assert (p.row, p.column) == (1, column) and "signalling NaN" in p.expected


# --------------------------------------------------------------------------- mixed schools


def whole(**overrides) -> pd.DataFrame:
    data = {
        "year": [2015], "county": ["东区"], "school_id": ["M"], "level": [None], "students": [None],
        "school_type": ["nine_year"], "students_primary": [600], "students_junior": [300],
        "teaching_area": [5000.0], "books": [30000], "teachers_primary": [30], "teachers_junior": [25],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_nine_year_split_exact_numbers():
    out = read_schools(whole())
    share = 600 / (600 + 1.1 * 300)
    assert out["level"].tolist() == ["primary", "junior"]
    assert out["row"].tolist() == [0, 0]
    assert out["students"].tolist() == [600.0, 300.0]
    assert out["teaching_area"].tolist() == [5000.0 * share, 5000.0 * (1.1 * 300) / (600 + 1.1 * 300)]
    assert out["books"].tolist() == [30000 * share, 30000 * 330 / 930]
    assert out["teachers"].tolist() == [30.0, 25.0]
    assert "students_primary" not in out.columns and "teachers_primary" not in out.columns


def test_complete_secondary_emits_only_junior():
    out = read_schools(whole(school_type=["完全中学"], students_primary=[None], students_junior=[500],
                             students_senior=[400], teachers_primary=[None]))
    assert out["level"].tolist() == ["junior"]
    assert out["teaching_area"].tolist() == [5000.0 * 500 / (500 + 1.2 * 400)]
    assert out["teachers"].tolist() == [25.0]


def test_twelve_year_emits_primary_and_junior():
    out = read_schools(whole(school_type=["十二年一贯制学校"], students_senior=[200]))
    denom = 600 + 1.1 * 300 + 1.32 * 200
    assert out["level"].tolist() == ["primary", "junior"]
    assert out["teaching_area"].tolist() == pytest.approx([5000 * 600 / denom, 5000 * 330 / denom], rel=1e-15)


def test_a_section_without_students_is_not_emitted():
    out = read_schools(whole(students_junior=[0]))
    assert out["level"].tolist() == ["primary"] and out["teaching_area"].tolist() == [5000.0]


def test_mixed_rows_and_section_rows_in_one_frame_keep_input_order():
    df = pd.concat([frame(), whole(), frame(year=[2017] * 3)], ignore_index=True)
    out = read_schools(df)
    assert out["row"].tolist() == [0, 1, 2, 3, 3, 4, 5, 6]
    assert out["school_id"].tolist() == ["0123", "0123", "S2", "M", "M", "0123", "0123", "S2"]
    assert out["teachers"].tolist() == [25.0, 22.0, 4.0, 30.0, 25.0, 25.0, 22.0, 4.0]


def test_whole_school_row_without_compulsory_students():
    p = only(whole(school_type=["complete_secondary"], students_primary=[None], students_junior=[0],
                   students_senior=[300], teachers_primary=[None]))
    assert (p.row, p.column) == (0, "students_primary") and "primary or junior" in p.expected


def test_whole_school_row_problems():
    found = problems(whole(school_type=["primary_school"], students_junior=[-4], teachers=[9]))
    assert [(p.row, p.column, p.value) for p in found] == [
        (0, "school_type", "primary_school"), (0, "students_junior", -4), (0, "teachers", 9)]
    assert "nine_year" in found[0].expected
    assert "teachers_primary" in found[2].expected
    found = problems(whole(students_senior=[100]))
    assert [(p.row, p.column, p.value) for p in found] == [(0, "students_senior", 100)]
    assert "nine_year school has no senior section" in found[0].expected
    p = only(whole().drop(columns="school_type"))
    assert (p.row, p.column) == (None, "school_type")


def test_whole_school_columns_on_a_section_row():
    found = problems(frame(students_primary=[None, 10, None], teachers_primary=[1, None, None],
                           school_type=[None, None, None]))
    assert [(p.row, p.column) for p in found] == [(0, "teachers_primary"), (1, "students_primary")]


def test_per_section_people_need_whole_school_students():
    p = only(frame(teachers_primary=[1, 2, 3]))
    assert (p.row, p.column) == (None, "teachers_primary")


def test_chinese_whole_school_headers():
    df = whole().rename(columns={"students_primary": "小学在校生数", "students_junior": "初中在校生数",
                                 "teachers_primary": "小学专任教师数", "teachers_junior": "初中专任教师数"})
    pd.testing.assert_frame_equal(read_schools(df), read_schools(whole()))


def test_weights_override():
    out = read_schools(whole(), weights={"nine_year": (1.0, 1.0, None)})
    assert out["teaching_area"].tolist() == pytest.approx([5000 * 600 / 900, 5000 * 300 / 900], rel=1e-15)
    # others keep the national defaults
    out = read_schools(whole(school_type=["twelve_year"]), weights={"nine_year": (1.0, 1.0, None)})
    assert out["teaching_area"][0] == pytest.approx(5000 * 600 / (600 + 1.1 * 300), rel=1e-15)
    with pytest.raises(ValueError):
        read_schools(whole(), weights={"nine_year": (1.0, -1.0, None)})
    with pytest.raises(ValueError):
        read_schools(whole(), weights={"university": (1.0, 1.0, None)})
    with pytest.raises(ValueError):
        read_schools(whole(), weights={"nine_year": (1.0, 1.1)})


def test_default_weights_carry_their_source():
    w = split.national_weights()["nine_year"]
    assert w.as_tuple() == (1.0, 1.1, None)
    assert "教督〔2012〕3号" in w.source and w.confidence == "V3"
    assert split.national_weights()["complete_secondary"].as_tuple() == (None, 1.0, 1.2)
    assert split.national_weights()["twelve_year"].as_tuple() == (1.0, 1.1, 1.32)


def test_the_national_weights_are_data_of_the_national_plugin_each_with_its_source():
    import eduequity.national

    weights = split.national_weights()
    assert weights is split.national_weights()  # read once
    assert weights == split.load_weights(eduequity.national.SECTION_WEIGHTS)
    assert set(weights) == {"nine_year", "complete_secondary", "twelve_year"}
    for w in weights.values():
        ref = w.reference
        assert ref.document == "教督〔2012〕3号" and ref.clause and ref.confidence == "V3"
        assert "not confirmed" in ref.note and "weights=" in ref.note
        assert w.source.startswith("教督〔2012〕3号 《县域义务教育均衡发展督导评估暂行办法》, ")


def test_a_province_gives_its_own_weights_from_its_own_file(tmp_path):
    path = tmp_path / "weights.toml"
    path.write_text('[nine_year]\nprimary = 1\njunior = 1.2\n[nine_year.source]\ndocument = "某教发〔2013〕1号"\n'
                    'clause = "第五条"\nconfidence = "V"\n', encoding="utf-8")
    own = split.load_weights(path)
    assert own["nine_year"].as_tuple() == (1.0, 1.2, None) and own["nine_year"].source == "某教发〔2013〕1号, 第五条"
    out = read_schools(whole(), weights=own)
    assert out["teaching_area"][0] == pytest.approx(5000 * 600 / (600 + 1.2 * 300), rel=1e-15)


@pytest.mark.parametrize("loader, text, said", [
    ("load_weights", '[university]\nprimary = 1\njunior = 1\n[university.source]\ndocument = "x"\n', "unknown school type"),
    ("load_weights", '[nine_year]\nprimary = 1\njunior = 1\n', "source"),
    ("load_weights", '[nine_year]\nprimary = 1\njunior = 1\nextra = 2\n[nine_year.source]\ndocument = "x"\n', "'extra'"),
    ("load_weights", '[nine_year]\nprimary = true\njunior = 1\n[nine_year.source]\ndocument = "x"\n', "a number"),
    ("load_weights", '[nine_year]\nprimary = 1\njunior = -1\n[nine_year.source]\ndocument = "x"\n', "positive"),
    ("load_weights", '[nine_year]\nprimary = 1\njunior = 1\n[nine_year.source]\ndocument = "x"\nconfidence = "sure"\n',
     "confidence"),
    ("load_weights", '[nine_year\n', "not TOML"),
    ("load_split", '[[split]]\ncolumns = ["teachers"]\n[split.source]\ndocument = "x"\n', "people"),
    ("load_split", '[[split]]\ncolumns = ["books"]\n', "source"),
    ("load_split", '[[split]]\ncolumns = ["books"]\n[split.source]\ndocument = "x"\n'
     '[[split]]\ncolumns = ["books"]\n[split.source]\ndocument = "y"\n', "twice"),
    ("load_split", '[split]\ncolumns = ["books"]\n', "[[split]]"),
])
def test_a_bad_weights_or_split_file_is_refused_naming_the_table(tmp_path, loader, text, said):
    path = tmp_path / "weights.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="weights.toml") as exc:
        getattr(split, loader)(path)
    assert said in str(exc.value)


FIVE = ("teaching_area", "sports_area", "equipment_value", "computers", "books")


def test_the_split_columns_are_data_of_the_national_plugin_each_with_its_source():
    import eduequity.national
    from eduequity.core.columns import RESOURCES

    shared = split.national_split()
    assert shared is split.national_split() and dict(shared) == split.load_split(eduequity.national.SECTION_WEIGHTS)
    assert split.SPLIT == (*FIVE, "multimedia_classrooms")  # one place: the data file
    assert split.PEOPLE == tuple(r for r in RESOURCES if r not in split.SPLIT)
    assert all(shared[c].document == "教督〔2012〕3号" and shared[c].confidence == "V3" for c in FIVE)
    ours = shared["multimedia_classrooms"]  # eduequity's reading: the 2012 rule names five
    assert ours.confidence == "R" and "eduequity's reading" in ours.note and "split=" in ours.note
    assert split.load_weights(eduequity.national.SECTION_WEIGHTS).keys() == split.national_weights().keys()


def test_split_names_the_columns_a_whole_school_row_shares_out():
    df = whole(multimedia_classrooms=[20.0])
    share = 600 / (600 + 1.1 * 300)
    assert read_schools(df)["multimedia_classrooms"].tolist() == pytest.approx([20 * share, 20 * (1 - share)])
    per_section = whole(multimedia_classrooms_primary=[12], multimedia_classrooms_junior=[9])
    out = read_schools(per_section, split=FIVE)  # multimedia rooms as the sections report them
    assert out["multimedia_classrooms"].tolist() == [12.0, 9.0]
    assert out["teaching_area"].tolist() == read_schools(whole())["teaching_area"].tolist()
    p = only(df, split=FIVE)  # not split, so not one value for the whole school
    assert (p.row, p.column) == (0, "multimedia_classrooms") and "multimedia_classrooms_primary" in p.expected
    found = problems(per_section)  # split by default, so not per section
    assert [p.column for p in found] == ["multimedia_classrooms_primary", "multimedia_classrooms_junior"]
    assert "split=" in found[0].expected
    with pytest.raises(ValueError, match="people"):
        read_schools(whole(), split=[*FIVE, "teachers"])
    with pytest.raises(ValueError, match="not a resource"):
        read_schools(whole(), split=["students"])
    with pytest.raises(TypeError):
        read_schools(whole(), split="books")




# --------------------------------------------------------------------------- properties

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def section_frames(draw, min_size=1, max_size=12):
    keys = draw(st.lists(st.tuples(st.integers(2010, 2012), st.sampled_from(["A", "B", "0C", "D"]),
                                   st.sampled_from(["primary", "junior"])),
                         min_size=min_size, max_size=max_size, unique=True))
    size = len(keys)
    floats = st.one_of(st.none(), st.floats(0, 1e7, allow_nan=False))
    county = draw(st.fixed_dictionaries({s: st.sampled_from(["东区", "西区", "仁和区"]) for s in ["A", "B", "0C", "D"]}))
    return pd.DataFrame({
        "year": [k[0] for k in keys],
        "county": [county[k[1]] for k in keys],  # one county per school
        "school_id": [k[1] for k in keys],
        "level": [k[2] for k in keys],
        "students": draw(st.lists(st.integers(1, 5000), min_size=size, max_size=size)),
        "teaching_area": draw(st.lists(floats, min_size=size, max_size=size)),
        "teachers": draw(st.lists(st.integers(0, 300), min_size=size, max_size=size)),
    })


@FAST
@given(data=st.data())
def test_permuting_rows_permutes_the_frame(data):
    df = data.draw(section_frames())
    perm = np.array(data.draw(st.permutations(range(len(df)))))
    out = read_schools(df)
    shuffled = read_schools(df.iloc[perm].reset_index(drop=True))
    shuffled["row"] = perm[shuffled["row"].to_numpy()]
    key = ["year", "school_id", "level"]
    pd.testing.assert_frame_equal(shuffled.sort_values(key).reset_index(drop=True),
                                  out.sort_values(key).reset_index(drop=True))


@FAST
@given(df=section_frames())
def test_canonical_frames_are_fixed_points(df):
    once = read_schools(df)
    pd.testing.assert_frame_equal(read_schools(once), once)


@FAST
@given(
    rows=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 3000),
                            st.floats(0, 1e9, allow_nan=False), st.floats(0, 1e6, allow_nan=False)),
                  min_size=1, max_size=20).filter(lambda rs: all(a + b > 0 for a, b, _, _ in rs)),
)
def test_nine_year_split_preserves_totals(rows):
    df = pd.DataFrame({
        "year": 2015, "county": "东区", "school_id": [f"M{i}" for i in range(len(rows))],
        "school_type": "nine_year",
        "students_primary": [r[0] for r in rows], "students_junior": [r[1] for r in rows],
        "equipment_value": [r[2] for r in rows], "teaching_area": [r[3] for r in rows],
    })
    out = read_schools(df)
    assert len(out) == sum((a > 0) + (b > 0) for a, b, _, _ in rows)
    sums = out.groupby("row")[["equipment_value", "teaching_area"]].sum()
    for i, (_, _, money, area) in enumerate(rows):
        assert sums.loc[i, "equipment_value"] == pytest.approx(money, rel=1e-9, abs=0)
        assert sums.loc[i, "teaching_area"] == pytest.approx(area, rel=1e-9, abs=0)
    students = out.groupby("row")["students"].sum()
    assert students.tolist() == [float(a + b) for a, b, _, _ in rows]


# --------------------------------------------------------------------------- bureau sheets

_BUREAU_HEADER = "年份,县（市、区）,学校标识码,学段,在校生数,教学仪器设备值,教学及辅助用房面积 [㎡]\n"
_BUREAU_ROWS = "2015,东区,A1,小学,400,12.5,2000\n2015,东区,A2,初中,300,8,1800\n"


def test_a_units_row_signature_and_notes_are_not_data_and_the_units_apply(tmp_path):
    path = tmp_path / "bureau.csv"
    path.write_text(_BUREAU_HEADER + "单位,,,,人,万元,㎡\n" + _BUREAU_ROWS
                    + ",,,,,,\n填表人：张三,审核人：李四,,,,,\n注：数据截至12月31日,,,,,,\n说明：民办学校未列入,,,,,,\n",
                    encoding="utf-8")
    out = read_schools(path)
    assert list(out["school_id"]) == ["A1", "A2"]
    assert list(out["equipment_value"]) == [125000.0, 80000.0]  # 万元 from the units row
    assert list(out["teaching_area"]) == [2000.0, 1800.0]
    book = tmp_path / "bureau.xlsx"
    pd.read_csv(path, dtype=str, header=None, keep_default_na=False).to_excel(book, header=False, index=False)
    pd.testing.assert_frame_equal(read_schools(book).drop(columns="row"), out.drop(columns="row"))


def test_after_a_units_row_problems_still_name_the_line(tmp_path):
    err = csv_error(tmp_path / "b.csv", _BUREAU_HEADER + "单位,,,,人,万元,㎡\n2015,东区,A1,小学,-4,12.5,2000\n")
    assert [(p.row, p.column) for p in err.problems] == [(0, "在校生数")] and "(line 3)" in str(err)


def test_a_units_row_contradicting_a_header_unit_is_an_error(tmp_path):
    err = csv_error(tmp_path / "b.csv", _BUREAU_HEADER + ",,,,,万元,亩\n" + _BUREAU_ROWS)
    [p] = err.problems
    assert p.column == "教学及辅助用房面积 [㎡]" and p.value == "亩" and "the header says 'm2'" in p.expected


def test_a_row_with_a_school_id_and_numbers_is_data_whatever_is_around_it(tmp_path):
    # a signature row above a real school: the school is read, so the signature row is reported, not skipped
    err = csv_error(tmp_path / "b.csv", _BUREAU_HEADER + _BUREAU_ROWS + "填表人：张三,,,,,,\n2015,东区,A3,小学,200,3,900\n")
    assert {p.row for p in err.problems} == {2}
    # a "note" holding numbers is data too, and its bad cells are named
    err = csv_error(tmp_path / "c.csv", _BUREAU_HEADER + _BUREAU_ROWS + "注：,东区,A3,小学,200,3,900\n")
    assert [(p.row, p.column, p.value) for p in err.problems] == [(2, "年份", "注：")]
    # a first row with a number in it is not a units row
    err = csv_error(tmp_path / "d.csv", _BUREAU_HEADER + "单位,,,,人,10,㎡\n" + _BUREAU_ROWS)
    assert {p.row for p in err.problems} == {0}


def test_the_demo_frames_carry_their_units():
    """demo.schools() is canonical (m², yuan); the bureau-style frames say 亩 and 万元 in their headers.
    Read either way, the school has the same area and equipment, up to the bureau's rounding."""
    import eduequity as ee
    from eduequity import demo

    raw = demo.schools({"东区": 0.2, "西区": 0.5}, range(2015, 2017), seed=7)
    canonical = ee.read_schools(raw).set_index(["year", "school_id", "level"]).sort_index()
    bureau = ee.read_schools(demo.in_bureau_units(raw).rename(columns=demo.HEADERS))
    bureau = bureau.set_index(["year", "school_id", "level"]).sort_index()
    per_student = canonical["sports_area"] / canonical["students"]
    assert per_student.between(1, 60).all()  # m² per student (in 亩 it would be about 0.01)
    np.testing.assert_allclose(bureau["sports_area"], canonical["sports_area"], atol=0.5e-3 * 10000 / 15)
    np.testing.assert_allclose(bureau["equipment_value"], canonical["equipment_value"], atol=0.5e-4 * 10000)
    assert "sports_area [亩]" not in raw.columns and demo.HEADERS["sports_area"].endswith("[亩]")
