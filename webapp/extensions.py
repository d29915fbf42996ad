"""Flask extensions, created here unbound and initialised in create_app(); SQLite transaction handling."""
import sqlite3

from flask import has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

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


def _writes_expected() -> bool:
    """A request that may change data (POST): take the write lock at BEGIN.

    Commands (`flask ...`) keep deferred transactions: a long export or backup must never hold the write lock
    while the site is serving. A command that reads and then writes while the site commits may get "database is
    locked" and is simply run again.
    """
    return has_request_context() and request.method not in SAFE_METHODS


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
    if connection.dialect.name != "sqlite" or connection.dialect.driver != "pysqlite" \
            or connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _writes_expected() else "BEGIN")
