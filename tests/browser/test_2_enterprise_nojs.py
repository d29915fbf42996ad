"""Journey 2: the same with JavaScript turned off in the browser: every section saved by a plain POST and redirect,
the dependent selects refreshed by a button, 环节 and 场景 added by plain forms."""
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.applicant import attachments_word_and_submit, fill_application  # noqa: E402
from tests.browser.content import WITHOUT_JS  # noqa: E402
from tests.browser.ui import open_page, register, section_heading  # noqa: E402

pytestmark = pytest.mark.browser


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
