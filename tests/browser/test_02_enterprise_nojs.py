"""Journey 2: the same with JavaScript turned off in the browser: every section saved by a plain POST and redirect,
the dependent selects completed in one pass with a button, 环节 and 场景 added by plain forms, the 盖章版 generated
and its scan uploaded. Then the unit returns it with a comment on a section, and the enterprise, still without
JavaScript, answers the comment, edits, stamps 第2版, is asked before an edit voids it, and resubmits."""
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.applicant import attachments_word_and_submit, fill_application, stamp_and_scan  # noqa: E402
from tests.browser.content import WITHOUT_JS  # noqa: E402
from tests.browser.ui import open_page, register, section_heading  # noqa: E402

pytestmark = pytest.mark.browser

SECTION = "企业简介"
COMMENT = "企业简介请补充主要产品和近三年的市场占有率。"
REPLY = "已在企业简介中补充主要产品及其国内市场占有率。"


def test_journey2_enterprise_without_js(live_server, new_context, shot, tmp_path):
    e = WITHOUT_JS
    page = open_page(new_context(java_script_enabled=False), "/", js=False)
    register(page, e)
    shot(page, "home-registered")

    page.get_by_role("button", name="开始填写申报书").click()
    expect(section_heading(page)).to_have_text("封面")
    fill_application(page, e, shot, tmp_path)
    application_id = attachments_word_and_submit(page, e, shot, tmp_path)
    live_server.story["journey2"] = {"id": application_id, "name": e.name, "login": e.code, "password": e.password}

    return_with_a_section_comment(live_server, application_id)
    page.goto("/home")
    expect(page.get_by_text("推荐单位已退回修改")).to_be_visible()
    page.get_by_role("link", name="继续填写申报书").click()
    expect(page.locator(".review-note")).to_contain_text("1 条待答复")
    expect(ui.section_flag(page, SECTION)).to_have_text("有意见")
    ui.go_to_section(page, SECTION)
    comment = page.locator(".review-comment")
    expect(comment).to_contain_text(COMMENT)
    comment.get_by_label("您的答复").fill(REPLY)
    ui.submit_and_wait(page, comment.get_by_role("button", name="保存答复"))
    expect(page.get_by_text("答复已保存。")).to_be_visible()
    profile = page.get_by_label(SECTION, exact=True)
    profile.fill(profile.input_value()[:400] + "主要产品国内市场占有率约12%。")
    ui.save_section(page)
    stamp_and_scan(page, e, shot, tmp_path, version=2)

    # An edit after the 盖章版 of 第2版: the server asks first, the typed text stays in the form.
    page.get_by_role("link", name="返回填写").click()
    ui.go_to_section(page, SECTION)
    profile = page.get_by_label(SECTION, exact=True)
    typed = profile.input_value()[:400] + "主要产品国内市场占有率约12.5%。"
    profile.fill(typed)
    form = page.locator("#section-form")
    ui.submit_and_wait(page, form.get_by_role("button", name="保存", exact=True))
    expect(page.locator(".restamp-confirm")).to_contain_text("修改后须重新生成盖章版并重新盖章上传")
    expect(page.get_by_label(SECTION, exact=True)).to_have_value(typed)
    shot(page, "edit-asks-first")
    ui.submit_and_wait(page, page.get_by_role("button", name="确认修改并保存"))
    expect(page.locator(".flash--success")).to_contain_text("已保存")
    stamp_and_scan(page, e, shot, tmp_path, version=2)

    page.get_by_role("link", name="提交前检查").first.click()
    expect(page.get_by_role("heading", name="检查通过")).to_be_visible()
    page.get_by_label("修改说明").fill("按意见补充了企业简介中的市场占有率。")
    page.get_by_role("button", name="确认提交申报书").click()
    expect(page.locator(".av-facts .status")).to_have_text("已提交")
    expect(page.locator(".av-facts")).to_contain_text("第2版")


def return_with_a_section_comment(live_server, application_id: int) -> None:
    """The 株洲 unit returns the application with a comment on 企业简介 (through the unit's own operation)."""
    from webapp.core.extensions import db
    from webapp.models import Application
    from webapp.review.decisions import decide

    from tests.factories import unit_reviewer

    with live_server.app.app_context():
        application = db.session.get(Application, application_id)
        decide(application, "return", unit_reviewer(db.session, application.unit), "请按分部分意见修改后重新提交。",
               {"profile": COMMENT})
        db.session.commit()
