"""E-mail through a real SMTP server on loopback (aiosmtpd): what arrives, once, only to those who asked, and again
after the server was down."""
import threading
from collections import Counter
from datetime import timedelta
from email.header import decode_header

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import ApplicationStatus as S, DeliveryStatus as D, Notice, OutboxMessage
from webapp.notices.delivery import MAX_AGE, deliver_due
from webapp.notices.inbox import notify
from webapp.review.decisions import decide

from tests.factories import make_application, unit_reviewer
from tests.notices.conftest import wants_email
from tests.notices.smtp import SmtpServer, free_port

ADDRESS = "zhangsan@example.org"
COMMENT = "请补充智能制造专项审计报告，并核对投入构成。"
SECTION_COMMENT = "场景的实施成果缺少量化指标。"


def returned_application(app, *, email: bool = True):
    """A submitted application, its administrator wanting e-mail, returned by the unit with a section comment."""
    with app.app_context():
        application = make_application(db.session, status=S.SUBMITTED)
        admin = application.enterprise.users[0]
        wants_email(admin.id, ADDRESS, enabled=email)
        decide(application, "return", unit_reviewer(db.session, application.unit), COMMENT,
               {"implementation": SECTION_COMMENT})
        db.session.commit()
        return application.id, admin.id


def send(runner):
    result = runner.invoke(args=["send-notices"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_return_arrives_by_email_in_chinese_with_the_link(mail_app, smtp, runner):
    application_id, _admin = returned_application(mail_app)
    output = send(runner)
    assert f"已发送 #1 电子邮件 → {ADDRESS}：申报书被退回修改（三、 智能制造实施内容）" in output
    assert [m["To"] for m in smtp.inbox.messages] == [ADDRESS]
    message = smtp.inbox.messages[0]
    assert message["Subject"] == "【湖南省智能制造标杆申报系统】申报书被退回修改（三、 智能制造实施内容）"
    raw_headers = smtp.inbox.raw[0].split(b"\r\n\r\n", 1)[0].decode("ascii")      # 7-bit headers, RFC 2047 words
    subject_line = next(line for line in raw_headers.splitlines() if line.startswith("Subject:"))
    assert "=?utf-8?" in subject_line.lower()
    assert "".join(part.decode(charset) if charset else part if isinstance(part, str) else part.decode()
                   for part, charset in decode_header(message["Subject"])).startswith("【湖南省")
    assert message["From"].addresses[0].addr_spec == "noreply@benchmark.example.org"
    assert message["From"].addresses[0].display_name == "湖南省智能制造标杆申报系统"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert COMMENT in body and "三、 智能制造实施内容" in body
    assert f"https://sbxt.example.org/applications/{application_id}/sections/implementation" in body
    assert "https://sbxt.example.org/notices/settings" in body


def test_one_message_per_notice_and_nothing_the_second_time(mail_app, smtp, runner):
    returned_application(mail_app)
    with mail_app.app_context():
        admin_id = db.session.execute(db.select(Notice.user_id)).scalar()
        from webapp.models import User
        user = db.session.get(User, admin_id)
        for number in range(3):
            notify(user, "test", f"第{number + 1}条测试消息", "正文")
        db.session.commit()
    first = send(runner)
    assert "发送 4 条" in first
    assert len(smtp.inbox.messages) == 4
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 4
    second = send(runner)
    assert "发送 0 条" in second and "已发送" not in second
    assert len(smtp.inbox.messages) == 4


def test_nothing_for_those_who_opted_out(mail_app, smtp, runner):
    returned_application(mail_app, email=False)
    with mail_app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Notice)).scalar() == 1
        assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 0
    send(runner)
    assert smtp.inbox.messages == []


