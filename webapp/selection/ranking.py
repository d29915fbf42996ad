"""Results of the expert review: each application's submitted totals, the aggregate by the plan's rule, the spread
and the 分歧 flag, and the ranking per 申报类型.

Aggregation: the mean of the submitted totals, or (the plan's choice) the mean without the highest and the lowest
total when at least 5 experts submitted; with fewer, the plain mean. Ties are broken by this stated rule: the higher
mean score of the sheet's first criterion, then of the second, and so on; then the earlier submission to the unit,
then the lower application number. Read with a fixed number of queries (no ORM rows per score).
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func

from webapp.core.extensions import db
from webapp.models import (
    Aggregation, Application, ApplicationStatus as S, ApplicationType, Assignment, AssignmentState as A, Campaign,
    Criterion, CriterionScore, Enterprise, IndustryDivision, Prefecture, RecommendingUnit, ReviewPlan, ScoreCard,
    SiteVisit,
)

TIE_RULE = ("总分相同时，依次比较评分表第一项、第二项……的专家平均分，高者在前；仍相同的，按向推荐单位提交申报书的时间先后，"
            "再按申报书编号排列。")
TRIM_MINIMUM = 5
CENT = Decimal("0.01")
RANKED = (S.UNDER_REVIEW, S.PROPOSED, S.INCUBATION, S.NOT_SELECTED, S.RECOGNISED, S.REVOKED)   # reviewed, whatever came after


def aggregate(totals: list[Decimal], rule: Aggregation) -> Decimal | None:
    if not totals:
        return None
    values = sorted(Decimal(t) for t in totals)
    if rule is Aggregation.TRIMMED and len(values) >= TRIM_MINIMUM:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def spread(totals: list[Decimal]) -> Decimal | None:
    return (max(totals) - min(totals)) if totals else None


@dataclass
class ExpertTotal:
    expert_id: int
    total: Decimal
    vetoed: bool


@dataclass
class Result:
    application_id: int
    name: str
    app_type: ApplicationType | None
    prefecture_adcode: str
    prefecture: str
    industry_code: str | None
    industry: str
    submitted_at: object
    assigned: int
    totals: list[ExpertTotal] = field(default_factory=list)
    criterion_means: list[Decimal] = field(default_factory=list)
    aggregate: Decimal | None = None
    spread: Decimal | None = None
    disagreement: bool = False
    passed: bool | None = None
    site_visit: SiteVisit | None = None
    rank: int | None = None

    @property
    def pending(self) -> int:
        return self.assigned - len(self.totals)


def _scope(campaign: Campaign, app_type: ApplicationType | None):
    conditions = [Application.campaign_id == campaign.id, Application.status.in_(RANKED)]
    return conditions + ([Application.app_type == app_type] if app_type is not None else [])


def _submitted_totals(campaign: Campaign, app_type: ApplicationType | None) -> dict[int, list[ExpertTotal]]:
    rows = db.session.execute(
        db.select(Assignment.application_id, Assignment.expert_id, ScoreCard.total, ScoreCard.vetoed)
        .join(ScoreCard, ScoreCard.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(*_scope(campaign, app_type), Assignment.state == A.ACTIVE, ScoreCard.submitted_at.is_not(None))
        .order_by(Assignment.application_id, Assignment.expert_id)).all()
    out: dict[int, list[ExpertTotal]] = {}
    for application_id, expert_id, total, vetoed in rows:
        out.setdefault(application_id, []).append(ExpertTotal(expert_id, Decimal(total or 0), vetoed))
    return out


def _criterion_means(application_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """The experts' mean score of each criterion: read only for applications whose aggregates tie."""
    rows = db.session.execute(
        db.select(Assignment.application_id, CriterionScore.criterion_id, func.avg(CriterionScore.value))
        .join(ScoreCard, ScoreCard.assignment_id == Assignment.id)
        .join(CriterionScore, CriterionScore.card_id == ScoreCard.id)
        .where(Assignment.application_id.in_(application_ids), Assignment.state == A.ACTIVE,
               ScoreCard.submitted_at.is_not(None), CriterionScore.value.is_not(None))
        .group_by(Assignment.application_id, CriterionScore.criterion_id)).all()
    out: dict[int, dict[int, Decimal]] = {}
    for application_id, criterion_id, mean in rows:
        out.setdefault(application_id, {})[criterion_id] = Decimal(str(mean))
    return out


