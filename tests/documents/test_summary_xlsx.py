"""推荐汇总表 (附件3) and province summary workbooks, and the cell-safety helper they use."""
import ast
import io
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from webapp.documents import excel_safety
from webapp.documents import summary_xlsx
from webapp.documents.excel_safety import (MAX_CELL_CHARS, TRUNCATION_MARKER, cell_text, clean_text,
                                           safe_sheet_title, unescape_cell_text, utf16_len, write_text)
from webapp.documents.summary_xlsx import (SummaryRow, UnitSummary, build_province_workbook,
                                           build_unit_workbook, links_text)

HEADERS = ["序号", "申报企业名称", "企业所在县市区", "申报标杆类型", "申报车间名称", "所属行业大类",
           "所属行业中类", "涉及智能制造环节及其场景（罗列）", "联系人", "联系电话"]
NOTES = ["注：1.申报标杆类型选填标杆企业或标杆车间；",
         "2.申报车间名称仅申报标杆车间的企业填写，申报标杆企业的无需填写；",
         "3.所属行业大类及中类按申报书中的说明填写。"]
TEXT_FIELDS = ("company_name", "county", "app_type_label", "workshop_name", "industry_division",
               "industry_group", "contact_name", "contact_phone")
FORMULA_LIKE = ["=1+1", "+86", "-3", "@SUM(A1)", '=HYPERLINK("http://x")', "#N/A", "#DIV/0!", "#REF!",
                "=cmd|' /C calc'!A0", "\t=1+1", "=", "+", "-"]

ENTERPRISE_LINKS = [("产品设计", ["产品数字化研发与设计", "虚拟试验与调试"]),
                    ("生产作业", ["产线柔性配置", "精益生产管理"]),
                    ("质量管控", ["智能在线检测"])]
WORKSHOP_LINKS = [("生产作业", ["人机协同制造"]), ("仓储物流", ["智能仓储", "精准配送"])]


def make_row(order=1, **changes) -> SummaryRow:
    values = dict(order=order, company_name=f"湖南示例智能装备有限公司{order}", county="长沙市岳麓区",
                  app_type_label="标杆企业", workshop_name="", industry_division="35专用设备制造业",
                  industry_group="351采矿、冶金、建筑专用设备制造", links=ENTERPRISE_LINKS,
                  contact_name="张三", contact_phone="13800138000")
    values.update(changes)
    return SummaryRow(**values)


ROWS = [
    make_row(1, company_name="株洲示例电子股份有限公司"),
    make_row(2, company_name="长沙示例重工股份有限公司", app_type_label="标杆车间",
             workshop_name="结构件焊接智能车间", county="岳麓区", links=WORKSHOP_LINKS,
             contact_name="李四", contact_phone="0731-88888888"),
    make_row(3, company_name="岳阳示例石化有限公司", industry_division="25石油、煤炭及其他燃料加工业",
             industry_group="251精炼石油产品制造", contact_phone="008613800138000"),
]
UNIT = UnitSummary(year=2024, unit_name="长沙市工业和信息化局", fill_date=date(2024, 5, 8), rows=ROWS)


def load(data: bytes):
    return load_workbook(io.BytesIO(data))


def unit_sheet(summary: UnitSummary = UNIT):
    workbook = load(build_unit_workbook(summary))
    assert workbook.sheetnames == ["推荐汇总表"]
    return workbook["推荐汇总表"]


