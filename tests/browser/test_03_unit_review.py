"""Journey 3: the 长沙市 unit returns journey 1's application with a comment (and one on a section); the enterprise
sees the comment where it is and answers it, edits, generates the 盖章版 of 第2版 and uploads its scan, is asked before
an edit voids it, stamps again, resubmits with its 修改说明; the unit sees what changed with the answer beside it and
one valid scan, recommends it with three more (confirmed first), orders the 推荐汇总表, exports it as Excel and
reports it (报送, confirmed first)."""
import re

import openpyxl
import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from webapp.ops.demo_files import minimal_pdf  # noqa: E402

from tests.browser import ui
from tests.browser.applicant import stamp_and_scan  # noqa: E402
from tests.browser.content import WITH_JS as ENTERPRISE  # noqa: E402
from tests.browser.conftest import STAFF_PASSWORD, UNIT_LOGIN  # noqa: E402
from tests.browser.documents import sheet_title, summary_rows  # noqa: E402

pytestmark = pytest.mark.browser

OPINION = "该企业智能制造投入大、覆盖环节全，在本市同行业领先，同意推荐。"
RETURN_COMMENT = "请在“四、智能制造实施成效”中补充量化指标，并核对投入构成与专项审计报告一致后重新提交。"
SECTION = "四、 智能制造实施成效"
SECTION_COMMENT = "成效部分缺少关键工序数控化率和人均产值的数据，请补充。"
ADDED = "2023年关键工序数控化率达到92.5%，人均产值提高31%。"
ADDED_LATER = "其中焊接工序数控化率由78%提高到96%。"
REPLY = "已在“四、智能制造实施成效”补充关键工序数控化率和人均产值。"
EXPLANATION = "按推荐单位意见补充了实施成效的量化指标，并核对了投入构成与专项审计报告一致。"
MORE = [("湖南星沙精密机械有限公司", "430121", "enterprise"), ("湖南浏阳新材料科技有限公司", "430181", "workshop"),
        ("湖南雨花电子科技有限公司", "430111", "enterprise")]


def submitted_applications(live_server) -> tuple[dict, list[str]]:
    """Journey 1's application (or, when this journey runs alone, one like it) and three more submitted ones of
    长沙市, built with the test factories and submitted through the real operation (which freezes the Word file)."""
    from webapp.applications.lifecycle import submit_application
    from webapp.campaigns.lookup import current_campaign
    from webapp.core.extensions import db
    from webapp.models import ApplicationType

    from tests.factories import PASSWORD, make_complete_application, make_enterprise

    first = live_server.story.get("journey1")
    with live_server.app.app_context():
        campaign = current_campaign()
        plan = MORE if first else [("湖南麓谷智能装备有限公司", "430104", "enterprise"), *MORE]
        made = []
        for name, county, app_type in plan:
            enterprise = make_enterprise(db.session, name=name, county_adcode=county)
            application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign,
                                                    app_type=ApplicationType(app_type), write_files=True)
            submit_application(application, enterprise.users[0])
            made.append({"id": application.id, "name": name, "login": enterprise.credit_code, "password": PASSWORD})
        db.session.commit()
    if first is None:
        first, made = made[0], made[1:]
    return first, [m["name"] for m in made]


def summary_names(page) -> list[str]:
    return [name.strip() for name in page.locator("#summary-table tbody tr td:nth-child(2)").all_inner_texts()]


