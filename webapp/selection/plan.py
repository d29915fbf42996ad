"""评审方案 of a campaign and its score sheets (评分表) per 申报类型: the default sheet, settings, criteria.

The default sheet is an inference from public criteria (MIIT's 代表性/技术水平/要素条件, the 智能工厂梯度培育要素条件,
GB/T 39116 成熟度, the banded form of the published 高企认定 sheet); no Hunan sheet is public, so the province sets its
own. Criteria can be changed until the first expert saves a score; settings (deadline, visibility, aggregation …)
at any time. Every change is audited; PlanError carries the Chinese message.
"""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import selectinload

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import (
    Aggregation, ApplicationType, Assignment, Campaign, Criterion, ReviewPlan, ScoreCard, ScoreSheet, User,
)

BANDS = ("优", "良", "中", "差")
BAND_SHARES = (Decimal("0.85"), Decimal("0.70"), Decimal("0.55"), Decimal(0))

DEFAULT_CRITERIA = [
    ("场景建设水平", 40, "环节、场景覆盖的广度和深度（对照《智能制造典型场景参考指引》），关键装备和工业软件的技术水平与先进性，"
                    "系统集成度，安全可控（国产、省产软硬件占比）。"),
    ("实施成效", 30, "质量、效率、成本、能耗、安全等指标改造前后的变化（生产效率、不良品率、运营成本、单位产值能耗、"
                  "研制周期等），数据真实可核。"),
    ("示范推广价值", 15, "在行业中的代表性和领先地位，经验和解决方案的可复制性，对产业链上下游和区域的带动作用。"),
    ("基础与保障", 15, "智能制造投入（对照申报门槛）及持续投入计划，组织机构与制度，人才队伍，智能制造能力成熟度等级。"),
]
DEFAULT_GATES = [
    ("符合申报门槛", "主营业务收入、近三年智能制造投入、环节和场景数量等达到本批次申报条件。"),
    ("近三年无重大安全生产事故和重大环境事故", "以企业承诺和公开信息为准；发生过的，一票否决。"),
    ("已开展智能制造能力成熟度自评估", "按 GB/T 39116 开展自评估或取得评估报告。"),
]
DEFAULT_PASS_MARK = 60


class PlanError(ValueError):
    """A refused change of the review plan; the message is for the admin."""


def get_plan(campaign: Campaign) -> ReviewPlan | None:
    """The campaign's plan with its sheets and criteria (read on every score save: in two queries)."""
    return db.session.execute(db.select(ReviewPlan).filter_by(campaign_id=campaign.id).options(
        selectinload(ReviewPlan.sheets).selectinload(ScoreSheet.criteria))).scalar_one_or_none()


def default_bands(maximum: Decimal) -> list[dict]:
    """优/良/中/差 from 85 %, 70 %, 55 % and 0 of the maximum (a band runs up to the next one's lower bound)."""
    labels = ("实施全面、水平领先，有充分的数据和证明材料", "实施较好、水平较高，数据和证明材料较充分",
              "有一定实施基础，数据或证明材料不够充分", "实施内容少或水平一般，缺少数据和证明材料")
    return [{"label": label, "low": str((maximum * share).quantize(Decimal(1))), "description": text}
            for label, share, text in zip(BANDS, BAND_SHARES, labels)]


def _default_sheet(app_type: ApplicationType) -> ScoreSheet:
    sheet = ScoreSheet(app_type=app_type, pass_mark=Decimal(DEFAULT_PASS_MARK))
    position = 0
    for name, maximum, description in DEFAULT_CRITERIA:
        position += 1
        if app_type is ApplicationType.WORKSHOP:
            description = description.replace("行业中", "行业中（以车间为对象）")
        sheet.criteria.append(Criterion(position=position, name=name, description=description,
                                        max_score=Decimal(maximum), bands=default_bands(Decimal(maximum))))
    for name, description in DEFAULT_GATES:
        position += 1
        sheet.criteria.append(Criterion(position=position, name=name, description=description, is_gate=True,
                                        bands=[]))
    return sheet


def create_plan(campaign: Campaign, actor: User) -> ReviewPlan:
    """The campaign's plan with the default score sheet for both types."""
    if get_plan(campaign) is not None:
        raise PlanError("本批次已有评审方案。")
    plan = ReviewPlan(campaign=campaign, sheets=[_default_sheet(t) for t in ApplicationType])
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.create", obj=plan, actor=actor, detail={"campaign": campaign.year, "default_sheet": True})
    return plan


@dataclass(frozen=True)
class PlanSettings:
    experts_per_application: int
    aggregation: Aggregation
    disagreement_threshold: Decimal
    deadline: object              # naive UTC datetime or None
    experts_see_others: bool
    avoid_same_prefecture: bool
    comments_required: bool


SETTING_NAMES = ("experts_per_application", "aggregation", "disagreement_threshold", "deadline",
                 "experts_see_others", "avoid_same_prefecture", "comments_required")


def update_settings(plan: ReviewPlan, settings: PlanSettings, actor: User) -> list[str]:
    """Store the settings; returns the names of those that changed."""
    if not 1 <= settings.experts_per_application <= 15:
        raise PlanError("每份申报书的评审专家人数应为1–15人。")
    changed = [name for name in SETTING_NAMES if getattr(plan, name) != getattr(settings, name)]
    before = {name: getattr(plan, name) for name in changed}
    for name in changed:
        setattr(plan, name, getattr(settings, name))
    if changed:
        audit.record("plan.update", obj=plan, actor=actor,
                     detail={"before": {k: _plain(v) for k, v in before.items()},
                             "after": {k: _plain(getattr(plan, k)) for k in changed}})
    return changed


def _plain(value):
    return value.value if isinstance(value, Aggregation) else value


def scoring_started(plan: ReviewPlan) -> bool:
    return db.session.execute(db.select(ScoreCard.id).join(Assignment).where(
        Assignment.campaign_id == plan.campaign_id).limit(1)).first() is not None


def check_sheet_editable(plan: ReviewPlan) -> None:
    if scoring_started(plan):
        raise PlanError("已有专家开始评分，评分表（评分项、分值、档次和通过分数）不能再修改。")
