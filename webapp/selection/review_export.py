"""The documents of the expert review, collected from the database for the pure builders: the 评审汇总表 (Excel) and
the experts' 专家评分表 (Word). Shared by the pages, `flask export-review` and the archive's 评审 folder."""
from decimal import Decimal

from sqlalchemy.orm import joinedload

from webapp.core.extensions import db
from webapp.core.storage import generated_root
from webapp.core.timeutil import fmt
from webapp.documents.content_cache import documents
from webapp.documents.review_xlsx import DetailLine, SummaryLine, build_review_workbook
from webapp.documents.score_sheet_docx import (
    ExpertSheets, SheetLine, SheetPage, build_score_sheets, sheets_filename,
)
from webapp.models import (
    Application, ApplicationType, Assignment, AssignmentState as A, Campaign, Expert, RecommendingUnit, ReviewPlan,
    ScoreCard,
)
from webapp.selection.plan import get_plan
from webapp.selection.ranking import ranking, results
from webapp.selection.sheets import band_of

WORKBOOK_NAME = "{year}年湖南省智能制造标杆评审汇总表.xlsx"


def _num(value) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _assignments(campaign: Campaign, expert: Expert | None = None, submitted_only: bool = False) -> list[Assignment]:
    query = (db.select(Assignment).where(Assignment.campaign_id == campaign.id, Assignment.state == A.ACTIVE)
             .options(joinedload(Assignment.expert).joinedload(Expert.prefecture),
                      joinedload(Assignment.application).joinedload(Application.unit)
                      .joinedload(RecommendingUnit.prefecture),
                      joinedload(Assignment.card).selectinload(ScoreCard.scores))
             .order_by(Assignment.application_id, Assignment.expert_id))
    if expert is not None:
        query = query.where(Assignment.expert_id == expert.id)
    rows = list(db.session.execute(query).unique().scalars())
    return [r for r in rows if not submitted_only or (r.card and r.card.submitted_at)]


def criterion_names(plan: ReviewPlan) -> list[str]:
    """The columns of 评分明细: every criterion name of the sheets, in sheet order (标杆企业 first)."""
    names = []
    for sheet in sorted(plan.sheets, key=lambda s: list(ApplicationType).index(s.app_type)):
        names += [c.name for c in sheet.criteria if c.name not in names]
    return names


def review_workbook(campaign: Campaign, plan: ReviewPlan) -> tuple[bytes, str]:
    all_results = results(campaign, plan)
    assignments = _assignments(campaign, submitted_only=True)
    names: dict[int, list[tuple[int, str]]] = {}
    for row in assignments:
        names.setdefault(row.application_id, []).append((row.expert_id, row.expert.name))
    summary = []
    for app_type in ApplicationType:
        for result in ranking(all_results, app_type):
            by_expert = dict(names.get(result.application_id, []))
            summary.append(SummaryLine(
                result.rank, result.name, result.prefecture, app_type.label, result.industry,
                [by_expert.get(t.expert_id, "") for t in result.totals], [t.total for t in result.totals],
                result.aggregate, result.spread, result.disagreement, result.passed,
                _visit_text(result.site_visit)))
    details = [_detail(row, plan) for row in assignments]
    content = (campaign.year, summary, details, criterion_names(plan))
    data = documents.get("review-workbook", content, lambda: build_review_workbook(*content), generated_root())
    return data, WORKBOOK_NAME.format(year=campaign.year)


def _visit_text(visit) -> str:
    if visit is None:
        return ""
    if visit.recorded_at is None:
        return f"{visit.kind.label}（待进行）"
    return f"{visit.kind.label}{'通过' if visit.passed else '不通过'}"


def _detail(row: Assignment, plan: ReviewPlan) -> DetailLine:
    application, card = row.application, row.card
    sheet = plan.sheet_for(application.app_type)
    scores, comments = {}, {}
    for criterion in sheet.criteria if sheet else []:
        item = card.score_for(criterion.id)
        if item is None:
            continue
        scores[criterion.name] = ("是" if item.gate_passed else "否") if criterion.is_gate else item.value
        comments[criterion.name] = item.comment or ""
    return DetailLine(application.company_name or "", application.app_type.label if application.app_type else "",
                      application.unit.prefecture.name, row.expert.name, row.expert.prefecture.name,
                      row.expert.employer, scores, comments, card.total, card.opinion or "",
                      fmt(card.submitted_at))


def _page(row: Assignment, plan: ReviewPlan) -> SheetPage:
    application, card = row.application, row.card
    sheet = plan.sheet_for(application.app_type)
    lines = []
    for criterion in sheet.criteria if sheet else []:
        item = card.score_for(criterion.id) if card else None
        if criterion.is_gate:
            answer = "" if item is None or item.gate_passed is None else ("是" if item.gate_passed else "否")
            lines.append(SheetLine(criterion.name, "一票否决", answer, "", (item.comment or "") if item else ""))
        else:
            value = item.value if item else None
            band = band_of(criterion, value)
            lines.append(SheetLine(criterion.name, _num(criterion.max_score), _num(value),
                                   band["label"] if band else "", (item.comment or "") if item else ""))
    return SheetPage(application.campaign.year, application.company_name or "",
                     application.app_type.label if application.app_type else "", application.unit.prefecture.name,
                     lines, _num(card.total) if card else "", bool(card and card.vetoed),
                     (card.opinion or "") if card else "", fmt(card.submitted_at) if card else "")


def expert_sheets(campaign: Campaign, plan: ReviewPlan, expert: Expert,
                  assignment: Assignment | None = None) -> ExpertSheets:
    """The expert's sheets: of one assignment, or of all their assignments in the campaign."""
    rows = [assignment] if assignment is not None else _assignments(campaign, expert)
    return ExpertSheets(expert.name, expert.employer, expert.title, [_page(row, plan) for row in rows])


def experts_with_sheets(campaign: Campaign) -> list[Expert]:
    assigned = db.select(Assignment.expert_id).where(Assignment.campaign_id == campaign.id,
                                                     Assignment.state == A.ACTIVE)
    return list(db.session.execute(db.select(Expert).where(Expert.id.in_(assigned))
                                   .order_by(Expert.name, Expert.id)).scalars())


def review_documents(campaign: Campaign) -> list[tuple[str, str, bytes]]:
    """The archive's 评审 folder: (subfolder, name, bytes) of the 评审汇总表 and each expert's 专家评分表."""
    plan = get_plan(campaign)
    experts = experts_with_sheets(campaign) if plan else []
    if not experts:
        return []
    data, name = review_workbook(campaign, plan)
    out = [("", name, data)]
    for expert in experts:
        sheets = expert_sheets(campaign, plan, expert)
        # Each is a Word file of many pages (about 0.13 s to build): kept like the archive's workbooks.
        data = documents.get("score-sheets", sheets, lambda: build_score_sheets(sheets), generated_root())
        out.append(("专家评分表", sheets_filename(sheets, campaign.year), data))
    return out
