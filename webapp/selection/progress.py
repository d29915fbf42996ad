"""The experts' progress (assigned, opened, drafted, submitted; late after the plan's deadline) and reminders.

A reminder is kept (the expert's portal shows it), audited, and sent to the expert's login as a notice (in-app, and
by e-mail where the expert switched it on).
"""
from dataclasses import dataclass

from sqlalchemy import case, func

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import (
    Assignment, AssignmentState as A, Campaign, Expert, ExpertReminder, Prefecture, ReviewPlan, ScoreCard, User,
)
from webapp.notices.inbox import notify, path_for


class ReminderError(ValueError):
    """A refused reminder; the message is for the admin."""


@dataclass
class ExpertProgress:
    expert_id: int
    name: str
    prefecture: str
    assigned: int
    opened: int
    drafted: int
    submitted: int
    declined: int
    last_reminder: object = None
    late: bool = False

    @property
    def open(self) -> int:
        return self.assigned - self.submitted


def progress(campaign: Campaign, plan: ReviewPlan | None) -> list[ExpertProgress]:
    active = Assignment.state == A.ACTIVE
    rows = db.session.execute(
        db.select(Expert.id, Expert.name, Prefecture.name,
                  func.sum(case((active, 1), else_=0)),
                  func.sum(case((active & Assignment.opened_at.is_not(None), 1), else_=0)),
                  func.sum(case((active & ScoreCard.id.is_not(None) & ScoreCard.submitted_at.is_(None), 1), else_=0)),
                  func.sum(case((active & ScoreCard.submitted_at.is_not(None), 1), else_=0)),
                  func.sum(case((Assignment.state == A.DECLINED, 1), else_=0)))
        .join(Assignment, Assignment.expert_id == Expert.id)
        .join(Prefecture, Prefecture.adcode == Expert.prefecture_adcode)
        .outerjoin(ScoreCard, ScoreCard.assignment_id == Assignment.id)
        .where(Assignment.campaign_id == campaign.id, Assignment.state.in_((A.ACTIVE, A.DECLINED)))
        .group_by(Expert.id, Expert.name, Prefecture.name).order_by(Prefecture.name, Expert.name)).all()
    reminders = dict(db.session.execute(
        db.select(ExpertReminder.expert_id, func.max(ExpertReminder.created_at))
        .where(ExpertReminder.campaign_id == campaign.id).group_by(ExpertReminder.expert_id)).all())
    past_deadline = plan is not None and plan.deadline is not None and utcnow() > plan.deadline
    out = []
    for expert_id, name, prefecture, *counts in rows:
        item = ExpertProgress(expert_id, name, prefecture, *(int(c or 0) for c in counts),
                              last_reminder=reminders.get(expert_id))
        item.late = past_deadline and item.open > 0
        out.append(item)
    return out


def remind_expert(campaign: Campaign, plan: ReviewPlan | None, expert: Expert, actor: User) -> ExpertReminder:
    """Remind one expert of their unfinished assignments."""
    open_count = db.session.execute(
        db.select(func.count()).select_from(Assignment).outerjoin(ScoreCard)
        .where(Assignment.campaign_id == campaign.id, Assignment.expert_id == expert.id, Assignment.state == A.ACTIVE,
               ScoreCard.submitted_at.is_(None))).scalar_one()
    if not open_count:
        raise ReminderError(f"{expert.name}没有未完成的评审任务。")
    deadline = f"请于 {fmt(plan.deadline)}（北京时间）前完成" if plan and plan.deadline else "请尽快完成"
    reminder = ExpertReminder(campaign_id=campaign.id, expert_id=expert.id, created_by_id=actor.id,
                              message=f"您还有 {open_count} 份申报书尚未提交评分表，{deadline}。", created_at=utcnow())
    db.session.add(reminder)
    db.session.flush()
    audit.record("expert.remind", obj=expert, actor=actor,
                 detail={"campaign": campaign.year, "open": open_count, "reminder": reminder.id})
    notify(expert.user, "selection.remind", "省工信厅提醒您完成评审", reminder.message, path_for("expert.assignments"))
    return reminder


def remind_late(campaign: Campaign, plan: ReviewPlan | None, actor: User) -> int:
    """Remind every expert who is late (or, before the deadline, everyone with unfinished work)."""
    items = progress(campaign, plan)
    targets = [item for item in items if item.late] or [item for item in items if item.open > 0]
    experts = {e.id: e for e in db.session.execute(db.select(Expert).where(
        Expert.id.in_([t.expert_id for t in targets]))).scalars()}
    for item in targets:
        remind_expert(campaign, plan, experts[item.expert_id], actor)
    return len(targets)


def latest_reminder(campaign_ids: list[int], expert: Expert) -> ExpertReminder | None:
    return db.session.execute(db.select(ExpertReminder).where(
        ExpertReminder.expert_id == expert.id, ExpertReminder.campaign_id.in_(campaign_ids))
        .order_by(ExpertReminder.id.desc()).limit(1)).scalar_one_or_none()
