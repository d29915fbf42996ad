"""The 公示's files: the notice (Word), as published (lines removed by a sustained objection left out), and the
objections with their handling (Excel, for the archive; the objectors' data are the admin's)."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from webapp.core.storage import generated_root
from webapp.core.timeutil import fmt, to_local
from webapp.documents.content_cache import documents
from webapp.documents.excel_safety import write_text
from webapp.documents.publicity_docx import NoticeData, NoticeLine, build_notice, notice_filename
from webapp.models import ApplicationType, Publicity
from webapp.publicity.objections import objections_of
from webapp.publicity.opening import listed, notice_text

OBJECTION_COLUMNS = ["受理编号", "提交时间", "异议对象（序号）", "申报企业名称", "标杆类型", "异议人姓名", "工作单位",
                     "联系电话", "异议理由", "证明材料", "处理状态", "核实情况", "答复", "处理时间"]


def notice_data(publicity: Publicity) -> NoticeData:
    lines = listed(publicity)
    return NoticeData(
        year=publicity.campaign.year, text=notice_text(publicity), issued_on=to_local(publicity.opened_at).date(),
        enterprises=[NoticeLine(e.company_name, "", e.prefecture) for e in lines
                     if e.app_type is ApplicationType.ENTERPRISE],
        workshops=[NoticeLine(e.company_name, e.workshop_name, e.prefecture) for e in lines
                   if e.app_type is ApplicationType.WORKSHOP])


def notice_docx(publicity: Publicity) -> tuple[bytes, str]:
    """Built once per content (a line removed by a sustained objection is new content): the public downloads it
    during the 公示, and the province's archive holds it. The objections' workbook is not kept so: it holds the
    objectors' names and telephone numbers, which stay in the database only."""
    data = notice_data(publicity)
    return documents.get("publicity-notice", data, lambda: build_notice(data), generated_root()), notice_filename(data)


def objection_rows(publicity: Publicity) -> list[list[str]]:
    return [[o.reference, fmt(o.created_at), str(o.entry.position), o.entry.company_name, o.entry.app_type.label,
             o.name, o.employer, o.phone, o.grounds, "；".join(f.original_name for f in o.files), o.state.label,
             o.findings or "", o.reply or "", fmt(o.concluded_at)]
            for o in objections_of(publicity)]


def objections_xlsx(publicity: Publicity) -> tuple[bytes, str]:
    """Every objection with its handling, one row each (every value written as text, never a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "异议及处理"
    for r, row in enumerate([OBJECTION_COLUMNS] + objection_rows(publicity), start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            write_text(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(bold=r == 1)
    for c, width in enumerate([18, 17, 10, 30, 10, 10, 24, 14, 50, 24, 10, 40, 40, 17], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), f"{publicity.campaign.year}年拟认定名单公示异议及处理情况.xlsx"
