"""The public verification of a certificate by its code: the lookup, throttled per client address.

Unknown and malformed codes are one answer (未找到); each counts against the address (a counter row keyed
"verify:" in the login counters, see accounts/throttles.py); past VERIFY_ADDRESS_LIMIT misses in the window every
lookup from that address is paused, found or not, so codes cannot be walked."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from webapp.accounts import throttles
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import Certificate
from webapp.recognition.certificates import find_by_code

COUNTER = "verify:"


@dataclass(frozen=True)
class Lookup:
    certificate: Certificate | None
    throttled: bool = False


def _window() -> tuple[int, timedelta]:
    config = current_app.config
    return int(config["VERIFY_ADDRESS_LIMIT"]), timedelta(minutes=int(config["VERIFY_WINDOW_MINUTES"]))


def look_up(code: str | None, address: str) -> Lookup:
    """The certificate for `code` as seen from `address` (the caller commits the counter)."""
    limit, window = _window()
    now = utcnow()
    if throttles.current(COUNTER, address, window, now).failures >= limit:
        return Lookup(None, throttled=True)
    certificate = find_by_code(code)
    if certificate is None:
        # A GET reads in a deferred transaction: end it, so that the count is the first statement of its own
        # (a deferred SQLite transaction that read first could fail to upgrade its lock under load).
        db.session.rollback()
        throttles.bump(COUNTER, address, window, now)
    return Lookup(certificate)
