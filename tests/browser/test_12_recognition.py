"""Journey 12: 认定. Two applications are on the 拟认定 list; the admin records the recognition document (a wrong 文号
first, told clearly), and the list becomes 已认定 with a certificate each. The enterprise sees its result on its home
page and downloads its certificate (Word); a visitor without an account (JavaScript off) verifies it by its code, and
gets a plain 未找到 for a wrong one."""
import io
import re
from datetime import date

import docx
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from webapp.ops.demo_data import PASSWORD  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.axe import axe_path, describe, violations  # noqa: E402
from tests.browser.conftest import ADMIN_LOGIN, STAFF_PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

ENTERPRISE = "常德认定旅程智能装备有限公司"
WORKSHOP = "郴州认定旅程有色科技有限公司"


def proposed_list(live_server) -> dict:
    """Two applications on the 拟认定 list (through the state table, as the selection would leave them), in 常德 and
    郴州: the lists of 长沙 (and others) may have been reported by earlier journeys, and are then locked. Its 公示 is
    over (journey 11 shows the 公示 itself)."""
    from webapp.campaigns.lookup import current_campaign
    from webapp.core.extensions import db
    from webapp.models import ApplicationStatus, ApplicationType

    from tests.factories import make_application
    from tests.recognition.builders import publicity_ended

    with live_server.app.app_context():
        first = make_application(db.session, name=ENTERPRISE, county="430702", status=ApplicationStatus.PROPOSED)
        make_application(db.session, name=WORKSHOP, county="431002", status=ApplicationStatus.PROPOSED,
                         app_type=ApplicationType.WORKSHOP, links=4, workshop_name="有色金属精深加工智能车间")
        publicity_ended(current_campaign())
        db.session.commit()
        return {"campaign": current_campaign().id, "login": first.enterprise.users[0].login}


def accessible(page, new_context=None) -> None:
    """WCAG 2.1 A/AA by axe-core, where it is installed (.ci/run installs it). axe needs JavaScript (its run never
    resolves in a page without it): a page seen with JavaScript off is checked as loaded again in a `new_context()`."""
    if axe_path() is not None and new_context is not None:
        checker = new_context().new_page()
        checker.goto(page.url)
        accessible(checker)
        checker.close()
    elif axe_path() is not None:
        page.wait_for_load_state("networkidle")
        found = violations(page)
        assert not found, describe(found)


def admin_login(page, live_server) -> None:
    """The admin's password: the one an earlier journey set, else the one-time one (changed now)."""
    for password in (STAFF_PASSWORD, live_server.passwords[ADMIN_LOGIN]):
        page.goto("/login")
        page.get_by_label("统一社会信用代码或用户名").fill(ADMIN_LOGIN)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        if page.get_by_role("button", name="退出").is_visible():
            break
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    if page.get_by_role("heading", name="修改密码").is_visible():
        ui.change_first_password(page, password, STAFF_PASSWORD)


def test_journey12_recognition_certificate_and_public_verification(live_server, new_context, shot):
    world = proposed_list(live_server)
    admin = ui.open_page(new_context(), "/login")
    admin_login(admin, live_server)
    admin.goto(f"/admin/recognition/{world['campaign']}")
    expect(admin.get_by_role("heading", name="记录认定文件")).to_be_visible()
    expect(admin.get_by_text(re.compile(r"拟认定名单共 \d+ 家"))).to_be_visible()
    admin.get_by_label("认定文号").fill("2026年第123号")
    admin.get_by_label("认定文件日期").fill(date.today().isoformat())
    admin.get_by_role("button", name="确认认定").click()
    expect(admin.locator(".field-errors")).to_contain_text("以“湘工信”开头")
    shot(admin, "admin-wrong-document-number")
    admin.get_by_label("认定文号").fill("湘工信装备[2026]123号")
    admin.get_by_role("button", name="确认认定").click()
    expect(admin.get_by_text(re.compile(r"已认定 \d+ 家（湘工信装备〔2026〕123号）"))).to_be_visible()
    expect(admin.get_by_role("heading", name="认定名单及电子证书")).to_be_visible()
    shot(admin, "admin-recognised", full_page=True)
    accessible(admin)

    enterprise = ui.open_page(new_context(), "/login")
    ui.login(enterprise, world["login"], PASSWORD)
    results = enterprise.locator("section", has=enterprise.get_by_role("heading", name="认定结果"))
    expect(results).to_contain_text("湖南省智能制造标杆企业")
    expect(results).to_contain_text("湘工信装备〔2026〕123号")
    shot(enterprise, "enterprise-home-result", at=results)
    accessible(enterprise)
    with enterprise.expect_download() as download:
        results.get_by_role("link", name="Word").click()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(open(download.value.path(), "rb").read())).paragraphs)
    assert ENTERPRISE in text and "被认定为" in text
    tables = docx.Document(download.value.path()).tables
    foot = tables[0].rows[0].cells[0].text
    code = re.search(r"验证码：([0-9A-Z]{5}-[0-9A-Z]{5})", foot).group(1)

    visitor = ui.open_page(new_context(java_script_enabled=False), "/verify", js=False)
    visitor.get_by_label("证书验证码").fill(code.lower())
    visitor.get_by_role("button", name="核验").click()
    expect(visitor.locator("main")).to_contain_text(ENTERPRISE)
    expect(visitor.locator("main")).to_contain_text("有效")
    expect(visitor.locator("main")).to_contain_text("湘工信装备〔2026〕123号")
    shot(visitor, "visitor-verified")
    accessible(visitor, new_context)
    visitor.get_by_label("证书验证码").fill("AAAAA-BBBBB")
    visitor.get_by_role("button", name="核验").click()
    expect(visitor.get_by_role("heading", name="未找到")).to_be_visible()
    expect(visitor.locator("main")).not_to_contain_text(ENTERPRISE)
    shot(visitor, "visitor-not-found")
    accessible(visitor, new_context)
