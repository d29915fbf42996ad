"""Who else has a section open: "张三 正在编辑此部分（2 分钟前保存）".

A presence row per (application, section, user) is refreshed when the section's editor is opened and by a light
heartbeat while it stays open (every HEARTBEAT seconds, see applications/_presence.html); someone seen within
PRESENT_FOR counts as editing. It only informs: the version check (applications/versions.py) still guards every save.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import has_request_context
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from webapp.accounts.members import person_name
from webapp.core.extensions import db, writes_expected
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Application, SectionPresence, SectionSave, User

HEARTBEAT = 60
PRESENT_FOR = timedelta(seconds=3 * HEARTBEAT)


def _upsert(execute, application_id: int, key: str, user_id: int, now: datetime) -> None:
    table = SectionPresence.__table__
    updated = execute(db.update(table).where(table.c.application_id == application_id, table.c.section == key,
                                             table.c.user_id == user_id).values(seen_at=now))
    if updated.rowcount == 0:
        execute(db.insert(table).values(application_id=application_id, section=key, user_id=user_id, seen_at=now))


def touch(application: Application, key: str, user: User, now: datetime | None = None) -> None:
    """The user has the section open now.

    In a read-only request (opening the page) the reads so far are ended first and the row is written in a short
    transaction of its own that starts with the write (on SQLite it waits for the write lock instead of failing to
    upgrade a read; one connection, so many pages opening at once do not drain the pool). In a writing request (the
    heartbeat) it goes into the request's transaction, which commits."""
    now = now or utcnow()
    application_id, user_id = application.id, user.id
    if has_request_context() and not writes_expected():
        db.session.commit()
        try:
            _upsert(db.session.execute, application_id, key, user_id, now)
            db.session.commit()
        except IntegrityError:          # the same user's other tab inserted it at the same moment
            db.session.rollback()
        return
    _upsert(db.session.execute, application_id, key, user_id, now)


@dataclass(frozen=True)
class Presence:
    name: str
    seen_at: datetime
    saved_at: datetime | None        # that person's last save of this section

    def text(self, now: datetime | None = None) -> str:
        return f"{self.name} 正在编辑此部分（{saved_ago(self.saved_at, now or utcnow())}）"


def saved_ago(saved_at: datetime | None, now: datetime) -> str:
    if saved_at is None:
        return "尚未保存"
    minutes = int((now - saved_at).total_seconds() // 60)
    if minutes < 1:
        return "刚刚保存"
    if minutes < 60:
        return f"{minutes} 分钟前保存"
    return f"{fmt(saved_at, '%m-%d %H:%M')} 保存"


def others_editing(application: Application, key: str, user: User, now: datetime | None = None) -> list[Presence]:
    """The other active accounts that have this section open now, with their last save of it."""
    now = now or utcnow()
    last_save = (db.select(SectionSave.user_id, func.max(SectionSave.saved_at).label("saved_at"))
                 .where(SectionSave.application_id == application.id, SectionSave.section == key)
                 .group_by(SectionSave.user_id).subquery())
    rows = db.session.execute(
        db.select(User, SectionPresence.seen_at, last_save.c.saved_at)
        .join(SectionPresence, SectionPresence.user_id == User.id)
        .outerjoin(last_save, last_save.c.user_id == User.id)
        .where(SectionPresence.application_id == application.id, SectionPresence.section == key,
               SectionPresence.user_id != user.id, SectionPresence.seen_at > now - PRESENT_FOR,
               User.active.is_(True))
        .order_by(SectionPresence.seen_at.desc())).all()
    return [Presence(person_name(other), seen_at, saved_at) for other, seen_at, saved_at in rows]
