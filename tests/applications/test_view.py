"""The read-only 申报书 view: every stored value appears, laid out like 附件2, escaped, and only to those allowed."""
import re
from datetime import date
from decimal import Decimal

import pytest
from markupsafe import escape

from webapp.core.extensions import db
from webapp.forms.applications.situation import EFFECTS
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus, ApplicationType, Attachment,
    AttachmentCategory, EnterpriseNature, ListItem, ListKind, ReviewComment, StatusChange,
)
from webapp.applications.sections import SECTIONS
from webapp.core.templating import money
from webapp.core.timeutil import utcnow

OWN_SCENARIO = "自定义场景"


# ---- a complete application, written through the ORM -----------------------------------------------------------

def start(client) -> int:
    """POST /applications/start as the logged-in applicant; the id is in the Location."""
    response = client.post("/applications/start")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/applications/(\d+)", response.location).group(1))


def fill_application(application: Application, *, app_type=ApplicationType.ENTERPRISE, links: int = 8,
                     scenarios_per_link: int = 2) -> None:
    """Every field of 附件2 with a distinct value; amounts with decimals, texts with line breaks."""
    a = application
    a.project_name = "测试智能制造标杆建设项目"
    a.app_type = app_type
    a.company_name = "湖南视图测试装备有限公司"
    a.founded_on = date(2005, 3, 18)
    a.nature = EnterpriseNature.OTHER
    a.nature_other = "混合所有制"
    a.industry_division_code, a.industry_group_code = "35", "351"
    a.address = "湖南省长沙市岳麓区麓谷大道 100 号"
    a.legal_rep_name, a.legal_rep_title = "刘建国", "董事长"
    a.legal_rep_mobile, a.legal_rep_email = "13907310001", "liujg@example.com"
    a.contact_name, a.contact_title = "王小明", "信息化部部长"
    a.contact_mobile, a.contact_email = "13807310002", "wangxm@example.com"
    a.honour_national_pilot = a.honour_hunan_demo_enterprise = a.honour_maturity_certified = True
    a.maturity_level = 3
    a.honour_other, a.honour_other_text = True, "湖南省工业互联网平台"
    a.major_accident = False
    a.staff_total, a.staff_senior, a.staff_intermediate, a.staff_junior, a.staff_other = 123, 21, 42, 31, 29
    a.profile = "公司成立于2005年。\n主营工程机械关键零部件。"
    a.invest_total, a.invest_3y = Decimal("31234.56"), Decimal("18000.5")
    if app_type is ApplicationType.WORKSHOP:
        a.workshop_name = "结构件智能焊接车间"
        a.workshop_invest_total, a.workshop_invest_3y = Decimal("9876.5"), Decimal("8000.5")
    a.cost_equipment, a.cost_software = Decimal("10001.25"), Decimal("4002.75")
    a.cost_testing, a.cost_personnel = Decimal("1503"), Decimal("2493.5")
    a.domestic_share, a.provincial_share = Decimal("85.5"), Decimal("40.25")
    a.support_institutions = "省级企业技术中心\n湖南省工程技术研究中心"
    a.partners = "中南大学、湖南大学；树根互联股份有限公司"
    for index, (name, _label, _maximum) in enumerate(EFFECTS):
        setattr(a, name, Decimal(11 + index) + Decimal("0.5"))
    a.eff_other = "单位产值综合能耗下降12%。"
    a.pledge_legal_rep, a.pledge_agreed = "刘建国", True
    a.overview_company = "企业概况第一段。\n企业概况第二段。"
    a.overview_technology = "技术水平：研发人员210人。"
    a.overview_advantages = "行业优势：国内市场占有率第一。"
    a.integration = "协同集成：ERP、MES、WMS 全面集成。"
    a.outcomes = "实施成效：生产效率提升25%。"
    a.influence = "影响力：带动上下游企业30家。"
    a.advancement = "先进性：达到国内领先水平。"
    a.demonstration = "示范推广：形成可复制解决方案。"
    a.next_steps = "下一步：建设数字孪生工厂。"
    a.lessons = "经验：先规划后实施。"
    for offset, row in enumerate(sorted(a.economic_years, key=lambda r: r.year)):
        row.total_assets = Decimal("125000.5") + offset
        row.debt_ratio = Decimal("45.2") + offset
        row.revenue = Decimal("86000.75") + offset
        row.taxes = Decimal("3200.15") + offset
        row.profit = Decimal("-510.5") + offset
    a.list_items = [
        ListItem(kind=ListKind.FUNCTION, position=1, text="研发设计：三维协同设计"),
        ListItem(kind=ListKind.FUNCTION, position=2, text="生产制造：车间智能排产"),
        ListItem(kind=ListKind.KEY_PROBLEM, position=1, text="多品种小批量排产效率低"),
        ListItem(kind=ListKind.KEY_TECHNOLOGY, position=1, text="焊接机器人视觉纠偏"),
    ]
    a.links = []
    for link_index, link in enumerate(a.edition.links[:links], start=1):
        app_link = ApplicationLink(link=link, position=link_index)
        for scenario_index in range(1, scenarios_per_link + 1):
            guide = link.scenarios[scenario_index - 1] if scenario_index <= len(link.scenarios) else None
            tag = f"{link_index}-{scenario_index}"
            app_link.scenarios.append(ApplicationScenario(
                scenario=guide, position=scenario_index, name=f"场景名称{tag}", description=f"场景描述{tag}",
                pain_points=f"痛点问题{tag}", solution=f"技术方案{tag}\n供应商：某公司{tag}",
                safeguards=f"保障要素{tag}", results=f"实施成果{tag}", other=f"其他带动{tag}"))
        a.links.append(app_link)


