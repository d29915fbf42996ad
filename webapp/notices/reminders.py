"""Deadline reminders: 7, 3 and 1 days before each deadline, to those who still have something to do before it.

- the enterprise deadline (with the enterprise's own extension): the members who may edit an application that is
  still a draft (草稿 or 退回修改);
- the unit deadline: the recommenders of a unit whose 推荐汇总表 is not reported while it has applications;
- the experts' deadline of a review plan (评审方案): the experts who still have assignments without a submitted
  score sheet.

Each reminder is written once: its dedupe key names the deadline (so a changed deadline reminds again), the days and
the recipient. When a run comes late (the timer was stopped), only the nearest reminder still ahead is written, not
every one that was missed. Another kind of deadline joins by adding a function to SOURCES that yields Reminders.
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from webapp.accounts.members import may_edit_anything, members
from webapp.core.extensions import db
from webapp.core.timeutil import fmt
from webapp.models import (
    Application, ApplicationStatus as S, Assignment, AssignmentState, Campaign, Expert, Notice, ReportStatus,
    ReviewPlan, Role, ScoreCard, UnitReport, User,
)
from webapp.notices.inbox import notify, path_for

DAYS = (7, 3, 1)


@dataclass(frozen=True)
class Reminder:
    user: User
    key: str                 # unique: "reminder:<deadline kind>:<campaign>:<scope>:<deadline>:<days>:<user>"
    subject: str
    body: str
    link: str


def nearest_days(deadline: datetime, now: datetime) -> int | None:
    """The smallest of DAYS whose reminder time has come for `deadline` (None before 7 days and after the deadline)."""
    if now >= deadline:
        return None
    due = [days for days in DAYS if now >= deadline - timedelta(days=days)]
    return min(due) if due else None


def _key(kind: str, campaign: Campaign, scope: int, deadline: datetime, days: int, user: User) -> str:
    return f"reminder:{kind}:{campaign.id}:{scope}:{deadline:%Y%m%d%H%M}:{days}:{user.id}"


def _open_campaigns() -> list[Campaign]:
    return list(db.session.execute(db.select(Campaign).where(Campaign.is_open.is_(True))).scalars())


def enterprise_reminders(now: datetime) -> Iterator[Reminder]:
    for campaign in _open_campaigns():
        latest = max([campaign.enterprise_deadline, *(e.deadline for e in campaign.extensions)])
        if now < campaign.enterprise_deadline - timedelta(days=max(DAYS)) or now >= latest:
            continue
        drafts = db.session.execute(db.select(Application).where(
            Application.campaign_id == campaign.id, Application.status.in_((S.DRAFT, S.RETURNED)))).scalars()
        for application in drafts:
            deadline = campaign.deadline_for(application.enterprise_id)
            days = nearest_days(deadline, now)
            if days is None:
                continue
            state = application.status.label
            for user, _member in members(application.enterprise_id):
                if not may_edit_anything(user):
                    continue
                yield Reminder(
                    user, _key("enterprise", campaign, application.enterprise_id, deadline, days, user),
                    f"距申报截止不到{days}天，申报书尚未提交",
                    f"{campaign.title}的申报截止时间为 {fmt(deadline)}（北京时间），距今不到{days}天。"
                    f"贵单位的申报书当前状态为“{state}”，尚未提交。请在截止前完成填写，由企业管理员提交。",
                    path_for("application.edit", application_id=application.id))


def unit_reminders(now: datetime) -> Iterator[Reminder]:
    for campaign in _open_campaigns():
        days = nearest_days(campaign.unit_deadline, now)
        if days is None:
            continue
        reported = set(db.session.execute(db.select(UnitReport.unit_id).where(
            UnitReport.campaign_id == campaign.id, UnitReport.status == ReportStatus.REPORTED)).scalars())
        waiting = dict(db.session.execute(db.select(Application.unit_id, func.count()).where(
            Application.campaign_id == campaign.id, Application.status == S.SUBMITTED)
            .group_by(Application.unit_id)).all())
        active = set(db.session.execute(db.select(Application.unit_id).where(
            Application.campaign_id == campaign.id, Application.status != S.DRAFT).distinct()).scalars())
        for unit_id in sorted(active - reported):
            recommenders = db.session.execute(db.select(User).where(
                User.role == Role.RECOMMENDER, User.unit_id == unit_id, User.active.is_(True))).scalars()
            undecided = f"尚有 {waiting[unit_id]} 份已提交的申报书未处理。" if waiting.get(unit_id) else ""
            for user in recommenders:
                yield Reminder(
                    user, _key("unit", campaign, unit_id, campaign.unit_deadline, days, user),
                    f"距推荐截止不到{days}天，推荐汇总表尚未报送",
                    f"{campaign.title}的推荐截止时间为 {fmt(campaign.unit_deadline)}（北京时间），距今不到{days}天。"
                    f"本单位的推荐汇总表尚未报送。{undecided}请在截止前完成审核并报送。",
                    path_for("review.summary"))


def expert_reminders(now: datetime) -> Iterator[Reminder]:
    plans = db.session.execute(db.select(ReviewPlan).where(
        ReviewPlan.deadline > now, ReviewPlan.deadline <= now + timedelta(days=max(DAYS)))).scalars()
    for plan in plans:
        days = nearest_days(plan.deadline, now)
        campaign = db.session.get(Campaign, plan.campaign_id)
        open_counts = db.session.execute(
            db.select(Expert, func.count()).join(Assignment, Assignment.expert_id == Expert.id)
            .outerjoin(ScoreCard, ScoreCard.assignment_id == Assignment.id)
            .where(Assignment.campaign_id == plan.campaign_id, Assignment.state == AssignmentState.ACTIVE,
                   ScoreCard.submitted_at.is_(None), Expert.user_id.is_not(None))
            .group_by(Expert.id).order_by(Expert.id)).all()
        for expert, count in open_counts:
            user = expert.user
            if days is None or not user.active:
                continue
            yield Reminder(
                user, _key("expert", campaign, expert.id, plan.deadline, days, user),
                f"距专家评审截止不到{days}天，尚有评分表未提交",
                f"{campaign.title}的专家评审截止时间为 {fmt(plan.deadline)}（北京时间），距今不到{days}天。"
                f"您还有 {count} 份申报书尚未提交评分表，请在截止前完成。", path_for("expert.assignments"))


SOURCES: list[Callable[[datetime], Iterator[Reminder]]] = [enterprise_reminders, unit_reminders, expert_reminders]


def write_due_reminders(now: datetime) -> list[Notice]:
    """Write every reminder due at `now` that was not written before; the caller commits."""
    written = set(db.session.execute(db.select(Notice.dedupe_key).where(
        Notice.dedupe_key.like("reminder:%"), Notice.created_at > now - timedelta(days=max(DAYS) + 1))).scalars())
    created = []
    for source in SOURCES:
        for reminder in source(now):
            if reminder.key in written:
                continue
            notice = notify(reminder.user, "deadline.reminder", reminder.subject, reminder.body, reminder.link,
                            dedupe_key=reminder.key)
            written.add(reminder.key)
            if notice is not None:
                created.append(notice)
    return created
