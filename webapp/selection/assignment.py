"""Assigning experts to the applications that passed 形式审查.

Automatic: every application gets the plan's number of experts, loads balanced (no expert more than one above the
least loaded one where 回避 allows), 专业领域 matched to the 环节 claimed where possible, 回避 always respected. The
result is a proposal (assignments in the state 拟分配) that the admin reviews, then confirms or discards; what cannot
be satisfied is said per application and per type. Manual: assign or withdraw one expert; reassign one application
(fill it up again) or one expert (take back their unscored work and give it to others).

Confirmed assignments move their applications into 评审中 (status table: start_review). Each change is audited.
"""
from collections import Counter
from dataclasses import dataclass

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, Assignment, AssignmentState as A, Campaign, ReviewPlan,
    User,
)
from webapp.selection.conflicts import ExpertInfo, Target, declined_pairs, exclusions, expert_infos, field_match, targets
from webapp.status import apply_transition

REVIEWABLE = (S.FORM_PASSED, S.UNDER_REVIEW)
COUNTED = (A.PROPOSED, A.ACTIVE)


class AssignmentError(ValueError):
    """A refused assignment; the message is for the admin."""


def reviewable_applications(campaign: Campaign) -> list[Application]:
    return list(db.session.execute(db.select(Application).where(
        Application.campaign_id == campaign.id, Application.status.in_(REVIEWABLE))
        .order_by(Application.app_type, Application.id)).scalars())


def _assignments(campaign: Campaign) -> list[Assignment]:
    return list(db.session.execute(db.select(Assignment).filter_by(campaign_id=campaign.id)).scalars())


@dataclass
class Shortfall:
    application_id: int
    name: str
    app_type: ApplicationType | None
    needed: int
    eligible: int
    reasons: Counter

    @property
    def message(self) -> str:
        why = "；".join(f"{reason} {count} 位" for reason, count in self.reasons.most_common(3))
        return (f"“{self.name}”需要 {self.needed} 位专家，符合回避要求的只有 {self.eligible} 位"
                + (f"（被排除：{why}）" if why else "") + "。")


@dataclass
class Chooser:
    """The state the automatic assignment works on: who is eligible for what, who has how much."""
    plan: ReviewPlan
    experts: list[ExpertInfo]
    declined: set
    taken: dict[int, set[int]]          # application → experts it has (any state: not proposed again)
    load: Counter                       # expert → proposed and active assignments

    def eligible(self, target: Target) -> list[ExpertInfo]:
        return [e for e in self.experts if e.id not in self.taken.get(target.id, ())
                and not exclusions(e, target, self.plan, self.declined)]

    def pick(self, target: Target, count: int) -> list[ExpertInfo]:
        pool = self.eligible(target)
        pool.sort(key=lambda e: (self.load[e.id] - (1 if field_match(e, target) else 0), -field_match(e, target),
                                 e.id))
        chosen = pool[:count]
        for expert in chosen:
            self.load[expert.id] += 1
            self.taken.setdefault(target.id, set()).add(expert.id)
        return chosen


def chooser_for(campaign: Campaign, plan: ReviewPlan) -> tuple[Chooser, dict[int, int]]:
    existing = _assignments(campaign)
    taken: dict[int, set[int]] = {}
    load: Counter = Counter()
    have: Counter = Counter()
    for row in existing:
        taken.setdefault(row.application_id, set()).add(row.expert_id)
        if row.state in COUNTED:
            load[row.expert_id] += 1
            have[row.application_id] += 1
    return Chooser(plan, expert_infos(), declined_pairs(campaign), taken, load), have


def propose(campaign: Campaign, plan: ReviewPlan, actor: User) -> list[Shortfall]:
    """Replace the open proposal by a new one; returns what could not be satisfied."""
    db.session.execute(db.delete(Assignment).where(Assignment.campaign_id == campaign.id,
                                                   Assignment.state == A.PROPOSED))
    chooser, have = chooser_for(campaign, plan)
    applications = reviewable_applications(campaign)
    by_id = {a.id: a for a in applications}
    items = [(t, plan.experts_per_application - have[t.id]) for t in targets(applications)]
    items = [(t, n) for t, n in items if n > 0]
    # The most constrained applications choose first.
    items.sort(key=lambda item: (len(chooser.eligible(item[0])), item[0].id))
    rows, shortfalls, now = [], [], utcnow()
    for target, needed in items:
        chosen = chooser.pick(target, needed)
        rows += [dict(campaign_id=campaign.id, application_id=target.id, expert_id=e.id, state=A.PROPOSED,
                      created_at=now, created_by_id=actor.id) for e in chosen]
        if len(chosen) < needed:
            shortfalls.append(_shortfall(chooser, target, by_id[target.id], plan.experts_per_application,
                                         have[target.id] + len(chosen)))
    if rows:
        db.session.execute(db.insert(Assignment), rows)
    audit.record("assignment.propose", obj=campaign, actor=actor,
                 detail={"proposed": len(rows), "applications": len(items), "shortfalls": len(shortfalls)})
    return shortfalls


def _shortfall(chooser: Chooser, target: Target, application: Application, needed: int, got: int) -> Shortfall:
    reasons = Counter(reason for e in chooser.experts for reason in exclusions(e, target, chooser.plan,
                                                                               chooser.declined))
    return Shortfall(target.id, target.name, application.app_type, needed, got, reasons)


def shortfalls(campaign: Campaign, plan: ReviewPlan) -> list[Shortfall]:
    """Applications that have (or are proposed) fewer experts than planned, with the reasons."""
    chooser, have = chooser_for(campaign, plan)
    needed = plan.experts_per_application
    applications = [a for a in reviewable_applications(campaign) if have[a.id] < needed]
    out = []
    for target, application in zip(targets(applications), applications):
        possible = have[application.id] + len(chooser.eligible(target))
        if possible < needed:
            out.append(_shortfall(chooser, target, application, needed, possible))
    return out


def confirm(campaign: Campaign, actor: User) -> int:
    """The admin accepts the proposal: 拟分配 → 已分配; their applications enter 评审中."""
    proposed = [row for row in _assignments(campaign) if row.state is A.PROPOSED]
    if not proposed:
        raise AssignmentError("没有待确认的分配方案，请先生成方案。")
    now = utcnow()
    for row in proposed:
        row.state, row.confirmed_at = A.ACTIVE, now
    start_review_of({row.application for row in proposed}, actor)
    audit.record("assignment.confirm", obj=campaign, actor=actor, detail={"confirmed": len(proposed)})
    return len(proposed)


def discard(campaign: Campaign, actor: User) -> int:
    result = db.session.execute(db.delete(Assignment).where(Assignment.campaign_id == campaign.id,
                                                            Assignment.state == A.PROPOSED))
    audit.record("assignment.discard", obj=campaign, actor=actor, detail={"discarded": result.rowcount})
    return result.rowcount


def start_review_of(applications, actor: User) -> None:
    for application in sorted(applications, key=lambda a: a.id):
        if application.status is S.FORM_PASSED:
            apply_transition(application, "start_review", actor)
