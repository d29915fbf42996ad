"""拟认定名单: the admin draws the line in each type's ranking (the planned number), then gives every application
under review its outcome: 拟认定 (`propose`), 入库培育 (`incubate`, the 培育库 of near misses) or 未入选
(`not_select`), through the state table, each with who and why. The list is locked once the 公示 opens.

A reason is required for every outcome but one: 拟认定 of an application inside the line (ranked within the planned
number and at or above the pass mark), which is what the ranking itself says.
"""
from dataclasses import dataclass

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, Campaign, ProposalQuota, StatusChange, User,
)
from webapp.publicity.period import publicity_of
from webapp.selection.plan import get_plan
from webapp.selection.ranking import Result, ranking, results
from webapp.status import TransitionError, apply_transition

OUTCOMES = {"propose": S.PROPOSED, "incubate": S.INCUBATION, "not_select": S.NOT_SELECTED}
DECIDED = (S.PROPOSED, S.INCUBATION, S.NOT_SELECTED)
IN_LINE_REASON = "按评审排名列入（计划数以内）"
LOCKED = "拟认定名单已于公示开始时锁定，不能再修改。公示期间只有异议成立可使申报书移出名单。"


class ProposalError(ValueError):
    """A refused change of the list; the message (Chinese) is shown."""


@dataclass
class Row:
    """A ranked application with its current outcome and the latest decision (who, when, why)."""
    result: Result
    status: S
    in_line: bool
    decision: StatusChange | None = None


def is_locked(campaign: Campaign) -> bool:
    return publicity_of(campaign) is not None


def _unlocked(campaign: Campaign, applications: list[Application] = ()) -> None:
    """Refused once the 公示 is open. The applications about to change are locked first (FOR UPDATE where the
    database has it), as opening the 公示 locks them all: a decision and the opening never overlap."""
    if applications:
        db.session.execute(db.select(Application.id).where(Application.id.in_([a.id for a in applications]))
                           .with_for_update())
    if is_locked(campaign):
        raise ProposalError(LOCKED)


def planned_numbers(campaign: Campaign) -> dict[ApplicationType, int | None]:
    rows = db.session.execute(db.select(ProposalQuota).filter_by(campaign_id=campaign.id)).scalars()
    found = {row.app_type: row.planned for row in rows}
    return {t: found.get(t) for t in ApplicationType}


def set_planned(campaign: Campaign, app_type: ApplicationType, planned: int, user: User) -> None:
    _unlocked(campaign)
    if planned < 0 or planned > 1000:
        raise ProposalError("计划数应为 0 至 1000 之间的整数。")
    row = db.session.execute(db.select(ProposalQuota).filter_by(campaign_id=campaign.id, app_type=app_type)
                             ).scalar_one_or_none()
    previous = row.planned if row else None
    if row is None:
        row = ProposalQuota(campaign_id=campaign.id, app_type=app_type, planned=planned)
        db.session.add(row)
    row.planned, row.updated_by_id = planned, user.id
    audit.record("proposal.planned", obj=campaign, actor=user,
                 detail={"type": app_type.value, "from": previous, "to": planned})


def rows_of(campaign: Campaign, app_type: ApplicationType) -> list[Row]:
    """The type's ranking with each application's outcome and its latest outcome decision."""
    plan = get_plan(campaign)
    ranked = ranking(results(campaign, plan, app_type), app_type) if plan else []
    planned = planned_numbers(campaign)[app_type]
    ids = [r.application_id for r in ranked]
    statuses = dict(db.session.execute(db.select(Application.id, Application.status)
                                       .where(Application.id.in_(ids))).all()) if ids else {}
    decisions = _latest_decisions(ids)
    return [Row(r, statuses[r.application_id], _in_line(r, planned), decisions.get(r.application_id))
            for r in ranked]


def _in_line(result: Result, planned: int | None) -> bool:
    return planned is not None and result.rank is not None and result.rank <= planned and result.passed is True


def _latest_decisions(ids: list[int]) -> dict[int, StatusChange]:
    if not ids:
        return {}
    changes = db.session.execute(db.select(StatusChange).where(
        StatusChange.application_id.in_(ids), StatusChange.action.in_(list(OUTCOMES)))
        .order_by(StatusChange.created_at, StatusChange.id)).scalars()
    return {change.application_id: change for change in changes}


def decide_outcome(campaign: Campaign, application: Application, action: str, user: User,
                   reason: str | None = None) -> StatusChange:
    """Give one application of the ranking its outcome (or change it, until the 公示 opens)."""
    _unlocked(campaign, [application])
    if action not in OUTCOMES:
        raise ProposalError("未知的操作。")
    if application.campaign_id != campaign.id:
        raise ProposalError("该申报书不属于本批次。")
    if application.status is OUTCOMES[action]:
        raise ProposalError(f"该申报书已是“{application.status.label}”。")
    reason = (reason or "").strip()
    if not reason:
        row = next((r for r in rows_of(campaign, application.app_type)
                    if r.result.application_id == application.id), None)
        if action == "propose" and row is not None and row.in_line:
            reason = IN_LINE_REASON
        elif action == "propose":
            raise ProposalError("该申报书不在计划数以内或未达到合格分数线，列入拟认定名单须填写理由。")
        else:
            raise ProposalError("请填写理由。")
    try:
        return apply_transition(application, action, user, reason)
    except TransitionError as refused:
        raise ProposalError(str(refused)) from None


def apply_line(campaign: Campaign, app_type: ApplicationType, user: User) -> int:
    """拟认定 for every application inside the line that has no outcome yet; the others are left to the admin."""
    if planned_numbers(campaign)[app_type] is None:
        _unlocked(campaign)
        raise ProposalError("请先填写该类型的计划数。")
    chosen = [db.session.get(Application, row.result.application_id) for row in rows_of(campaign, app_type)
              if row.in_line and row.status is S.UNDER_REVIEW]
    _unlocked(campaign, chosen)
    for application in chosen:
        apply_transition(application, "propose", user, IN_LINE_REASON)
    return len(chosen)


def compose_list(campaign: Campaign, user: User, planned: dict[ApplicationType, int], *,
                 incubate: int = 0) -> dict[S, int]:
    """The whole list at once (the demo, the console): per type the planned number, 拟认定 inside the line, the next
    `incubate` passed ones into the 培育库, 未入选 for the rest. Returns the count per outcome."""
    counts = {state: 0 for state in DECIDED}
    for app_type, number in planned.items():
        set_planned(campaign, app_type, number, user)
        db.session.flush()
        apply_line(campaign, app_type, user)
        near = 0
        for row in rows_of(campaign, app_type):
            if row.status is not S.UNDER_REVIEW:
                continue
            application = db.session.get(Application, row.result.application_id)
            if row.result.passed and near < incubate:
                near += 1
                apply_transition(application, "incubate", user, "排名在计划数之后，列入培育库，下一批次可优先关注。")
            else:
                apply_transition(application, "not_select", user, "综合评审排名未进入计划数。")
        for row in rows_of(campaign, app_type):
            if row.status in counts:
                counts[row.status] += 1
    return counts


def undecided(campaign: Campaign) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Application).where(
        Application.campaign_id == campaign.id, Application.status == S.UNDER_REVIEW)).scalar_one()


def proposed(campaign: Campaign) -> list[Application]:
    return list(db.session.execute(db.select(Application).where(
        Application.campaign_id == campaign.id, Application.status == S.PROPOSED)).scalars())