def make_complete(app, client, **kwargs) -> int:
    application_id = start(client)
    with app.app_context():
        fill_application(db.session.get(Application, application_id), **kwargs)
        db.session.commit()
    return application_id


def set_status(app, application_id, status: ApplicationStatus) -> None:
    with app.app_context():
        application = db.session.get(Application, application_id)
        application.status = status
        if status is not ApplicationStatus.DRAFT:
            application.version = max(application.version, 1)
            application.submitted_at = application.submitted_at or utcnow()
            application.declared_on = application.declared_on or date(2024, 5, 6)
        db.session.commit()


def page(client, application_id) -> str:
    response = client.get(f"/applications/{application_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def between(html: str, start_id: str, end_id: str) -> str:
    """The markup from the element with id=start_id to the next one whose id starts with end_id."""
    start = html.index(f'id="{start_id}"')
    return html[start:html.index(f'id="{end_id}', start)]


def shown(value) -> str:
    """How the view writes a stored value."""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if hasattr(value, "label"):
        return value.label
    return str(escape(value))


@pytest.fixture
def applicant(login_as):
    return login_as("applicant")


# ---- content ---------------------------------------------------------------------------------------------------

def test_every_stored_value_appears(app, applicant):
    application_id = make_complete(app, applicant)
    html = page(applicant, application_id)
    with app.app_context():
        a = db.session.get(Application, application_id)
        missing = []
        for section in SECTIONS:
            if section.form is None:
                continue
            for name, field in vars(section.form).items():
                if not hasattr(field, "field_class") or not hasattr(Application, name):
                    continue
                value = getattr(a, name)
                if value is None or isinstance(value, bool):
                    continue
                if name == "industry_division_code":
                    value = a.industry_division.label
                elif name == "industry_group_code":
                    value = a.industry_group.label
                elif name == "county_adcode":
                    value = a.county.full_name
                if shown(value) not in html:
                    missing.append((section.key, name, shown(value)))
        for row in a.economic_years:
            for column in ("total_assets", "debt_ratio", "revenue", "taxes", "profit"):
                if money(getattr(row, column)) not in html:
                    missing.append(("economics", row.year, column))
        for item in a.list_items:
            if str(escape(item.text)) not in html:
                missing.append(("list", item.kind, item.text))
        for link_index, app_link in enumerate(a.links, start=1):
            if app_link.link.name not in html:
                missing.append(("link", app_link.link.name))
            for scenario in app_link.scenarios:
                for column in ("name", "description", "pain_points", "solution", "safeguards", "results", "other"):
                    if str(escape(getattr(scenario, column))) not in html:
                        missing.append(("scenario", scenario.id, column))
        assert missing == []
        assert "未填写" not in between(html, "cover", "attachments")   # complete: no gaps flagged
        years = a.campaign.economic_years
    for year in years:
        assert f"{year}年" in between(html, "economics", "honours")
    assert "刘建国" in between(html, "pledge", "overview")


def test_layout_follows_the_form(app, applicant):
    application_id = make_complete(app, applicant)
    html = page(applicant, application_id)
    # Anchors equal to the section keys, in the official order.
    positions = [html.index(f'id="{s.key}"') for s in SECTIONS]
    assert positions == sorted(positions)
    # Cover: the chosen type ticked.
    cover = between(html, "cover", "basic")
    assert "☑</span><span class=\"visually-hidden\">已选：</span>标杆企业" in cover
    assert "□</span><span class=\"visually-hidden\">未选：</span>标杆车间" in cover
    # 企业性质 with 其他 and its explanation; industry as 附件2 writes it: "35专用设备制造业".
    basic = between(html, "basic", "economics")
    assert "其他（请注明）</span>：混合所有制" in basic
    assert "35专用设备制造业" in basic and "351采矿" in basic
    # Honours: ticked and unticked boxes, the maturity level.
    honours = between(html, "honours", "staff")
    assert honours.count("☑") == 4 + 1 and honours.count("□") == 4 + 1   # + 重大事故 否 ticked, 是 not
    assert "（等级：3级）" in honours
    # The 环节 list derived from section 三, numbered 1…8 in pairs.
    derived = between(html, "links-summary", "functions")
    assert "1. 产品设计" in derived and "8. 生产作业" in derived
    assert derived.count("<tr>") == 4
    # Section 三: Chinese ordinals, the seven items of each 场景, then 协同集成情况 as the next ordinal.
    implementation = between(html, "implementation", "outcomes")
    assert "（一）环节1：产品设计" in implementation and "（八）环节8：生产作业" in implementation
    assert "（九）协同集成情况" in implementation
    for item in ("1．具体场景名称", "2．具体场景描述", "3．解决的痛点问题", "4．采用的技术方案", "5．保障要素",
                 "6．实施成果", "7．其他"):
        assert implementation.count(item) == 16
    # Line breaks are kept by CSS, the text stays as typed.
    assert "企业概况第一段。\n企业概况第二段。" in html
    # 八: every category in the form's order, the audit years from the campaign.
    attachments = html[html.index('id="attachments"'):]
    labels = [AttachmentCategory.LICENSE.label, "（二）近三年（2021-2023年）企业财务审计报告",
              AttachmentCategory.EQUIPMENT.label, AttachmentCategory.STAFF.label, AttachmentCategory.PHOTOS.label,
              AttachmentCategory.ACHIEVEMENTS.label, AttachmentCategory.OTHER.label,
              AttachmentCategory.STAMPED_SCAN.label]
    found = [attachments.index(label) for label in labels]
    assert found == sorted(found)


def test_workshop_rows_only_for_workshop(app, login_as):
    enterprise_client = login_as("applicant")
    enterprise_id = make_complete(app, enterprise_client, app_type=ApplicationType.ENTERPRISE, links=4)
    html = page(enterprise_client, enterprise_id)
    assert "智能制造车间名称" not in html and "车间实施智能制造的总投入" not in html

    workshop_client = login_as("applicant")
    workshop_id = make_complete(app, workshop_client, app_type=ApplicationType.WORKSHOP, links=4)
    investment = between(page(workshop_client, workshop_id), "investment", "links-summary")
    assert "智能制造车间名称" in investment and "结构件智能焊接车间" in investment
    assert "车间实施智能制造的总投入（万元）" in investment and "9,876.5" in investment
    assert "车间近3年实施智能制造的总投入（万元）" in investment and "8,000.5" in investment


def test_empty_values_are_marked(app, applicant):
    application_id = start(applicant)
    html = page(applicant, application_id)
    assert html.count('class="av-empty"') > 50
    assert "尚未添加智能制造环节及场景" in html
    assert "提交时自动填写" in html                   # 申报日期 before submission
    assert "必备材料缺失" in between(html, "category-license", "category-audit")


def test_company_shown_is_the_forms_else_the_registered_one(app, applicant):
    """一's 企业名称 names the application; while a draft has it cleared, the enterprise's registered name does."""
    application_id = start(applicant)
    with app.app_context():
        application = db.session.get(Application, application_id)
        registered = application.enterprise.name
        application.company_name = "湖南改名后的装备有限公司"
        db.session.commit()
    html = page(applicant, application_id)
    assert "<title>申报书 - 湖南改名后的装备有限公司" in html
    assert f"<title>申报书 - {registered}" not in html
    with app.app_context():
        db.session.get(Application, application_id).company_name = ""
        db.session.commit()
    assert f"<title>申报书 - {registered}" in page(applicant, application_id)


def test_user_html_is_escaped(app, applicant):
    application_id = make_complete(app, applicant)
    with app.app_context():
        a = db.session.get(Application, application_id)
        a.company_name = 'A&B<公司>'
        a.overview_company = '<script>alert("x")</script>'
        a.links[0].scenarios[0].solution = "<img src=x onerror=alert(1)>"
        a.list_items[0].text = "<b>粗体</b>"
        db.session.commit()
    html = page(applicant, application_id)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>粗体</b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
    assert "A&amp;B&lt;公司&gt;" in html


def test_major_accident_is_flagged(app, applicant):
    application_id = make_complete(app, applicant)
    with app.app_context():
        db.session.get(Application, application_id).major_accident = True
        db.session.commit()
    html = page(applicant, application_id)
    assert 'class="av-alert"' in between(html, "honours", "staff")
    assert "企业近三年发生过重大安全生产事故或重大环境事故。" in html   # the campaign's eligibility rule


def test_eligibility_problems_are_flags(app, applicant):
    application_id = make_complete(app, applicant, links=2, scenarios_per_link=1)
    html = page(applicant, application_id)
    flags = html[html.index('id="av-flags-title"'):html.index('id="cover"')]
    assert "标杆企业至少涵盖8个智能制造环节（当前2个）。" in flags
    assert "不符合申报条件" in flags


# ---- the unit's comments -----------------------------------------------------------------------------------------

def test_return_comment_and_section_comments(app, applicant, login_as):
    recommender = login_as("recommender")
    application_id = make_complete(app, applicant)
    with app.app_context():
        a = db.session.get(Application, application_id)
        change = StatusChange(application=a, action="return", from_status=ApplicationStatus.SUBMITTED,
                              to_status=ApplicationStatus.RETURNED, comment="请补充<实施效果>数据。")
        db.session.add(change)
        db.session.flush()
        db.session.add(ReviewComment(application=a, status_change_id=change.id, section="effects",
                                     text="数控化率与审计报告不一致。"))
        db.session.add(ReviewComment(application=a, status_change_id=change.id, section="implementation",
                                     text="环节3缺少量化成果。"))
        db.session.commit()
    set_status(app, application_id, ApplicationStatus.RETURNED)
    html = page(applicant, application_id)
    top = html[:html.index('id="cover"')]
    assert "推荐单位退回修改意见" in top and "请补充&lt;实施效果&gt;数据。" in top
    assert "数控化率与审计报告不一致。" in between(html, "effects", "pledge")
    assert "环节3缺少量化成果。" in between(html, "implementation", "link-")
    assert 'href="#effects"' in top
    # The unit sees its comments at the sections too.
    assert "数控化率与审计报告不一致。" in between(page(recommender, application_id), "effects", "pledge")


# ---- actions -----------------------------------------------------------------------------------------------------

def test_applicant_actions_follow_the_state(app, applicant):
    application_id = start(applicant)
    edit_url = f'href="/applications/{application_id}/edit"'
    withdraw_url = f'action="/applications/{application_id}/withdraw"'
    html = page(applicant, application_id)
    assert "继续填写" in html and edit_url in html and withdraw_url not in html

    set_status(app, application_id, ApplicationStatus.SUBMITTED)
    html = page(applicant, application_id)
    assert edit_url not in html and withdraw_url in html
    form = html[html.index(withdraw_url):]
    assert 'name="csrf_token"' in form[:form.index("</form>")]

    set_status(app, application_id, ApplicationStatus.RETURNED)
    assert edit_url in page(applicant, application_id)

    set_status(app, application_id, ApplicationStatus.RECOMMENDED)
    html = page(applicant, application_id)
    assert edit_url not in html and withdraw_url not in html


def test_withdraw_from_the_view(app, applicant):
    application_id = start(applicant)
    set_status(app, application_id, ApplicationStatus.SUBMITTED)
    response = applicant.post(f"/applications/{application_id}/withdraw")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Application, application_id).status is ApplicationStatus.DRAFT


