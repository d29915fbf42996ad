"""Append-only audit trail (安全审计): who did what, when, from where, on what."""
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow


class AuditRecord(db.Model):
    __tablename__ = "audit_record"
    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.Integer, index=True)      # no FK: records outlive accounts
    actor_login = db.Column(db.String(64))
    actor_role = db.Column(db.String(20))
    ip = db.Column(db.String(45))
    action = db.Column(db.String(40), nullable=False, index=True)
    object_type = db.Column(db.String(40))
    object_id = db.Column(db.String(40))
    success = db.Column(db.Boolean, nullable=False, default=True)
    detail = db.Column(db.Text)
