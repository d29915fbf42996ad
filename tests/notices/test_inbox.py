"""The inbox: each event reaches the people it concerns; the header's unread count; opening a notice (a POST that
marks it read and goes to its link); the notice settings."""
import io

import pytest

from webapp.applications.lifecycle import submit_application, withdraw_application
from webapp.applications.versions import record_save
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, AuditRecord, MemberAccess, Notice, NoticePreference, OutboxMessage, User,
)
from webapp.review.decisions import decide
from webapp.ops.demo_files import minimal_pdf
from webapp.review.letter import upload_scan
from webapp.review.report import lock_unit_list, return_report, submit_report
from webapp.status import TransitionError
from webapp.core.timeutil import utcnow

from tests.colleagues import colleague_client, make_colleague
from tests.conftest import login, text
from tests.factories import OPINION, make_application, stamp, unit_reviewer

COMMENT = "请补充智能制造专项审计报告。"


def notices_of(login_name: str) -> list[Notice]:
    user = db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one()
    return list(db.session.execute(db.select(Notice).filter_by(user_id=user.id).order_by(Notice.id)).scalars())


def submitted(app) -> tuple[int, str]:
    with app.app_context():
        application = make_application(db.session, status=S.SUBMITTED)
        db.session.commit()
        return application.id, application.enterprise.users[0].login


def unit_decides(app, application_id, action, comment=None, sections=None):
    with app.app_context():
        application = db.session.get(Application, application_id)
        decide(application, action, unit_reviewer(db.session, application.unit), comment, sections)
        db.session.commit()


def test_a_return_reaches_the_administrator_and_the_colleagues_of_the_commented_sections(app):
    application_id, admin = submitted(app)
    wrote_it = make_colleague(app, admin, name="李四")                                   # saved 三 (below)
    limited = make_colleague(app, admin, name="王五", access=MemberAccess.SECTIONS, sections=("implementation",))
    other = make_colleague(app, admin, name="赵六", access=MemberAccess.SECTIONS, sections=("economics",))
    viewer = make_colleague(app, admin, name="钱七", access=MemberAccess.VIEW)
    with app.app_context():
        application = db.session.get(Application, application_id)
        record_save(application, "implementation", db.session.execute(
            db.select(User).filter_by(login=wrote_it)).scalar_one(), 3, utcnow())
        db.session.commit()
    unit_decides(app, application_id, "return", COMMENT, {"implementation": "场景缺少量化指标。"})
    with app.app_context():
        for name in (admin, wrote_it, limited):
            [notice] = notices_of(name)
            assert notice.kind == "application.returned"
            assert notice.subject == "申报书被退回修改（三、 智能制造实施内容）"
            assert COMMENT in notice.body and "长沙市工业和信息化局" in notice.body
            assert notice.link == f"/applications/{application_id}/sections/implementation"
        assert notices_of(other) == [] and notices_of(viewer) == []


def test_a_return_without_section_comments_reaches_everyone_who_may_edit(app):
    application_id, admin = submitted(app)
    editor = make_colleague(app, admin, name="李四", access=MemberAccess.SECTIONS, sections=("economics",))
    viewer = make_colleague(app, admin, name="钱七", access=MemberAccess.VIEW)
    unit_decides(app, application_id, "return", COMMENT)
    with app.app_context():
        assert len(notices_of(admin)) == len(notices_of(editor)) == 1 and notices_of(viewer) == []
        assert notices_of(editor)[0].subject == "申报书被退回修改"


def test_decisions_reach_every_account_of_the_enterprise(app):
    application_id, admin = submitted(app)
    viewer = make_colleague(app, admin, name="钱七", access=MemberAccess.VIEW)
    unit_decides(app, application_id, "recommend", OPINION)
    with app.app_context():
        assert [n.subject for n in notices_of(admin)] == ["申报书已获推荐"] == [n.subject for n in notices_of(viewer)]
        assert notices_of(admin)[0].link == f"/applications/{application_id}"
    unit_decides(app, application_id, "reject", "名额有限。")
    with app.app_context():
        assert notices_of(viewer)[-1].subject == "申报书未获推荐" and "名额有限" in notices_of(viewer)[-1].body


