"""Security state kept in the database, so that every gunicorn worker sees the same: failed logins per client
address, the security administrator's settings, and the second factor (TOTP) of staff accounts."""
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow


class LoginCounter(db.Model):
    """Failed logins in the current window of one login name (ip ""), one client address (login "") or one pair of
    both (ASVS 2.2.1; 等保 身份鉴别: 登录失败处理). Changed only by atomic statements (accounts/throttles.py)."""

    __tablename__ = "login_counter"
    login = db.Column(db.String(64), primary_key=True)
    ip = db.Column(db.String(45), primary_key=True)
    window_start = db.Column(db.DateTime, nullable=False)
    failures = db.Column(db.Integer, nullable=False, default=0)


class CaptchaUse(db.Model):
    """A captcha challenge already answered: each is accepted once (accounts/captcha.py); swept after a day."""

    __tablename__ = "captcha_use"
    nonce = db.Column(db.String(32), primary_key=True)
    used_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class SecuritySetting(db.Model):
    """One setting of the security administrator (安全管理员), stored as JSON text under its key."""

    __tablename__ = "security_setting"
    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.Text, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_by_id = db.Column(db.Integer)     # no FK: like the audit trail, a setting outlives the account


class SecondFactor(db.Model):
    """The TOTP state of a staff account beside User.totp_secret (the confirmed secret): the secret being enrolled
    until a first code confirms it, and the last time step accepted, so that a code is never accepted twice."""

    __tablename__ = "second_factor"
    user_id = db.Column(db.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    pending_secret = db.Column(db.String(64))
    pending_since = db.Column(db.DateTime)
    enrolled_at = db.Column(db.DateTime)
    last_step = db.Column(db.BigInteger)
