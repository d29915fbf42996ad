"""The 专家评分表 (Word) an expert signs: per application, the criteria with their maximum, the expert's scores and
comments, the gate items, the total, the 专家意见, the expert's name and the 签字 and date lines. One file per
application, or one per expert with all their applications (a page each). Pure: data in, bytes out."""
from dataclasses import dataclass, field

from webapp.documents import simple_docx as d


@dataclass
class SheetLine:
    name: str
    maximum: str             # "40" or "一票否决"
    score: str               # "36.5", "是"/"否", or "" when not given
    band: str = ""
    comment: str = ""


@dataclass
class SheetPage:
    year: int
    company_name: str
    app_type: str
    prefecture: str
    lines: list[SheetLine]
    total: str
    vetoed: bool
    opinion: str
    submitted_at: str = ""          # "" while a draft


@dataclass
class ExpertSheets:
    expert_name: str
    employer: str
    title: str
    pages: list[SheetPage] = field(default_factory=list)


def sheets_filename(sheets: ExpertSheets, year: int, company: str | None = None) -> str:
    scope = f"{company}-" if company else ""
    return f"{year}年智能制造标杆专家评分表-{scope}{sheets.expert_name}.docx"


def build_score_sheets(sheets: ExpertSheets) -> bytes:
    document = d.new_document()
    for number, page in enumerate(sheets.pages):
        if number:
            d.page_break(document)
        _page(document, sheets, page)
    if not sheets.pages:
        d.paragraph(document, "暂无已分配的评审任务。")
    d.footer(document, f"专家评分表 · {sheets.expert_name}")
    return d.to_bytes(document)


def _page(document, sheets: ExpertSheets, page: SheetPage) -> None:
    d.title(document, f"{page.year}年湖南省智能制造标杆专家评分表", size=18)
    d.table(document, [["申报企业", page.company_name, "申报类型", page.app_type],
                       ["所在市州", page.prefecture, "评审专家", sheets.expert_name]],
            [2.6, 7.4, 2.4, 3.8], header_rows=0, size=11)
    rows = [["序号", "评分项", "满分", "得分", "档次", "评语"]]
    for number, line in enumerate(page.lines, start=1):
        rows.append([str(number), line.name, line.maximum, line.score, line.band, line.comment])
    total = "0（一票否决）" if page.vetoed else page.total
    rows.append(["", "合计", "", total, "", ""])
    d.paragraph(document, "", size=6)
    d.table(document, rows, [1.1, 3.6, 1.8, 1.6, 1.3, 6.8], size=10.5)
    d.paragraph(document, "专家意见：", bold=True, space_before=8, size=12)
    d.paragraph(document, page.opinion or "", size=12)
    state = f"提交时间：{page.submitted_at}" if page.submitted_at else "（草稿，尚未提交）"
    d.paragraph(document, state, size=10, space_before=6)
    d.paragraph(document, f"评审专家：{sheets.expert_name}　　工作单位：{sheets.employer}　　职称：{sheets.title}",
                size=12, space_before=18)
    d.paragraph(document, "专家签字：____________________　　日期：______年____月____日", size=12, space_before=18)
