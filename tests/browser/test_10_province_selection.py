"""Journey 10: after 报送, the province's selection. The admin checks the 长沙 list (形式审查): one application goes
back for 补正, which the enterprise answers (a new 盖章版) and the admin passes with the others. The admin makes the
review plan and runs the automatic assignment. One expert (JavaScript on) declares a conflict on one assignment and
scores another section by section; another expert (JavaScript off) scores one with plain form posts. The admin
follows progress, sees the ranking and exports the 评审汇总表 (Excel) and an expert's 专家评分表 (Word)."""
import io
import re
from types import SimpleNamespace

import docx
import openpyxl
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from webapp.ops.demo_data import PASSWORD  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.applicant import stamp_and_scan  # noqa: E402
from tests.browser.conftest import ADMIN_LOGIN, STAFF_PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

EXPERTS = [("zj_zhuzhou", "株洲市", "赵卫东"), ("zj_xiangtan", "湘潭市", "郑海涛"), ("zj_hengyang", "衡阳市", "罗建国"),
           ("zj_yueyang", "岳阳市", "唐晓东")]
SCORES = {"场景建设水平": "34.5", "实施成效": "24", "示范推广价值": "12", "基础与保障": "12.5"}
INVESTMENT = "（二） 智能制造情况（投入）"


def reported_list(live_server) -> dict:
    """The 长沙 list reported by journey 3, or (when this journey runs alone) one built here like it."""
    from webapp.campaigns.lookup import current_campaign
    from webapp.core.extensions import db
    from webapp.models import RECOMMENDED_STATES, Application, RecommendingUnit

    from tests.selection.builders import recommended, report

    with live_server.app.app_context():
        if "journey3" not in live_server.story or "journey1" not in live_server.story:
            made = [recommended(name, "长沙市") for name in ("湖南麓谷精工装备有限公司", "长沙星城智能电气有限公司",
                                                           "湖南岳麓新材料科技有限公司", "湖南雨花电子科技有限公司")]
            for application in made:
                report(application)
            db.session.commit()
            live_server.story["journey5_login"] = {"name": made[0].company_name, "password": PASSWORD,
                                                   "login": made[0].enterprise.credit_code}
        campaign = current_campaign()
        names = db.session.execute(
            db.select(Application.company_name).join(RecommendingUnit, RecommendingUnit.id == Application.unit_id)
            .where(Application.campaign_id == campaign.id, RecommendingUnit.prefecture_adcode == "430100",
                   Application.status.in_(RECOMMENDED_STATES))).scalars().all()
        return {"campaign": campaign.id, "names": names}


def enterprise_of(live_server) -> dict:
    """Journey 1's enterprise when journey 3 put it on the 长沙 list; else the first one built here."""
    if "journey3" in live_server.story and "journey1" in live_server.story:
        return live_server.story["journey1"]
    return live_server.story["journey5_login"]


def staff_login(page, login_name: str, *passwords: str) -> None:
    """Log in with the first password that works (a one-time one, or the one a journey before set); at a first
    login, change the one-time password."""
    for password in passwords:
        page.goto("/login")
        page.get_by_label("统一社会信用代码或用户名").fill(login_name)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        if page.get_by_role("button", name="退出").is_visible():
            break
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    if page.get_by_role("heading", name="修改密码").is_visible():
        ui.change_first_password(page, password, STAFF_PASSWORD)


def create_experts(live_server) -> dict[str, str]:
    runner = live_server.app.test_cli_runner()
    passwords = {}
    for login_name, city, name in EXPERTS:
        result = runner.invoke(args=["create-user", "--role", "expert", "--username", login_name, "--unit", city,
                                     "--name", name])
        assert result.exit_code == 0, result.output
        passwords[login_name] = re.search(r"一次性密码：(\S+)", result.output).group(1)
    return passwords