def test_journey3_unit_returns_recommends_and_reports(live_server, new_context, shot, tmp_path):
    first, others = submitted_applications(live_server)
    name = first["name"]

    # The unit's first login: the one-time password printed by `flask create-user` must be changed.
    unit = ui.open_page(new_context(), "/login")
    ui.login(unit, UNIT_LOGIN, live_server.passwords[UNIT_LOGIN])
    ui.change_first_password(unit, live_server.passwords[UNIT_LOGIN], STAFF_PASSWORD)
    expect(unit.get_by_role("heading", name="长沙市工业和信息化局")).to_be_visible()
    shot(unit, "unit-home")

    unit.get_by_role("link", name=re.compile("^审核申报书")).click()
    expect(unit.get_by_role("heading", name="申报书审核", exact=True)).to_be_visible()
    expect(unit.locator(".rv-results__summary")).to_contain_text(f"共 {1 + len(others)} 份申报书")
    shot(unit, "queue")
    unit.locator("tr", has=unit.get_by_role("link", name=name, exact=True)).get_by_role("link", name="审核").click()
    expect(unit.get_by_role("heading", name=name, level=1)).to_be_visible()
    shot(unit, "review")

    # 退回修改, with a comment on one section.
    decisions = unit.locator("#decisions")
    decisions.get_by_label("退回修改意见").fill(RETURN_COMMENT)
    decisions.get_by_text("对具体部分提出意见（选填）").click()
    decisions.get_by_label(SECTION, exact=True).fill(SECTION_COMMENT)
    shot(unit, "return-form", at=decisions.get_by_role("button", name="退回企业修改"))
    decisions.get_by_role("button", name="退回企业修改").click()
    expect(unit.get_by_text(f"已将“{name}”退回企业修改")).to_be_visible()
    expect(unit.locator(".rv-facts .status")).to_have_text("退回修改")
    expect(unit.locator(".rv-history")).to_contain_text(SECTION_COMMENT)

    # The enterprise sees the comments where they are, answers, edits, stamps 第2版 again and resubmits.
    enterprise = ui.open_page(new_context(), "/login")
    ui.login(enterprise, first["login"], first["password"])
    expect(enterprise.get_by_text("推荐单位已退回修改，请查看意见并修改后重新提交。")).to_be_visible()
    expect(enterprise.locator(".card .status")).to_have_text("退回修改")
    shot(enterprise, "enterprise-home-returned")
    enterprise.get_by_role("link", name="继续填写申报书").click()
    note = enterprise.locator(".review-note")
    expect(note).to_contain_text(RETURN_COMMENT)
    expect(note).to_contain_text("1 条待答复")
    expect(enterprise.locator("#stamp-note")).to_contain_text("盖章版（第1版）已过期：第1版已经提交过，重新提交的是第2版")
    expect(ui.section_flag(enterprise, SECTION)).to_have_text("有意见")
    expect(enterprise.locator(".app-header__version")).to_have_text("第 2 版")
    ui.go_to_section(enterprise, SECTION)
    comment = enterprise.locator(".review-comment")
    expect(comment).to_contain_text(SECTION_COMMENT)
    comment.get_by_label("您的答复").fill(REPLY)
    ui.submit_and_wait(enterprise, comment.get_by_role("button", name="保存答复"), swapped=comment)
    expect(enterprise.locator(".review-comment .saved-state")).to_have_text("答复已保存。")
    shot(enterprise, "enterprise-section-comment-answered")
    field = enterprise.get_by_label("智能制造实施成效", exact=True)
    field.fill(field.input_value() + "\n" + ADDED)
    ui.save_section(enterprise)
    stamp_and_scan(enterprise, ENTERPRISE, shot, tmp_path, version=2)

    # One more edit after the new 盖章版: the section asks before anything is saved.
    enterprise.get_by_role("link", name="返回填写").click()
    ui.go_to_section(enterprise, SECTION)
    expect(enterprise.locator("#stamp-note")).to_contain_text("修改后须重新生成盖章版并重新盖章上传")
    field = enterprise.get_by_label("智能制造实施成效", exact=True)
    field.fill(field.input_value() + ADDED_LATER)
    form = enterprise.locator("#section-form")
    ui.submit_and_wait(enterprise, form.get_by_role("button", name="保存", exact=True), swapped=form)
    expect(enterprise.locator(".restamp-confirm")).to_contain_text("修改后须重新生成盖章版并重新盖章上传")
    expect(enterprise.locator(".restamp-confirm")).to_be_focused()
    shot(enterprise, "enterprise-edit-asks-first", at=enterprise.locator("#section-form"))
    form = enterprise.locator("#section-form")
    ui.submit_and_wait(enterprise, form.get_by_role("button", name="确认修改并保存"), swapped=form)
    expect(enterprise.locator("#section-form .saved-state")).to_contain_text("已保存")
    expect(enterprise.locator("#section-form .saved-state")).to_be_focused()
    fingerprint = stamp_and_scan(enterprise, ENTERPRISE, shot, tmp_path, version=2)
    expect(enterprise.locator(".attachment-history")).to_contain_text("已作废的扫描件（2 个，不随申报书报送）")

    enterprise.get_by_role("link", name="提交前检查").first.click()
    expect(enterprise.get_by_role("heading", name="检查通过")).to_be_visible()
    enterprise.get_by_role("button", name="确认提交申报书").click()
    expect(enterprise.get_by_text("退回后重新提交，请填写修改说明。")).to_be_visible()
    enterprise.get_by_label("修改说明").fill(EXPLANATION)
    enterprise.get_by_role("button", name="确认提交申报书").click()
    expect(enterprise.locator(".av-facts .status")).to_have_text("已提交")
    expect(enterprise.locator(".av-facts")).to_contain_text("第2版")

    # The unit sees what changed, the answer and the 修改说明 beside it, one valid scan, and recommends.
    unit.reload()
    diff = unit.locator(".rv-diff")
    expect(diff.get_by_role("heading", name="退回后修改的内容")).to_be_visible()
    expect(diff).to_contain_text("共 2 处修改")               # the text added to 四, and the stamped scan of 第2版
    expect(diff.locator("tbody ins.rv-ins").first).to_contain_text(ADDED)
    expect(diff).to_contain_text("盖章申报书扫描件.pdf（盖章版第2版）")
    expect(diff.locator(".rv-replies")).to_contain_text(REPLY)
    expect(diff).to_contain_text(EXPLANATION)
    scans = unit.locator(".rv-brief__facts div", has_text="盖章扫描件")
    expect(scans.get_by_role("link")).to_have_count(1)
    expect(scans).to_contain_text(f"盖章版第2版，校验码 {fingerprint}")
    shot(unit, "review-what-changed")
    unit.locator("#decisions").get_by_label("推荐意见").fill(OPINION)
    unit.locator("#decisions").get_by_role("button", name="推荐", exact=True).click()
    expect(unit.get_by_text(f"已推荐“{name}”，列入推荐汇总表第 1 位。")).to_be_visible()
    expect(unit.locator(".rv-facts .status")).to_have_text("已推荐")

    # The three others at once, from the queue.
    unit.get_by_role("navigation", name="主导航").get_by_role("link", name="申报书审核").click()
    for other in others:
        unit.get_by_label(f"选择 {other}").check()
    unit.get_by_label("对选中的申报书").select_option(label="推荐")
    unit.get_by_label("意见", exact=True).fill(OPINION)
    shot(unit, "queue-bulk", at=unit.get_by_role("button", name="执行"))
    unit.get_by_role("button", name="执行").click()
    expect(unit.get_by_role("heading", name="确认批量推荐")).to_be_visible()      # the affected ones first
    for other in others:
        expect(unit.locator("table.rv-confirm-list").get_by_role("rowheader", name=other)).to_be_visible()
    shot(unit, "queue-bulk-confirm")
    unit.get_by_role("button", name=f"确认推荐 {len(others)} 份").click()
    expect(unit.get_by_text(f"已推荐 {len(others)} 份申报书")).to_be_visible()

    # The 推荐汇总表: order by moving rows, then Excel, then 报送.
    unit.get_by_role("navigation", name="主导航").get_by_role("link", name="推荐汇总表").click()
    expect(unit.get_by_role("heading", name="推荐汇总表", exact=True)).to_be_visible()
    expect(unit.locator("#summary-table tbody tr")).to_have_count(1 + len(others))
    order = summary_names(unit)          # the first recommended first, then the others as the bulk action took them
    assert order[0] == name and sorted(order[1:]) == sorted(others), order
    _move(unit, f"{name} 下移")
    order[0], order[1] = order[1], order[0]
    expect(unit.locator("#summary-table tbody tr td:nth-child(2)")).to_have_text(order)
    _move(unit, f"{order[-1]} 上移")
    order[-1], order[-2] = order[-2], order[-1]
    expect(unit.locator("#summary-table tbody tr td:nth-child(2)")).to_have_text(order)
    last = order[-1]
    row = unit.locator("#summary-table tbody tr", has=unit.get_by_role("link", name=last, exact=True))
    row.get_by_label(f"{last} 移至序号").fill("1")
    _move(unit, "移至", scope=row)
    order = [last, *order[:-1]]
    expect(unit.locator("#summary-table tbody tr td:nth-child(2)")).to_have_text(order)
    shot(unit, "summary-ordered")

    with unit.expect_download() as info:
        unit.get_by_role("link", name="导出 Excel").click()
    workbook = tmp_path / info.value.suggested_filename
    assert workbook.suffix == ".xlsx", workbook.name
    info.value.save_as(workbook)
    sheet = openpyxl.load_workbook(workbook).active
    assert "年湖南省智能制造标杆推荐汇总表" in sheet_title(sheet) and "长沙市" in sheet_title(sheet), sheet_title(sheet)
    rows = summary_rows(sheet)
    assert [r[1] for r in rows] == order
    assert [r[0] for r in rows] == list(range(1, len(order) + 1))
    mine = next(r for r in rows if r[1] == name)
    assert mine[3] == "标杆企业" and "；" in mine[7] and "：" in mine[7], mine

    # The 推荐函: generated from the list, printed, stamped, scanned and uploaded before 报送.
    letter = unit.locator("#letter")
    with unit.expect_download() as info:
        letter.get_by_role("link", name="下载推荐函（Word）").click()
    assert info.value.suggested_filename.endswith(".docx"), info.value.suggested_filename
    scan = tmp_path / "推荐函盖章扫描件.pdf"
    scan.write_bytes(minimal_pdf("长沙市工业和信息化局推荐函（盖章）"))
    letter.get_by_label("盖章推荐函扫描件（PDF、JPG、PNG）").set_input_files(str(scan))
    letter.get_by_role("button", name="上传扫描件").click()
    expect(unit.locator("#letter")).to_contain_text("与当前推荐函一致")
    shot(unit, "summary-letter", at=unit.locator("#letter"))
    unit.get_by_role("link", name="报送省厅…").click()
    expect(unit.get_by_role("heading", name="确认报送推荐汇总表")).to_be_visible()     # the list as it will be sent
    expect(unit.locator("table.data tbody th")).to_have_text(order)
    shot(unit, "report-confirm", full_page=True)
    unit.get_by_role("button", name="确认报送省厅").click()
    expect(unit.get_by_text("推荐汇总表已报送省工业和信息化厅。")).to_be_visible()
    expect(unit.locator(".rv-report__badge")).to_have_text("已报送")
    expect(unit.get_by_role("button", name=re.compile("上移|下移"))).to_have_count(0)      # locked
    shot(unit, "summary-reported")
    live_server.story["journey3"] = {"order": order}


def _move(page, name: str, *, scope=None) -> None:
    button = (scope or page).get_by_role("button", name=name, exact=True)
    ui.submit_and_wait(page, button, swapped=page.locator("#summary-table"))
