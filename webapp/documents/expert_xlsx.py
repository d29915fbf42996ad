"""The 专家库 import template (Excel): the header the import reads, one example row, and a sheet listing the valid
市州 and 环节. Pure: data in, bytes out."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from webapp.documents.excel_safety import write_text

EXAMPLE = ["王建华", "中南大学机电工程学院", "", "长沙市", "教授", "生产作业、质量管控、设备管理", "13800000000",
           "wangjh@example.com", "在库"]


def build_template(columns: list[str], prefectures: list[str], links: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "专家名单"
    for column, title in enumerate(columns, start=1):
        write_text(sheet.cell(row=1, column=column), title)
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 18 if column != 6 else 36
    for column, value in enumerate(EXAMPLE, start=1):
        write_text(sheet.cell(row=2, column=column), value)
    notes = workbook.create_sheet("填写说明")
    rows = [["说明", "第一行为表头，请勿修改；从第二行起每行一位专家（示例行可删除）。姓名、工作单位、所在市州必填。"],
            ["", "工作单位是企业的，请填写其统一社会信用代码，用于本单位回避。"],
            ["", "同名且手机相同的专家视为同一人，导入时更新其信息。"],
            ["所在市州", "、".join(prefectures)],
            ["专业领域（环节）", "、".join(links)]]
    for number, (label, text) in enumerate(rows, start=1):
        write_text(notes.cell(row=number, column=1), label)
        write_text(notes.cell(row=number, column=2), text)
    notes.column_dimensions["B"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
