"""Fixtures of the notice tests: a loopback SMTP server, the app configured to use it, accounts with e-mail."""
import pytest

from webapp.core.extensions import db
from webapp.models import NoticePreference, User

from tests.notices.smtp import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    """The app with the test SMTP server configured (as the environment would set it)."""
    app.config.update(smtp.config())
    return app


def wants_email(user_id: int, address: str, *, enabled: bool = True) -> None:
    """Switch e-mail on (or off) for an account, as its settings page does."""
    preference = db.session.get(NoticePreference, user_id) or NoticePreference(user_id=user_id)
    preference.email, preference.email_enabled, preference.sms_enabled = address, enabled, False
    db.session.add(preference)


def user(login: str) -> User:
    return db.session.execute(db.select(User).filter_by(login=login)).scalar_one()