def results(campaign: Campaign, plan: ReviewPlan, app_type: ApplicationType | None = None) -> list[Result]:
    """Every application under review (or decided since), of one type or all, with its figures."""
    assigned = dict(db.session.execute(
        db.select(Assignment.application_id, func.count()).join(Application).where(
            *_scope(campaign, app_type), Assignment.state == A.ACTIVE).group_by(Assignment.application_id)).all())
    rows = db.session.execute(
        db.select(Application.id, Application.company_name, Application.app_type, Prefecture.adcode, Prefecture.name,
                  Application.industry_division_code, IndustryDivision.name, Application.submitted_at,
                  Enterprise.name)
        .join(RecommendingUnit, RecommendingUnit.id == Application.unit_id)
        .join(Prefecture, Prefecture.adcode == RecommendingUnit.prefecture_adcode)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .outerjoin(IndustryDivision, IndustryDivision.code == Application.industry_division_code)
        .where(*_scope(campaign, app_type))).all()
    totals = _submitted_totals(campaign, app_type)
    visits = {v.application_id: v for v in db.session.execute(db.select(SiteVisit).join(Application).where(
        *_scope(campaign, app_type))).scalars()}
    out = []
    for (app_id, name, kind, adcode, prefecture, industry_code, industry, submitted_at, enterprise) in rows:
        result = Result(app_id, name or enterprise, kind, adcode, prefecture, industry_code, industry or "",
                        submitted_at, assigned.get(app_id, 0), totals.get(app_id, []))
        _figures(result, plan)
        result.site_visit = visits.get(app_id)
        out.append(result)
    order = {sheet.app_type: [c.id for c in sheet.criteria if not c.is_gate] for sheet in plan.sheets}
    _tie_breakers(out, order)
    return out


def _tie_breakers(out: list[Result], order: dict) -> None:
    """The criterion means of the applications whose aggregates tie within their type (the tie rule's data)."""
    seen: dict[tuple, list[Result]] = {}
    for result in out:
        if result.aggregate is not None:
            seen.setdefault((result.app_type, result.aggregate), []).append(result)
    tied = [r for group in seen.values() if len(group) > 1 for r in group]
    if not tied:
        return
    means = _criterion_means([r.application_id for r in tied])
    for result in tied:
        result.criterion_means = [means.get(result.application_id, {}).get(cid, Decimal(0))
                                  for cid in order.get(result.app_type, [])]


def _figures(result: Result, plan: ReviewPlan) -> None:
    values = [t.total for t in result.totals]
    result.aggregate, result.spread = aggregate(values, plan.aggregation), spread(values)
    result.disagreement = result.spread is not None and len(values) > 1 and result.spread > plan.disagreement_threshold
    sheet = plan.sheet_for(result.app_type)
    if result.aggregate is not None and sheet is not None:
        result.passed = result.aggregate >= sheet.pass_mark


def _sort_key(result: Result):
    return (result.aggregate is None, -(result.aggregate or 0), *[-m for m in result.criterion_means],
            result.submitted_at is None, result.submitted_at or 0, result.application_id)


def ranking(all_results: list[Result], app_type: ApplicationType, prefecture: str | None = None,
            industry: str | None = None) -> list[Result]:
    """The type's ranking (ranks over the whole type), then filtered by 市州 and industry."""
    ranked = sorted((r for r in all_results if r.app_type is app_type), key=_sort_key)
    for number, result in enumerate(ranked, start=1):
        result.rank = number if result.aggregate is not None else None
    return [r for r in ranked if (not prefecture or r.prefecture_adcode == prefecture)
            and (not industry or r.industry_code == industry)]


def criteria_of(plan: ReviewPlan, app_type: ApplicationType) -> list[Criterion]:
    sheet = plan.sheet_for(app_type)
    return list(sheet.criteria) if sheet else []
