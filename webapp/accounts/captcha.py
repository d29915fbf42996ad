"""图形验证码: a picture of five characters, drawn on this server by the `captcha` library (no outside service).

Stateless until answered, so that any host behind the balancer can draw and check it: the login form carries a token
signed with SECRET_KEY and timestamped (valid 10 minutes) that holds only a random nonce; the characters are derived
from the nonce with an HMAC of SECRET_KEY, so neither the page nor the cookie tells them. An answered nonce is
recorded (table captcha_use, primary key): every challenge is accepted once, right or wrong.
"""
import hashlib
import hmac
import secrets
import unicodedata
from datetime import timedelta

from captcha.image import ImageCaptcha
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import CaptchaUse

ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"   # no 0/O, 1/I/L look-alikes, no 2/Z, 5/S, 8/B
LENGTH = 5
MAX_AGE_SECONDS = 600
_IMAGE = ImageCaptcha(width=160, height=60)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="login-captcha")


def new_token() -> str:
    return _serializer().dumps(secrets.token_hex(8))


def nonce_of(token: str | None) -> str | None:
    try:
        nonce = _serializer().loads(token or "", max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    return nonce if isinstance(nonce, str) and len(nonce) == 16 else None


def answer_for(nonce: str) -> str:
    digest = hmac.new(current_app.secret_key.encode(), f"captcha:{nonce}".encode(), hashlib.sha256).digest()
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:LENGTH])


def image_png(token: str) -> bytes | None:
    nonce = nonce_of(token)
    return _IMAGE.generate(answer_for(nonce), format="png").getvalue() if nonce else None


def normalize(typed: str | None) -> str:
    """Full-width letters and spaces as typed on a Chinese keyboard; any case."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", typed or "") if not ch.isspace()).upper()


def consume(token: str | None, typed: str | None) -> bool:
    """True if the answer is right for a valid, unexpired, never answered token. The token is used up either way."""
    nonce = nonce_of(token)
    if nonce is None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(CaptchaUse(nonce=nonce, used_at=utcnow()))
    except IntegrityError:
        return False                    # answered before: a replayed page
    db.session.execute(db.delete(CaptchaUse).where(CaptchaUse.used_at < utcnow() - timedelta(days=1)))
    return hmac.compare_digest(normalize(typed), answer_for(nonce))
