"""Journey 1: an enterprise registers, fills in the whole 申报书 with JavaScript on (HTMX), uploads its 证明材料,
downloads the draft Word file, generates the 盖章版 (定稿) and uploads its stamped scan, passes 提交前检查 and
submits."""
import pytest

pytest.importorskip("playwright.sync_api")

from tests.browser.applicant import attachments_word_and_submit, fill_application  # noqa: E402
from tests.browser.content import WITH_JS  # noqa: E402
from tests.browser.ui import open_page, register, section_heading  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def test_journey1_enterprise_with_js(live_server, new_context, shot, tmp_path):
    e = WITH_JS
    page = open_page(new_context(), "/")
    shot(page, "landing")
    register(page, e)
    shot(page, "home-registered")

    page.get_by_role("button", name="开始填写申报书").click()
    expect(section_heading(page)).to_have_text("封面")
    shot(page, "editor-cover")
    fill_application(page, e, shot, tmp_path)
    application_id = attachments_word_and_submit(page, e, shot, tmp_path)

    live_server.story["journey1"] = {"id": application_id, "name": e.name, "login": e.code, "password": e.password}
