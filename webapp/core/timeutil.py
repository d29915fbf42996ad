"""Time helpers. The database stores naive UTC; the UI shows Beijing time (UTC+8, no DST).

`utcnow` and `local_today` are the application's clock. `clock_set_to` moves it for a block of code, so that records
of a past campaign (the demo's last year) can be built through the same domain functions with the dates they would
have had; time runs on from the moment set. Outside such a block the clock is the system's.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
_offset: ContextVar[timedelta | None] = ContextVar("clock_offset", default=None)


def _system_utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def utcnow() -> datetime:
    offset = _offset.get()
    return _system_utcnow() if offset is None else _system_utcnow() + offset


@contextmanager
def clock_set_to(moment: datetime):
    """Run the block as if it were `moment` (naive UTC) when it started."""
    token = _offset.set(moment - _system_utcnow())
    try:
        yield
    finally:
        _offset.reset(token)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(CHINA).replace(tzinfo=None)


def from_local(value: datetime) -> datetime:
    """A naive Beijing time (as typed in a form) to naive UTC."""
    return value.replace(tzinfo=CHINA).astimezone(timezone.utc).replace(tzinfo=None)


def local_today() -> date:
    return to_local(utcnow()).date()


def fmt(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(pattern) if local else ""
