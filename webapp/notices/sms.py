"""SMS: the place to plug in a provider.

Many provinces notify by SMS. The system defines how a text message is sent and ships only a sender that writes the
message to the log; no provider is contracted here. To use one, write a class with the method below (for example
with the provider's HTTP API: sign the request, send, raise SmsDeferred on a timeout or a rate limit, SmsRefused on
an invalid number) and name it in the environment: SMS_SENDER=yourpackage.module:YourSender. It is built once per
run of `send-notices` with the app's configuration, and each SMS outbox row is handed to it.

Users switch SMS on in their 消息设置 (to the account's mobile number); the outbox retries and records every
attempt exactly as for e-mail.
"""
import importlib
import logging
from typing import Protocol

from webapp.models import Notice

SITE_NAME = "湖南省智能制造标杆申报系统"
log = logging.getLogger("webapp.notices.sms")


class SmsDeferred(Exception):
    """The message could not be sent now (timeout, rate limit): it is retried later."""


class SmsRefused(Exception):
    """The provider refused the message for good (invalid number, blocked content): it is not retried."""


class SmsSender(Protocol):
    def send(self, mobile: str, text: str) -> None:
        """Send `text` to the mainland mobile number `mobile`; raise SmsDeferred or SmsRefused on failure."""


class LoggingSmsSender:
    """Writes each message to the log instead of sending it (the default: no provider)."""

    def __init__(self, config=None):
        self.config = config

    def send(self, mobile: str, text: str) -> None:
        log.info("SMS (not sent, no provider configured) to %s: %s", mask(mobile), text)


def mask(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 11 else "****"


def sms_text(notice: Notice) -> str:
    """A short text: the subject and where to read the rest."""
    return f"【{SITE_NAME}】{notice.subject}。详情请登录系统查看“消息”。"


def load_sender(config) -> SmsSender:
    """The sender named by SMS_SENDER: "log" (the default) or "package.module:ClassName"."""
    name = config.get("SMS_SENDER", "log")
    if name == "log":
        return LoggingSmsSender(config)
    module_name, _, class_name = name.partition(":")
    sender_class = getattr(importlib.import_module(module_name), class_name)
    return sender_class(config)
