"""The hash chain of the audit trail: each record's hash covers the previous record's hash, its sequence number and
its fields, so that changing, removing or inserting a record anywhere breaks the chain from that point on.

Records get their place in the chain when they are written, as the last step of the commit that carries them
(audit.record keeps them with the session until then): the head (table audit_seal, one row) is locked (an UPDATE
of it before anything is read: a row lock on PostgreSQL, the write lock on SQLite), the next numbers and hashes are
computed, the records inserted, the head moved on. The head is held only for the commit itself, so that
transactions never wait for each other on it while they work (nor deadlock with their other locks).
"""
import hashlib
import json
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.core.extensions import db
from webapp.models import AuditRecord, AuditSeal
from webapp.models.audit import GENESIS

FIELDS = ("created_at", "actor_id", "actor_login", "actor_role", "ip", "action", "object_type", "object_id", "success",
          "detail")
SEAL = AuditSeal.__table__


def _text(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bool):
        return "1" if value else "0"
    return None if value is None else str(value)


def digest(prev_hash: str, seq: int, values: dict) -> str:
    """SHA-256 over a canonical JSON of the previous hash, the number and the fields (None stays null)."""
    payload = json.dumps([prev_hash, int(seq), *(_text(values.get(name)) for name in FIELDS)], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_head(connection) -> tuple[int, str]:
    """Lock the head by writing to it first (an UPDATE that changes nothing): on PostgreSQL a row lock, on SQLite the
    write lock, taken with the busy timeout before anything is read (a read first would make SQLite refuse the
    later write at once if another writer committed in between)."""
    locked = connection.execute(db.update(SEAL).where(SEAL.c.id == 1).values(seq=SEAL.c.seq))
    if not locked.rowcount:
        try:
            with connection.begin_nested():
                connection.execute(db.insert(SEAL).values(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            connection.execute(db.update(SEAL).where(SEAL.c.id == 1).values(seq=SEAL.c.seq))
    row = connection.execute(db.select(SEAL.c.seq, SEAL.c.hash).where(SEAL.c.id == 1)).first()
    return row.seq, row.hash


def seal(connection, records: list[dict]) -> None:
    """Give each record (a dict of its fields, in order) its seq, prev_hash and hash; move the head."""
    seq, last = _lock_head(connection)
    for values in records:
        seq += 1
        values.update(seq=seq, prev_hash=last, hash=digest(last, seq, values))
        last = values["hash"]
    connection.execute(db.update(SEAL).where(SEAL.c.id == 1).values(seq=seq, hash=last))


PENDING = "audit_pending"


def add_pending(session, values: dict) -> None:
    """Keep a record with the session's transaction: written by its commit, dropped by its rollback."""
    session.connection()            # the transaction is begun, so that its commit will write the record
    session.info.setdefault(PENDING, []).append(values)


@event.listens_for(Session, "before_commit")
def _write_pending(session):
    if session.in_nested_transaction():
        return                      # a savepoint released (SQLAlchemy signals it as a commit too): not yet
    records = session.info.pop(PENDING, None)
    if records:
        session.flush()             # the changes first; the records are the commit's last statements
        connection = session.connection()
        seal(connection, records)
        connection.execute(db.insert(AuditRecord), records)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session, transaction):
    """The session's outermost transaction ended without writing them (rolled back): they go with it. A savepoint
    rolled back inside it (a unique key lost to another writer) leaves them: they describe what did happen."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