def test_reviewers_get_no_applicant_actions(app, applicant, login_as):
    application_id = make_complete(app, applicant)
    set_status(app, application_id, ApplicationStatus.SUBMITTED)
    for client in (login_as("recommender"), login_as("admin")):
        html = page(client, application_id)
        assert "继续填写" not in html and "/withdraw" not in html
        assert "湖南视图测试装备有限公司" in html


def test_submitted_header_shows_time_and_version(app, applicant):
    application_id = make_complete(app, applicant)
    set_status(app, application_id, ApplicationStatus.SUBMITTED)
    html = page(applicant, application_id)
    top = html[:html.index('id="cover"')]
    assert "已提交" in top and "第1版" in top and "尚未提交" not in top
    assert "2024年5月6日" in between(html, "cover", "basic")


def test_attachments_are_listed_with_size_and_link(app, applicant):
    application_id = make_complete(app, applicant)
    with app.app_context():
        a = db.session.get(Application, application_id)
        for index, (category, name) in enumerate(((AttachmentCategory.LICENSE, "营业执照（副本）.pdf"),
                                                  (AttachmentCategory.AUDIT, "2023年审计报告.pdf"))):
            a.attachments.append(Attachment(category=category, original_name=name, stored_name=f"stored{index}",
                                            content_type="application/pdf", size=1536 * 1024, sha256="0" * 64))
        scenario = a.links[0].scenarios[0]
        a.attachments.append(Attachment(category=AttachmentCategory.SOLUTION_PICTURE, app_scenario=scenario,
                                        original_name="焊接单元.png", stored_name="stored-picture",
                                        content_type="image/png", size=2048, sha256="1" * 64))
        db.session.commit()
        license_id = a.attachments[0].id
        picture_id, scenario_id = a.attachments[-1].id, scenario.id
    html = page(applicant, application_id)
    license_part = between(html, "category-license", "category-audit")
    assert "营业执照（副本）.pdf" in license_part and "1.5 MB" in license_part
    assert f'href="/attachments/{license_id}"' in license_part
    assert "必备材料缺失" not in license_part
    assert "必备材料缺失" in between(html, "category-equipment", "category-staff")
    # The picture of a 技术方案: a thumbnail at its 场景, linking to the file; not listed under 八.
    solution = between(html, f"scenario-{scenario_id}-solution", f"scenario-{scenario_id}-safeguards")
    assert f'src="/attachments/{picture_id}?inline=1"' in solution
    assert f'href="/attachments/{picture_id}"' in solution and 'alt="焊接单元.png"' in solution
    assert "焊接单元.png" not in html[html.index('id="attachments"'):]


