"""A real SMTP server on loopback for the tests (aiosmtpd): it keeps every message it accepts, parsed."""
import socket
import ssl
import subprocess
import warnings
from email import message_from_bytes, policy
from pathlib import Path
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: accepts every message (or refuses recipients listed in `refuse`)."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content or envelope.content)
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, made by the openssl command line."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class Accounts:
    """Checks AUTH LOGIN/PLAIN against one user and password."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (self.user,
                                                                                                 self.password)
        return AuthResult(success=good)


class SmtpServer:
    """tls: "none", "starttls" (STARTTLS required before anything else) or "ssl" (TLS from the first byte), with
    `certificate` = (cert, key); `accounts` makes AUTH required."""

    def __init__(self, port: int | None = None, *, tls: str = "none", certificate: tuple[Path, Path] | None = None,
                 accounts: Accounts | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None
        self.tls, self.certificate, self.accounts = tls, certificate, accounts

    def start(self) -> "SmtpServer":
        options = {}
        if self.tls != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.certificate)
            options = {"ssl_context": context} if self.tls == "ssl" else {"tls_context": context,
                                                                        "require_starttls": True}
        if self.accounts is not None:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; with TLS from the first byte nothing is ever in clear.
            options.update(authenticator=self.accounts, auth_required=True, auth_require_tls=self.tls != "ssl")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_TLS": self.tls, "SMTP_USER": "",
                "SMTP_PASSWORD": "", "MAIL_FROM": "noreply@benchmark.example.org",
                "PUBLIC_BASE_URL": "https://sbxt.example.org"}
