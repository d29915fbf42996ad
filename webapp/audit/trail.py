"""Write audit records. Called by the domain functions and views for every security-relevant event."""
import getpass
import json
import os

from flask import has_request_context, request
from flask_login import current_user

from webapp.audit import chain
from webapp.core.extensions import db, writes_expected
from webapp.models import AuditRecord
from webapp.core.timeutil import utcnow


def console_actor() -> tuple[str, str]:
    """Who ran a console command (`flask …` on the server): the operating-system user."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid())
    return f"console:{name}"[:64], "console"


def client_ip() -> str | None:
    if not has_request_context():
        return None
    return request.remote_addr


def record(action: str, *, obj=None, object_type: str | None = None, object_id=None, success: bool = True,
           detail: dict | str | None = None, actor=None) -> AuditRecord:
    """Add an audit record to the current transaction (committed with the change it describes).

    During a GET (a download, an export, a refused request), or a POST's reads before or after its writes (see
    extensions.writes_expected), there is no change to go with: the record is written and committed at once in its
    own short transaction, so that a read transaction never has to become a write one.
    """
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    login, role = (getattr(actor, "login", None),
                   actor.role.value if actor is not None and getattr(actor, "role", None) else None)
    if actor is None and not has_request_context():
        login, role = console_actor()
    values = dict(
        actor_id=getattr(actor, "id", None),
        actor_login=login,
        actor_role=role,
        ip=client_ip(),
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        success=success,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if isinstance(detail, dict) else detail,
    )
    values["created_at"] = utcnow()
    entry = AuditRecord(**values)
    if has_request_context() and not writes_expected():
        # BEGIN IMMEDIATE on SQLite: the chain's head is read and then written in this transaction.
        with db.engine.connect().execution_options(begin_immediate=True) as connection, connection.begin():
            chain.seal(connection, [values])
            connection.execute(db.insert(AuditRecord).values(**values))
        for name in ("seq", "prev_hash", "hash"):
            setattr(entry, name, values[name])
        return entry
    chain.add_pending(db.session, values)
    return entry