def test_journey5_form_check_correction_assignment_scoring_and_ranking(live_server, new_context, shot, tmp_path):
    listed = reported_list(live_server)
    enterprise_info = enterprise_of(live_server)
    base = f"/admin/selection/{listed['campaign']}"
    admin = ui.open_page(new_context(), "/login")
    staff_login(admin, ADMIN_LOGIN, STAFF_PASSWORD, live_server.passwords[ADMIN_LOGIN])

    # ---- 形式审查: one 补正, the others pass ----
    admin.get_by_role("navigation", name="主导航").get_by_role("link", name="省级评审").click()
    expect(admin.get_by_role("heading", name="省级评审概览")).to_be_visible()
    shot(admin, "selection-hub")
    admin.get_by_role("navigation", name="省级评审步骤").get_by_role("link", name="形式审查").click()
    expect(admin.get_by_role("heading", name="形式审查", exact=True)).to_be_visible()
    shot(admin, "form-check-queue")
    target = enterprise_info["name"]
    admin.get_by_role("link", name=target, exact=True).click()
    decisions = admin.locator("#decisions")
    decisions.get_by_label("补正要求").fill("请核对国产软硬件投资占比，并与设备软件清单一致。")
    decisions.get_by_label(INVESTMENT, exact=True).fill("国产占比与设备软件清单不一致，请核对后修改。")
    shot(admin, "form-check-correction", at=decisions)
    ui.submit_and_wait(admin, decisions.get_by_role("button", name="要求补正"), swapped=decisions)
    expect(admin.get_by_text(f"已要求“{target}”补正")).to_be_visible()
    for name in listed["names"]:
        if name == target:
            continue
        admin.goto(f"{base}/form-check")
        admin.get_by_role("link", name=name, exact=True).click()
        ui.submit_and_wait(admin, admin.locator("#decisions").get_by_role("button", name="形式审查通过"),
                           swapped=admin.locator("#decisions"))
        expect(admin.get_by_text(f"“{name}”形式审查通过。")).to_be_visible()

    # ---- the enterprise answers the 补正 ----
    enterprise = ui.open_page(new_context(), "/login")
    ui.login(enterprise, enterprise_info["login"], enterprise_info["password"])
    notice = enterprise.locator(".sel-correction-note")
    expect(notice).to_contain_text("请核对国产软硬件投资占比")
    shot(enterprise, "enterprise-correction-notice")
    notice.get_by_role("link", name=INVESTMENT).click()
    expect(enterprise.locator(".review-comment")).to_contain_text("国产占比与设备软件清单不一致")
    share = enterprise.get_by_label("其中：国产智能制造软、硬件投资占比（%）")
    share.fill("84.2")
    form = enterprise.locator("#section-form")
    ui.submit_and_wait(enterprise, form.get_by_role("button", name="保存", exact=True), swapped=form)
    expect(enterprise.locator(".restamp-confirm")).to_contain_text("修改后须重新生成盖章版")     # 第1版 was stamped
    form = enterprise.locator("#section-form")
    ui.submit_and_wait(enterprise, form.get_by_role("button", name="确认修改并保存"), swapped=form)
    expect(enterprise.locator("#section-form .saved-state")).to_contain_text("已保存")
    enterprise.get_by_role("link", name="检查并提交补正").first.click()
    checklist = enterprise.locator(".checklist")
    expect(checklist).to_contain_text("已过期：生成后申报书内容有修改")           # the content changed
    submitted = int(re.search(r"盖章版（第(\d+)版）已过期", checklist.inner_text()).group(1))
    shot(enterprise, "enterprise-correction-needs-stamp")
    checklist.get_by_role("link", name="八、 相关证明材料").first.click()
    stamp_and_scan(enterprise, SimpleNamespace(name=target), shot, tmp_path, version=submitted + 1)
    enterprise.goto("/home")
    enterprise.get_by_role("link", name="检查并提交补正").click()
    expect(enterprise.get_by_role("heading", name="可以提交补正")).to_be_visible()
    enterprise.get_by_label("补正说明（选填）").fill("已按设备软件清单重新核算国产软硬件投资占比。")
    enterprise.get_by_role("button", name="提交补正").click()
    expect(enterprise.get_by_text("补正已提交省工业和信息化厅")).to_be_visible()
    expect(enterprise.locator(".av-facts .status")).to_have_text("补正已提交")

    admin.goto(f"{base}/form-check")
    admin.get_by_role("link", name=target, exact=True).click()
    expect(admin.locator(".sel-correction")).to_contain_text("84.2")
    shot(admin, "form-check-corrected", at=admin.locator(".sel-correction"))
    ui.submit_and_wait(admin, admin.locator("#decisions").get_by_role("button", name="形式审查通过"),
                       swapped=admin.locator("#decisions"))

    # ---- the plan and the automatic assignment ----
    passwords = create_experts(live_server)
    admin.goto(f"{base}/plan")
    admin.get_by_role("button", name="以默认评分表创建评审方案").click()
    expect(admin.get_by_text("请省厅根据本年度通知修改")).to_be_visible()
    admin.get_by_label("每份申报书的评审专家人数").fill("2")
    admin.get_by_role("button", name="保存设置").click()
    expect(admin.get_by_text("评审方案已保存。")).to_be_visible()
    shot(admin, "plan")
    admin.get_by_role("navigation", name="省级评审步骤").get_by_role("link", name="专家分配").click()
    admin.get_by_role("button", name="自动分配（生成方案）").click()
    expect(admin.get_by_text("已生成分配方案，请核对后确认。")).to_be_visible()
    shot(admin, "assignment-proposal")
    admin.get_by_role("button", name=re.compile("^确认方案")).click()
    expect(admin.get_by_text("人次的分配")).to_be_visible()

    # ---- expert A (JavaScript on): a conflict on one, scores on the other ----
    expert_a = ui.open_page(new_context(), "/login")
    staff_login(expert_a, "zj_zhuzhou", passwords["zj_zhuzhou"])
    expect(expert_a.get_by_role("heading", name="评审任务")).to_be_visible()
    shot(expert_a, "expert-home")
    rows = expert_a.locator("table tbody tr")
    expect(rows).to_have_count(2)
    declined, scored = rows.nth(0).locator("td").first.inner_text(), rows.nth(1).locator("td").first.inner_text()
    rows.nth(0).get_by_role("link", name="打开").click()
    expect(expert_a.get_by_role("heading", name="利益冲突声明")).to_be_visible()
    expect(expert_a.get_by_text("三、智能制造实施内容")).to_have_count(0)
    expert_a.get_by_label("与该企业的关系").fill("本人近三年为该企业提供过智能制造咨询服务。")
    shot(expert_a, "expert-declare-conflict")
    expert_a.get_by_role("button", name="声明回避").click()
    expect(expert_a.get_by_text("已声明回避。")).to_be_visible()
    expert_a.locator("tr", has_text=scored).get_by_role("link", name="打开").click()
    expert_a.get_by_role("button", name="确认无利益冲突，开始评审").click()
    expect(expert_a.get_by_role("heading", name="评分表")).to_be_visible()
    expect(expert_a.get_by_text("推荐单位推荐意见")).to_be_visible()
    score_sections(expert_a, shot)
    expert_a.get_by_role("button", name="提交评分表").click()
    expect(expert_a.get_by_text("评分表已提交。")).to_be_visible()
    expect(expert_a.locator("#sheet-total")).to_contain_text("83")
    shot(expert_a, "expert-submitted")

    # ---- expert B (JavaScript off): the plain form ----
    expert_b = ui.open_page(new_context(java_script_enabled=False), "/login", js=False)
    staff_login(expert_b, "zj_xiangtan", passwords["zj_xiangtan"])
    expert_b.get_by_role("link", name="打开").first.click()
    expert_b.get_by_role("button", name="确认无利益冲突，开始评审").click()
    fill_sheet(expert_b, {**SCORES, "场景建设水平": "28"})
    with expert_b.expect_navigation():
        expert_b.get_by_role("button", name="保存草稿").click()
    expect(expert_b.get_by_text("评分草稿已保存。")).to_be_visible()
    expect(expert_b.locator("#sheet-total")).to_contain_text("76.5")
    with expert_b.expect_navigation():
        expert_b.get_by_role("button", name="提交评分表").click()
    expect(expert_b.get_by_text("评分表已提交。")).to_be_visible()
    shot(expert_b, "expert-nojs-submitted")

    # ---- the admin: the declined one refilled, progress, ranking, the documents ----
    admin.goto(f"{base}/assignments")
    row = admin.locator("tr", has_text=declined)
    expect(row).to_contain_text("赵卫东（已回避）")
    row.get_by_role("link", name="调整").click()
    expect(admin.get_by_text("专家已对该申报书声明回避")).to_be_visible()
    admin.get_by_role("button", name=re.compile("按回避规则自动补足")).click()
    expect(admin.get_by_text("已按回避规则补足评审专家。")).to_be_visible()
    admin.goto(f"{base}/progress")
    expect(admin.locator("tr", has_text="赵卫东")).to_contain_text("1")
    shot(admin, "progress")
    admin.get_by_role("navigation", name="省级评审步骤").get_by_role("link", name="评审排名").click()
    ranking = admin.locator("table.sel-ranking tbody")
    expect(ranking.locator("tr").first.locator("td").first).to_have_text("1")
    shot(admin, "ranking")
    if scored not in ranking.inner_text():                  # the other type: the filter swaps the results (HTMX)
        admin.get_by_label("标杆类型").select_option(label="标杆车间")
    expect(admin.locator("table.sel-ranking tbody")).to_contain_text(scored)
    with admin.expect_download() as info:
        admin.get_by_role("link", name="导出评审汇总表（Excel）").click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert workbook.sheetnames[:2] == ["评审汇总", "评分明细"]
    header = [c.value for c in workbook["评分明细"][1]]
    assert "专家所在市州" in header and "申报单位所在市州" in header and "合计" in header
    admin.goto(f"{base}/progress")
    with admin.expect_download() as info:
        admin.locator("tr", has_text="赵卫东").get_by_role("link", name="评分表").click()
    document = docx.Document(info.value.path())
    assert any("专家签字" in p.text for p in document.paragraphs)
    assert any("赵卫东" in p.text for p in document.paragraphs)


