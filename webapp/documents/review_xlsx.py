"""The 评审汇总表 (Excel). Pure: rows in, bytes out; no cell is ever a formula (user text through write_text).

Sheets:
- 评审汇总: per application, in ranking order per 标杆类型: 排名, 申报企业名称, 市州, 标杆类型, 所属行业, each expert's
  total (专家1 … 专家N, names in the column 评审专家 in the same order), the aggregate, the spread, 分歧, 达到通过分数,
  现场答辩/核查.
- 评分明细: one row per application × expert: 申报企业名称, 标杆类型, 申报单位所在市州, 专家, 专家所在市州, 专家工作单位,
  one column per criterion (一票否决项: 是/否), 合计, 提交时间.
- 评语明细: one row per application × expert × criterion, with the score and the comment, then the 专家意见.
"""
import io
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from webapp.documents.excel_safety import write_text

SUMMARY_SHEET, DETAIL_SHEET, COMMENT_SHEET = "评审汇总", "评分明细", "评语明细"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class SummaryLine:
    rank: int | None
    company_name: str
    prefecture: str
    app_type: str
    industry: str
    expert_names: list[str]
    expert_totals: list[Decimal]
    aggregate: Decimal | None
    spread: Decimal | None
    disagreement: bool
    passed: bool | None
    site_visit: str = ""


@dataclass
class DetailLine:
    company_name: str
    app_type: str
    prefecture: str
    expert: str
    expert_prefecture: str
    expert_employer: str
    scores: dict[str, object]                # criterion name → Decimal, or "是"/"否" for a gate item
    comments: dict[str, str] = field(default_factory=dict)
    total: Decimal | None = None
    opinion: str = ""
    submitted_at: str = ""


def build_review_workbook(year: int, summary: list[SummaryLine], details: list[DetailLine],
                          criteria: list[str]) -> bytes:
    workbook = Workbook()
    _summary(workbook.active, year, summary)
    _details(workbook.create_sheet(DETAIL_SHEET), details, criteria)
    _comments(workbook.create_sheet(COMMENT_SHEET), details, criteria)
    workbook.properties.title = f"{year}年湖南省智能制造标杆评审汇总表"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet, row: int, column: int, value, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.value = float(value)
        cell.number_format = "0.0#"
    else:
        write_text(cell, value)
    cell.border = BORDER
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    if bold:
        cell.font = Font(bold=True)


def _header(sheet, headers: list[str], widths: list[int]) -> None:
    for column, (title, width) in enumerate(zip(headers, widths), start=1):
        _put(sheet, 1, column, title, bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _summary(sheet, year: int, lines: list[SummaryLine]) -> None:
    sheet.title = SUMMARY_SHEET
    experts = max((len(line.expert_totals) for line in lines), default=0)
    headers = (["排名", "申报企业名称", "市州", "标杆类型", "所属行业"] + [f"专家{n}" for n in range(1, experts + 1)]
               + ["评审专家", "汇总得分", "极差", "分歧", "达到通过分数", "现场答辩/核查"])
    _header(sheet, headers, [6, 32, 10, 10, 18] + [8] * experts + [30, 10, 8, 6, 12, 16])
    for row, line in enumerate(lines, start=2):
        values = ([line.rank or "", line.company_name, line.prefecture, line.app_type, line.industry]
                  + list(line.expert_totals) + [""] * (experts - len(line.expert_totals))
                  + ["、".join(line.expert_names), line.aggregate if line.aggregate is not None else "",
                     line.spread if line.spread is not None else "", "是" if line.disagreement else "",
                     _yes_no(line.passed), line.site_visit])
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)


def _details(sheet, lines: list[DetailLine], criteria: list[str]) -> None:
    headers = ["申报企业名称", "标杆类型", "申报单位所在市州", "专家", "专家所在市州", "专家工作单位", *criteria, "合计",
               "提交时间"]
    _header(sheet, headers, [32, 10, 14, 10, 12, 24] + [10] * len(criteria) + [8, 17])
    for row, line in enumerate(lines, start=2):
        values = [line.company_name, line.app_type, line.prefecture, line.expert, line.expert_prefecture,
                  line.expert_employer, *[line.scores.get(name, "") for name in criteria],
                  line.total if line.total is not None else "", line.submitted_at]
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)


def _comments(sheet, lines: list[DetailLine], criteria: list[str]) -> None:
    _header(sheet, ["申报企业名称", "申报单位所在市州", "专家", "专家所在市州", "评分项", "得分", "评语"],
            [32, 14, 10, 12, 22, 8, 60])
    row = 2
    for line in lines:
        for name in [*criteria, "专家意见"]:
            if name != "专家意见" and name not in line.scores:
                continue
            text = line.opinion if name == "专家意见" else line.comments.get(name, "")
            score = "" if name == "专家意见" else line.scores.get(name, "")
            for column, value in enumerate([line.company_name, line.prefecture, line.expert, line.expert_prefecture,
                                            name, score, text], start=1):
                _put(sheet, row, column, value)
            row += 1
