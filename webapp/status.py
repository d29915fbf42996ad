"""The application state machine: one table, one function that applies a transition, checks it and logs it."""
from dataclasses import dataclass

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus as S, Role, StatusChange, User
from webapp.core.timeutil import utcnow


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[S, ...]
    target: S
    role: Role
    comment_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("提交", (S.DRAFT, S.RETURNED), S.SUBMITTED, Role.APPLICANT),
    "withdraw": Transition("撤回", (S.SUBMITTED,), S.DRAFT, Role.APPLICANT),
    # A unit may still send a decided application back for correction until it reports its list (报送).
    "return": Transition("退回修改", (S.SUBMITTED, S.RECOMMENDED, S.NOT_RECOMMENDED), S.RETURNED, Role.RECOMMENDER,
                         comment_required=True),
    "recommend": Transition("推荐", (S.SUBMITTED, S.NOT_RECOMMENDED), S.RECOMMENDED, Role.RECOMMENDER),
    "reject": Transition("不予推荐", (S.SUBMITTED, S.RECOMMENDED), S.NOT_RECOMMENDED, Role.RECOMMENDER),
}


class TransitionError(Exception):
    """A refused transition; the message is shown to the user."""


def check_transition(application: Application, action: str, user: User, comment: str | None = None) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError("未知的操作。")
    if user.role is not transition.role:
        raise TransitionError(f"您无权执行“{transition.label}”。")
    if application.status not in transition.sources:
        raise TransitionError(f"申报书当前状态为“{application.status.label}”，不能{transition.label}。")
    if transition.comment_required and not (comment or "").strip():
        raise TransitionError(f"{transition.label}时必须填写意见。")
    return transition


def apply_transition(application: Application, action: str, user: User, comment: str | None = None) -> StatusChange:
    """Move the application to the action's target state and record it; the caller commits.

    The row is re-read with a lock where the database has one, so that two concurrent decisions
    cannot both pass the state check.
    """
    db.session.refresh(application, with_for_update=True)
    transition = check_transition(application, action, user, comment)
    change = StatusChange(application=application, action=action, from_status=application.status,
                          to_status=transition.target, actor_id=user.id, comment=(comment or "").strip() or None,
                          created_at=utcnow())
    application.status = transition.target
    db.session.add(change)
    audit.record(f"application.{action}", obj=application, actor=user,
                 detail={"from": change.from_status.value, "to": change.to_status.value, "comment": change.comment})
    return change
