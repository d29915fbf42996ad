"""Journey 11: after the expert review, the 拟认定名单 and its 公示. The admin sets the planned numbers, reads the balance
view, puts the ranking's line into the list and decides the rest (培育库, 未入选, with reasons), then opens the 公示
(5 working days). An anonymous visitor with JavaScript off reads the public page and files a 实名异议 with a file and the
captcha. The admin handles it: 成立, and the application leaves the public list.

It starts from last year's campaign as the demo builds it (applications under review with submitted scores)."""
import re
from datetime import timedelta

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from webapp.core.timeutil import local_today  # noqa: E402
from webapp.ops.demo_files import make_png  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.conftest import ADMIN_LOGIN, STAFF_PASSWORD  # noqa: E402
from tests.browser.test_10_province_selection import staff_login  # noqa: E402

pytestmark = pytest.mark.browser

GROUNDS = "该企业申报的智能制造投入与实际不符，所称的数字化车间尚未建成投产，详见所附照片。"


def last_year(live_server) -> int:
    """Last year's campaign, carried through the expert review (built here unless the demo did it)."""
    from webapp.campaigns.lookup import current_campaign
    from webapp.core.extensions import db
    from webapp.models import Campaign
    from webapp.ops.demo_selection import create_last_year

    with live_server.app.app_context():
        current = current_campaign()
        create_last_year(current, write_files=False, recognised=False)
        return db.session.execute(db.select(Campaign.id).filter_by(year=current.year - 1)).scalar_one()


def captcha_of(live_server, page) -> str:
    """What a person reads in the picture (the test asks the server's own function instead)."""
    from webapp.accounts import captcha

    token = page.locator("input[name=captcha_token]").input_value()
    with live_server.app.app_context():
        return captcha.answer_for(captcha.nonce_of(token))


def decide_rest(admin, outcome: str, reason: str, limit: int = 100) -> list[str]:
    """Give the applications still 评审中 on the page (at most `limit`) the outcome, with the reason; their names."""
    names = []
    while len(names) < limit and (row := admin.locator("tbody tr", has=admin.get_by_text("评审中", exact=True))
                                  .first).count():
        names.append(row.locator("td").nth(1).inner_text())
        row.get_by_label("理由").fill(reason)
        row.get_by_role("button", name=outcome, exact=True).click()
        expect(admin.locator(".flash--success")).to_contain_text(names[-1])
    return names


