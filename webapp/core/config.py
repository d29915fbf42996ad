"""Configuration read from the environment, with safe defaults.

Every piece of runtime state lives under INSTANCE_PATH: the SQLite database,
uploads, generated documents, logs and the generated secret key.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def _secret_key(instance: Path) -> str:
    """Use SECRET_KEY if set, else a key generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        tmp = key_file.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        os.chmod(tmp, 0o600)
        os.replace(tmp, key_file)
    return key_file.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'app.db'}"
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 explicitly.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _production() -> bool:
    """Production: APP_ENV=production, or cookies marked Secure (served over HTTPS). Then no demo data is made, the
    app refuses to start while a demo account exists, and no 演示环境 banner is shown."""
    secure = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes")
    return os.environ.get("APP_ENV", "").strip().lower() == "production" or secure


def load_config() -> dict:
    instance = _instance_path()
    return {
        "PRODUCTION": _production(),
        "SECRET_KEY_FROM_ENV": bool(os.environ.get("SECRET_KEY")),
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "DOCUMENT_FOLDER": str(instance / "documents"),
        "LOG_FOLDER": str(instance / "logs"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "IDLE_TIMEOUT_MINUTES": int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30")),
        "SESSION_LIFETIME_HOURS": float(os.environ.get("SESSION_LIFETIME_HOURS", "12")),
        # Failed logins (accounts/throttles.py, docs/SECURITY.md): a captcha after 3 failures of a login name or an
        # address; 5 failures lock that (login name, address) pair for 15 minutes; 30 failures of a login name in an
        # hour stop browsers that never logged into it; 20 failures of an address in 15 minutes stop that address.
        "LOGIN_CAPTCHA_AFTER": 3,
        "LOCKOUT_THRESHOLD": 5,
        "LOCKOUT_MINUTES": 15,
        "LOGIN_ACCOUNT_HOURLY_LIMIT": 30,
        "LOGIN_ADDRESS_LIMIT": 20,
        "LOGIN_ADDRESS_WINDOW_MINUTES": 15,
        # Registrations per client address (an office behind one address registers a few, not thousands).
        "REGISTRATION_ADDRESS_LIMIT": 5,
        "REGISTRATION_WINDOW_MINUTES": 60,
        # The public certificate verification page (/verify): unknown codes per client address before it pauses.
        "VERIFY_ADDRESS_LIMIT": 30,
        "VERIFY_WINDOW_MINUTES": 15,
        # The largest legitimate upload is one attachment (20 MB by default); a little headroom for the form fields.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH_MB", "210")) * 1024 * 1024,
        # Long Chinese sections: 2 MB of url-encoded form is ~220,000 characters.
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_I18N_ENABLED": False,   # use WTForms' bundled zh messages (no Babel needed)
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # ClamAV: the path of clamd's local socket; every upload is scanned before it is accepted (off when empty).
        "CLAMD_SOCKET": os.environ.get("CLAMD_SOCKET", ""),
        # Number of reverse proxies (nginx) in front: their X-Forwarded-For/-Proto are then trusted.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        **_notice_settings(),
    }


def _notice_settings() -> dict:
    """E-mail through an SMTP server (none configured: notices stay in the inbox), the site's address for links in
    e-mail, and the SMS sender (see webapp/notices/sms.py)."""
    tls = os.environ.get("SMTP_TLS", "starttls").strip().lower() or "starttls"
    default_port = {"ssl": 465, "starttls": 587}.get(tls, 25)
    return {
        "SMTP_HOST": os.environ.get("SMTP_HOST", "").strip(),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT") or default_port),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_TLS": tls,                       # none | starttls | ssl
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip(),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").strip(),
        "SMS_SENDER": os.environ.get("SMS_SENDER", "log").strip() or "log",
    }
