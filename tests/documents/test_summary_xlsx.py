"""推荐汇总表 (附件3) workbooks of one unit, and the cell-safety helper they use."""
import ast
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook

from tests.documents.summary_data import (ENTERPRISE_LINKS, FORMULA_LIKE, HEADERS, NOTES, ROWS, TEXT_FIELDS, load,
                                          make_row, merged, row_values, unit_sheet)
from webapp.documents import excel_safety
from webapp.documents import summary_xlsx
from webapp.documents.excel_safety import (MAX_CELL_CHARS, TRUNCATION_MARKER, cell_text, clean_text,
                                           safe_sheet_title, unescape_cell_text, utf16_len, write_text)
from webapp.documents.summary_xlsx import UnitSummary, build_unit_workbook, links_text


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


def test_empty_summary_shows_the_paper_forms_empty_bordered_table():
    sheet = unit_sheet(UnitSummary(2024, "", None, []))
    assert sheet["A2"].value == "推荐单位：（盖章）"
    assert row_values(sheet, 3) == HEADERS
    empty = range(4, 4 + summary_xlsx.EMPTY_ROWS)
    assert summary_xlsx.EMPTY_ROWS == 6                          # as many as 附件3 prints
    for row in empty:
        assert row_values(sheet, row) == [None] * 10
        assert all(sheet.cell(row, column).border.bottom.style == "thin" for column in range(1, 11))
        assert sheet.row_dimensions[row].height >= 28            # room to write by hand
    assert [sheet.cell(row, 1).value for row in (10, 11, 12)] == NOTES


def test_an_unreported_unit_says_so_without_rows_or_date():
    sheet = unit_sheet(UnitSummary(2024, "张家界市工业和信息化局", unreported=True))
    assert sheet["A2"].value == "推荐单位：张家界市工业和信息化局（盖章）"
    assert sheet["H2"].value == "未报送"
    assert row_values(sheet, 4) == [None] * 10 and sheet["A4"].border.left.style == "thin"
    with pytest.raises(ValueError):
        UnitSummary(2024, "张家界市工业和信息化局", date(2024, 5, 8), unreported=True)
    with pytest.raises(ValueError):
        UnitSummary(2024, "张家界市工业和信息化局", rows=[make_row(1)], unreported=True)


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
