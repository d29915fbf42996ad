"""形式审查: the province's check of each application on a reported list, and its decisions.

One function per state change (a later step hooks notices onto them): pass_form_check, request_correction,
fail_form_check, reopen_form_check. Each goes through the state table (status.apply_transition, which also audits)
and raises FormCheckError (a TransitionError) with a Chinese message, before changing anything, when a rule
refuses. The caller commits.
"""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from webapp.applications.sections import SECTION_BY_KEY, SECTIONS
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import from_local, local_today, utcnow
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationStatus as S, ApplicationType, Campaign, CorrectionRequest,
    RecommendingUnit, ReportStatus, ReviewComment, StatusChange, UnitReport, User,
)
from webapp.selection.eligibility import Flag, province_flags
from webapp.notices import events as notices
from webapp.status import TRANSITIONS, TransitionError, apply_transition, check_transition

PER_PAGE = 50
CHECK_STATES = (S.RECOMMENDED, S.CORRECTION, S.CORRECTED, S.FORM_PASSED, S.FORM_FAILED, S.UNDER_REVIEW)
TO_CHECK = (S.RECOMMENDED, S.CORRECTED)


class FormCheckError(TransitionError):
    """A refused 形式审查 decision; the message is shown to the admin."""


def reported_unit_ids(campaign: Campaign) -> list[int]:
    return list(db.session.execute(db.select(UnitReport.unit_id).where(
        UnitReport.campaign_id == campaign.id, UnitReport.status == ReportStatus.REPORTED)).scalars())


def _check_reported(application: Application) -> None:
    reported = db.session.execute(db.select(UnitReport.status).filter_by(
        campaign_id=application.campaign_id, unit_id=application.unit_id)).scalar_one_or_none()
    if reported is not ReportStatus.REPORTED:
        raise FormCheckError(f"{application.unit.name}尚未报送推荐汇总表，不能进行形式审查。")


# ---- the queue -------------------------------------------------------------------------------------------------

@dataclass
class CheckQuery:
    unit_id: int | None = None
    app_type: ApplicationType | None = None
    status: S | None = None
    page: int = 1


@dataclass
class CheckRow:
    application: Application
    flags: list[Flag]


@dataclass
class CheckPage:
    rows: list[CheckRow]
    total: int
    page: int
    pages: int
    counts: dict[S, int]


def queue(campaign: Campaign, query: CheckQuery, per_page: int = PER_PAGE) -> CheckPage:
    """The reported applications (by unit, then the unit's order), with their flags, one page at a time."""
    units = reported_unit_ids(campaign)
    scope = [Application.campaign_id == campaign.id, Application.unit_id.in_(units),
             Application.status.in_(RECOMMENDED_STATES)]
    counts = dict(db.session.execute(db.select(Application.status, func.count()).where(*scope)
                                     .group_by(Application.status)).all())
    conditions = list(scope)
    if query.unit_id:
        conditions.append(Application.unit_id == query.unit_id)
    if query.app_type:
        conditions.append(Application.app_type == query.app_type)
    if query.status:
        conditions.append(Application.status == query.status)
    total = db.session.execute(db.select(func.count()).select_from(Application).where(*conditions)).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(query.page, 1), pages)
    applications = list(db.session.execute(
        db.select(Application).where(*conditions)
        .options(joinedload(Application.unit), joinedload(Application.enterprise),
                 selectinload(Application.economic_years))
        .join(RecommendingUnit, RecommendingUnit.id == Application.unit_id)
        .order_by(RecommendingUnit.prefecture_adcode, Application.recommend_order, Application.id)
        .limit(per_page).offset((page - 1) * per_page)).unique().scalars())
    flags = province_flags(applications, campaign)
    return CheckPage([CheckRow(a, flags[a.id]) for a in applications], total, page, pages,
                     {s: counts.get(s, 0) for s in CHECK_STATES})


# ---- decisions -------------------------------------------------------------------------------------------------

def pass_form_check(application: Application, admin: User) -> StatusChange:
    """通过: the application goes on to the expert review."""
    _check_reported(application)
    return apply_transition(application, "pass_form_check", admin)


def correction_deadline(day: date) -> datetime:
    """The end of `day` in Beijing time, as stored (UTC)."""
    return from_local(datetime.combine(day, time(23, 59, 59)))


def request_correction(application: Application, admin: User, comment: str, section_comments: dict[str, str],
                       deadline: date) -> CorrectionRequest:
    """需补正: back to the enterprise alone, with a comment per section and a deadline; the unit's list stays
    reported. The enterprise may change only the sections named (and upload a new 盖章版)."""
    _check_reported(application)
    notes = {key: text.strip() for key, text in section_comments.items() if text and text.strip()}
    if any(key not in SECTION_BY_KEY for key in notes):
        raise FormCheckError("意见所指的部分不存在。")
    if not notes:
        raise FormCheckError("请至少对一个需要补正的部分填写意见：企业只能修改有意见的部分。")
    if deadline <= local_today():
        raise FormCheckError("补正截止日期须晚于今天。")
    check_transition(application, "request_correction", admin, comment)
    change = apply_transition(application, "request_correction", admin, comment)
    db.session.flush()
    keys = [s.key for s in SECTIONS if s.key in notes]
    for key in keys:
        db.session.add(ReviewComment(application=application, status_change_id=change.id, section=key,
                                     text=notes[key], author_id=admin.id, created_at=utcnow()))
    request = CorrectionRequest(application=application, status_change_id=change.id, sections=keys,
                                comment=change.comment, deadline=correction_deadline(deadline),
                                base_version=application.version, requested_by_id=admin.id, created_at=utcnow())
    db.session.add(request)
    audit.record("application.correction_request", obj=application, actor=admin,
                 detail={"sections": keys, "deadline": deadline, "status_change": change.id})
    notices.correction_requested(application, request)
    return request


def fail_form_check(application: Application, admin: User, rule: str, comment: str) -> StatusChange:
    """不通过, with the rule it fails (shown to the enterprise and the unit in the history)."""
    _check_reported(application)
    if not (rule or "").strip():
        raise FormCheckError("请选择不通过的原因（不符合的规则）。")
    if not (comment or "").strip():
        raise FormCheckError("形式审查不通过时必须填写意见。")
    return apply_transition(application, "fail_form_check", admin, f"不符合：{rule.strip()}。{comment.strip()}")


def reopen_form_check(application: Application, admin: User, comment: str) -> StatusChange:
    """Take a 通过 or 不通过 back (before the expert review starts): the application is to be checked again."""
    _check_reported(application)
    return apply_transition(application, "reopen_form_check", admin, comment)


def allowed_checks(application: Application) -> list[str]:
    return [action for action in ("pass_form_check", "request_correction", "fail_form_check", "reopen_form_check")
            if application.status in TRANSITIONS[action].sources]