# ---- who may see it --------------------------------------------------------------------------------------------

def test_another_enterprise_gets_404(app, applicant, login_as):
    application_id = make_complete(app, applicant)
    set_status(app, application_id, ApplicationStatus.SUBMITTED)
    other = login_as("applicant")
    assert other.get(f"/applications/{application_id}").status_code == 404


def test_recommender_sees_only_own_prefecture_after_submission(app, applicant, login_as):
    application_id = make_complete(app, applicant)
    recommender, other_recommender = login_as("recommender"), login_as("other_recommender")
    assert recommender.get(f"/applications/{application_id}").status_code == 404       # draft
    set_status(app, application_id, ApplicationStatus.SUBMITTED)
    assert recommender.get(f"/applications/{application_id}").status_code == 200
    assert other_recommender.get(f"/applications/{application_id}").status_code == 404


def test_admin_sees_it(app, applicant, login_as):
    application_id = make_complete(app, applicant)
    admin = login_as("admin")
    html = page(admin, application_id)
    assert "湖南视图测试装备有限公司" in html
    assert admin.get("/applications/999999").status_code == 404


def test_print_stylesheet_hides_navigation(app, applicant):
    css = app.test_client().get("/static/app.css").get_data(as_text=True)
    assert "@media print" in css
    block = css[css.index("@media print"):]
    assert ".site-header" in block and ".no-print" in block
