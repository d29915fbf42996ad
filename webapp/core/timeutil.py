"""Time helpers. The database stores naive UTC; the UI shows Beijing time (UTC+8, no DST)."""
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(CHINA).replace(tzinfo=None)


def from_local(value: datetime) -> datetime:
    """A naive Beijing time (as typed in a form) to naive UTC."""
    return value.replace(tzinfo=CHINA).astimezone(timezone.utc).replace(tzinfo=None)


def local_today():
    return datetime.now(CHINA).date()


def fmt(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(pattern) if local else ""
