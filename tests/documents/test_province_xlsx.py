"""The province summary workbook: every unit's sheet behind an all-units sheet, reported lists only."""
import time
from datetime import date

import pytest

from tests.documents.summary_data import (ENTERPRISE_LINKS, HEADERS, NOTES, UNIT, WORKSHOP_LINKS, load, make_row,
                                          merged, row_values, unit_sheet)
from webapp.documents.summary_xlsx import UnitSummary, build_province_workbook, links_text


# --- the province workbook --------------------------------------------------------------------------

ZHUZHOU = UnitSummary(2024, "株洲市工业和信息化局", date(2024, 5, 9), [
    make_row(1, company_name="株洲示例轨道交通装备有限公司", county="株洲市石峰区"),
    make_row(2, company_name="株洲示例硬质合金有限公司", county="荷塘区", app_type_label="标杆车间",
             workshop_name="数控刀片智能车间", links=WORKSHOP_LINKS)])
EMPTY_UNIT = UnitSummary(2024, "张家界市工业和信息化局", None, [])


def test_province_workbook_sheets():
    workbook = load(build_province_workbook(2024, [UNIT, ZHUZHOU, EMPTY_UNIT]))
    assert workbook.sheetnames == ["全省汇总", "长沙市", "株洲市", "张家界市"]


def test_province_overview_sheet():
    sheet = load(build_province_workbook(2024, [UNIT, ZHUZHOU, EMPTY_UNIT]))["全省汇总"]
    assert sheet["A1"].value == "2024年湖南省智能制造标杆推荐汇总表"
    assert row_values(sheet, 3, 11) == ["序号", "推荐单位"] + HEADERS[1:]
    assert "A1:K1" in merged(sheet)
    expected = [(UNIT.unit_name, row) for row in UNIT.rows] + [(ZHUZHOU.unit_name, row) for row in ZHUZHOU.rows]
    for number, (unit_name, row) in enumerate(expected, start=1):
        values = row_values(sheet, 3 + number, 11)
        assert values[:3] == [number, unit_name, row.company_name]       # running 序号 across units
        assert values[8] == links_text(row.links) and values[10] == row.contact_phone
    last = 3 + len(expected)
    assert [sheet.cell(last + n, 1).value for n in (1, 2, 3)] == NOTES
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.orientation == "landscape"
    assert sheet.freeze_panes == "A4"
    assert all(sheet.column_dimensions[letter].width > 0 for letter in "ABCDEFGHIJK")


def test_province_unit_sheets_match_the_unit_workbook():
    workbook = load(build_province_workbook(2024, [UNIT, ZHUZHOU]))
    for summary, name in ((UNIT, "长沙市"), (ZHUZHOU, "株洲市")):
        expected = unit_sheet(summary)
        sheet = workbook[name]
        assert [[c.value for c in row] for row in sheet.iter_rows()] == \
               [[c.value for c in row] for row in expected.iter_rows()]
        assert merged(sheet) == merged(expected)
        assert sheet.print_title_rows == "$3:$3"
        assert int(sheet.page_setup.fitToWidth) == 1


def test_province_sheet_names_are_valid_and_unique():
    odd = [UnitSummary(2024, name, None, [make_row(1)]) for name in (
        "长沙市工业和信息化局", "长沙市工业和信息化局", "长沙市", "a/b:c*d?[e]\\工业和信息化局",
        "湘西土家族苗族自治州工业和信息化局", "非常长的推荐单位名称" * 5, "全省汇总", "", "'History'")]
    workbook = load(build_province_workbook(2024, odd))
    names = workbook.sheetnames
    assert len(names) == len(odd) + 1
    assert len({name.casefold() for name in names}) == len(names)
    for name in names:
        assert 1 <= len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
        assert name.casefold() != "history"
    assert names[1:3] == ["长沙市", "长沙市(2)"]
    assert "湘西土家族苗族自治州" in names


def test_province_workbook_refuses_another_year():
    with pytest.raises(ValueError):
        build_province_workbook(2025, [UNIT])


def test_province_workbook_without_units():
    workbook = load(build_province_workbook(2024, []))
    assert workbook.sheetnames == ["全省汇总"]
    assert row_values(workbook["全省汇总"], 3, 11)[1] == "推荐单位"


def test_province_workbook_for_1000_rows_is_fast():
    long_links = ENTERPRISE_LINKS + [("仓储物流", ["智能仓储", "精准配送"]), ("设备管理", ["在线运行监测"]),
                                     ("能源管理", ["能耗数据监测"]), ("计划调度", ["车间智能排产"]),
                                     ("安全管控", ["危险作业自动化"])]
    sizes = [71] * 12 + [74] * 2                            # 14 units, 1,000 rows
    units = [UnitSummary(2024, f"第{n}市工业和信息化局", date(2024, 5, 8),
                         [make_row(i, links=long_links) for i in range(1, size + 1)])
             for n, size in enumerate(sizes)]
    assert sum(len(unit.rows) for unit in units) == 1000
    start = time.perf_counter()
    data = build_province_workbook(2024, units)
    elapsed = time.perf_counter() - start
    print(f"province workbook, {sum(len(u.rows) for u in units)} rows: {elapsed:.2f} s, {len(data)} bytes")
    assert elapsed < 5
    workbook = load(data)
    assert len(workbook.sheetnames) == 15
    assert workbook["全省汇总"].max_row == 3 + sum(len(unit.rows) for unit in units) + 3


def test_the_province_counts_reported_lists_only():
    unreported = UnitSummary(2024, "湘西土家族苗族自治州工业和信息化局", unreported=True)
    workbook = load(build_province_workbook(2024, [UNIT, unreported, ZHUZHOU, EMPTY_UNIT]))
    overview = workbook["全省汇总"]
    assert overview["A2"].value == ("推荐单位：全省4个推荐单位，已报送3个，共推荐5项（标杆企业3项，标杆车间2项）；"
                                    "未报送：湘西土家族苗族自治州")
    assert [overview.cell(row, 2).value for row in range(4, 9)] == [UNIT.unit_name] * 3 + [ZHUZHOU.unit_name] * 2
    sheet = workbook["湘西土家族苗族自治州"]
    assert sheet["H2"].value == "未报送" and sheet["A4"].value is None and sheet["A4"].border.top.style == "thin"
    assert workbook["张家界市"]["H2"].value == "填报日期：    年  月  日"       # reported nothing, no date chosen


def test_a_long_caption_wraps_and_its_row_grows():
    names = ["株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市", "郴州市", "永州市", "怀化市",
             "娄底市", "湘西土家族苗族自治州"]
    units = [UNIT] + [UnitSummary(2024, f"{name}工业和信息化局", unreported=True) for name in names]
    overview = load(build_province_workbook(2024, units))["全省汇总"]
    assert overview["A2"].value.endswith("未报送：" + "、".join(names))
    assert overview["A2"].alignment.wrap_text and overview.row_dimensions[2].height > 26
    short = load(build_province_workbook(2024, [UNIT]))["全省汇总"]
    assert short.row_dimensions[2].height == 26
