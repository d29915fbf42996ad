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
from webapp.selection.conflicts import (
    ExpertInfo, Rules, Target, allowed, declined_pairs, exclusions, expert_infos, field_match, rules_of, targets,
)
from webapp.status import apply_transition_to_all

REVIEWABLE = (S.FORM_PASSED, S.UNDER_REVIEW)
COUNTED = (A.PROPOSED, A.ACTIVE)


class AssignmentError(ValueError):
    """A refused assignment; the message is for the admin."""


def reviewable_applications(campaign: Campaign) -> list[Application]:
    return list(db.session.execute(db.select(Application).where(
        Application.campaign_id == campaign.id, Application.status.in_(REVIEWABLE))
        .order_by(Application.app_type, Application.id)).scalars())


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
    rules: Rules
    experts: list[ExpertInfo]
    declined: set
    taken: dict[int, set[int]]          # application → experts it has (any state: not proposed again)
    load: Counter                       # expert → proposed and active assignments

    def eligible(self, target: Target) -> list[ExpertInfo]:
        taken = self.taken.get(target.id, ())
        return [e for e in self.experts if e.id not in taken and allowed(e, target, self.rules, self.declined)]

    def pick(self, target: Target, count: int, pool: list[ExpertInfo] | None = None) -> list[ExpertInfo]:
        """The `count` least loaded eligible experts, one above the least loaded accepted for a 专业领域 match."""
        matches = [(e, field_match(e, target)) for e in (self.eligible(target) if pool is None else pool)]
        matches.sort(key=lambda pair: (self.load[pair[0].id] - (1 if pair[1] else 0), -pair[1], pair[0].id))
        chosen = [e for e, _match in matches[:count]]
        for expert in chosen:
            self.load[expert.id] += 1
            self.taken.setdefault(target.id, set()).add(expert.id)
        return chosen


def chooser_for(campaign: Campaign, plan: ReviewPlan) -> tuple[Chooser, dict[int, int]]:
    rows = db.session.execute(db.select(Assignment.application_id, Assignment.expert_id, Assignment.state)
                              .where(Assignment.campaign_id == campaign.id)).all()
    taken: dict[int, set[int]] = {}
    load: Counter = Counter()
    have: Counter = Counter()
    for application_id, expert_id, state in rows:
        taken.setdefault(application_id, set()).add(expert_id)
        if state in COUNTED:
            load[expert_id] += 1
            have[application_id] += 1
    return Chooser(rules_of(plan), expert_infos(), declined_pairs(campaign), taken, load), have


def propose(campaign: Campaign, plan: ReviewPlan, actor: User) -> list[Shortfall]:
    """Replace the open proposal by a new one; returns what could not be satisfied."""
    db.session.execute(db.delete(Assignment).where(Assignment.campaign_id == campaign.id,
                                                   Assignment.state == A.PROPOSED))
    chooser, have = chooser_for(campaign, plan)
    applications = reviewable_applications(campaign)
    by_id = {a.id: a for a in applications}
    items = [(t, plan.experts_per_application - have[t.id]) for t in targets(applications)]
    pools = {t.id: chooser.eligible(t) for t, needed in items if needed > 0}
    # The most constrained applications choose first.
    items = sorted(((t, n) for t, n in items if n > 0), key=lambda item: (len(pools[item[0].id]), item[0].id))
    rows, shortfalls, now = [], [], utcnow()
    for target, needed in items:
        chosen = chooser.pick(target, needed, pools[target.id])
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
    reasons = Counter(reason for e in chooser.experts for reason in exclusions(e, target, chooser.rules,
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
    """The admin accepts the proposal: 拟分配 → 已分配 (one UPDATE); their applications enter 评审中."""
    proposed = (Assignment.campaign_id == campaign.id, Assignment.state == A.PROPOSED)
    application_ids = set(db.session.execute(db.select(Assignment.application_id).where(*proposed)).scalars())
    if not application_ids:
        raise AssignmentError("没有待确认的分配方案，请先生成方案。")
    count = db.session.execute(db.update(Assignment).where(*proposed).values(
        state=A.ACTIVE, confirmed_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    for stale in [o for o in db.session.identity_map.values() if isinstance(o, Assignment)]:
        db.session.expire(stale)                # the UPDATE went around the session
    start_review_of(db.session.execute(db.select(Application).where(
        Application.id.in_(application_ids), Application.status == S.FORM_PASSED)).scalars(), actor)
    audit.record("assignment.confirm", obj=campaign, actor=actor, detail={"confirmed": count})
    return count


def discard(campaign: Campaign, actor: User) -> int:
    result = db.session.execute(db.delete(Assignment).where(Assignment.campaign_id == campaign.id,
                                                            Assignment.state == A.PROPOSED))
    audit.record("assignment.discard", obj=campaign, actor=actor, detail={"discarded": result.rowcount})
    return result.rowcount


def start_review_of(applications, actor: User) -> None:
    """评审中 for those of `applications` still waiting for experts (形式审查通过)."""
    waiting = sorted((a for a in applications if a.status is S.FORM_PASSED), key=lambda a: a.id)
    apply_transition_to_all(waiting, "start_review", actor)
