"""The unit's 推荐汇总表 as a whole: its lock, the quota, the 填报日期, 报送 and the province sending it back.

Plain functions of the data and the acting user, no request objects. They raise ReviewError (a TransitionError)
with a Chinese message, before changing anything, when a rule refuses; the caller commits.

Rules kept here:
- A unit acts only while its list is not reported (报送) and the campaign's unit deadline has not passed. When the
  province sends a list back after the deadline, the unit may still correct and re-report it (otherwise a returned
  list would be stuck).
- 推荐 is refused when the unit's quota for that 申报类型 is used up; 报送 is refused over the quota.
- Every check-then-write over the unit's list (quota, 序号, 报送) first locks the unit's report row
  (lock_unit_list), so that on PostgreSQL two decisions at the same moment are counted one after the other.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func

from webapp.core.extensions import db
from webapp.core.locks import lock_or_create
from webapp.core.timeutil import fmt, local_today
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationStatus as S, ApplicationType, Campaign, RecommendingUnit, Role,
    UnitQuota, UnitReport, User,
)
from webapp.audit import trail as audit
from webapp.notices import events as notices
from webapp.review.letter import letter_status
from webapp.status import TransitionError, apply_report_transition


class ReviewError(TransitionError):
    """A refused review operation; the message is shown to the user."""


def get_report(campaign_id: int, unit_id: int) -> UnitReport | None:
    return db.session.execute(db.select(UnitReport).filter_by(campaign_id=campaign_id, unit_id=unit_id)
                              ).scalar_one_or_none()


def lock_unit_list(campaign_id: int, unit_id: int) -> UnitReport:
    """The unit's report row, created if missing and locked until the transaction ends: taken before counting the
    unit's recommended applications or numbering them, it makes those decisions one at a time (core/locks.py)."""
    return lock_or_create(UnitReport, campaign_id=campaign_id, unit_id=unit_id)


def lock_reason(campaign: Campaign, report: UnitReport | None, now: datetime | None = None) -> str | None:
    """Why the unit can no longer change decisions, order or its list; None while it can."""
    if report is not None and report.is_reported:
        return (f"本单位推荐汇总表已于 {fmt(report.reported_at)} 报送省工业和信息化厅，推荐结果已锁定。"
                "如需修改，请联系省厅退回。")
    if not campaign.is_open:
        return "本申报批次已关闭，不能再处理申报书。"
    reopened = report is not None and report.returned_at is not None and report.returned_at > campaign.unit_deadline
    if not campaign.unit_can_act(now) and not reopened:
        return f"推荐截止时间（{fmt(campaign.unit_deadline)}）已过，不能再处理申报书或报送汇总表。"
    return None


def check_unlocked(campaign: Campaign, unit_id: int, now: datetime | None = None) -> None:
    reason = lock_reason(campaign, get_report(campaign.id, unit_id), now)
    if reason:
        raise ReviewError(reason)


@dataclass(frozen=True)
class QuotaUse:
    app_type: ApplicationType
    used: int
    quota: int | None          # None: the campaign sets no quota for this type

    @property
    def full(self) -> bool:
        return self.quota is not None and self.used >= self.quota

    @property
    def over(self) -> bool:
        return self.quota is not None and self.used > self.quota


def quota_usage(campaign: Campaign, unit_id: int) -> dict[ApplicationType, QuotaUse]:
    used = dict(db.session.execute(
        db.select(Application.app_type, func.count()).where(
            Application.campaign_id == campaign.id, Application.unit_id == unit_id,
            Application.status.in_(RECOMMENDED_STATES)).group_by(Application.app_type)).all())
    quotas = dict(db.session.execute(db.select(UnitQuota.app_type, UnitQuota.quota).where(
        UnitQuota.campaign_id == campaign.id, UnitQuota.unit_id == unit_id)).all())
    return {t: QuotaUse(t, used.get(t, 0), quotas.get(t)) for t in ApplicationType}


