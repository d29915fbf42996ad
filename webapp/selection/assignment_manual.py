"""Assignments one by one: the admin assigns or withdraws an expert, refills one application, or takes one expert's
unscored work back and gives it to others; the expert opens an assignment (no conflict of interest) or declares a
conflict, which removes it and asks the admin to reassign. Each change is audited."""
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import Application, Assignment, AssignmentState as A, Campaign, Expert, ReviewPlan, User
from webapp.selection.assignment import AssignmentError, REVIEWABLE, chooser_for, start_review_of
from webapp.selection.conflicts import declined_pairs, exclusions, expert_infos, targets
from webapp.selection.experts import add_relation


def _pair(application: Application, expert: Expert) -> Assignment | None:
    return db.session.execute(db.select(Assignment).filter_by(application_id=application.id,
                                                              expert_id=expert.id)).scalar_one_or_none()


def _check_reviewable(application: Application) -> None:
    if application.status not in REVIEWABLE:
        raise AssignmentError(f"申报书当前状态为“{application.status.label}”，形式审查通过后才能分配专家。")


def assign(application: Application, expert: Expert, plan: ReviewPlan, actor: User) -> Assignment:
    """Assign one expert (at once confirmed), 回避 checked."""
    _check_reviewable(application)
    [info] = expert_infos([expert])
    [target] = targets([application])
    reasons = exclusions(info, target, plan, declined_pairs(application.campaign))
    if reasons:
        raise AssignmentError(f"不能分配{expert.name}：{'；'.join(reasons)}。")
    row = _pair(application, expert)
    if row is not None and row.state is A.ACTIVE:
        raise AssignmentError(f"{expert.name}已分配到该申报书。")
    if row is None:
        row = Assignment(campaign_id=application.campaign_id, application=application, expert=expert)
        db.session.add(row)
    row.state, row.confirmed_at, row.created_by_id = A.ACTIVE, utcnow(), actor.id
    row.ended_at = row.end_reason = row.opened_at = None
    db.session.flush()
    start_review_of({application}, actor)
    audit.record("assignment.assign", obj=row, actor=actor,
                 detail={"application_id": application.id, "expert_id": expert.id, "expert": expert.name})
    return row


def withdraw(assignment: Assignment, actor: User, reason: str) -> None:
    """Take an assignment back (not once its score sheet is submitted)."""
    if assignment.state not in (A.ACTIVE, A.PROPOSED):
        raise AssignmentError(f"该分配状态为“{assignment.state.label}”，无需撤回。")
    if assignment.card is not None and assignment.card.submitted_at is not None:
        raise AssignmentError("该专家已提交评分表，不能撤回。如需修改评分，请退回评分表。")
    if not (reason or "").strip():
        raise AssignmentError("撤回分配时请说明理由。")
    assignment.state, assignment.ended_at, assignment.end_reason = A.WITHDRAWN, utcnow(), reason.strip()[:500]
    audit.record("assignment.withdraw", obj=assignment, actor=actor,
                 detail={"application_id": assignment.application_id, "expert_id": assignment.expert_id,
                         "reason": assignment.end_reason})


def refill(application: Application, plan: ReviewPlan, actor: User) -> int:
    """Reassign one application: add eligible experts (confirmed at once) up to the planned number."""
    _check_reviewable(application)
    chooser, have = chooser_for(application.campaign, plan)
    [target] = targets([application])
    missing = plan.experts_per_application - have[application.id]
    if missing <= 0:
        raise AssignmentError("该申报书的评审专家已足额。")
    chosen = chooser.pick(target, missing)
    experts = {e.id: e for e in db.session.execute(db.select(Expert).where(
        Expert.id.in_([c.id for c in chosen]))).scalars()}
    for info in chosen:
        assign(application, experts[info.id], plan, actor)
    if len(chosen) < missing:
        raise AssignmentError(f"已补充 {len(chosen)} 位专家，仍缺 {missing - len(chosen)} 位：符合回避要求的专家不足。")
    return len(chosen)


def reassign_expert(expert: Expert, campaign: Campaign, plan: ReviewPlan, actor: User, reason: str) -> list[str]:
    """Take back the expert's assignments without a submitted sheet, and refill each application; returns
    what could not be refilled."""
    rows = list(db.session.execute(db.select(Assignment).filter_by(campaign_id=campaign.id, expert_id=expert.id)
                                   .where(Assignment.state.in_((A.ACTIVE, A.PROPOSED)))).scalars())
    open_rows = [row for row in rows if row.card is None or row.card.submitted_at is None]
    if not open_rows:
        raise AssignmentError(f"{expert.name}没有尚未提交的评审任务。")
    for row in open_rows:
        withdraw(row, actor, reason)
    db.session.flush()
    problems = []
    for row in open_rows:
        try:
            refill(row.application, plan, actor)
        except AssignmentError as exc:
            problems.append(f"“{row.application.company_name}”：{exc}")
    return problems


# ---- the expert's side -----------------------------------------------------------------------------------------

def open_assignment(assignment: Assignment, user: User) -> None:
    """The expert states there is no conflict of interest and may now read the application."""
    _own_active(assignment, user)
    if assignment.opened_at is None:
        assignment.opened_at = utcnow()
        audit.record("assignment.open", obj=assignment, actor=user,
                     detail={"application_id": assignment.application_id})


def decline(assignment: Assignment, user: User, reason: str) -> None:
    """The expert declares a conflict (before reading the content): the assignment ends, the relation is recorded
    for 回避, and the admin is asked to reassign (the application shows as short of experts)."""
    _own_active(assignment, user)
    if assignment.opened_at is not None:
        raise AssignmentError("您已确认无利益冲突并开始评审。如确有利益冲突，请联系省工信厅处理。")
    if not (reason or "").strip():
        raise AssignmentError("请说明与该企业的关系（如：曾任职、亲属任职、业务往来）。")
    application = assignment.application
    assignment.state, assignment.ended_at, assignment.end_reason = A.DECLINED, utcnow(), reason.strip()[:500]
    add_relation(assignment.expert, application.enterprise.credit_code, reason, user, by_expert=True,
                 enterprise_name=application.applicant_name)
    audit.record("assignment.decline", obj=assignment, actor=user,
                 detail={"application_id": application.id, "reason": assignment.end_reason})


def _own_active(assignment: Assignment, user: User) -> None:
    if assignment.expert.user_id != user.id:
        raise AssignmentError("这不是分配给您的评审任务。")
    if assignment.state is not A.ACTIVE:
        raise AssignmentError(f"该评审任务状态为“{assignment.state.label}”。")
