"""The state machines: one table per kind of record, one function per table that checks and applies a transition.

Applications: 草稿 → 已提交 → (退回修改 → 已提交 …) → 已推荐 | 未推荐.
A unit's report (推荐汇总表): 草稿 → 已报送 → (退回 by the province → 已报送 …).
Every transition is checked here (role, source state, required comment), applied here and recorded in the audit
trail; no other code assigns a status.
"""
import enum
from dataclasses import dataclass

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import (
    Application, ApplicationStatus as S, Objection, ObjectionState as O, RecheckRequest, RecheckStatus as C,
    ReportStatus as R, Role, StatusChange, UnitReport, User,
)


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[enum.Enum, ...]
    target: enum.Enum
    role: Role
    comment_required: bool = False
    # The comment is required when leaving these states (e.g. the 修改说明 of a resubmission after a return).
    comment_required_from: tuple[enum.Enum, ...] = ()
    comment_name: str = "意见"


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("提交", (S.DRAFT, S.RETURNED), S.SUBMITTED, Role.APPLICANT,
                         comment_required_from=(S.RETURNED,), comment_name="修改说明"),
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
# The applicant edits only these; everything else is frozen, except the sections a 补正 names (is_editable).
EDITABLE: frozenset[S] = frozenset({S.DRAFT, S.RETURNED})
STAMPED_SCAN = "stamped_scan"      # the 盖章版 scan: may always be replaced while a 补正 is open

REPORT_TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("报送", (R.DRAFT, R.RETURNED), R.REPORTED, Role.RECOMMENDER),
    "return": Transition("退回推荐汇总表", (R.REPORTED,), R.RETURNED, Role.ADMIN, comment_required=True),
}
# A named objection (实名异议) during the 公示: concluded once by the province, with its reply (webapp/publicity).
OBJECTION_TRANSITIONS: dict[str, Transition] = {
    "sustain": Transition("认定异议成立", (O.PENDING,), O.SUSTAINED, Role.ADMIN, comment_required=True,
                          comment_name="答复"),
    "dismiss": Transition("认定异议不成立", (O.PENDING,), O.DISMISSED, Role.ADMIN, comment_required=True,
                          comment_name="答复"),
}
# While reported, the unit can change neither its decisions, nor the order, nor the 填报日期.
REPORT_LOCKED: frozenset[R] = frozenset({R.REPORTED})


# 复核 of a recognition (webapp/recognition/recheck.py): the enterprise reports, its unit gives an opinion (or sends it
# back), the province concludes; a 不通过 may be followed by revoking the recognition (the `revoke` transition).
RECHECK_TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("提交复核报告", (C.REQUESTED, C.RETURNED), C.SUBMITTED, Role.APPLICANT),
    "return": Transition("退回复核报告", (C.SUBMITTED,), C.RETURNED, Role.RECOMMENDER, comment_required=True),
    "endorse": Transition("出具推荐单位意见", (C.SUBMITTED,), C.ENDORSED, Role.RECOMMENDER, comment_required=True),
    "pass": Transition("复核通过", (C.ENDORSED,), C.PASSED, Role.ADMIN),
    "fail": Transition("复核不通过", (C.ENDORSED,), C.FAILED, Role.ADMIN, comment_required=True),
}


class TransitionError(Exception):
    """A refused transition; the message is shown to the user."""


def is_editable(application: Application, section: str | None = None) -> bool:
    """Draft and returned: every section. 需补正 (the province's 形式审查): until the 补正 deadline, only the sections
    the province named, and the stamped scan (a new 盖章版 when the content changed); `section=None` asks whether
    anything is."""
    if application.status in EDITABLE:
        return True
    request = application.open_correction
    if request is None or utcnow() > request.deadline:
        return False
    return section is None or section in request.sections or section == STAMPED_SCAN


def can_open_section(application: Application, key: str) -> bool:
    """The editor opens a section that can be changed; during a 补正, 八 also opens for the new 盖章版 alone."""
    return is_editable(application, key) or (key == "attachments" and is_editable(application, STAMPED_SCAN))


def _check(table: dict[str, Transition], current, action: str, user: User, comment: str | None,
           noun: str) -> Transition:
    transition = table.get(action)
    if transition is None:
        raise TransitionError("未知的操作。")
    if user.role is not transition.role:
        raise TransitionError(f"您无权执行“{transition.label}”。")
    if current not in transition.sources:
        raise TransitionError(f"{noun}当前状态为“{current.label}”，不能{transition.label}。")
    if (transition.comment_required or current in transition.comment_required_from) and not (comment or "").strip():
        when = f"从“{current.label}”{transition.label}" if current in transition.comment_required_from else transition.label
        raise TransitionError(f"{when}时必须填写{transition.comment_name}。")
    return transition


def check_transition(application: Application, action: str, user: User, comment: str | None = None) -> Transition:
    return _check(TRANSITIONS, application.status, action, user, comment, "申报书")


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


def check_report_transition(report: UnitReport, action: str, user: User, comment: str | None = None) -> Transition:
    return _check(REPORT_TRANSITIONS, report.status, action, user, comment, "推荐汇总表")


def apply_report_transition(report: UnitReport, action: str, user: User, comment: str | None = None,
                            detail: dict | None = None) -> Transition:
    """Move the unit's report to the action's target state, stamp who and when, record it; the caller commits."""
    if report.id is not None:
        db.session.refresh(report, with_for_update=True)
    transition = check_report_transition(report, action, user, comment)
    previous, now = report.status, utcnow()
    report.status = transition.target
    if transition.target is R.REPORTED:
        report.reported_at, report.reported_by_id = now, user.id
    else:
        report.reported_at, report.reported_by_id = None, None
        report.returned_at, report.return_comment = now, (comment or "").strip()
    audit.record(f"report.{action}", obj=report, actor=user,
                 detail={"from": previous.value, "to": transition.target.value, **(detail or {})})
    return transition


def check_objection_transition(objection: Objection, action: str, user: User,
                               comment: str | None = None) -> Transition:
    return _check(OBJECTION_TRANSITIONS, objection.state, action, user, comment, "异议")


def apply_objection_transition(objection: Objection, action: str, user: User, comment: str | None = None,
                               detail: dict | None = None) -> Transition:
    """Conclude an objection (成立 / 不成立) with its reply, stamp who and when, record it; the caller commits."""
    db.session.refresh(objection, with_for_update=True)
    transition = check_objection_transition(objection, action, user, comment)
    previous = objection.state
    objection.state, objection.reply = transition.target, (comment or "").strip()
    objection.concluded_at, objection.concluded_by_id = utcnow(), user.id
    audit.record(f"objection.{action}", obj=objection, actor=user,
                 detail={"from": previous.value, "to": transition.target.value, **(detail or {})})
    return transition


def check_recheck_transition(request: RecheckRequest, action: str, user: User,
                             comment: str | None = None) -> Transition:
    return _check(RECHECK_TRANSITIONS, request.status, action, user, comment, "复核")


def apply_recheck_transition(request: RecheckRequest, action: str, user: User, comment: str | None = None) -> Transition:
    """Move a 复核 to the action's target state and record it; the caller commits."""
    db.session.refresh(request, with_for_update=True)
    transition = check_recheck_transition(request, action, user, comment)
    previous = request.status
    request.status = transition.target
    audit.record(f"recheck.{action}", obj=request, actor=user,
                 detail={"from": previous.value, "to": transition.target.value,
                         "comment": (comment or "").strip() or None})
    return transition
