"""The 推荐汇总表 (附件3) and the province summary as Excel workbooks (pure: no Flask, no database).

The caller collects the data into `UnitSummary` / `SummaryRow` objects; this module only lays it out.
`build_unit_workbook` reproduces 附件3 for one 推荐单位; `build_province_workbook` puts an all-units
sheet (全省汇总) in front of one 附件3 sheet per unit.

Layout of every sheet: row 1 the title, row 2 推荐单位 (left) and 填报日期 (right), row 3 the column
headers (repeated on every printed page, panes frozen below it), then one row per application in
the given order (a sheet with none shows the paper form's empty bordered rows), then the three notes
of 附件3. A4 landscape, scaled to the page width.

The province workbook holds the reported lists only: a unit that has not 报送 gets a sheet that says
未报送, without rows or 填报日期, and the all-units sheet counts it as not reported.

All user text goes through `excel_safety.write_text`: it is always a text cell, never a formula.
openpyxl cannot measure text, so column widths and row heights are estimated from the text length
(a CJK character is about twice as wide as a Latin one).
"""
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from webapp.documents.excel_safety import clean_text, safe_sheet_title, write_text

SHEET_TITLE = "推荐汇总表"
PROVINCE_SHEET_TITLE = "全省汇总"
TITLE_TEMPLATE = "{year}年湖南省智能制造标杆推荐汇总表"
HEADERS = ("序号", "申报企业名称", "企业所在县市区", "申报标杆类型", "申报车间名称", "所属行业大类",
           "所属行业中类", "涉及智能制造环节及其场景（罗列）", "联系人", "联系电话")
UNIT_HEADER = "推荐单位"   # the extra column of the all-units sheet, after 序号
NOTES = ("注：1.申报标杆类型选填标杆企业或标杆车间；",
         "2.申报车间名称仅申报标杆车间的企业填写，申报标杆企业的无需填写；",
         "3.所属行业大类及中类按申报书中的说明填写。")
BLANK_DATE = "填报日期：    年  月  日"
UNREPORTED = "未报送"
EMPTY_ROWS = 6           # the empty bordered rows of the paper form, for a sheet without applications
# Suffixes stripped from a unit's name to name its sheet ("长沙市工业和信息化局" → "长沙市").
UNIT_NAME_SUFFIXES = ("工业和信息化局", "工业和信息化委员会", "经济和信息化局", "工信局")

TITLE_ROW, CAPTION_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1

Link = tuple[str, Sequence[str]]


@dataclass(frozen=True)
class SummaryRow:
    """One recommended application, as one line of 附件3."""
    order: int
    company_name: str
    county: str
    app_type_label: str                # "标杆企业" / "标杆车间"
    workshop_name: str = ""            # empty for 标杆企业
    industry_division: str = ""        # 大类, code + name: "35专用设备制造业"
    industry_group: str = ""           # 中类, code + name: "351采矿、冶金、建筑专用设备制造"
    links: Sequence[Link] = field(default_factory=list)   # [(环节, [场景, …]), …]
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class UnitSummary:
    """The 推荐汇总表 of one 推荐单位 (rows already in the unit's order).

    fill_date: the 填报日期 (None leaves the line to be filled in by hand); unreported: the province's view of a unit
    that has not 报送 (its sheet says 未报送 and has neither rows nor 填报日期).
    """
    year: int
    unit_name: str
    fill_date: date | None = None
    rows: Sequence[SummaryRow] = field(default_factory=list)
    unreported: bool = False

    def __post_init__(self):
        if self.unreported and (self.rows or self.fill_date):
            raise ValueError(f"unit {self.unit_name!r} has not reported: no rows or 填报日期 to show")


def links_text(links: Sequence[Link]) -> str:
    """"环节：场景、场景；环节：场景" — a 环节 without 场景 is listed by its name alone."""
    parts = []
    for link_name, scenarios in links:
        name = (link_name or "").strip()
        names = [s.strip() for s in scenarios or () if s and s.strip()]
        if name and names:
            parts.append(f"{name}：{'、'.join(names)}")
        elif name or names:
            parts.append(name or "、".join(names))
    return "；".join(parts)


