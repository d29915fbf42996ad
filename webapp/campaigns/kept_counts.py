"""Kept counts of the overview's per-场景 chart: per campaign, unit, state and guide 场景, how many applications claim
it (and how many own 场景 blocks there are), so that the overview reads a few hundred kept rows instead of counting
every 场景 block of the campaign on every view.

Kept in the transaction that changes them, whoever the writer is: each flush notes the applications whose 场景
blocks or state changed (or that were deleted), and before the commit each one's contribution is counted again
(ScenarioClaims, its row locked first) and the difference applied to ScenarioCount with atomic increments
(INSERT … ON CONFLICT DO UPDATE, PostgreSQL and SQLite alike), so concurrent writers never lose an update.
recount() counts everything from the blocks; tests prove the kept counts equal it.

The watcher sees what goes through the session's unit of work. A bulk UPDATE or DELETE statement of applications,
links or 场景 blocks (none in the code today) would bypass it, and so would SQL typed by hand. After such a change,
`flask --app wsgi recount-scenarios` (rebuild) counts everything again.
"""
from collections import Counter

from sqlalchemy import event, func, inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from webapp.core.extensions import db
from webapp.models import (
    OWN_SCENARIO, Application, ApplicationLink, ApplicationScenario, ScenarioClaims, ScenarioCount,
)

CHANGED = "scenario_counts.changed"
Key = tuple[int, int, object, int]          # campaign, unit, state, scenario (OWN_SCENARIO: own blocks)


def _application_id(row) -> int | None:
    if isinstance(row, Application):
        return row.id
    if isinstance(row, ApplicationLink):
        return row.application_id or getattr(row.application, "id", None)
    link = row.app_link
    return (link.application_id or getattr(link.application, "id", None)) if link is not None else None


def _scope_changed(application: Application) -> bool:
    """What the application's counts are kept under changed (its state, as a rule)."""
    attrs = inspect(application).attrs
    return any(attrs[name].history.has_changes() for name in ("status", "unit_id", "campaign_id"))


@event.listens_for(Session, "before_flush")
def _watch(session: Session, _context, _instances) -> None:
    changed = session.info.setdefault(CHANGED, set())
    for row in session.deleted:
        if isinstance(row, Application) and row.id is not None:
            _apply(session, row.id, _lock_claims(session, row.id), None)     # its claims row goes with it
    for row in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(row, (ApplicationLink, ApplicationScenario)) or (
                isinstance(row, Application) and row in session.dirty and _scope_changed(row)):
            changed.add(_application_id(row))


@event.listens_for(Session, "after_flush")
def _watch_new(session: Session, _context) -> None:
    """New applications have an id only now."""
    changed = session.info.setdefault(CHANGED, set())
    changed.update(row.id for row in session.new if isinstance(row, Application))


@event.listens_for(Session, "before_commit")
def _count_changed(session: Session) -> None:
    if session.in_nested_transaction():     # a savepoint: the transaction goes on
        return
    session.flush()
    changed = session.info.pop(CHANGED, set()) - {None}
    for application_id in sorted(changed):
        claims = _lock_claims(session, application_id)
        if claims is not None or session.get(Application, application_id) is not None:
            _apply(session, application_id, claims, _contribution(session, application_id))
    session.info.pop(CHANGED, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)


