"""Delivering the outbox: claim due rows atomically, send each, record the outcome; retry failures with back-off.

A run of `send-notices` claims a batch of due rows in one UPDATE that only one run can win (status pending → sending,
with the run's token), commits, sends each and marks it sent in its own commit, guarded by the token. Two runs at
once therefore never send the same row. A claim older than STALE_CLAIM (a run that died) may be taken over; each row
is marked right after its message is handed to the server and a run stops claiming after RUN_BUDGET, so a live claim
never gets that old. The only way a message can go out twice is a crash between the server's acceptance and that
commit, followed by the takeover STALE_CLAIM later.

Failures: a refusal for good (5xx) fails the row at once; anything else is retried after 1, 2, 4 … minutes (at most
MAX_BACKOFF apart) until MAX_ATTEMPTS. When the server cannot be reached, the rest of the batch waits too and the run
stops. Rows older than MAX_AGE are not sent any more (a reminder three days late does harm).
"""
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_

from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Channel, DeliveryStatus as D, NoticePreference, OutboxMessage, User
from webapp.notices import mail, sms

BATCH = 20
STALE_CLAIM = timedelta(minutes=15)
RUN_BUDGET = timedelta(minutes=5)
MAX_ATTEMPTS = 10
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=4)
MAX_AGE = timedelta(hours=72)


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    retry: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: int = 0
    expired: int = 0
    waiting_for_smtp: int = 0        # e-mail rows kept while no SMTP server is configured


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, … minutes, at most MAX_BACKOFF."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _due(now: datetime):
    return or_(and_(OutboxMessage.status == D.PENDING, OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == D.SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM))


def claim(now: datetime, channels: list[Channel], batch: int = BATCH) -> tuple[str, list[OutboxMessage]]:
    """Claim up to `batch` due rows for this run in one UPDATE and commit; returns the token and the rows.

    The condition is repeated outside the sub-select: where two runs pick the same ids, the second one's UPDATE finds
    them no longer due (PostgreSQL re-checks a row it waited for; SQLite runs one writer at a time)."""
    token = secrets.token_hex(16)
    if not channels:
        return token, []
    db.session.commit()                 # the UPDATE starts its own transaction (see _finish)
    wanted = and_(_due(now), OutboxMessage.channel.in_(channels))
    ids = db.select(OutboxMessage.id).where(wanted).order_by(OutboxMessage.id).limit(batch).scalar_subquery()
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id.in_(ids), wanted)
                       .values(status=D.SENDING, claim_token=token, claimed_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    rows = list(db.session.execute(db.select(OutboxMessage).filter_by(claim_token=token)
                                   .order_by(OutboxMessage.id)).scalars())
    return token, rows


def _finish(row: OutboxMessage, token: str, **values) -> bool:
    """Record the outcome of a claimed row, if this run still holds the claim; commit.

    The reads since the last commit end first: on SQLite a transaction that has read cannot take the write lock once
    another writer (the site) has committed, while one that starts with the write waits for it."""
    row_id = row.id                     # read before the commit expires it (reading it again would begin a read)
    db.session.commit()
    result = db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id == row_id,
                                                               OutboxMessage.claim_token == token)
                                .values(claim_token=None, **values).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _failed(row: OutboxMessage, token: str, error: str, now: datetime, report: DeliveryReport,
            permanent: bool = False) -> None:
    attempts = row.attempts + 1
    label = f"#{row.id} {row.channel.label} → {row.notice.subject}"
    if permanent or attempts >= MAX_ATTEMPTS:
        _finish(row, token, status=D.FAILED, attempts=attempts, last_error=error[:500])
        report.failed.append(f"{label}：{error}（已放弃，共尝试 {attempts} 次）")
        return
    retry_at = now + backoff(attempts)
    _finish(row, token, status=D.PENDING, attempts=attempts, last_error=error[:500], next_attempt_at=retry_at)
    report.retry.append(f"{label}：{error}（第 {attempts} 次失败，{fmt(retry_at, '%H:%M')} 重试）")


def _address(row: OutboxMessage, user: User, preference: NoticePreference | None) -> str | None:
    """Where the row goes now; None when the user has switched the channel off since (or has no address)."""
    if not user.active or preference is None:
        return None
    if row.channel is Channel.EMAIL:
        return preference.email if preference.email_enabled and preference.email else None
    return user.mobile if preference.sms_enabled and user.mobile else None


class Senders:
    """What delivers each channel in this run: the SMTP session (None without SMTP_HOST) and the SMS sender."""

    def __init__(self, settings: mail.SmtpSettings | None, sms_sender: sms.SmsSender):
        self.settings, self.sms = settings, sms_sender
        self.mailer = mail.Mailer(settings) if settings else None

    @property
    def channels(self) -> list[Channel]:
        return ([Channel.EMAIL] if self.mailer else []) + [Channel.SMS]

    def send(self, row: OutboxMessage, to: str) -> None:
        if row.channel is Channel.EMAIL:
            self.mailer.send(mail.build_message(self.settings, row.notice, to))
            return
        try:
            self.sms.send(to, sms.sms_text(row.notice))
        except sms.SmsRefused as exc:
            raise mail.MessageRefused(str(exc)) from exc
        except sms.SmsDeferred as exc:
            raise mail.MessageDeferred(str(exc)) from exc


def _deliver_batch(rows: list[OutboxMessage], token: str, senders: Senders, now: datetime,
                   report: DeliveryReport) -> bool:
    """Send each claimed row; False when the mail server is unreachable (the rest of the batch waits too)."""
    for index, row in enumerate(rows):
        user = db.session.get(User, row.notice.user_id)
        to = _address(row, user, db.session.get(NoticePreference, user.id))
        if to is None:
            _finish(row, token, status=D.SKIPPED)
            report.skipped += 1
            continue
        try:
            senders.send(row, to)
        except mail.MessageRefused as exc:
            _failed(row, token, str(exc), now, report, permanent=True)
        except mail.MessageDeferred as exc:
            _failed(row, token, str(exc), now, report)
        except mail.ConnectionTrouble as exc:
            for waiting in rows[index:]:
                _failed(waiting, token, str(exc), now, report)
            return False
        else:
            if _finish(row, token, status=D.SENT, sent_at=utcnow(), recipient=to, attempts=row.attempts + 1):
                report.sent.append(f"#{row.id} {row.channel.label} → {to}：{row.notice.subject}")
    return True


def expire_old(now: datetime) -> int:
    db.session.commit()
    result = db.session.execute(db.update(OutboxMessage).where(
        OutboxMessage.status == D.PENDING, OutboxMessage.created_at < now - MAX_AGE)
        .values(status=D.EXPIRED).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def deliver_due(now: datetime | None = None, *, senders: Senders | None = None,
                clock: Callable[[], datetime] = utcnow) -> DeliveryReport:
    """Deliver what is due: the whole outbox as of `now`, batch by batch, within RUN_BUDGET."""
    now = now or clock()
    report = DeliveryReport(expired=expire_old(now))
    senders = senders or Senders(mail.SmtpSettings.from_config(current_app.config),
                                 sms.load_sender(current_app.config))
    started = clock()
    with senders.mailer or mail.Mailer(None):
        while clock() - started < RUN_BUDGET:
            token, rows = claim(now, senders.channels)
            if not rows or not _deliver_batch(rows, token, senders, now, report):
                break
    if senders.mailer is None:
        report.waiting_for_smtp = db.session.execute(db.select(db.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == Channel.EMAIL, OutboxMessage.status == D.PENDING)).scalar_one()
    return report
