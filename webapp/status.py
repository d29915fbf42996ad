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
    # The province's 形式审查 of a reported application (webapp/selection/form_check.py): 通过, 需补正 (back to the
    # enterprise alone; the unit's list stays reported), 不通过. A 补正 can be asked again, or failed when its deadline
    # has passed unanswered; a conclusion can be taken back until the expert review starts.
    "pass_form_check": Transition("形式审查通过", (S.RECOMMENDED, S.CORRECTED), S.FORM_PASSED, Role.ADMIN),
    "request_correction": Transition("要求补正", (S.RECOMMENDED, S.CORRECTED, S.CORRECTION), S.CORRECTION, Role.ADMIN,
                                     comment_required=True),
    "submit_correction": Transition("提交补正", (S.CORRECTION,), S.CORRECTED, Role.APPLICANT),
    "fail_form_check": Transition("形式审查不通过", (S.RECOMMENDED, S.CORRECTED, S.CORRECTION), S.FORM_FAILED,
                                  Role.ADMIN, comment_required=True),
    "reopen_form_check": Transition("撤销形式审查结论", (S.FORM_PASSED, S.FORM_FAILED), S.RECOMMENDED, Role.ADMIN,
                                    comment_required=True),
    # 专家评审 (webapp/selection/assignment.py): confirmed assignments start it.
    "start_review": Transition("进入专家评审", (S.FORM_PASSED,), S.UNDER_REVIEW, Role.ADMIN),
    # The outcome: 拟认定名单, 公示 and 认定. Part of the design of the whole sequence; their domain functions (and the
    # pages that call them) come with the publicity and recognition step.
    "propose": Transition("列入拟认定名单", (S.UNDER_REVIEW, S.INCUBATION, S.NOT_SELECTED), S.PROPOSED, Role.ADMIN),
    "incubate": Transition("列入培育库", (S.UNDER_REVIEW, S.PROPOSED, S.NOT_SELECTED), S.INCUBATION, Role.ADMIN,
                           comment_required=True),
    "not_select": Transition("未入选", (S.UNDER_REVIEW, S.PROPOSED, S.INCUBATION), S.NOT_SELECTED, Role.ADMIN,
                             comment_required=True),
    "recognise": Transition("认定", (S.PROPOSED,), S.RECOGNISED, Role.ADMIN),
    "revoke": Transition("撤销认定", (S.RECOGNISED,), S.REVOKED, Role.ADMIN, comment_required=True),
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
    return _change(application, check_transition(application, action, user, comment), action, user, comment)


def apply_transition_to_all(applications: list[Application], action: str, user: User,
                            comment: str | None = None) -> list[StatusChange]:
    """apply_transition for many applications at once (confirming an expert assignment moves about a thousand),
    with one locking read of them all instead of one each; refused as a whole if any one is refused."""
    if not applications:
        return []
    db.session.execute(db.select(Application).where(Application.id.in_([a.id for a in applications]))
                       .with_for_update().execution_options(populate_existing=True)).all()
    checked = [(a, check_transition(a, action, user, comment)) for a in applications]
    return [_change(application, transition, action, user, comment) for application, transition in checked]


def _change(application: Application, transition: Transition, action: str, user: User,
            comment: str | None) -> StatusChange:
    change = StatusChange(application=application, action=action, from_status=application.status,
                          to_status=transition.target, actor_id=user.id, comment=(comment or "").strip() or None,
                          created_at=utcnow())
    application.status = transition.target
    db.session.add(change)
    audit.record(f"application.{action}", obj=application, actor=user,
                 detail={"from": change.from_status.value, "to": change.to_status.value, "comment": change.comment})
    return change
