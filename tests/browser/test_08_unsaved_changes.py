"""Nothing typed is lost (in Chromium, with JavaScript): an over-long paste is kept whole with "超出 N 字" at the field
and from the server; leaving a section with unsaved changes asks first (the section links and beforeunload); an
unsaved section is kept in the browser and offered back after the session ended."""
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser import ui  # noqa: E402

pytestmark = pytest.mark.browser

# Drafted in Word and pasted: 639 characters into a field of 500.
PASTED = ("公司以“数据驱动制造”为主线，持续推进研发、生产、质量和供应链的数字化改造。" * 17)[:634] + "补充说明。"


def draft_application(live_server) -> tuple[int, str]:
    from webapp.campaigns.lookup import current_campaign
    from webapp.core.extensions import db

    from tests.factories import make_complete_application, make_enterprise

    with live_server.app.app_context():
        enterprise = make_enterprise(db.session, name="湖南未保存内容检查装备有限公司", county_adcode="430104")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                                stamped=False)
        db.session.commit()
        return application.id, application.enterprise.users[0].login


def test_nothing_typed_is_lost(live_server, new_context, shot):
    from tests.factories import PASSWORD

    application_id, login = draft_application(live_server)
    context = new_context()
    page = ui.open_page(context, "/login")
    ui.login(page, login, PASSWORD)
    page.goto(f"/applications/{application_id}/sections/profile")
    assert len(PASTED) == 639

    # An over-long paste: kept whole, the counter and the server say how much is over.
    profile = page.get_by_label("企业简介")
    expect(profile).not_to_have_attribute("maxlength", "500")
    profile.fill(PASTED)
    expect(page.locator('[data-counter-for="profile"]')).to_have_text("639 / 500 · 超出 139 字")
    expect(profile).to_have_value(PASTED)
    form = page.locator("#section-form")
    ui.submit_and_wait(page, form.get_by_role("button", name="保存", exact=True), swapped=form)
    expect(page.locator(".error-summary")).to_contain_text("超出 139 字")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("企业简介")).to_have_value(PASTED)
    shot(page, "over-long-paste")

    # Leaving with unsaved changes asks; staying keeps the text.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("navigation", name="申报书各部分").get_by_role("link", name="封面").click()
    expect(page.get_by_label("企业简介")).to_have_value(PASTED)
    assert questions and "尚未保存" in questions[0], questions

    # The session ends (idle timeout, crash): the local copy is offered back on the next visit.
    context.clear_cookies()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("navigation", name="申报书各部分").get_by_role("link", name="封面").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    ui.login(page, login, PASSWORD)
    page.goto(f"/applications/{application_id}/sections/profile")
    offer = page.locator(".local-copy")
    expect(offer).to_contain_text("本部分有尚未保存的内容")
    shot(page, "local-copy-offered")
    offer.get_by_role("button", name="恢复未保存的内容").click()
    expect(page.get_by_label("企业简介")).to_have_value(PASTED)

    # Shortened and saved: the local copy is gone, nothing asks any more.
    page.get_by_label("企业简介").fill(PASTED[:480])
    ui.save_section(page)
    page.get_by_role("navigation", name="申报书各部分").get_by_role("link", name="封面").click()
    expect(ui.section_heading(page)).to_have_text("封面")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hb-unsaved:'))") == []

    # beforeunload: closing the tab with unsaved changes asks too.
    page.goto(f"/applications/{application_id}/sections/profile")
    page.get_by_label("企业简介").fill(PASTED[:300])
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"], asked
