"""The unit's decisions on single applications: 退回修改 / 推荐 / 不予推荐 (also in bulk), and the order (序号).

Recommended applications carry a dense 序号 (recommend_order 1..n within unit and campaign): recommending appends,
leaving 已推荐 removes and renumbers. Every decision goes through the state table; refusals raise ReviewError before
anything changes; the caller commits.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationStatus as S, ReviewComment, Role, StatusChange, User,
)
from webapp.applications.sections import SECTION_BY_KEY, SECTIONS
from webapp.notices import events as notices
from webapp.review.report import ReviewError, check_quota, check_unlocked, lock_unit_list, quota_usage
from webapp.review.summary import recommended_query
from webapp.status import TRANSITIONS, TransitionError, apply_transition, check_transition


DECISIONS = ("return", "recommend", "reject")


def _check_unit(application: Application, user: User) -> None:
    if user.role is not Role.RECOMMENDER or application.unit_id != user.unit_id:
        raise ReviewError("您无权处理该申报书。")


def allowed_decisions(application: Application) -> list[str]:
    """The decisions the state table allows from the application's state (lock and quota not considered)."""
    return [action for action in DECISIONS if application.status in TRANSITIONS[action].sources]


def decide(application: Application, action: str, user: User, comment: str | None = None,
           section_comments: dict[str, str] | None = None, now: datetime | None = None) -> StatusChange:
    """退回修改 / 推荐 / 不予推荐 through the state table; keeps the 序号 dense, stores section comments and tells the
    enterprise (a return: its administrator and the colleagues of the commented sections)."""
    if action not in DECISIONS:
        raise ReviewError("未知的操作。")
    _check_unit(application, user)
    lock_unit_list(application.campaign_id, application.unit_id)     # before counting the quota or the 序号
    check_unlocked(application.campaign, application.unit_id, now)
    notes = {key: text.strip() for key, text in (section_comments or {}).items() if text and text.strip()}
    if any(key not in SECTION_BY_KEY for key in notes):
        raise ReviewError("意见所指的部分不存在。")
    if notes and action != "return":
        raise ReviewError("只有退回修改时可以对具体部分提出意见。")
    check_transition(application, action, user, comment)
    if action == "recommend":
        if not (comment or "").strip():
            raise ReviewError("推荐时请填写推荐意见（专家评审时可见）。")
        check_quota(application)
    change = apply_transition(application, action, user, comment)
    if change.to_status is S.RECOMMENDED:
        application.recommend_order = (_max_order(application) or 0) + 1
        application.recommend_opinion = change.comment
    elif change.from_status is S.RECOMMENDED:
        application.recommend_order = None
        _renumber(application.campaign_id, application.unit_id)
    if notes:
        db.session.flush()
        for key in (s.key for s in SECTIONS if s.key in notes):
            db.session.add(ReviewComment(application=application, status_change_id=change.id, section=key,
                                         text=notes[key], author_id=user.id, created_at=utcnow()))
        audit.record("application.section_comments", obj=application, actor=user,
                     detail={"sections": list(notes), "status_change": change.id})
    if change.to_status is S.RETURNED:
        notices.application_returned(application, change, [s.key for s in SECTIONS if s.key in notes])
    else:
        notices.application_decided(application, change)
    return change


@dataclass(frozen=True)
class RowResult:
    application_id: int
    name: str
    ok: bool
    message: str = ""


def bulk_decide(ids: list[int], action: str, user: User, comment: str | None = None,
                now: datetime | None = None) -> list[RowResult]:
    """Decide each selected application on its own; a refusal of one does not stop the others."""
    found = _selected(ids, user)
    results = []
    for application_id in dict.fromkeys(ids):
        application = found.get(application_id)
        if application is None:
            results.append(RowResult(application_id, f"编号 {application_id}", False, "申报书不存在或无权处理。"))
            continue
        name = application.applicant_name
        try:
            decide(application, action, user, comment, now=now)
        except TransitionError as exc:
            results.append(RowResult(application_id, name, False, str(exc)))
        else:
            results.append(RowResult(application_id, name, True))
    return results