def test_journey11_list_publicity_and_a_named_objection(live_server, new_context, shot, tmp_path):
    campaign_id = last_year(live_server)
    base = f"/admin/selection/{campaign_id}"
    admin = ui.open_page(new_context(), "/login")
    staff_login(admin, ADMIN_LOGIN, STAFF_PASSWORD, live_server.passwords[ADMIN_LOGIN])

    # ---- 拟认定名单: planned numbers, the balance view, the line, the rest decided with reasons ----
    admin.goto(f"{base}/proposal")
    expect(admin.get_by_role("heading", name="拟认定名单")).to_be_visible()
    admin.get_by_label("计划数", exact=True).fill("4")
    admin.get_by_role("button", name="保存计划数").click()
    expect(admin.get_by_text("标杆企业计划数已设为 4")).to_be_visible()
    admin.get_by_role("button", name="将计划数以内且尚未确定的申报书列入拟认定名单").click()
    expect(admin.locator(".flash--success")).to_contain_text("列入拟认定名单")
    balance = admin.locator("section", has=admin.get_by_role("heading", name="名单分布（标杆企业）"))
    expect(balance.get_by_role("table").first).to_contain_text("长沙市")
    expect(balance.get_by_role("heading", name=re.compile("计划线以下"))).to_be_visible()
    shot(admin, "proposal-balance", at=balance)
    # The first one below the line goes into the 培育库; the rest are not selected.
    decide_rest(admin, "入库培育", "与计划线差距很小，列入培育库。", limit=1)
    decide_rest(admin, "未入选", "综合评审排名未进入计划数。")
    shot(admin, "proposal-enterprises", full_page=True)
    admin.get_by_role("navigation", name="标杆类型").get_by_role("link", name=re.compile("标杆车间")).click()
    admin.get_by_label("计划数", exact=True).fill("2")
    admin.get_by_role("button", name="保存计划数").click()
    admin.get_by_role("button", name="将计划数以内且尚未确定的申报书列入拟认定名单").click()
    decide_rest(admin, "未入选", "综合评审排名未进入计划数。")

    # ---- 公示: 5 working days from today ----
    admin.get_by_role("navigation", name="省级评审步骤").get_by_role("link", name="公示与异议").click()
    admin.get_by_label("公示开始日期").fill(local_today().isoformat())
    admin.get_by_label("联系人").fill("王科长")
    admin.get_by_label("联系电话").fill("0731-88888888")
    expect(admin.get_by_label("公示内容")).to_contain_text("经企业自愿申报、市州审核推荐、专家评审")
    shot(admin, "publicity-open")
    admin.get_by_role("button", name="开始公示并锁定名单").click()
    if admin.get_by_text("日历库尚无").count():          # a year the calendar library has no data for yet
        admin.get_by_label("公示截止日期（手动设定）").fill((local_today() + timedelta(days=7)).isoformat())
        admin.get_by_role("button", name="开始公示并锁定名单").click()
    expect(admin.get_by_text("拟认定名单已锁定").first).to_be_visible()
    public_url = admin.locator("a[href^=\"/gongshi/\"]").first.get_attribute("href")
    listed = admin.locator("section", has=admin.get_by_role("heading", name="公示名单")).locator("tbody tr")
    target = listed.first.locator("td").nth(1).inner_text()
    shot(admin, "publicity-running", full_page=True)
    admin.goto(f"{base}/proposal")
    expect(admin.get_by_role("button", name="保存计划数")).to_have_count(0)

    # ---- an anonymous visitor, JavaScript off: reads the list and files a 实名异议 ----
    visitor = ui.open_page(new_context(java_script_enabled=False), "/gongshi/", js=False)
    visitor.get_by_role("link", name=re.compile("拟认定名单的公示")).first.click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("拟认定名单的公示")
    expect(visitor.get_by_role("cell", name=target, exact=True)).to_be_visible()
    expect(visitor.get_by_text("王科长")).to_be_visible()
    shot(visitor, "public-page", full_page=True)
    visitor.get_by_role("link", name="提出实名异议").click()
    visitor.get_by_label("异议对象").select_option(label=f"1. {target}")
    visitor.get_by_label("真实姓名").fill("匿名")                      # refused: named objections only
    visitor.get_by_label("工作单位").fill("长沙某某科技有限公司")
    visitor.get_by_label("联系电话").fill("13912345678")
    visitor.get_by_label("异议事实和理由").fill(GROUNDS)
    visitor.get_by_label("本人承诺所反映情况真实，并愿意配合核实。").check()
    visitor.get_by_label("验证码").fill(captcha_of(live_server, visitor))
    visitor.get_by_role("button", name="提交异议").click()
    expect(visitor.locator(".error-summary")).to_contain_text("匿名异议不予受理")
    expect(visitor.get_by_label("异议事实和理由")).to_have_value(GROUNDS)        # nothing typed is lost
    visitor.get_by_label("真实姓名").fill("李明")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(make_png(40, 30))
    visitor.get_by_label("证明材料（可选）").set_input_files(str(photo))
    visitor.get_by_label("本人承诺所反映情况真实，并愿意配合核实。").check()
    visitor.get_by_label("验证码").fill(captcha_of(live_server, visitor))
    shot(visitor, "objection-form", full_page=True)
    visitor.get_by_role("button", name="提交异议").click()
    expect(visitor.get_by_role("heading", name="异议已提交")).to_be_visible()
    reference = re.search(r"受理编号：(\S+?)。", visitor.locator("main").inner_text()).group(1)
    shot(visitor, "objection-received")

    # ---- the admin handles it: 成立, and the application leaves the list ----
    admin.goto(f"{base}/publicity")
    admin.get_by_role("link", name=reference).click()
    expect(admin.get_by_text("13912345678")).to_be_visible()
    expect(admin.get_by_role("link", name="现场照片.png")).to_be_visible()
    admin.get_by_label("核实情况").fill("经现场核查，数字化车间尚未投产，申报材料与实际不符。")
    admin.get_by_label("成立（移出拟认定名单）").check()
    admin.get_by_label("答复").fill("经核实，异议成立，该企业已移出拟认定名单。感谢您的监督。")
    shot(admin, "objection-handling", full_page=True)
    admin.get_by_role("button", name="保存处理结论").click()
    expect(admin.get_by_text(f"异议 {reference} 已处理：成立")).to_be_visible()
    visitor.goto(public_url)
    expect(visitor.get_by_role("cell", name=target, exact=True)).to_have_count(0)
    shot(visitor, "public-page-after")
