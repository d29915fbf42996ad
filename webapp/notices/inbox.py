"""The inbox: writing a notice (and its outbox rows) into the caller's transaction; reading, opening, marking read.

`notify()` is the one way a notice is written. Every event calls it (through webapp/notices/events.py) inside the
transaction of the change it tells of, so a notice exists exactly when its event happened; the outbox rows for the
channels the user switched on are written in the same transaction and delivered later by `send-notices`.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import Channel, Notice, NoticePreference, OutboxMessage, User

PER_PAGE = 30


def path_for(endpoint: str, **values) -> str:
    """The path of an endpoint on this site (no request needed): a notice's link, made absolute in e-mail with
    PUBLIC_BASE_URL."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def channels_of(user: User) -> list[Channel]:
    """The channels beside the inbox that the user switched on, with somewhere to send to."""
    preference = db.session.get(NoticePreference, user.id)
    if preference is None:
        return []
    channels = []
    if preference.email_enabled and preference.email:
        channels.append(Channel.EMAIL)
    if preference.sms_enabled and user.mobile:
        channels.append(Channel.SMS)
    return channels


def notify(user: User | None, kind: str, subject: str, body: str = "", link: str = "", *,
           dedupe_key: str | None = None) -> Notice | None:
    """Add a notice for `user` to the current transaction, with an outbox row per channel the user switched on.

    `kind` names the event (e.g. "application.returned"), `link` is a path on this site (see path_for). With
    `dedupe_key` the notice is written at most once ever: None is returned when it exists already (also when another
    process writes the same key at the same moment). Inactive accounts get nothing. The caller commits.
    """
    if user is None or not user.active:
        return None
    if dedupe_key and db.session.execute(db.select(Notice.id).filter_by(dedupe_key=dedupe_key)).first():
        return None
    notice = Notice(user_id=user.id, kind=kind, subject=subject[:200], body=body, link=link[:500],
                    dedupe_key=dedupe_key, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(notice)
            db.session.flush()
    except IntegrityError:              # the same key written meanwhile by an overlapping run
        return None
    for channel in channels_of(user):
        db.session.add(OutboxMessage(notice_id=notice.id, channel=channel, next_attempt_at=notice.created_at,
                                     created_at=notice.created_at))
    return notice


def unread_count(user_id: int) -> int:
    """One COUNT on the inbox index (the header shows it on every page)."""
    return db.session.execute(db.select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))).scalar_one()


@dataclass(frozen=True)
class InboxPage:
    notices: list[Notice]
    total: int
    unread: int
    page: int
    pages: int


def inbox_page(user: User, page: int = 1, unread_only: bool = False) -> InboxPage:
    """The user's notices, newest first, PER_PAGE at a time."""
    where = [Notice.user_id == user.id] + ([Notice.read_at.is_(None)] if unread_only else [])
    total = db.session.execute(db.select(func.count()).select_from(Notice).where(*where)).scalar_one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    notices = list(db.session.execute(db.select(Notice).where(*where).order_by(Notice.id.desc())
                                      .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars())
    return InboxPage(notices, total, unread_count(user.id), page, pages)


def own_notice(user: User, notice_id: int) -> Notice | None:
    """The user's own notice; None for anyone else's (the view answers 404)."""
    notice = db.session.get(Notice, notice_id)
    return notice if notice is not None and notice.user_id == user.id else None


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = utcnow()


def mark_all_read(user: User) -> int:
    """Mark every unread notice of the user read; returns how many."""
    result = db.session.execute(db.update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
                                .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount


def safe_link(link: str) -> str | None:
    """A notice's link if it is a path on this site (never another host)."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link \
            and not any(ord(ch) < 0x20 for ch in link):
        return link
    return None


def preference_of(user: User) -> NoticePreference:
    """The user's channel settings (a new, unsaved row with everything off when there is none yet)."""
    return db.session.get(NoticePreference, user.id) or NoticePreference(user_id=user.id, email="",
                                                                         email_enabled=False, sms_enabled=False)


def set_preference(user: User, email: str, email_enabled: bool, sms_enabled: bool) -> NoticePreference:
    """Store the user's channels; the caller audits and commits."""
    preference = db.session.get(NoticePreference, user.id)
    if preference is None:
        preference = NoticePreference(user_id=user.id)
        db.session.add(preference)
    preference.email, preference.email_enabled = email, bool(email_enabled and email)
    preference.sms_enabled, preference.updated_at = bool(sms_enabled and user.mobile), utcnow()
    return preference
