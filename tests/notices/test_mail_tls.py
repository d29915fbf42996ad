"""E-mail over TLS, as a provincial mail server would require it: STARTTLS or TLS from the first byte, the server's
certificate checked, the login sent only inside TLS. A server whose certificate is not trusted gets nothing, and the
message waits for a retry."""
import pytest

from webapp.core.extensions import db
from webapp.models import DeliveryStatus as D, OutboxMessage

from tests.notices.smtp import Accounts, SmtpServer, self_signed_certificate
from tests.notices.test_mail import ADDRESS, returned_application, send

USER, PASSWORD = "sbxt-notices", "smtp-Secret-2026"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(certificate, monkeypatch):
    """The test certificate is the only one the client trusts (as an internal CA would be installed)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return certificate


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_mail_arrives_over_tls_with_a_login(app, runner, trusted, tls):
    server = SmtpServer(tls=tls, certificate=trusted, accounts=Accounts(USER, PASSWORD)).start()
    try:
        app.config.update(server.config(), SMTP_USER=USER, SMTP_PASSWORD=PASSWORD)
        returned_application(app)
        assert "发送 1 条" in send(runner)
        assert [m["To"] for m in server.inbox.messages] == [ADDRESS]
    finally:
        server.stop()


def test_a_wrong_password_is_retried_not_lost(app, runner, trusted):
    server = SmtpServer(tls="starttls", certificate=trusted, accounts=Accounts(USER, PASSWORD)).start()
    try:
        app.config.update(server.config(), SMTP_USER=USER, SMTP_PASSWORD="wrong")
        returned_application(app)
        output = send(runner)
        assert "发送 0 条，待重试 1 条" in output and "无法连接邮件服务器" in output
        assert server.inbox.messages == []
    finally:
        server.stop()


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_an_untrusted_certificate_gets_nothing_and_the_message_waits(app, runner, certificate, tls):
    """No SSL_CERT_FILE: the self-signed certificate is not trusted; nothing is sent in clear instead."""
    server = SmtpServer(tls=tls, certificate=certificate).start()
    try:
        app.config.update(server.config())
        returned_application(app)
        output = send(runner)
        assert "发送 0 条，待重试 1 条" in output and "CERTIFICATE_VERIFY_FAILED" in output.upper().replace(" ", "_")
        assert server.inbox.messages == []
        with app.app_context():
            assert db.session.execute(db.select(OutboxMessage.status)).scalar_one() is D.PENDING
    finally:
        server.stop()
