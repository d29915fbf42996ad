"""Failed-login counters kept in the database (every worker and every host sees the same), changed only by single
atomic statements: `UPDATE … SET failures = failures + 1 … RETURNING failures`, never read-modify-write.

One table, three kinds of counter, told apart by which key is empty:

| counter            | login | ip | window | what it decides                                              |
|--------------------|-------|----|--------|--------------------------------------------------------------|
| per address        | ""    | IP | 15 min | captcha after 3; the address refused after 20                 |
| per login name     | name  | "" | 60 min | captcha after 3; unknown browsers refused after 30 in an hour |
| per (login, addr.) | name  | IP | 15 min | that pair locked after 5; the owner elsewhere is not affected |

Counters are keyed by the login name as typed (normalised), not by the account: an unknown name counts and answers
exactly like a known one, so the counters reveal nothing about which accounts exist. The (login, address) pair counts
an attempt **before** its password is checked (given back when the password was right), so parallel guesses at one
account from one address can never check more passwords than the limit allows; the name's and the address's counters
count failures, after the check (many people logging in behind one address at once are not failures).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp.accounts import codes
from webapp.core.extensions import db
from webapp.models import LoginCounter

TABLE = LoginCounter.__table__


def login_key(login: str | None) -> str:
    """The login name as the counters (and the account lookup) know it: a credit code (full-width, spaces, lower case
    forgiven), a colleague's "<credit code>-02" in the same way, or a staff user name trimmed."""
    login = login or ""
    code = codes.normalize(login)
    if len(code) == 18:
        return code
    if len(code) == 20 and code[18:].isdigit():
        return f"{code[:18]}-{code[18:]}"
    return login.strip()[:64]


@dataclass(frozen=True)
class Limits:
    captcha_after: int
    pair_limit: int
    pair_window: timedelta
    login_limit: int
    login_window: timedelta
    address_limit: int
    address_window: timedelta


def limits() -> Limits:
    config = current_app.config
    return Limits(
        captcha_after=int(config["LOGIN_CAPTCHA_AFTER"]),
        pair_limit=int(config["LOCKOUT_THRESHOLD"]), pair_window=timedelta(minutes=int(config["LOCKOUT_MINUTES"])),
        login_limit=int(config["LOGIN_ACCOUNT_HOURLY_LIMIT"]), login_window=timedelta(hours=1),
        address_limit=int(config["LOGIN_ADDRESS_LIMIT"]),
        address_window=timedelta(minutes=int(config["LOGIN_ADDRESS_WINDOW_MINUTES"])))


def registration_limits() -> tuple[int, timedelta]:
    config = current_app.config
    return int(config["REGISTRATION_ADDRESS_LIMIT"]), timedelta(minutes=int(config["REGISTRATION_WINDOW_MINUTES"]))


@dataclass(frozen=True)
class Count:
    failures: int
    until: datetime | None      # when the current window ends (None: no window open)


def _where(login: str, ip: str):
    return (TABLE.c.login == login) & (TABLE.c.ip == ip)


def current(login: str, ip: str, window: timedelta, now: datetime) -> Count:
    row = db.session.execute(db.select(TABLE.c.window_start, TABLE.c.failures).where(
        _where(login, ip), TABLE.c.window_start > now - window)).first()
    return Count(row.failures, row.window_start + window) if row else Count(0, None)


def bump(login: str, ip: str, window: timedelta, now: datetime) -> Count:
    """One more failure (or attempt in flight) in the current window, in one atomic statement: an upsert that opens a
    window when there is none or the last one ended (INSERT … ON CONFLICT DO UPDATE … RETURNING, PostgreSQL and
    SQLite alike). Several steps (update, else insert) let two workers both open the window and lose counts."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(TABLE)
    fresh = TABLE.c.window_start > now - window
    statement = insert.values(login=login, ip=ip, window_start=now, failures=1).on_conflict_do_update(
        index_elements=[TABLE.c.login, TABLE.c.ip],
        set_={"failures": case((fresh, TABLE.c.failures + 1), else_=1),
              "window_start": case((fresh, TABLE.c.window_start), else_=now)},
    ).returning(TABLE.c.failures, TABLE.c.window_start)
    failures, start = db.session.execute(statement).one()
    return Count(failures, start + window)


def give_back(login: str, ip: str, window: timedelta, now: datetime) -> None:
    """Undo one bump (the password was right): never below zero."""
    db.session.execute(db.update(TABLE).where(_where(login, ip), TABLE.c.window_start > now - window).values(
        failures=case((TABLE.c.failures > 0, TABLE.c.failures - 1), else_=0)))


def clear(login: str, ip: str | None = None) -> int:
    """Forget the counters of a login name (all its addresses, or one): a full login, or the 安全管理员's unlock."""
    condition = TABLE.c.login == login
    if ip is not None:
        condition &= TABLE.c.ip == ip
    return db.session.execute(db.delete(TABLE).where(condition)).rowcount


def sweep(now: datetime) -> None:
    """Forget windows long past, so the table stays small."""
    db.session.execute(db.delete(TABLE).where(TABLE.c.window_start < now - timedelta(days=1)))


def locks_of(login: str, now: datetime) -> list[tuple[str, Count]]:
    """The open counters of a login name, for the account page: (address or "" for all addresses, count)."""
    lim = limits()
    rows = db.session.execute(db.select(TABLE.c.ip, TABLE.c.window_start, TABLE.c.failures).where(
        TABLE.c.login == login).order_by(TABLE.c.ip)).all()
    out = []
    for ip, start, failures in rows:
        window = lim.login_window if ip == "" else lim.pair_window
        if start > now - window and failures:
            out.append((ip, Count(failures, start + window)))
    return out