def merged(sheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def row_values(sheet, row: int, columns: int = 10) -> list:
    return [sheet.cell(row, column).value for column in range(1, columns + 1)]


# --- links_text -------------------------------------------------------------------------------------

def test_links_text_joins_links_and_scenarios():
    assert links_text(ENTERPRISE_LINKS) == ("产品设计：产品数字化研发与设计、虚拟试验与调试；"
                                            "生产作业：产线柔性配置、精益生产管理；质量管控：智能在线检测")


@pytest.mark.parametrize("links, expected", [
    ([], ""),
    ([("生产作业", ["人机协同制造"])], "生产作业：人机协同制造"),
    ([("生产作业", [])], "生产作业"),
    ([("生产作业", []), ("仓储物流", ["智能仓储"])], "生产作业；仓储物流：智能仓储"),
    ([("仓储物流", ["智能仓储", "  ", ""]), ("设备管理", [])], "仓储物流：智能仓储；设备管理"),
    ([(" 生产作业 ", [" 人机协同制造 "])], "生产作业：人机协同制造"),
    ([("", [])], ""),
])
def test_links_text_edge_cases(links, expected):
    text = links_text(links)
    assert text == expected
    assert not text.endswith("；")


# --- the unit workbook (附件3) -----------------------------------------------------------------------

def test_title_unit_and_date():
    sheet = unit_sheet()
    title = sheet["A1"]
    assert title.value == "2024年湖南省智能制造标杆推荐汇总表"
    assert title.font.bold and title.font.name == "黑体"
    assert title.font.size > sheet["B4"].font.size
    assert title.alignment.horizontal == "center"
    assert sheet["A2"].value == "推荐单位：长沙市工业和信息化局（盖章）"
    assert sheet["H2"].value == "填报日期：2024年5月8日"
    assert {"A1:J1", "A2:G2", "H2:J2"} <= merged(sheet)


def test_blank_fill_date_leaves_room_to_write():
    sheet = unit_sheet(UnitSummary(2025, "衡阳市工业和信息化局", None, ROWS[:1]))
    assert sheet["A1"].value == "2025年湖南省智能制造标杆推荐汇总表"
    assert sheet["H2"].value == "填报日期：    年  月  日"


def test_date_is_not_zero_padded():
    sheet = unit_sheet(UnitSummary(2024, "长沙市工业和信息化局", date(2024, 12, 1), ROWS[:1]))
    assert sheet["H2"].value == "填报日期：2024年12月1日"


def test_headers_exact_and_in_order():
    sheet = unit_sheet()
    assert row_values(sheet, 3) == HEADERS
    assert sheet.max_column == 10
    assert all(sheet.cell(3, column).font.bold for column in range(1, 11))


def test_every_row_in_the_given_order():
    sheet = unit_sheet()
    for offset, row in enumerate(ROWS):
        assert row_values(sheet, 4 + offset) == [
            row.order, row.company_name, row.county, row.app_type_label, row.workshop_name or None,
            row.industry_division, row.industry_group, links_text(row.links), row.contact_name,
            row.contact_phone]
    # Not sorted by anything: a unit's own order is kept.
    reordered = UnitSummary(2024, "长沙市工业和信息化局", None, [ROWS[2], ROWS[0], ROWS[1]])
    sheet = unit_sheet(reordered)
    assert [sheet.cell(row, 2).value for row in (4, 5, 6)] == [ROWS[2].company_name, ROWS[0].company_name,
                                                                ROWS[1].company_name]


def test_order_is_a_number_and_phone_numbers_are_text():
    sheet = unit_sheet(UnitSummary(2024, "长沙市工业和信息化局", None, [
        make_row(1, contact_phone="013800138000"), make_row(2, contact_phone="8613800138000123456")]))
    assert sheet["A4"].value == 1 and sheet["A4"].data_type == "n"
    assert sheet["J4"].value == "013800138000" and sheet["J4"].data_type == "s"
    assert sheet["J5"].value == "8613800138000123456" and sheet["J5"].data_type == "s"


def test_notes_under_the_table_verbatim():
    sheet = unit_sheet()
    last = 3 + len(ROWS)
    assert [sheet.cell(last + n, 1).value for n in (1, 2, 3)] == NOTES
    assert {f"A{last + n}:J{last + n}" for n in (1, 2, 3)} <= merged(sheet)
    assert sheet.max_row == last + 3


def test_empty_summary_still_has_headers_and_notes():
    sheet = unit_sheet(UnitSummary(2024, "", None, []))
    assert sheet["A2"].value == "推荐单位：（盖章）"
    assert row_values(sheet, 3) == HEADERS
    assert [sheet.cell(row, 1).value for row in (4, 5, 6)] == NOTES


def test_print_setup():
    sheet = unit_sheet()
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9          # A4
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "A4"
    margins = sheet.page_margins
    assert 0.2 <= margins.left <= 1 and 0.2 <= margins.top <= 1


def test_column_widths_and_row_heights():
    sheet = unit_sheet()
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"]
    assert all(width and width > 0 for width in widths)
    assert widths[7] >= 50                                    # the 环节/场景 column
    assert widths[7] == max(widths)
    long_links = [(f"环节{n}", [f"场景名称比较长的第{n}个场景{m}" for m in range(4)]) for n in range(10)]
    sheet = unit_sheet(UnitSummary(2024, "长沙市工业和信息化局", None, [make_row(1), make_row(2, links=long_links)]))
    short, tall = sheet.row_dimensions[4].height, sheet.row_dimensions[5].height
    assert 0 < short < tall <= 409
    assert sheet.row_dimensions[3].height > 0


def test_table_cells_are_bordered_wrapped_and_centred_vertically():
    sheet = unit_sheet()
    for row in range(3, 4 + len(ROWS)):
        for column in range(1, 11):
            cell = sheet.cell(row, column)
            assert cell.border.left.style == cell.border.right.style == "thin"
            assert cell.border.top.style == cell.border.bottom.style == "thin"
            assert cell.alignment.wrap_text
            assert cell.alignment.vertical == "center"
            assert cell.font.name == "宋体"
    assert sheet["B4"].alignment.horizontal == "left"       # long text reads from the left
    assert sheet["A4"].alignment.horizontal == "center"


@pytest.mark.parametrize("value", FORMULA_LIKE)
def test_formula_like_values_stay_text(value):
    sheet = unit_sheet(UnitSummary(2024, value, None, [make_row(1, **{field: value for field in TEXT_FIELDS},
                                                                  links=[(value, [value])])]))
    for column in range(2, 11):
        cell = sheet.cell(4, column)
        assert cell.data_type == "s", (column, cell.data_type)
        assert isinstance(cell.value, str)
        # The quote prefix keeps it text even when someone edits the cell in Excel later.
        assert cell.quotePrefix == excel_safety.needs_quote_prefix(cell.value)
        assert cell.quotePrefix or column == 8
    for column in (2, 3, 4, 5, 6, 7, 9, 10):
        assert sheet.cell(4, column).value == value
    assert sheet.cell(4, 8).value == links_text([(value, [value])])
    assert sheet["A2"].value == f"推荐单位：{value.strip()}（盖章）"


def test_no_formula_anywhere_in_the_file():
    data = build_unit_workbook(UnitSummary(2024, "=1+1", None, [make_row(1, company_name="=SUM(A1:A9)")]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_control_characters_are_removed():
    sheet = unit_sheet(UnitSummary(2024, "长沙市工业和信息化局", None, [
        make_row(1, company_name="湖南\x00示例\x0b公司\x1f", workshop_name="一\t二\r\n三\r四\x7f",
                 contact_name="\x08张三\x0c")]))
    assert sheet["B4"].value == "湖南示例公司"
    assert sheet["E4"].value == "一\t二\n三\n四\x7f"
    assert sheet["I4"].value == "张三"


def test_overlong_text_is_truncated_with_a_visible_marker():
    long_name = "很长的企业名称" * 6000          # 42,000 characters
    sheet = unit_sheet(UnitSummary(2024, "长沙市工业和信息化局", None, [make_row(1, company_name=long_name)]))
    value = sheet["B4"].value
    assert len(value) <= MAX_CELL_CHARS
    assert value.endswith(TRUNCATION_MARKER)
    assert long_name.startswith(value[: -len(TRUNCATION_MARKER)])
    assert len(value) > MAX_CELL_CHARS - 100                 # only what does not fit is dropped
    assert sheet.row_dimensions[4].height <= 409


def test_unit_workbook_module_is_pure():
    for module in (summary_xlsx, excel_safety):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {name for name in imported if name.split(".")[0] in {"flask", "sqlalchemy", "webapp"}
                    and not name.startswith("webapp.documents.")}
        assert not any(name.endswith(("models", "extensions")) for name in imported)


# --- excel_safety -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (None, ""), ("", ""), (12, "12"), ("a\r\nb\rc", "a\nb\nc"), ("x\x00y\x1b", "xy"),
    ("tab\tand\nnewline", "tab\tand\nnewline"), ("\ufffe\uffffok", "ok"), ("\ud800lone", "lone"),
    ("企业😀", "企业😀"),
])
def test_clean_text(value, expected):
    assert clean_text(value) == expected


def test_truncation_counts_utf16_units_and_escapes():
    emoji = "😀" * 20000                                      # 40,000 UTF-16 units
    text = clean_text(emoji)
    assert utf16_len(text) <= MAX_CELL_CHARS and text.endswith(TRUNCATION_MARKER)
    escaped = "_x0041_" * 4000                               # fits before escaping, not after
    stored = cell_text(escaped)
    assert len(stored) <= MAX_CELL_CHARS and unescape_cell_text(stored).endswith(TRUNCATION_MARKER)
    exact = "字" * MAX_CELL_CHARS
    assert clean_text(exact) == exact                        # the limit itself is allowed
    assert clean_text(exact + "字").endswith(TRUNCATION_MARKER)


def test_ooxml_escape_sequences_stay_literal():
    assert cell_text("_x0041_") == "_x005F_x0041_"
    assert unescape_cell_text(cell_text("a_x0041_b_x000D_")) == "a_x0041_b_x000D_"
    assert cell_text("_x41_ plain_") == "_x41_ plain_"


def test_write_text_on_a_plain_cell():
    sheet = Workbook().active
    for value in FORMULA_LIKE:
        write_text(sheet["A1"], value)
        assert sheet["A1"].data_type == "s" and sheet["A1"].value == value and sheet["A1"].quotePrefix
    write_text(sheet["A2"], "")
    assert sheet["A2"].value is None
    for value in ("#n/a", " #SPILL! "):
        write_text(sheet["A2"], value)
        assert sheet["A2"].data_type == "s" and sheet["A2"].value == value and sheet["A2"].quotePrefix
    write_text(sheet["A2"], "")
    assert sheet["A2"].value is None
    write_text(sheet["A3"], "普通文本")
    assert sheet["A3"].data_type == "s" and not sheet["A3"].quotePrefix
    write_text(sheet["A1"], "普通文本")                    # a cell written again loses the flag
    assert sheet["A1"].value == "普通文本" and not sheet["A1"].quotePrefix


def test_safe_sheet_title():
    taken: set[str] = set()
    assert safe_sheet_title("长沙市", taken) == "长沙市"
    assert safe_sheet_title("长沙市", taken) == "长沙市(2)"
    assert safe_sheet_title("a[b]c:d*e?f/g\\h", taken) == "a_b_c_d_e_f_g_h"
    assert safe_sheet_title("ABC", taken) == "ABC"
    assert safe_sheet_title("abc", taken) == "abc(2)"               # Excel ignores case
    assert safe_sheet_title("'quoted'", taken) == "quoted"
    assert safe_sheet_title("History", taken) == "History_"
    assert safe_sheet_title("", taken, fallback="推荐单位3") == "推荐单位3"
    long_name = "很" * 40
    first, second = safe_sheet_title(long_name, taken), safe_sheet_title(long_name, taken)
    assert len(first) == len(second) == 31 and first != second


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


# --- property: any text survives a save and a load as text -------------------------------------------

# Any text: the default alphabet, everything including lone surrogates, and a small alphabet that
# often forms formula prefixes, error codes, OOXML escapes ("_x0041_") and control characters.
ANY_TEXT = (st.text() | st.text(st.characters(exclude_categories=()))
            | st.text(alphabet="_x0041AF=+-@#N/A!\r\n\t\x00\x0b \ufffe"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_any_text_is_saved_and_loaded_as_text(text):
    workbook = Workbook()
    write_text(workbook.active["A1"], text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = load(buffer.getvalue()).active["A1"]
    expected = cell_text(text)
    if not expected:
        assert cell.value is None
        return
    assert cell.data_type == "s"
    assert cell.value == expected
    assert unescape_cell_text(cell.value) == clean_text(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT, st.text(max_size=20), st.lists(ANY_TEXT, max_size=3))
def test_any_text_in_a_summary_stays_text(name, phone, scenarios):
    summary = UnitSummary(2024, name, None, [make_row(1, company_name=name, contact_phone=phone,
                                                      links=[(name, scenarios)])])
    sheet = unit_sheet(summary)
    for column, value in ((2, name), (10, phone), (8, links_text([(name, scenarios)]))):
        cell = sheet.cell(4, column)
        if cell_text(value):
            assert cell.data_type == "s" and cell.value == cell_text(value)
        else:
            assert cell.value is None
