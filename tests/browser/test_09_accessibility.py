"""Accessibility of the main pages (WCAG 2.1 A and AA, axe-core in Chromium): the pages of every role, the editor's
sections, the 定稿 page, the checklist, the unit's review and confirmation pages, the province's overview."""
import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.axe import AXE_VERSION, axe_path, describe, violations  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "Wcag#Check2024x"
SECTIONS = ["cover", "basic", "economics", "honours", "staff", "profile", "investment", "functions", "achievements",
            "effects", "pledge", "overview", "implementation", "attachments"]


def accounts_and_application(live_server) -> dict:
    """Staff accounts of every role (password set, no first-login change) and a returned application with a
    section comment, a 盖章版 and a stamped scan, for the pages to show what they show in use."""
    from webapp.accounts.operations import create_staff_user
    from webapp.core.extensions import db
    from webapp.models import ApplicationStatus, Role, User
    from webapp.review.decisions import decide

    from tests.factories import make_application, unit_reviewer

    logins = {Role.RECOMMENDER: "wcag_unit", Role.ADMIN: "wcag_admin", Role.SECURITY: "wcag_security",
              Role.AUDITOR: "wcag_auditor"}
    with live_server.app.app_context():
        for role, login in logins.items():
            if db.session.execute(db.select(User).filter_by(login=login)).scalar_one_or_none() is None:
                user, _ = create_staff_user(role=role, login=login, unit_name="湘潭市" if role is Role.RECOMMENDER
                                            else None, display_name=f"无障碍检查{role.label}")
                user.set_password(PASSWORD)
                user.must_change_password = False
        # In 湘潭: 长沙's list may have been reported (报送, locked) by journey 3 already.
        application = make_application(db.session, name="湖南无障碍检查机械有限公司", county="430302",
                                       status=ApplicationStatus.SUBMITTED, write_files=True)
        decide(application, "return", unit_reviewer(db.session, application.unit), "请补充成效数据。",
               {"outcomes": "请补充关键工序数控化率。"})
        db.session.commit()
        return {"id": application.id, "login": application.enterprise.users[0].login,
                **{role.value: login for role, login in logins.items()}}


def check(page, name: str, failures: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    found = violations(page)
    if found:
        failures.append(f"{name} ({page.url}):\n{describe(found)}")


def test_main_pages_pass_axe(live_server, new_context):
    if axe_path() is None:
        pytest.skip(f"axe-core {AXE_VERSION} is not installed: npm install --prefix ~/.cache/hunan-benchmark "
                    f"axe-core@{AXE_VERSION} (or set AXE_CORE_JS); .ci/run installs it")
    from tests.factories import PASSWORD as ENTERPRISE_PASSWORD

    story = accounts_and_application(live_server)
    failures: list[str] = []
    anonymous = ui.open_page(new_context(), "/")
    for path in ("/", "/login", "/register"):
        anonymous.goto(path)
        check(anonymous, path, failures)

    applicant = ui.open_page(new_context(), "/login")
    ui.login(applicant, story["login"], ENTERPRISE_PASSWORD)
    check(applicant, "applicant home", failures)
    base = f"/applications/{story['id']}"
    for key in SECTIONS:
        applicant.goto(f"{base}/sections/{key}")
        check(applicant, f"section {key}", failures)
    for path in ("/checklist", "/final", ""):
        applicant.goto(base + path)
        check(applicant, f"applicant {path or 'view'}", failures)
    applicant.goto(f"{base}/sections/profile")          # after an HTMX save with an error
    applicant.get_by_label("企业简介").fill("企" * 501)
    form = applicant.locator("#section-form")
    ui.submit_and_wait(applicant, form.get_by_role("button", name="保存", exact=True), swapped=form)
    expect(applicant.locator(".error-summary")).to_be_focused()
    check(applicant, "section with errors", failures)

    unit = ui.open_page(new_context(), "/login")
    ui.login(unit, story["recommender"], PASSWORD)
    for path in ("/home", "/review/", f"/review/{story['id']}", "/review/summary", "/review/summary/report"):
        unit.goto(path)
        check(unit, f"unit {path}", failures)

    admin = ui.open_page(new_context(), "/login")
    ui.login(admin, story["admin"], PASSWORD)
    for path in ("/home", "/admin/campaigns", "/admin/overview", f"/applications/{story['id']}"):
        admin.goto(path)
        check(admin, f"admin {path}", failures)
    for role, paths in (("security", ("/home", "/admin/accounts/", "/admin/accounts/enterprises")),
                        ("auditor", ("/home", "/admin/audit/"))):
        page = ui.open_page(new_context(), "/login")
        ui.login(page, story[role], PASSWORD)
        for path in paths:
            response = page.goto(path)
            if response is not None and response.status == 200:
                check(page, f"{role} {path}", failures)
    assert not failures, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(failures)


def test_the_skip_link_leads_to_the_form(live_server, new_context):
    from tests.factories import PASSWORD as ENTERPRISE_PASSWORD

    story = accounts_and_application(live_server)
    page = ui.open_page(new_context(), "/login")
    ui.login(page, story["login"], ENTERPRISE_PASSWORD)
    page.goto(f"/applications/{story['id']}/sections/profile")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到填写内容")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h2#section")).to_be_focused()
    assert re.search(r"#section$", page.url)
