"""Journey 5: an enterprise writes its 申报书 with a colleague limited to section 三. The colleague cannot open the
economics form (403) nor generate the 盖章版 nor submit; it rewrites 协同集成情况 (三); the administrator generates the
盖章版, uploads its stamped scan and submits; the unit returns the application with a comment on that section; the
administrator and the colleague find the notice in their inbox (the unread count in the header), open it to the
section, and the e-mail arrives at the SMTP server on loopback."""
import re
from types import SimpleNamespace

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.applicant import stamp_and_scan  # noqa: E402

pytestmark = pytest.mark.browser

COMPANY = "湖南株洲协同制造有限公司"
COLLEAGUE = "周信息"
INTEGRATION = "MES与ERP、PLM系统通过统一数据平台集成，订单、工艺和质量数据实时共享，并向上下游供应商开放协同接口。"
SECTION_COMMENT = "协同集成情况请补充与上下游企业的数据协同实例。"
ADMIN_MAIL, COLLEAGUE_MAIL = "admin@zhuzhou.example.org", "zhou@zhuzhou.example.org"


def prepared(live_server):
    """A complete draft of a new enterprise in 株洲 (长沙's list may be reported by journey 3 already), a colleague
    limited to 三 (both want e-mail), the unit's reviewer; built with the factories and the colleague operation."""
    from webapp.accounts.colleagues import add_colleague
    from webapp.campaigns.lookup import current_campaign
    from webapp.core.extensions import db
    from webapp.models import MemberAccess, NoticePreference, RecommendingUnit

    from tests.factories import PASSWORD, make_complete_application, make_enterprise, unit_reviewer

    with live_server.app.app_context():
        enterprise = make_enterprise(db.session, name=COMPANY, county_adcode="430202")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                                write_files=True, stamped=False)
        admin = enterprise.users[0]
        colleague, _one_time = add_colleague(admin, name=COLLEAGUE, mobile="13907310021",
                                             access=MemberAccess.SECTIONS, sections=["implementation", "integration"])
        colleague.set_password(PASSWORD)
        colleague.must_change_password = False
        for user, address in ((admin, ADMIN_MAIL), (colleague, COLLEAGUE_MAIL)):
            db.session.add(NoticePreference(user_id=user.id, email=address, email_enabled=True, sms_enabled=False))
        unit = db.session.execute(db.select(RecommendingUnit).filter_by(prefecture_adcode="430200")).scalar_one()
        reviewer = unit_reviewer(db.session, unit)
        db.session.commit()
        return {"id": application.id, "admin": admin.login, "colleague": colleague.login,
                "reviewer": reviewer.login, "password": PASSWORD}


def csrf_post(page, path: str) -> int:
    """A POST from the signed-in page with its CSRF token (what a crafted form would send); returns the status."""
    token = page.evaluate("() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    return page.request.post(path, headers={"X-CSRFToken": token}).status


def test_journey5_a_colleague_writes_section_three_and_the_return_reaches_both(live_server, new_context, shot,
                                                                              tmp_path):
    from webapp.notices.delivery import deliver_due

    from tests.notices.smtp import SmtpServer

    story = prepared(live_server)
    base = f"/applications/{story['id']}"
    smtp = SmtpServer().start()
    saved_config = {key: live_server.app.config.get(key) for key in smtp.config()}
    live_server.app.config.update(smtp.config())
    try:
        # The colleague: section 三 only.
        colleague = ui.open_page(new_context(), "/login")
        ui.login(colleague, story["colleague"], story["password"])
        expect(colleague.locator(".site-user__name")).to_contain_text(COLLEAGUE)
        response = colleague.goto(f"{base}/sections/economics")
        assert response.status == 403
        expect(colleague.get_by_text("您的账号没有编辑此部分的权限")).to_be_visible()
        shot(colleague, "colleague-403-economics")
        colleague.goto(f"{base}/edit")
        expect(colleague.get_by_role("heading", name="三、 智能制造实施内容")).to_be_visible()
        expect(colleague.locator(".section-nav__lock").first).to_be_visible()
        colleague.get_by_role("link", name=re.compile("^协同集成情况")).click()
        colleague.get_by_label("协同集成情况").fill(INTEGRATION)
        ui.submit_and_wait(colleague, colleague.get_by_role("button", name="保存", exact=True))
        expect(colleague.locator(".saved-state")).to_contain_text("已保存")
        shot(colleague, "colleague-saved-integration")
        colleague.goto(f"{base}/checklist")
        expect(colleague.locator(".checklist__next")).to_contain_text("由企业管理员完成")
        colleague.goto(f"{base}/final")
        expect(colleague.get_by_text("盖章版由企业管理员生成")).to_be_visible()
        expect(colleague.get_by_role("button", name=re.compile("生成盖章版"))).to_have_count(0)
        assert csrf_post(colleague, f"{base}/final") == 403
        expect(colleague.get_by_role("button", name="确认提交申报书")).to_have_count(0)
        assert csrf_post(colleague, f"{base}/submit") == 403

        # The administrator generates the 盖章版, uploads its stamped scan and submits.
        admin = ui.open_page(new_context(), "/login")
        ui.login(admin, story["admin"], story["password"])
        admin.goto(f"{base}/checklist")
        stamp_and_scan(admin, SimpleNamespace(name=COMPANY), shot, tmp_path, version=1)
        admin.goto(f"{base}/checklist")
        admin.get_by_role("button", name="确认提交申报书").click()
        expect(admin.locator(".flash--success")).to_contain_text("申报书已提交")

        # The unit returns it, with a comment on 协同集成情况; the review shows who wrote what changed later.
        unit = ui.open_page(new_context(), "/login")
        ui.login(unit, story["reviewer"], story["password"])
        unit.goto(f"/review/{story['id']}")
        decisions = unit.locator("#decisions")
        decisions.get_by_label("退回修改意见").fill("请按分部分意见修改后重新提交。")
        decisions.get_by_text("对具体部分提出意见（选填）").click()
        decisions.get_by_label("协同集成情况", exact=True).fill(SECTION_COMMENT)
        decisions.get_by_role("button", name="退回企业修改").click()
        expect(unit.get_by_text(f"已将“{COMPANY}”退回企业修改")).to_be_visible()

        # Both see the notice: the count in the header, the inbox, the link to the section.
        for page, who in ((admin, "admin"), (colleague, "colleague")):
            page.goto("/home")
            expect(page.locator(".site-user__inbox .count-badge")).to_have_text("1")
            page.locator(".site-user__inbox").click()
            notice = page.locator(".nt-item--unread").first
            expect(notice).to_contain_text("申报书被退回修改（协同集成情况）")
            expect(notice).to_contain_text("请按分部分意见修改后重新提交。")
            shot(page, f"{who}-inbox")
            notice.get_by_role("button").click()
            expect(page).to_have_url(re.compile(f"{base}/sections/integration$"))
            expect(page.get_by_text(SECTION_COMMENT)).to_be_visible()
            expect(page.locator(".site-user__inbox .count-badge")).to_have_count(0)
        shot(colleague, "colleague-at-the-commented-section")

        # The e-mail, as the timer's send-notices delivers it.
        with live_server.app.app_context():
            report = deliver_due()
        assert len(report.sent) == 2, report
        for address in (ADMIN_MAIL, COLLEAGUE_MAIL):
            [message] = smtp.inbox.to(address)
            assert message["Subject"] == "【湖南省智能制造标杆申报系统】申报书被退回修改（协同集成情况）"
            assert f"https://sbxt.example.org{base}/sections/integration" in message.get_content()
    finally:
        live_server.app.config.update(saved_config)
        smtp.stop()
