"""SMS: the logging sender (no provider) and the place to plug one in (SMS_SENDER=package.module:Class)."""
import logging

from webapp.core.extensions import db
from webapp.models import Channel, DeliveryStatus as D, NoticePreference, OutboxMessage, User
from webapp.notices.delivery import deliver_due
from webapp.notices.inbox import notify
from webapp.notices.sms import SmsRefused

SENT: list[tuple[str, str]] = []


class RecordingSender:
    """A provider stand-in: what a real sender class looks like (built with the app's configuration)."""

    def __init__(self, config):
        self.config = config

    def send(self, mobile: str, text: str) -> None:
        if mobile.endswith("0000"):
            raise SmsRefused("号码无效")
        SENT.append((mobile, text))


def sms_user(app, login_as, mobile="13800001234") -> int:
    client = login_as("applicant")
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login=client.login_name)).scalar_one()
        user.mobile = mobile
        db.session.add(NoticePreference(user_id=user.id, email="", email_enabled=False, sms_enabled=True))
        notify(user, "test", "申报书被退回修改", "正文", "/home")
        db.session.commit()
        return user.id


def test_without_a_provider_the_sms_is_logged(app, login_as, caplog):
    sms_user(app, login_as)
    with app.app_context(), caplog.at_level(logging.INFO, logger="webapp.notices.sms"):
        report = deliver_due()
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.channel is Channel.SMS and row.status is D.SENT and row.recipient == "13800001234"
    assert len(report.sent) == 1
    assert "138****1234" in caplog.text and "【湖南省智能制造标杆申报系统】申报书被退回修改" in caplog.text
    assert "13800001234" not in caplog.text


def test_a_provider_plugs_in_by_name(app, login_as):
    app.config["SMS_SENDER"] = "tests.notices.test_sms:RecordingSender"
    SENT.clear()
    sms_user(app, login_as)
    with app.app_context():
        deliver_due()
    assert SENT == [("13800001234", "【湖南省智能制造标杆申报系统】申报书被退回修改。详情请登录系统查看“消息”。")]


def test_a_refused_number_is_not_retried(app, login_as):
    app.config["SMS_SENDER"] = "tests.notices.test_sms:RecordingSender"
    sms_user(app, login_as, mobile="13800000000")
    with app.app_context():
        deliver_due()
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.status is D.FAILED and row.last_error == "号码无效"
