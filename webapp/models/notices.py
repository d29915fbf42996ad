"""Notices (站内消息): the inbox of every user, the outbox of messages to deliver by e-mail or SMS, and each user's
choice of channels. A notice is never deleted by the system; an outbox row records each delivery attempt."""
import enum

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models.types import enum_type


class Notice(db.Model):
    """One message in a user's inbox: what happened, when, and a link (a path on this site) to what it concerns.

    `dedupe_key` is set where a notice must never be written twice (a deadline reminder: one per deadline, days
    before it and recipient); the unique constraint settles a race between two runs that compute the same one."""

    __tablename__ = "notice"
    __table_args__ = (
        # The header's unread count and the inbox page: one index range per user.
        db.Index("ix_notice_inbox", "user_id", "read_at", "id"),
    )
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    kind = db.Column(db.String(40), nullable=False)
    subject = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    link = db.Column(db.String(500), nullable=False, default="")
    dedupe_key = db.Column(db.String(200), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime)

    user = db.relationship("User")


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"

    @property
    def label(self) -> str:
        return {"email": "电子邮件", "sms": "短信"}[self.value]


class DeliveryStatus(enum.Enum):
    PENDING = "pending"      # due at next_attempt_at
    SENDING = "sending"      # claimed by a run of send-notices (claim_token, claimed_at)
    SENT = "sent"
    FAILED = "failed"        # given up: a permanent refusal, or the last attempt failed
    SKIPPED = "skipped"      # not sent: the user switched the channel off, or has no address any more
    EXPIRED = "expired"      # not sent: too old to be of use (e.g. delivery was down for days)


class OutboxMessage(db.Model):
    """A notice to deliver on one channel; written in the same transaction as the notice (and its event)."""

    __tablename__ = "notice_outbox"
    __table_args__ = (
        db.UniqueConstraint("notice_id", "channel"),
        # What send-notices claims: due pending rows and stale claims.
        db.Index("ix_notice_outbox_due", "status", "next_attempt_at"),
    )
    id = db.Column(db.Integer, primary_key=True)
    notice_id = db.Column(db.ForeignKey("notice.id", ondelete="CASCADE"), nullable=False)
    channel = db.Column(enum_type(Channel, 10), nullable=False)
    status = db.Column(enum_type(DeliveryStatus, 10), nullable=False, default=DeliveryStatus.PENDING)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    claim_token = db.Column(db.String(32))
    claimed_at = db.Column(db.DateTime)
    recipient = db.Column(db.String(254))        # the address or number it went to, once sent
    sent_at = db.Column(db.DateTime)
    last_error = db.Column(db.String(500))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    notice = db.relationship("Notice")


class NoticePreference(db.Model):
    """A user's channels beside the inbox: e-mail to an address of their choice, SMS to the account's mobile."""

    __tablename__ = "notice_preference"
    user_id = db.Column(db.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email = db.Column(db.String(254), nullable=False, default="")
    email_enabled = db.Column(db.Boolean, nullable=False, default=False)
    sms_enabled = db.Column(db.Boolean, nullable=False, default=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