def test_resubmission_withdrawal_and_a_returned_list_reach_the_unit(app, login_as):
    unit = login_as("recommender")
    province_login = login_as("admin").login_name
    application_id, admin = submitted(app)
    unit_decides(app, application_id, "return", COMMENT)
    enterprise = app.test_client()
    login(enterprise, admin)
    with app.app_context():                 # stamped again (第2版) before resubmitting
        stamp(db.session, db.session.get(Application, application_id), write_files=False)
        db.session.commit()
    assert enterprise.post(f"/applications/{application_id}/submit",
                           data={"explanation": "已按意见修改。"}).status_code == 303
    with app.app_context():
        [resubmitted] = notices_of(unit.login_name)
        assert resubmitted.kind == "application.resubmitted" and resubmitted.link == f"/review/{application_id}"
        assert "重新提交" in resubmitted.subject
    assert enterprise.post(f"/applications/{application_id}/withdraw").status_code == 303
    with app.app_context():
        assert notices_of(unit.login_name)[-1].kind == "application.withdrawn"
        application = db.session.get(Application, application_id)
        enterprise_admin = db.session.execute(db.select(User).filter_by(login=admin)).scalar_one()
        stamp(db.session, application, write_files=False)
        submit_application(application, enterprise_admin)
        reviewer = db.session.execute(db.select(User).filter_by(login=unit.login_name)).scalar_one()
        decide(application, "recommend", reviewer, OPINION)
        report = lock_unit_list(current_campaign().id, application.unit_id)
        upload_scan(report, application.unit, reviewer, io.BytesIO(minimal_pdf("推荐函")), "推荐函.pdf", None)
        submit_report(current_campaign(), application.unit_id, reviewer)
        province = db.session.execute(db.select(User).filter_by(login=province_login)).scalar_one()
        return_report(current_campaign(), application.unit_id, province, "请补充推荐意见。")
        db.session.commit()
        last = notices_of(unit.login_name)[-1]
        assert last.kind == "report.returned" and "请补充推荐意见" in last.body and last.link == "/review/summary"


def test_withdrawing_is_the_administrators_alone(app):
    application_id, admin = submitted(app)
    colleague = colleague_client(app, admin)
    assert colleague.post(f"/applications/{application_id}/withdraw").status_code == 403
    with app.app_context():
        application = db.session.get(Application, application_id)
        user = db.session.execute(db.select(User).filter_by(login=colleague.login_name)).scalar_one()
        with pytest.raises(TransitionError, match="只有企业管理员"):
            withdraw_application(application, user)


def test_the_header_counts_unread_and_opening_marks_read(app):
    application_id, admin = submitted(app)
    unit_decides(app, application_id, "return", COMMENT, {"profile": "简介过长。"})
    client = app.test_client()
    login(client, admin)
    page = text(client.get("/home"))
    assert 'aria-label="1条未读"' in page
    inbox = client.get("/notices/")
    assert "申报书被退回修改（企业简介）" in text(inbox) and "nt-item--unread" in text(inbox)
    with app.app_context():
        [notice] = notices_of(admin)
    opened = client.post(f"/notices/{notice.id}/open")
    assert opened.status_code == 303 and opened.location == f"/applications/{application_id}/sections/profile"
    assert "条未读" not in text(client.get("/home"))
    with app.app_context():
        assert notices_of(admin)[0].read_at is not None


def test_another_users_notice_is_not_found(app, login_as):
    application_id, admin = submitted(app)
    unit_decides(app, application_id, "return", COMMENT)
    with app.app_context():
        [notice] = notices_of(admin)
    stranger = login_as("applicant", county="430105")
    assert stranger.post(f"/notices/{notice.id}/open").status_code == 404
    with app.app_context():
        assert notices_of(admin)[0].read_at is None


def test_read_all(app):
    application_id, admin = submitted(app)
    unit_decides(app, application_id, "return", COMMENT)
    client = app.test_client()
    login(client, admin)
    response = client.post("/notices/read-all", follow_redirects=True)
    assert "已将 1 条消息标记为已读" in text(response)
    with app.app_context():
        assert all(n.read_at for n in notices_of(admin))


def test_notice_settings(app, login_as):
    client = login_as("recommender")
    page = client.get("/notices/settings")
    assert page.status_code == 200 and "同时通过电子邮件接收消息" in text(page)
    refused = client.post("/notices/settings", data={"email": "", "email_enabled": "y"})
    assert "要接收邮件，请先填写电子邮箱" in text(refused)
    refused = client.post("/notices/settings", data={"email": "不是邮箱", "email_enabled": "y"})
    assert "请输入有效的电子邮箱地址" in text(refused)
    saved = client.post("/notices/settings", data={"email": "shenhe@example.org", "email_enabled": "y"})
    assert saved.status_code == 303
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login=client.login_name)).scalar_one()
        preference = db.session.get(NoticePreference, user.id)
        assert (preference.email, preference.email_enabled, preference.sms_enabled) == \
            ("shenhe@example.org", True, False)          # no mobile on the account: no SMS
        assert db.session.execute(db.select(AuditRecord).filter_by(action="notice.settings")).scalar_one()
    application_id, _admin = submitted(app)
    unit_decides(app, application_id, "return", COMMENT)
    client.post(f"/applications/{application_id}/withdraw")
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 0


def test_a_password_reset_is_told_without_the_password(app, login_as):
    security = login_as("security")
    _application_id, admin = submitted(app)
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login=admin)).scalar_one()
    response = security.post(f"/admin/accounts/{user.id}/reset-password")
    password = response.get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    with app.app_context():
        [notice] = notices_of(admin)
        assert notice.kind == "account.password_reset" and "安全管理员" in notice.body
        assert password not in notice.body and password not in notice.subject