def section(page, name: str):
    return page.locator("fieldset.sheet-section", has=page.locator("legend", has_text=name))


def score_sections(page, shot) -> None:
    """Each criterion saved on its own (HTMX): first a score out of range, then the right one."""
    first = section(page, "场景建设水平")
    first.get_by_label("得分").fill("45")
    first.get_by_label("评语").fill("覆盖环节全面，关键装备先进。")
    ui.submit_and_wait(page, first.get_by_role("button", name="保存本项"), swapped=first)
    first = section(page, "场景建设水平")
    expect(first.locator(".field-errors")).to_contain_text("须在0–40分之间，您填写的是45")
    expect(first.get_by_label("评语")).to_have_value("覆盖环节全面，关键装备先进。")
    shot(page, "expert-out-of-range")
    for name, value in SCORES.items():
        block = section(page, name)
        block.get_by_label("得分").fill(value)
        block.get_by_label("评语").fill(f"{name}：实施较好，数据较充分。")
        ui.submit_and_wait(page, block.get_by_role("button", name="保存本项"), swapped=block)
        expect(section(page, name).locator(".saved-state")).to_contain_text("已于")
    for gate in page.locator("fieldset.sheet-section", has=page.locator(".sheet-gate")).all():
        gate.get_by_label("是", exact=True).check()
        ui.submit_and_wait(page, gate.get_by_role("button", name="保存本项"), swapped=gate)
    opinion = section(page, "专家意见")
    opinion.get_by_label("专家意见").fill("申报材料完整，智能制造实施成效明显，建议列入拟认定名单。")
    ui.submit_and_wait(page, opinion.get_by_role("button", name="保存本项"), swapped=opinion)
    expect(page.locator("#sheet-total")).to_contain_text("83")
    shot(page, "expert-sheet")


def fill_sheet(page, scores: dict[str, str]) -> None:
    for name, value in scores.items():
        block = section(page, name)
        block.get_by_label("得分").fill(value)
        block.get_by_label("评语").fill(f"{name}：有一定基础。")
    for gate in page.locator("fieldset.sheet-section", has=page.locator(".sheet-gate")).all():
        gate.get_by_label("是", exact=True).check()
    section(page, "专家意见").get_by_label("专家意见").fill("实施内容具体，建议进一步补充量化成效。")
