"""The recognition list of a campaign as an Excel workbook (pure: rows in, bytes out): one row per certificate with
证书编号, 验证码, 申报企业名称, 标杆类型, 车间名称, 所在市州, 统一社会信用代码, 认定文号, 认定日期, 状态 and, for a
revoked one, the date and 文号 of the revocation. Every value is written as text (never a formula)."""
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from webapp.documents.excel_safety import write_text

HEADERS = ("证书编号", "验证码", "申报企业名称", "标杆类型", "车间名称", "所在市州", "统一社会信用代码", "认定文号",
           "认定日期", "状态", "撤销日期", "撤销文号")
WIDTHS = (24, 14, 40, 12, 24, 12, 22, 28, 12, 8, 12, 28)


def build_recognition_list(year: int, rows: Sequence[Sequence[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "认定名单"
    write_text(sheet.cell(row=1, column=1), f"{year}年湖南省智能制造标杆企业（车间）认定名单")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        write_text(sheet.cell(row=2, column=column), header)
        sheet.cell(row=2, column=column).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = width
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            write_text(sheet.cell(row=number, column=column), value or "")
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_prior_template(columns: Sequence[str]) -> bytes:
    """The import template of earlier years' lists: the header row and one example line."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "往年认定名单"
    example = ("2024", "91430100MA4L0XXXXX", "湖南示例智能装备有限公司", "标杆车间", "智能总装车间", "湘工信装备〔2024〕88号")
    for column, (header, value) in enumerate(zip(columns, example), start=1):
        write_text(sheet.cell(row=1, column=column), header)
        sheet.cell(row=1, column=column).font = Font(bold=True)
        write_text(sheet.cell(row=2, column=column), value)
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