def test_switching_off_after_the_event_stops_the_waiting_message(mail_app, smtp, runner):
    _application, admin = returned_application(mail_app)
    with mail_app.app_context():
        wants_email(admin, ADDRESS, enabled=False)
        db.session.commit()
    output = send(runner)
    assert smtp.inbox.messages == [] and "跳过 1 条" in output
    with mail_app.app_context():
        assert db.session.execute(db.select(OutboxMessage.status)).scalar() is D.SKIPPED


def test_retried_with_back_off_after_the_server_was_down(app, runner):
    server = SmtpServer(free_port())          # configured, but not started: nothing listens on the port
    app.config.update(server.config())
    returned_application(app)
    output = send(runner)
    assert "发送 0 条，待重试 1 条" in output and "无法连接邮件服务器" in output
    with app.app_context():
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.status is D.PENDING and row.attempts == 1
        assert timedelta(seconds=50) < row.next_attempt_at - utcnow() <= timedelta(minutes=1)
    server.start()
    try:
        assert "发送 0 条，待重试 0 条" in send(runner)          # not due yet: waits for its back-off
        with app.app_context():
            report = deliver_due(utcnow() + timedelta(minutes=2))
            assert len(report.sent) == 1
            row = db.session.execute(db.select(OutboxMessage)).scalar_one()
            assert row.status is D.SENT and row.attempts == 2 and row.recipient == ADDRESS
        assert len(server.inbox.messages) == 1
        assert "发送 0 条" in send(runner)
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_a_permanent_refusal_is_not_retried(mail_app, smtp, runner):
    smtp.inbox.refuse.add(ADDRESS)
    returned_application(mail_app)
    output = send(runner)
    assert "失败 1 条" in output and "550" in output
    with mail_app.app_context():
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.status is D.FAILED and row.last_error.startswith("550")
        deliver_due(utcnow() + timedelta(hours=5))
    assert smtp.inbox.messages == []


def test_old_messages_expire_instead_of_arriving_late(mail_app, smtp):
    returned_application(mail_app)
    with mail_app.app_context():
        report = deliver_due(utcnow() + MAX_AGE + timedelta(minutes=1))
        assert report.expired == 1 and report.sent == []
    assert smtp.inbox.messages == []


def test_without_smtp_host_mail_waits_and_nothing_is_sent(app, runner):
    returned_application(app)
    output = send(runner)
    assert "未配置 SMTP_HOST：1 封邮件等待发送" in output


def test_two_runs_at_once_never_send_a_notice_twice(mail_app, smtp):
    _application, admin = returned_application(mail_app)
    with mail_app.app_context():
        from webapp.models import User
        user = db.session.get(User, admin)
        for number in range(39):
            notify(user, "test", f"并发测试消息{number + 1}", "正文")
        db.session.commit()
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            with mail_app.app_context():
                start.wait()
                deliver_due()
        except Exception as exc:      # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    subjects = Counter(m["Subject"] for m in smtp.inbox.messages)
    assert len(subjects) == 40 and set(subjects.values()) == {1}
    with mail_app.app_context():
        statuses = db.session.execute(db.select(OutboxMessage.status)).scalars().all()
        assert statuses == [D.SENT] * 40


def test_after_the_demo_send_notices_delivers_its_notices_and_reminders_once(mail_app, smtp, runner):
    demo = runner.invoke(args=["demo", "--applications", "4", "--no-files", "--seed", "3"])
    assert demo.exit_code == 0, demo.output
    assert "同事 周信息" in demo.output and "申报截止时间已调整到一周之内" in demo.output
    first = send(runner)
    team = [line for line in first.splitlines() if "-02@example.org" in line]
    assert any("申报书被退回修改（三、 智能制造实施内容）" in line for line in team)
    assert any("距申报截止不到7天" in line for line in team)
    assert len(smtp.inbox.messages) == first.count("已发送") > 3
    assert all(m["To"].endswith("@example.org") for m in smtp.inbox.messages)
    second = send(runner)
    assert "已发送" not in second and "截止提醒 0 条；发送 0 条" in second