def check_quota(application: Application) -> None:
    if application.app_type is None:
        raise ReviewError("申报书未选择申报类型，不能推荐。")
    use = quota_usage(application.campaign, application.unit_id)[application.app_type]
    if use.full:
        label = application.app_type.label
        raise ReviewError(f"{label}推荐名额已满（已推荐 {use.used}/{use.quota}），不能再推荐。"
                          f"如确需推荐本申报书，请先将已推荐的其他{label}改为不予推荐。")


def undecided_count(campaign_id: int, unit_id: int) -> int:
    return db.session.execute(db.select(func.count()).select_from(Application).where(
        Application.campaign_id == campaign_id, Application.unit_id == unit_id,
        Application.status == S.SUBMITTED)).scalar_one()


def set_fill_date(campaign: Campaign, unit_id: int, user: User, fill_date: date, now: datetime | None = None
                  ) -> UnitReport:
    report = lock_unit_list(campaign.id, unit_id)
    check_unlocked(campaign, unit_id, now)
    report.fill_date = fill_date
    audit.record("report.fill_date", obj=report, actor=user, detail={"fill_date": fill_date})
    return report


def submit_report(campaign: Campaign, unit_id: int, user: User, confirm_undecided: bool = False,
                  now: datetime | None = None) -> UnitReport:
    """报送: at least one recommendation, quotas kept; undecided applications need an explicit confirmation."""
    report = lock_unit_list(campaign.id, unit_id)
    check_unlocked(campaign, unit_id, now)
    usage = quota_usage(campaign, unit_id)
    recommended = sum(use.used for use in usage.values())
    if recommended == 0:
        raise ReviewError("尚未推荐任何申报书，不能报送。")
    for use in usage.values():
        if use.over:
            raise ReviewError(f"{use.app_type.label}已推荐 {use.used} 项，超过名额 {use.quota} 项，请调整后再报送。")
    check_opinions_and_letter(campaign, unit_id, report)
    undecided = undecided_count(campaign.id, unit_id)
    if undecided and not confirm_undecided:
        raise ReviewError(f"还有 {undecided} 份已提交的申报书尚未处理。报送后将不能再处理；"
                          "如确认报送，请勾选确认后再次报送。")
    fill_date = report.fill_date or local_today()
    apply_report_transition(report, "submit", user, detail={
        "recommended": recommended, "undecided": undecided, "fill_date": fill_date})
    report.fill_date = fill_date
    return report


def check_opinions_and_letter(campaign: Campaign, unit_id: int, report: UnitReport | None) -> None:
    """报送 needs a 推荐意见 for every recommended application and the stamped scan of the current 推荐函."""
    without_opinion = db.session.execute(db.select(Application.company_name).where(
        Application.campaign_id == campaign.id, Application.unit_id == unit_id, Application.status == S.RECOMMENDED,
        func.coalesce(Application.recommend_opinion, "") == "")).scalars().all()
    if without_opinion:
        raise ReviewError(f"以下申报书尚未填写推荐意见：{'、'.join(without_opinion)}。请在审核页填写后再报送。")
    letter = letter_status(campaign, db.session.get(RecommendingUnit, unit_id), report)
    if letter.problem:
        raise ReviewError(letter.problem)


def return_report(campaign: Campaign, unit_id: int, admin: User, comment: str) -> UnitReport:
    """The province sends a reported list back to its unit, which may then change and re-report it."""
    if admin.role is not Role.ADMIN:
        raise ReviewError("只有省厅管理员可以退回推荐汇总表。")
    if not (comment or "").strip():
        raise ReviewError("退回时必须填写意见。")
    report = get_report(campaign.id, unit_id)
    if report is None or not report.is_reported:
        raise ReviewError("该推荐单位尚未报送推荐汇总表。")
    if db.session.execute(db.select(Application.id).where(
            Application.campaign_id == campaign.id, Application.unit_id == unit_id,
            Application.status.in_(RECOMMENDED_STATES), Application.status != S.RECOMMENDED).limit(1)).first():
        raise ReviewError("省厅已开始对该单位报送的申报书进行形式审查，不能再退回推荐汇总表。")
    apply_report_transition(report, "return", admin, comment,
                            detail={"unit_id": unit_id, "reported_at": report.reported_at, "comment": comment.strip()})
    notices.report_returned(report, admin)
    return report
