"""Journey 7: failed logins bring a captcha drawn by the server (no lockout), and after logout the back button
shows nothing of the previous user (no htmx history cache; restores get whole pages, which need a login)."""
import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.conftest import _cli  # noqa: E402

pytestmark = pytest.mark.browser
AUDITOR = "shenji_wang"
PASSWORD = "Shenji#Guanli2026"


def _create_auditor(live_server) -> str:
    output = _cli(live_server.app.test_cli_runner(), "create-user", "--role", "auditor", "--username", AUDITOR,
                  "--name", "审计管理员")
    return re.search(r"一次性密码：(\S+)", output).group(1)


def _answer(live_server, page) -> str:
    """What a person reads off the picture (the test asks the server's own function instead)."""
    from webapp.accounts import captcha
    token = page.locator("input[name=captcha_token]").input_value()
    with live_server.app.app_context():
        return captcha.answer_for(captcha.nonce_of(token))


def _forget_failures(live_server) -> None:
    from webapp.core.extensions import db
    from webapp.models import LoginCounter
    with live_server.app.app_context():
        db.session.execute(db.delete(LoginCounter))
        db.session.commit()


def test_journey5_captcha_and_back_button_after_logout(live_server, new_context, shot):
    one_time = _create_auditor(live_server)
    page = ui.open_page(new_context(), "/login")
    for _ in range(3):
        page.get_by_label("统一社会信用代码或用户名").fill(AUDITOR)
        page.get_by_label("密码", exact=True).fill("not-the-password")
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".flash--error")).to_contain_text("用户名）或密码错误")
    # Three failures: a captcha, not a lockout.
    picture = page.locator("#captcha-image")
    expect(picture).to_be_visible()
    page.wait_for_function("() => { const image = document.getElementById('captcha-image');"
                           " return image.complete && image.naturalWidth === 160; }")      # drawn by the server
    shot(page, "captcha")
    page.get_by_label("统一社会信用代码或用户名").fill(AUDITOR)
    page.get_by_label("密码", exact=True).fill(one_time)
    page.get_by_label("验证码").fill("WRONG")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flash--error")).to_contain_text("验证码不正确")
    page.get_by_label("统一社会信用代码或用户名").fill(AUDITOR)
    page.get_by_label("密码", exact=True).fill(one_time)
    page.get_by_label("验证码").fill(_answer(live_server, page).lower())
    page.get_by_role("button", name="登录").click()
    ui.change_first_password(page, one_time, PASSWORD)
    _forget_failures(live_server)

    # The auditor pages through the log with HTMX (URLs pushed into the history) …
    page.get_by_role("link", name="审计日志", exact=True).click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    page.get_by_label("结果").select_option("0")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"success=0"))
    expect(page.locator("#audit-results")).to_contain_text("失败")
    shot(page, "audit-log-filtered")
    assert page.evaluate("() => sessionStorage.getItem('htmx-history-cache')") is None
    # … logs out, and someone presses the back button.
    ui.logout(page)
    page.go_back()
    page.wait_for_load_state()
    expect(page.locator("body")).not_to_contain_text("审计记录")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shot(page, "back-after-logout")
    assert page.evaluate("() => sessionStorage.getItem('htmx-history-cache')") is None