def _lock_claims(session: Session, application_id: int) -> ScenarioClaims | None:
    return session.execute(db.select(ScenarioClaims).where(ScenarioClaims.application_id == application_id)
                           .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()


def _contribution(session: Session, application_id: int) -> dict | None:
    """The application's campaign, unit, state, guide 场景 (each once) and number of own 场景, from the database."""
    row = session.execute(db.select(Application.campaign_id, Application.unit_id, Application.status)
                          .where(Application.id == application_id)).one_or_none()
    if row is None:
        return None
    blocks = session.execute(
        db.select(ApplicationScenario.scenario_id).join(ApplicationLink)
        .where(ApplicationLink.application_id == application_id)).scalars().all()
    return {"campaign_id": row.campaign_id, "unit_id": row.unit_id, "status": row.status,
            "scenarios": sorted({s for s in blocks if s is not None}), "own": sum(1 for s in blocks if s is None)}


def _counts(campaign_id, unit_id, status, scenarios, own) -> Counter:
    counts = Counter({(campaign_id, unit_id, status, s): 1 for s in scenarios})
    if own:
        counts[(campaign_id, unit_id, status, OWN_SCENARIO)] = own
    return counts


def _apply(session: Session, application_id: int, claims: ScenarioClaims | None, new: dict | None) -> None:
    """Move the counters from the application's kept contribution (`claims`) to `new` (None: it is deleted, and
    its claims row with it, by the database's cascade)."""
    delta = Counter()
    if claims is not None:
        delta.subtract(_counts(claims.campaign_id, claims.unit_id, claims.status, claims.scenarios, claims.own))
    if new is not None:
        delta.update(_counts(**new))
    for key, number in sorted(delta.items(), key=lambda item: (item[0][3], item[0][2].value)):
        if number:
            _increment(session, key, number)
    if new is None:
        if claims is not None:
            session.expunge(claims)
    elif claims is None:
        session.add(ScenarioClaims(application_id=application_id, **new))
    else:
        for name, value in new.items():
            setattr(claims, name, value)


def _increment(session: Session, key: Key, number: int) -> None:
    campaign_id, unit_id, status, scenario_id = key
    dialect = session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(ScenarioCount)
    session.execute(insert.values(campaign_id=campaign_id, unit_id=unit_id, status=status, scenario_id=scenario_id,
                                  applications=number).on_conflict_do_update(
        index_elements=[ScenarioCount.campaign_id, ScenarioCount.unit_id, ScenarioCount.status,
                        ScenarioCount.scenario_id],
        set_={"applications": ScenarioCount.applications + number}))


def rebuild() -> int:
    """Replace the kept counts by a count of every application's blocks, in two queries and two bulk inserts;
    returns how many applications were counted."""
    db.session.execute(db.delete(ScenarioCount))
    db.session.execute(db.delete(ScenarioClaims))
    rows = db.session.execute(
        db.select(Application.id, Application.campaign_id, Application.unit_id, Application.status,
                  ApplicationScenario.id, ApplicationScenario.scenario_id)
        .outerjoin(ApplicationLink, ApplicationLink.application_id == Application.id)
        .outerjoin(ApplicationScenario, ApplicationScenario.app_link_id == ApplicationLink.id)).all()
    claims: dict[int, dict] = {}
    for application_id, campaign_id, unit_id, status, block_id, scenario_id in rows:
        claim = claims.setdefault(application_id, {"campaign_id": campaign_id, "unit_id": unit_id, "status": status,
                                                   "scenarios": set(), "own": 0})
        if scenario_id is not None:
            claim["scenarios"].add(scenario_id)
        elif block_id is not None:
            claim["own"] += 1
    totals = Counter()
    for claim in claims.values():
        claim["scenarios"] = sorted(claim["scenarios"])
        totals.update(_counts(**claim))
    if claims:
        db.session.execute(db.insert(ScenarioClaims), [{"application_id": key, **claim}
                                                        for key, claim in claims.items()])
    if totals:
        db.session.execute(db.insert(ScenarioCount), [
            {"campaign_id": c, "unit_id": u, "status": s, "scenario_id": k, "applications": n}
            for (c, u, s, k), n in totals.items() if n])
    return len(claims)


def recount(campaign_id: int) -> dict[Key, int]:
    """The campaign's counts from the 场景 blocks themselves (what the kept counts must equal)."""
    rows = db.session.execute(
        db.select(Application.unit_id, Application.status, ApplicationScenario.scenario_id,
                  func.count(func.distinct(Application.id)), func.count())
        .join(ApplicationLink, ApplicationLink.application_id == Application.id)
        .join(ApplicationScenario, ApplicationScenario.app_link_id == ApplicationLink.id)
        .where(Application.campaign_id == campaign_id)
        .group_by(Application.unit_id, Application.status, ApplicationScenario.scenario_id)).all()
    return {(campaign_id, unit, status, scenario if scenario is not None else OWN_SCENARIO):
            (applications if scenario is not None else blocks)
            for unit, status, scenario, applications, blocks in rows}


def kept(campaign_id: int) -> dict[Key, int]:
    rows = db.session.execute(db.select(ScenarioCount).where(ScenarioCount.campaign_id == campaign_id,
                                                             ScenarioCount.applications != 0)).scalars()
    return {(r.campaign_id, r.unit_id, r.status, r.scenario_id): r.applications for r in rows}
