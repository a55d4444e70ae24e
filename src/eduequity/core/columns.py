"""The input vocabulary: every column eduequity reads, its Chinese headers and its unit.

One table serves header matching, unit conversion and the labels of reports, so
a column is described once. Which resources a mixed school splits between its
sections is data of the national plugin (``national/data/section-weights.toml``,
read by ``eduequity.read.split``), each list with its source.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs


@attrs.frozen
class Column:
    """One column of the canonical school-section frame.

    ``unit`` is the canonical unit values are stored in (``None`` for text).
    Which resources a mixed school shares out between its sections, and which
    (people) it reports per section as ``<name>_primary`` / ``<name>_junior``, is
    ``eduequity.read.split.SPLIT`` / ``PEOPLE``, from the national data. ``part_of`` names the
    column a count is part of (teachers above the degree are teachers too), so what a
    remedy adds to it is added to that column as well.
    """

    name: str
    zh: str
    en: str
    role: str  # "key", "resource" or "optional"
    unit: str | None = None
    aliases: tuple[str, ...] = ()
    part_of: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("year", "年份", "Year", "key", aliases=("年度", "统计年度", "统计年份", "学年")),
    Column("county", "县（市、区）", "County", "key",
           aliases=("县", "县区", "县（市、区）", "县(市、区)", "所在县", "县市区", "区县", "县名")),
    Column("county_code", "县级行政区划代码", "County code", "optional",
           aliases=("行政区划代码", "县代码", "区划代码")),
    Column("school_id", "学校标识码", "School id", "key", aliases=("学校代码", "学校标识码", "学校编号")),
    Column("level", "学段", "Level", "key", aliases=("学校类别", "学段")),
    Column("students", "在校生数", "Students", "key", "student",
           aliases=("学生数", "在校生数", "在校学生数", "学生人数")),
    Column("teaching_area", "教学及辅助用房面积", "Teaching and auxiliary floor area", "resource",
           "meter ** 2", aliases=("教学及辅助用房面积", "教学辅助用房面积")),
    Column("sports_area", "体育运动场馆面积", "Sports ground and hall area", "resource",
           "meter ** 2", aliases=("体育运动场馆面积", "体育运动场（馆）面积", "体育场馆面积")),
    Column("equipment_value", "教学仪器设备值", "Teaching equipment value", "resource",
           "yuan", aliases=("教学仪器设备值", "教学仪器设备总值")),
    Column("computers", "计算机台数", "Computers", "resource", "computer",
           aliases=("计算机台数", "计算机数", "学生用计算机台数")),
    Column("books", "图书册数", "Books", "resource", "book", aliases=("图书册数", "图书藏量", "藏书册数")),
    Column("multimedia_classrooms", "网络多媒体教室数", "Networked multimedia classrooms", "resource",
           "room", aliases=("网络多媒体教室数", "多媒体教室数")),
    Column("teachers", "专任教师数", "Full-time teachers", "resource", "teacher",
           aliases=("专任教师数", "专任教师")),
    Column("teachers_above_degree", "高于规定学历教师数", "Teachers above the required degree", "resource",
           "teacher", aliases=("高于规定学历教师数",), part_of="teachers"),
    Column("teachers_mid_senior_title", "中级及以上专业技术职务教师数",
           "Teachers with intermediate or senior titles", "resource", "teacher",
           aliases=("中级及以上专业技术职务教师数", "中级及以上职称教师数"), part_of="teachers"),
    Column("backbone_teachers", "县级及以上骨干教师数", "County-level or higher backbone teachers", "resource",
           "teacher", aliases=("县级及以上骨干教师数", "骨干教师数"), part_of="teachers"),
    Column("pe_art_teachers", "体育、艺术（美术、音乐）专任教师数", "PE and art (fine art, music) teachers",
           "resource", "teacher",
           aliases=("体育、艺术（美术、音乐）专任教师数", "体育艺术专任教师数", "体育、艺术专任教师数"),
           part_of="teachers"),
    Column("school_name", "学校名称", "School name", "optional", aliases=("学校名称", "校名")),
    Column("school_type", "办学类型", "School type", "optional", aliases=("办学类型", "学校类型")),
    Column("ownership", "办学性质", "Ownership", "optional", aliases=("办学性质", "举办性质")),
    Column("sponsor", "举办者", "Sponsor", "optional", aliases=("举办者", "主管部门级别")),
    Column("urban_rural", "城乡分类", "Urban or rural", "optional", aliases=("城乡分类", "城乡")),
)

BY_NAME: MappingProxyType = MappingProxyType({c.name: c for c in COLUMNS})
RESOURCES: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.role == "resource")

#: Canonical units as a Chinese report prints them beside an amount.
UNIT_ZH = MappingProxyType({"meter ** 2": "㎡", "yuan": "元", "teacher": "人", "room": "间", "computer": "台",
                            "book": "册", "student": "人"})

LEVELS: tuple[str, ...] = ("primary", "junior")
#: Kinds of recognition (国家认定 of basic or quality balance, a province's preliminary or own).
RECOGNITION_KINDS: tuple[str, ...] = ("basic-balance", "quality-balance", "preliminary", "provincial")

#: Sections of a school by their Chinese names; primary and junior are the compulsory levels.
SECTION_ZH: MappingProxyType = MappingProxyType({"primary": "小学", "junior": "初中", "senior": "高中"})
LEVEL_ZH: MappingProxyType = MappingProxyType({lv: SECTION_ZH[lv] for lv in LEVELS})
LEVEL_ALIASES = MappingProxyType({
    "primary": "primary", "小学": "primary", "junior": "junior", "初中": "junior", "初级中学": "junior",
})

SCHOOL_TYPES: tuple[str, ...] = (
    "primary_school", "junior_school", "nine_year", "twelve_year", "complete_secondary",
    "teaching_point", "special", "vocational",
)
SCHOOL_TYPE_ALIASES = MappingProxyType({
    **{t: t for t in SCHOOL_TYPES},
    "小学": "primary_school", "初中": "junior_school", "初级中学": "junior_school",
    "九年一贯制学校": "nine_year", "九年一贯制": "nine_year",
    "十二年一贯制学校": "twelve_year", "十二年一贯制": "twelve_year",
    "完全中学": "complete_secondary", "教学点": "teaching_point", "小学教学点": "teaching_point",
    "特殊教育学校": "special", "特教学校": "special",
    "职业学校": "vocational", "中等职业学校": "vocational", "职业中学": "vocational",
})
OWNERSHIP_ALIASES = MappingProxyType({"public": "public", "private": "private", "公办": "public", "民办": "private"})
SPONSOR_ALIASES = MappingProxyType({
    "county": "county", "city": "city", "province": "province",
    "县": "county", "县级": "county", "区": "county", "市": "city", "地市": "city", "市级": "city",
    "省": "province", "省级": "province",
})

#: Bookkeeping headers of bureau spreadsheets that carry nothing eduequity reads; they
#: are skipped. Any other unknown header is an error naming the closest known column,
#: so a misspelt resource header cannot pass unnoticed.
IGNORED_HEADERS: frozenset[str] = frozenset({"序号", "备注", "说明", "填表人", "联系电话", "No.", "no", "remarks"})
