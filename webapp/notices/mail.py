"""E-mail of a notice through an SMTP server: the settings, the message (Chinese subject and body, UTF-8, RFC 2047
headers), and one connection reused for the messages of a run.

Settings (environment, see webapp/core/config.py): SMTP_HOST (empty: no e-mail is sent), SMTP_PORT, SMTP_USER and
SMTP_PASSWORD (login when set), SMTP_TLS = none | starttls | ssl, MAIL_FROM, PUBLIC_BASE_URL (links are absolute).
"""
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, format_datetime, make_msgid
from datetime import timezone

from webapp.models import Notice

SITE_NAME = "湖南省智能制造标杆申报系统"
TLS_MODES = ("none", "starttls", "ssl")
TIMEOUT_SECONDS = 30


class MailSettingsError(Exception):
    """The SMTP settings cannot work (the message says which one)."""


class ConnectionTrouble(Exception):
    """The server could not be reached or refused the session: every message of the run waits for a retry."""


class MessageRefused(Exception):
    """The server refused this message for good (5xx): it is not retried."""


class MessageDeferred(Exception):
    """The server deferred this message (4xx): it is retried later."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    tls: str
    mail_from: str
    base_url: str

    @classmethod
    def from_config(cls, config) -> "SmtpSettings | None":
        """The settings, or None when no SMTP_HOST is configured. Raises MailSettingsError for unusable ones."""
        if not config.get("SMTP_HOST"):
            return None
        tls = config.get("SMTP_TLS", "starttls")
        if tls not in TLS_MODES:
            raise MailSettingsError(f"SMTP_TLS 只能是 none、starttls 或 ssl，当前为“{tls}”。")
        if not config.get("MAIL_FROM"):
            raise MailSettingsError("已设置 SMTP_HOST，但未设置发件地址 MAIL_FROM。")
        return cls(config["SMTP_HOST"], int(config["SMTP_PORT"]), config.get("SMTP_USER", ""),
                   config.get("SMTP_PASSWORD", ""), tls, config["MAIL_FROM"],
                   config.get("PUBLIC_BASE_URL", "").rstrip("/"))


def absolute_link(settings: SmtpSettings, link: str) -> str:
    return settings.base_url + link if link else settings.base_url + "/"


def build_message(settings: SmtpSettings, notice: Notice, to: str) -> EmailMessage:
    """The notice as a plain-text e-mail: the subject, the body, the absolute link, a footer saying why it came."""
    message = EmailMessage()
    message["Subject"] = f"【{SITE_NAME}】{notice.subject}"
    message["From"] = settings.mail_from if "<" in settings.mail_from else formataddr((SITE_NAME, settings.mail_from))
    message["To"] = to
    message["Date"] = format_datetime(notice.created_at.replace(tzinfo=timezone.utc))
    message["Message-ID"] = make_msgid(idstring=f"notice-{notice.id}", domain=settings.mail_from.rsplit("@", 1)[-1]
                                       .strip("> "))
    link = absolute_link(settings, notice.link)
    text = "\n\n".join(part for part in (notice.body.strip(), f"查看详情：{link}") if part)
    text += ("\n\n——\n此邮件由系统自动发送，请勿回复。同一消息也在系统的“消息”中。"
             f"如不想再收到邮件，请登录后在“消息设置”中关闭邮件通知：{settings.base_url}/notices/settings\n")
    message.set_content(text, charset="utf-8")
    return message


class Mailer:
    """One SMTP session for a run, opened at the first message and closed at the end (use as a context manager)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *_exc) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.connection = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.tls == "ssl":
                connection = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
                if s.tls == "starttls":
                    connection.starttls(context=ssl.create_default_context())
            if s.user:
                connection.login(s.user, s.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectionTrouble(f"无法连接邮件服务器 {s.host}:{s.port}（{_describe(exc)}）") from exc
        return connection

    def send(self, message: EmailMessage) -> None:
        """Send one message; raises ConnectionTrouble, MessageDeferred or MessageRefused."""
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code = min((c for c, _m in exc.recipients.values()), default=550)
            raise (MessageRefused if code >= 500 else MessageDeferred)(_describe(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            if isinstance(exc, (smtplib.SMTPAuthenticationError,)) or exc.smtp_code == 421:
                self.connection = None
                raise ConnectionTrouble(_describe(exc)) from exc
            raise (MessageRefused if exc.smtp_code >= 500 else MessageDeferred)(_describe(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.connection = None
            raise ConnectionTrouble(_describe(exc)) from exc
        if refused:
            raise MessageRefused(f"收件人被拒绝：{refused}")


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "；".join(f"{code} {_text(error)}（{address}）" for address, (code, error) in exc.recipients.items())[:300]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def _text(error) -> str:
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