def date_caption(fill_date: date | None) -> str:
    if fill_date is None:
        return BLANK_DATE
    return f"填报日期：{fill_date.year}年{fill_date.month}月{fill_date.day}日"


def unit_caption(unit_name: str) -> str:
    return f"推荐单位：{clean_text(unit_name).strip()}（盖章）"


def unit_short_name(unit_name: str) -> str:
    """The prefecture part of a unit's name, used as its sheet name."""
    name = clean_text(unit_name).strip()
    for suffix in UNIT_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def build_unit_workbook(summary: UnitSummary) -> bytes:
    """附件3 for one unit, as the bytes of an .xlsx file."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _write_unit_sheet(sheet, summary)
    _set_properties(workbook, TITLE_TEMPLATE.format(year=summary.year))
    return _to_bytes(workbook)


def build_province_workbook(year: int, units: Sequence[UnitSummary]) -> bytes:
    """The all-units sheet (全省汇总) followed by one 附件3 sheet per unit, in the given order."""
    for unit in units:
        if unit.year != year:
            raise ValueError(f"unit {unit.unit_name!r} belongs to {unit.year}, not {year}")
    workbook = Workbook()
    overview = workbook.active
    overview.title = PROVINCE_SHEET_TITLE
    taken = {PROVINCE_SHEET_TITLE.casefold()}
    _write_province_sheet(overview, year, units)
    for index, unit in enumerate(units, start=1):
        title = safe_sheet_title(unit_short_name(unit.unit_name), taken, fallback=f"推荐单位{index}")
        _write_unit_sheet(workbook.create_sheet(title), unit)
    _set_properties(workbook, TITLE_TEMPLATE.format(year=year))
    return _to_bytes(workbook)


# --- layout -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    header: str
    min_width: float     # Excel width units (about one Latin digit each)
    max_width: float
    centred: bool
    value: Callable[[SummaryRow], object]


# Minimum widths keep every header on one line (SimSun 11 pt bold in Excel).
_COLUMNS = (
    _Column("序号", 6, 6, True, lambda row: row.order),
    _Column("申报企业名称", 15, 22, False, lambda row: row.company_name),
    _Column("企业所在县市区", 16.5, 17, True, lambda row: row.county),
    _Column("申报标杆类型", 14.5, 14.5, True, lambda row: row.app_type_label),
    _Column("申报车间名称", 14.5, 18, False, lambda row: row.workshop_name),
    _Column("所属行业大类", 14.5, 18, False, lambda row: row.industry_division),
    _Column("所属行业中类", 14.5, 20, False, lambda row: row.industry_group),
    _Column("涉及智能制造环节及其场景（罗列）", 50, 56, False, lambda row: links_text(row.links)),
    _Column("联系人", 8, 10, True, lambda row: row.contact_name),
    _Column("联系电话", 13, 17, True, lambda row: row.contact_phone),
)
assert tuple(column.header for column in _COLUMNS) == HEADERS
_UNIT_COLUMN = _Column(UNIT_HEADER, 12, 16, True, lambda row: None)  # value filled per unit

BODY_FONT = "宋体"     # SimSun: present in every Chinese office installation; WPS maps it too
TITLE_FONT = "黑体"    # SimHei
GB2312 = 134           # font charset hint so that Excel picks the CJK font
BODY_SIZE, TITLE_SIZE = 11, 18

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_BODY = Font(name=BODY_FONT, size=BODY_SIZE, charset=GB2312)
_BOLD = Font(name=BODY_FONT, size=BODY_SIZE, bold=True, charset=GB2312)
_TITLE = Font(name=TITLE_FONT, size=TITLE_SIZE, bold=True, charset=GB2312)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_CAPTION_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
# Table cells use named styles: assigning one is much faster than font + alignment + border per cell.
_CELL_STYLES = {"汇总表表头": (_BOLD, _CENTRE), "汇总表居中": (_BODY, _CENTRE), "汇总表左对齐": (_BODY, _LEFT)}

# Text measurement: Excel widths count Latin digits of the default font (Calibri 11, 7 px); an 11 pt
# SimSun CJK glyph is about 15 px. Ambiguous-width punctuation (“”…—·) is full width in SimSun.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2014\u2018\u2019"
                   "\u201c\u201d\u2026\u00b7\u00d7\u2103\U00020000-\U0003fffd]")
WIDE_UNITS, NARROW_UNITS = 2.1, 1.1
CELL_PADDING = 1.5          # width units lost to the cell margins
LINE_HEIGHT = 15.0          # points per wrapped line of 11 pt text (Excel uses 14.25 for SimSun 11)
ROW_PADDING = 6.0           # points above and below the text
MIN_ROW_HEIGHT = 22.0
MAX_ROW_HEIGHT = 409.0      # Excel's limit


def _units(paragraph: str) -> float:
    if paragraph.isascii():
        return len(paragraph) * NARROW_UNITS
    wide = len(_WIDE.findall(paragraph))
    return wide * WIDE_UNITS + (len(paragraph) - wide) * NARROW_UNITS


def _paragraph_units(value: object) -> list[float]:
    return [_units(p) for p in clean_text(value).split("\n")]


def _lines(paragraphs: list[float], width: float) -> int:
    capacity = max(width - CELL_PADDING, 1.0)
    return sum(max(1, math.ceil(units / capacity)) for units in paragraphs)


def _row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, max(MIN_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING))


def _write_unit_sheet(sheet: Worksheet, summary: UnitSummary) -> None:
    records = [[column.value(row) for column in _COLUMNS] for row in summary.rows]
    right = UNREPORTED if summary.unreported else date_caption(summary.fill_date)
    _write_sheet(sheet, TITLE_TEMPLATE.format(year=summary.year), unit_caption(summary.unit_name), right, _COLUMNS,
                 records)


def province_caption(units: Sequence[UnitSummary]) -> str:
    """"推荐单位：全省14个推荐单位，已报送12个，共推荐30项（标杆企业20项，标杆车间10项）；未报送：张家界市、…"."""
    rows = [row for unit in units for row in unit.rows]
    enterprises = sum(1 for row in rows if row.app_type_label == "标杆企业")
    workshops = sum(1 for row in rows if row.app_type_label == "标杆车间")
    unreported = [unit_short_name(unit.unit_name) for unit in units if unit.unreported]
    caption = (f"推荐单位：全省{len(units)}个推荐单位，已报送{len(units) - len(unreported)}个，共推荐{len(rows)}项"
               f"（标杆企业{enterprises}项，标杆车间{workshops}项）")
    return caption + (f"；{UNREPORTED}：{'、'.join(unreported)}" if unreported else "")


def _write_province_sheet(sheet: Worksheet, year: int, units: Sequence[UnitSummary]) -> None:
    columns = (_COLUMNS[0], _UNIT_COLUMN) + _COLUMNS[1:]
    records, number = [], 0
    for unit in units:
        for row in unit.rows:
            number += 1
            values = [column.value(row) for column in _COLUMNS]
            records.append([number, unit.unit_name] + values[1:])
    _write_sheet(sheet, TITLE_TEMPLATE.format(year=year), province_caption(units), "", columns, records,
                 autofilter=True)


def _write_sheet(sheet: Worksheet, title: str, left_caption: str, right_caption: str,
                 columns: Sequence[_Column], records: list[list[object]], autofilter: bool = False) -> None:
    count = len(columns)
    last = get_column_letter(count)

    # Measure first: column widths from the longest paragraph of each column, clamped.
    measured = [[_paragraph_units(value) for value in record] for record in records]
    widths = []
    for index, column in enumerate(columns):
        natural = max((max(cell[index]) for cell in measured), default=0.0) + CELL_PADDING + 0.5
        widths.append(round(min(column.max_width, max(column.min_width, natural)), 1))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    # Row 1: title.
    cell = sheet.cell(TITLE_ROW, 1, title)
    cell.font, cell.alignment = _TITLE, _CENTRE
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    sheet.row_dimensions[TITLE_ROW].height = 40

    # Row 2: 推荐单位 on the left, 填报日期 on the right.
    split = count - 3
    cell = sheet.cell(CAPTION_ROW, 1)
    write_text(cell, left_caption)
    cell.font, cell.alignment = _BODY, _CAPTION_LEFT
    sheet.merge_cells(start_row=CAPTION_ROW, start_column=1, end_row=CAPTION_ROW, end_column=split)
    cell = sheet.cell(CAPTION_ROW, split + 1)
    write_text(cell, right_caption)
    cell.font, cell.alignment = _BODY, _RIGHT
    sheet.merge_cells(start_row=CAPTION_ROW, start_column=split + 1, end_row=CAPTION_ROW, end_column=count)
    caption_lines = _lines([_units(left_caption)], sum(widths[:split]))   # the all-units one can be long
    sheet.row_dimensions[CAPTION_ROW].height = max(26.0, _row_height(caption_lines))

    # Row 3: headers.
    _register_styles(sheet.parent)
    header_lines = 1
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.header)
        cell.style = "汇总表表头"
        header_lines = max(header_lines, _lines([_units(column.header)], widths[index - 1]))
    sheet.row_dimensions[HEADER_ROW].height = _row_height(header_lines) + 4

    # Data rows.
    styles = ["汇总表居中" if column.centred else "汇总表左对齐" for column in columns]
    for offset, (record, cells) in enumerate(zip(records, measured)):
        row = FIRST_DATA_ROW + offset
        lines = 1
        for index, value in enumerate(record):
            cell = sheet.cell(row, index + 1)
            cell.style = styles[index]   # before the value: write_text may add the quote prefix
            if index == 0 and isinstance(value, int):
                cell.value = value   # 序号 is a number
            else:
                write_text(cell, value)
            lines = max(lines, _lines(cells[index], widths[index]))
        sheet.row_dimensions[row].height = _row_height(lines)
    if not records:
        _empty_rows(sheet, styles)
    last_row = HEADER_ROW + (len(records) or EMPTY_ROWS)

    # The notes of 附件3, each on its own merged row under the table.
    total_width = sum(widths)
    for offset, note in enumerate(NOTES, start=1):
        row = last_row + offset
        cell = sheet.cell(row, 1, note)
        cell.font, cell.alignment = _BODY, _LEFT
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = _row_height(_lines([_units(note)], total_width)) - 2

    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1).coordinate
    if autofilter and records:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{last_row}"
    _set_print(sheet)


def _empty_rows(sheet: Worksheet, styles: list[str]) -> None:
    """The paper form's empty table: bordered rows of a height to write in by hand."""
    for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + EMPTY_ROWS):
        for index, style in enumerate(styles, start=1):
            sheet.cell(row, index).style = style
        sheet.row_dimensions[row].height = MIN_ROW_HEIGHT + 8


def _register_styles(workbook: Workbook) -> None:
    for name, (font, alignment) in _CELL_STYLES.items():
        if name not in workbook.named_styles:
            workbook.add_named_style(NamedStyle(name=name, font=font, alignment=alignment, border=_BORDER))


def _set_print(sheet: Worksheet) -> None:
    setup = sheet.page_setup
    setup.orientation = sheet.ORIENTATION_LANDSCAPE
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0          # as many pages as needed vertically
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins   # inches
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.3
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.size = 9


def _set_properties(workbook: Workbook, title: str) -> None:
    workbook.properties.title = title
    workbook.properties.creator = "湖南省智能制造标杆申报系统"


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
