"""Flask extensions, created here unbound and initialised in create_app(); SQLite transaction handling."""
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

# Stable constraint names so that Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers run beside the one writer; the busy timeout makes writers queue instead of failing."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    # The sqlite3 module's legacy mode sends no BEGIN before a SELECT: reads then run outside the transaction, and
    # a check such as "is the application still 已提交?" is not protected by the write that follows it. Switch the
    # module's own transaction handling off; _sqlite_begin below sends BEGIN itself.
    dbapi_connection.isolation_level = None


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_command_writes: ContextVar[bool] = ContextVar("command_writes", default=False)


@contextmanager
def command_writes() -> Iterator[None]:
    """In a console command: transactions begun inside take the write lock at BEGIN, like a POST's, so a command
    that reads and then writes (send-notices' reminders) never fails to upgrade its lock while the site commits.
    Keep the block short: the site's writers wait for it."""
    token = _command_writes.set(True)
    try:
        yield
    finally:
        _command_writes.reset(token)


def writes_expected() -> bool:
    """A request that may change data (POST): take the write lock at BEGIN.

    Except before begin_writes() in a view marked @reads_first, and after finish_writes(). Commands
    (`flask ...`) keep deferred transactions: a long export or backup must never hold the write lock while the
    site is serving. A command that reads and then writes while the site commits may get "database is locked"
    and is simply run again.
    """
    if not has_request_context():
        return _command_writes.get()
    if request.method in SAFE_METHODS or g.get("writes_finished"):
        return False
    return g.get("writes_begun") or not _reads_first_view()


def _reads_first_view() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "reads_first", False))


def reads_first(view):
    """Mark a POST view that reads and checks (and computes: a password hash, form validation) before it writes:
    its transactions begin deferred until it calls begin_writes(), so the slow part runs beside other writers."""
    view.reads_first = True
    return view


def begin_writes() -> None:
    """End the read-only part of a @reads_first view; the next transaction takes the write lock.

    Objects loaded so far are expired and read again inside the write transaction: checks that decide the write
    (the application's state, a section's version) must be made after this call, on current data.
    """
    db.session.rollback()
    g.writes_begun = True


def pause_writes() -> None:
    """Commit what a @reads_first view wrote so far and go back to reading: what follows (a slow password hash) runs
    in deferred transactions beside other writers, until the view calls begin_writes() again."""
    db.session.commit()
    g.writes_begun = False


def finish_writes() -> None:
    """Commit the request's writes; the rest of the request (rendering the answer) only reads.

    On SQLite the following transactions begin deferred: reading and rendering the answer run beside other
    writers instead of holding the write lock. Writing after this is a programming error (see
    _no_writes_outside_the_lock).
    """
    db.session.commit()
    g.writes_finished = True


@event.listens_for(Session, "before_flush")
def _no_writes_outside_the_lock(session, _context, _instances):
    """A flush in a POST's deferred transaction could fail to upgrade its lock under load: refuse it loudly."""
    if not has_request_context() or request.method in SAFE_METHODS or writes_expected():
        return
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise RuntimeError("a write outside begin_writes()/finish_writes(): it would run in a deferred SQLite "
                           "transaction")


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """BEGIN IMMEDIATE where the transaction may write, a plain (deferred) BEGIN for reads.

    A deferred transaction that has read and then writes must upgrade its lock; under WAL, if another writer committed
    in between, SQLite answers "database is locked" at once (the busy timeout cannot help: the snapshot is stale).
    BEGIN IMMEDIATE takes the write lock first, waiting in the busy timeout while another writer finishes, so every
    read of a write transaction sees the latest data and the write never fails to upgrade. Writers run one at a time,
    as SQLite allows anyway; readers (GET) keep running beside them under WAL. A GET writes nothing in its own
    transaction (audit records of reads go through their own short one, see audit.record).
    """
    options = connection.get_execution_options()
    if connection.dialect.name != "sqlite" or connection.dialect.driver != "pysqlite" \
            or options.get("isolation_level") == "AUTOCOMMIT":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes_expected() or options.get("begin_immediate") else "BEGIN")
