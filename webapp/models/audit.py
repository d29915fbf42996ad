"""Append-only, tamper-evident audit trail (安全审计): who did what, when, from where, on what.

Each record carries `seq` (1, 2, 3 … without gaps) and `hash` = SHA-256 of the previous record's hash and its own
fields (audit/chain.py), so a changed, removed or inserted record breaks the chain at that point
(`flask --app wsgi verify-audit`). Database triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit
records, on SQLite and PostgreSQL alike; the only deletion allowed is of records already written to a signed archive
file registered in `audit_archive` (`flask --app wsgi audit-archive`, retention ≥ 6 months).
"""
from sqlalchemy import DDL, event

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow

GENESIS = "0" * 64


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
    seq = db.Column(db.BigInteger, unique=True)
    prev_hash = db.Column(db.String(64))
    hash = db.Column(db.String(64))


class AuditSeal(db.Model):
    """The head of the chain (one row, id 1): the last sequence number and hash. Locked while a record is added."""

    __tablename__ = "audit_seal"
    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.BigInteger, nullable=False, default=0)
    hash = db.Column(db.String(64), nullable=False, default=GENESIS)


class AuditArchive(db.Model):
    """Records 1 … up_to_seq were written to a signed file and may then be deleted (only they may)."""

    __tablename__ = "audit_archive"
    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    up_to_seq = db.Column(db.BigInteger, nullable=False, unique=True)
    last_hash = db.Column(db.String(64), nullable=False)
    before = db.Column(db.DateTime, nullable=False)
    file_name = db.Column(db.String(255), nullable=False)
    file_sha256 = db.Column(db.String(64), nullable=False)
    records = db.Column(db.Integer, nullable=False)
    signature = db.Column(db.String(64), nullable=False)     # HMAC-SHA256 with SECRET_KEY of the fields above


# ---- triggers: the same protection whether the tables were made by migrations or by create_all (tests) ----------

SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
    "WHEN OLD.seq IS NULL OR OLD.seq > (SELECT COALESCE(MAX(up_to_seq), 0) FROM audit_archive) "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only (only archived records may be deleted)'); END",
    "CREATE TRIGGER audit_archive_no_update BEFORE UPDATE ON audit_archive "
    "BEGIN SELECT RAISE(ABORT, 'audit archives are append-only'); END",
    "CREATE TRIGGER audit_archive_no_delete BEFORE DELETE ON audit_archive "
    "BEGIN SELECT RAISE(ABORT, 'audit archives are append-only'); END",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'audit_record' AND TG_OP = 'DELETE' AND OLD.seq IS NOT NULL
       AND OLD.seq <= (SELECT COALESCE(MAX(up_to_seq), 0) FROM audit_archive) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ' refused: audit records are append-only';
END $$""",
    "CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_archive_append_only BEFORE UPDATE OR DELETE ON audit_archive "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_archive_no_truncate BEFORE TRUNCATE ON audit_archive "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]


def trigger_statements(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, [])


@event.listens_for(db.metadata, "after_create")
def _create_triggers(metadata, connection, tables=(), **_kw):
    """After create_all has made both tables (the triggers refer to both)."""
    names = {table.name for table in tables}
    if {"audit_record", "audit_archive"} <= names:
        for statement in trigger_statements(connection.dialect.name):
            connection.execute(DDL(statement))
