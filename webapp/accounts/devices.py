"""Known browsers ("device cookies"): a browser that logged into an account before is not refused by the per-account
hourly ceiling or the per-address block, so that an attacker who burns those limits from elsewhere cannot lock the
owner out of the browser they always use (the (account, address) lockout still applies to it).

The cookie is signed with SECRET_KEY, holds the login names (at most five) that logged in successfully from this
browser, lives 180 days, is HttpOnly, SameSite=Lax, Secure when the session cookie is. It grants nothing by itself:
the password (and the second factor) are still needed.
"""
from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "known_device"
MAX_AGE_SECONDS = 180 * 24 * 3600
MAX_LOGINS = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def known_logins() -> list[str]:
    try:
        value = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return []
    return [v for v in value if isinstance(v, str)][:MAX_LOGINS] if isinstance(value, list) else []


def remember(response: Response, login: str) -> Response:
    logins = [login] + [other for other in known_logins() if other != login]
    response.set_cookie(COOKIE, _serializer().dumps(logins[:MAX_LOGINS]), max_age=MAX_AGE_SECONDS, httponly=True,
                        samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
