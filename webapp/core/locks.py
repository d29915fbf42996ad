"""Serialising a check-then-write on one row that covers it, the same way on PostgreSQL and SQLite.

A decision that counts rows and then writes (the unit's quota, the next 序号) is safe only if every writer that could
change the count waits for the others first. On PostgreSQL (READ COMMITTED) two transactions that both count and then
each lock only their own row both see the old count: here each takes `SELECT … FOR UPDATE` on one row that stands for
the whole set (the unit's report row for its list) **before** counting. On SQLite a POST's transaction already holds
the database's single write lock from BEGIN IMMEDIATE (see extensions._sqlite_begin), and FOR UPDATE is not rendered.

The list of every such place and how it is protected is in docs/CONCURRENCY.md.
"""
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from webapp.core.extensions import db


def lock_or_create(model, **keys):
    """The row of `model` with `keys` (a unique key), created if missing, locked until the transaction ends.

    Creating races too: two transactions may both find no row. The insert runs in a savepoint; the loser's unique
    violation is rolled back to it and it then waits for the winner's lock like everyone else.
    """
    query = db.select(model).filter_by(**keys).with_for_update().execution_options(populate_existing=True)
    row = db.session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(model(**keys))
    except IntegrityError:
        pass
    return db.session.execute(query).scalar_one()


def lock_row(obj) -> None:
    """Wait for and hold the lock on a loaded object's row, then expire the object so that every attribute read after
    this is read under the lock. The key comes from the identity map: reading `obj.id` on an expired object would
    load (and keep) its columns before the lock is held."""
    model, key = type(obj), inspect(obj).identity[0]
    db.session.execute(db.select(model.id).where(model.id == key).with_for_update())
    db.session.expire(obj)