def _selected(ids: list[int], user: User) -> dict[int, Application]:
    return {a.id: a for a in db.session.execute(db.select(Application).where(
        Application.id.in_(ids), Application.unit_id == user.unit_id, Application.status != S.DRAFT)).scalars()}


def preview_bulk(ids: list[int], action: str, user: User, comment: str | None = None,
                 now: datetime | None = None) -> list[RowResult]:
    """What bulk_decide would do to each selected application, changing nothing: shown for confirmation first.
    Recommendations count against the quota one after the other, as they would be made."""
    found = _selected(ids, user)
    extra: dict = {}
    results = []
    for application_id in dict.fromkeys(ids):
        application = found.get(application_id)
        if application is None:
            results.append(RowResult(application_id, f"编号 {application_id}", False, "申报书不存在或无权处理。"))
            continue
        name = application.applicant_name
        try:
            _check_unit(application, user)
            check_unlocked(application.campaign, application.unit_id, now)
            check_transition(application, action, user, comment)
            if action == "recommend":
                _check_quota_with(application, extra)
        except TransitionError as exc:
            results.append(RowResult(application_id, name, False, str(exc)))
        else:
            results.append(RowResult(application_id, name, True))
    return results


def _check_quota_with(application: Application, extra: dict) -> None:
    """The quota check, with the recommendations of this batch counted before it."""
    use = quota_usage(application.campaign, application.unit_id).get(application.app_type)
    if application.app_type is None:
        raise ReviewError("申报书未选择申报类型，不能推荐。")
    taken = use.used + extra.get(application.app_type, 0)
    if use.quota is not None and taken >= use.quota:
        raise ReviewError(f"{application.app_type.label}推荐名额将用完（{use.quota} 项），本份不能再推荐。")
    extra[application.app_type] = extra.get(application.app_type, 0) + 1


def _max_order(application: Application) -> int | None:
    return db.session.execute(db.select(func.max(Application.recommend_order)).where(
        Application.campaign_id == application.campaign_id, Application.unit_id == application.unit_id,
        Application.status.in_(RECOMMENDED_STATES), Application.id != application.id)).scalar()


def _renumber(campaign_id: int, unit_id: int, ordered: list[Application] | None = None) -> list[Application]:
    """Number the list 1..n. 序号 is unique per unit and campaign (a database constraint): the old numbers are
    cleared first, so that no row briefly takes a number another still holds."""
    if ordered is None:
        ordered = list(db.session.execute(recommended_query(campaign_id, unit_id)).scalars())
    changed = [(number, a) for number, a in enumerate(ordered, start=1) if a.recommend_order != number]
    for _number, application in changed:
        application.recommend_order = None
    db.session.flush()
    for number, application in changed:
        application.recommend_order = number
    return ordered


def move_to(application: Application, position: int, user: User, now: datetime | None = None) -> int:
    """Put a recommended application at 序号 `position` (clamped to 1..n); the others shift. Returns the new 序号."""
    _check_unit(application, user)
    lock_unit_list(application.campaign_id, application.unit_id)
    check_unlocked(application.campaign, application.unit_id, now)
    db.session.refresh(application)
    if application.status is not S.RECOMMENDED:
        raise ReviewError("只有已推荐的申报书有序号。")
    ordered = list(db.session.execute(recommended_query(application.campaign_id, application.unit_id)).scalars())
    old = ordered.index(application) + 1
    ordered.remove(application)
    new = min(max(position, 1), len(ordered) + 1)
    ordered.insert(new - 1, application)
    _renumber(application.campaign_id, application.unit_id, ordered)
    if new != old:
        audit.record("report.reorder", obj=application, actor=user, detail={"from": old, "to": new})
    return new


def move(application: Application, direction: str, user: User, now: datetime | None = None) -> int:
    """Move one place up or down."""
    if direction not in ("up", "down"):
        raise ReviewError("未知的操作。")
    current = application.recommend_order or 1
    return move_to(application, current - 1 if direction == "up" else current + 1, user, now)
