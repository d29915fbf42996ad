"""The 公示 notice as a Word file for the 厅's website: title, the notice text, the list per 标杆类型 (序号, 申报企业名称,
车间名称, 所在市州), the issuing office and date. Pure: data in, bytes out."""
from dataclasses import dataclass, field
from datetime import date

from docx.shared import Cm

from webapp.documents.simple_docx import new_document, paragraph, table, title, to_bytes

ISSUER = "湖南省工业和信息化厅"


@dataclass
class NoticeLine:
    company: str
    workshop: str
    prefecture: str


@dataclass
class NoticeData:
    year: int
    text: str
    issued_on: date
    enterprises: list[NoticeLine] = field(default_factory=list)
    workshops: list[NoticeLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"关于{self.year}年湖南省智能制造标杆企业（车间）拟认定名单的公示"


def notice_filename(data: NoticeData) -> str:
    return f"{data.title}.docx"


def build_notice(data: NoticeData) -> bytes:
    document = new_document()
    title(document, data.title)
    for line in data.text.split("\n"):
        if line.strip():
            paragraph(document, line.strip(), indent=True, align="justify")
    _list(document, f"一、{data.year}年湖南省智能制造标杆企业拟认定名单", data.enterprises, workshop=False)
    _list(document, f"二、{data.year}年湖南省智能制造标杆车间拟认定名单", data.workshops, workshop=True)
    paragraph(document, ISSUER, align="right", space_before=24)
    paragraph(document, f"{data.issued_on.year}年{data.issued_on.month}月{data.issued_on.day}日", align="right")
    return to_bytes(document)


def _list(document, heading: str, lines: list[NoticeLine], *, workshop: bool) -> None:
    paragraph(document, heading, font="黑体", space_before=12, space_after=6)
    if not lines:
        paragraph(document, "（无）", indent=True)
        return
    if workshop:
        rows = [["序号", "申报企业名称", "车间名称", "所在市州"]] + [
            [str(n), line.company, line.workshop, line.prefecture] for n, line in enumerate(lines, start=1)]
        _widths(table(document, rows, [1.5, 6.5, 5, 3]), [1.5, 6.5, 5, 3])
    else:
        rows = [["序号", "申报企业名称", "所在市州"]] + [
            [str(n), line.company, line.prefecture] for n, line in enumerate(lines, start=1)]
        _widths(table(document, rows, [1.5, 11.5, 3]), [1.5, 11.5, 3])


def _widths(grid, widths_cm: list[float]) -> None:
    """The table grid's own column widths (LibreOffice and WPS lay out by the grid, not the cells)."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm):
        column.width = Cm(width)
