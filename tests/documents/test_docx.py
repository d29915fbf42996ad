"""The Word 申报书 (附件2): every value in its place, printed as the form prints it."""
from datetime import date
from decimal import Decimal

import pytest

from tests.documents.word_form import GENERATED_AT, Form, amount, box, build, percent, pictures_store, render
from tests.factories import add_solution_picture, make_png
from webapp.core.numbers import chinese_number
from webapp.core.extensions import db
from webapp.documents.docx_builder import application_context, render_docx
from webapp.models import Application, ApplicationType, AttachmentCategory, EnterpriseNature, ListKind
from webapp.ops import word_template

# Columns of Application that 附件2 does not print, and why.
NOT_ON_FORM = {
    "id", "campaign_id", "enterprise_id", "unit_id", "edition_id", "status", "version", "submitted_at",
    "recommend_order", "created_at", "updated_at",   # bookkeeping (version is in the footer, tested apart)
    "recommend_opinion",                              # the unit's 推荐意见: the unit's, not the enterprise's
    "county_adcode",                                  # 所在县市区: used by 附件3, not a field of 附件2
    "pledge_agreed",                                  # the commitment is made by signing and stamping the print
    "pledge_legal_rep",                               # 附件2 leaves the space for the handwritten signature
}
EFFECT_LABELS = {
    "cnc_rate": "关键设备数控化率（%）", "network_rate": "关键设备联网率（%）", "productivity": "生产效率提升（%）",
    "resource_use": "资源综合利用率提升（%）", "rd_cycle": "研发周期缩短（%）", "operating_cost": "运营成本下降（%）",
    "defect_rate": "产品不良率下降（%）", "staff_optimised": "优化人员比例（%）", "equipment_use": "设备综合利用率提升（%）",
    "inventory_turnover": "库存周转率提升（%）", "on_time_delivery": "订单准时交付率提升（%）",
    "order_cycle": "订单完成周期缩短（%）", "logistics_cost": "物流成本占企业运营成本比重降低（%）",
    "land_use": "土地利用率提升（%）",
}
ECONOMY_LABELS = {"total_assets": "总资产（万元）", "debt_ratio": "负债率（%）", "revenue": "主营业务收入（万元）",
                  "taxes": "上缴税金（万元）", "profit": "实现利润（万元）"}
ITEM_LABELS = [("name", "1．具体场景名称："), ("description", "2．具体场景描述："), ("pain_points", "3．解决的痛点问题："),
               ("solution", "4．采用的技术方案："), ("safeguards", "5．保障要素："), ("results", "6．实施成果："),
               ("other", "7．其他：")]
CATEGORY_HEADINGS = {
    AttachmentCategory.LICENSE: "（一）企业营业执照复印件", AttachmentCategory.AUDIT: "（二）近三年（2021-2023年）",
    AttachmentCategory.EQUIPMENT: "（三）关键技术设备", AttachmentCategory.STAFF: "（四）主要技术人员情况",
    AttachmentCategory.PHOTOS: "（五）企业智能化生产线", AttachmentCategory.ACHIEVEMENTS: "（六）技术成果及荣誉",
    AttachmentCategory.OTHER: "（七）其他相关证明文件",
}


# ---------------------------------------------------------------- every value of the form, in its place

def check_cover(form: Form, a: Application) -> None:
    assert form.cover("项 目 名 称：") == a.project_name
    assert form.cover("申 报 单 位：") == a.company_name
    assert form.cover("申 报 类 型：") == (f"{box(a.app_type is ApplicationType.ENTERPRISE)}标杆企业　　"
                                          f"{box(a.app_type is ApplicationType.WORKSHOP)}标杆车间")
    expected_date = f"{a.declared_on.year}年{a.declared_on.month}月{a.declared_on.day}日" if a.declared_on \
        else "　　年　　月　　日"
    assert form.cover("申 报 日 期：") == expected_date


def check_enterprise(form: Form, a: Application) -> None:
    assert form.cell("企业名称") == a.company_name
    assert form.cell("组织机\n构代码") == a.org_code
    assert form.cell("成立时间") == f"{a.founded_on.year}年{a.founded_on.month}月{a.founded_on.day}日"
    natures = "　".join(f"{box(a.nature is n)}{n.label}" for n in EnterpriseNature)
    assert form.cell("企业性质") == natures + "（请注明）" + (a.nature_other if a.nature is EnterpriseNature.OTHER else "")
    assert form.cell("所属行业") == f"{a.industry_division.code}{a.industry_division.name}"      # as 附件3
    assert form.cell("所属行业", offset=2) == f"{a.industry_group.code}{a.industry_group.name}"
    assert form.cell("单位地址") == a.address
    for nth, prefix, label in ((0, "legal_rep", "法人代表/\n负责人"), (1, "contact", "联系人")):
        assert form.row_texts("姓名", nth)[0] == label
        assert form.cell("姓名", nth=nth) == getattr(a, f"{prefix}_name")
        assert form.cell("手机", nth=nth) == getattr(a, f"{prefix}_mobile")
        assert form.cell("职务", nth=nth) == getattr(a, f"{prefix}_title")
        assert form.cell("E-mail", nth=nth) == getattr(a, f"{prefix}_email")


def check_economy(form: Form, a: Application) -> None:
    years = a.campaign.economic_years
    assert form.row_texts("近三年主要经济指标") == ["近三年主要经济指标", *[f"{y}年" for y in years]]
    rows = {row.year: row for row in a.economic_years}
    assert sorted(rows) == years
    for key, label in ECONOMY_LABELS.items():
        printed = percent if key == "debt_ratio" else amount
        assert form.row_texts(label) == [label, *[printed(getattr(rows[y], key)) for y in years]]


def check_honours_and_staff(form: Form, a: Application) -> None:
    honours = form.cell_paragraphs("相关荣誉")
    assert honours == [
        f"{box(a.honour_national_pilot)}国家智能制造试点示范企业　　{box(a.honour_national_demo_factory)}国家智能制造示范工厂",
        f"{box(a.honour_national_standard_project)}国家智能制造综合标准化与新模式应用项目承担企业",
        f"{box(a.honour_hunan_demo_enterprise)}湖南省智能制造示范企业　　{box(a.honour_hunan_demo_workshop)}湖南省智能制造示范车间",
        f"{box(a.honour_integration_certified)}国家两化融合贯标通过评定企业",
        f"{box(a.honour_maturity_certified)}国家智能制造能力成熟度通过评定企业（等级：{a.maturity_level}级）",
        f"{box(a.honour_other)}其他（请注明）{a.honour_other_text}"]
    assert form.row_starting("企业近三年是否发生过")[0].endswith(
        f"{box(a.major_accident is True)}是　　{box(a.major_accident is False)}否")
    assert form.row_texts("总　　数")[0] == "智能制造相关技术人员"
    assert form.cell("总　　数") == f"{a.staff_total}人"
    for label, value in (("高级职称", a.staff_senior), ("中级职称", a.staff_intermediate),
                         ("初级职称", a.staff_junior), ("其他人员", a.staff_other)):
        assert form.cell(label) == f"{value}人"
    assert form.cell("企\n业\n简\n介") == a.profile


def check_investment(form: Form, a: Application) -> None:
    assert form.cell("企业实施智能制造的总投入（万元）") == amount(a.invest_total)
    assert form.cell("企业近3年实施智能制造的总投入（万元）") == amount(a.invest_3y)
    workshop = a.app_type is ApplicationType.WORKSHOP      # a 标杆企业 keeps the rows, empty (footnote ②)
    assert form.cell("智能制造车间名称") == (a.workshop_name if workshop else "")
    assert form.cell("车间实施智能制造的总投入（万元）") == (amount(a.workshop_invest_total) if workshop else "")
    assert form.cell("车间近3年实施智能制造的总投入（万元）") == (amount(a.workshop_invest_3y) if workshop else "")
    assert form.row_texts("设备费（万元）")[0] == "其中："
    for label, value in (("设备费（万元）", a.cost_equipment), ("工业软件费（万元）", a.cost_software),
                         ("测试验证和项目咨询费（万元）", a.cost_testing), ("人员费用（万元）", a.cost_personnel)):
        assert form.cell(label) == amount(value)
    assert form.cell("其中：国产智能制造软、硬件投资占比") == f"{percent(a.domestic_share)}%"
    assert form.cell("其中：省产智能制造软、硬件投资占比") == f"{percent(a.provincial_share)}%"


def check_capability(form: Form, a: Application) -> None:
    row, index = form._find("实施智能制造涵盖的环节")
    first = form.rows.index(row)
    names = [cell.text for r in form.rows[first:first + (len(a.links) + 1) // 2] for cell in r[1:]]
    assert names[:len(a.links)] == [f"{i}.{link.link.name}" for i, link in enumerate(a.links, start=1)]
    assert form.rows[first + (len(a.links) + 1) // 2][0].text == "智能制造实现功能"

    def numbered(kind):
        return [f"{i}. {item.text}" for i, item in enumerate(a.items(kind), start=1)]

    assert form.cell_paragraphs("智能制造实现功能") == ["在研发设计、生产制造、经营管理等方面实现的功能：",
                                                    *numbered(ListKind.FUNCTION)]
    innovation = form.cell_paragraphs("智能制造技术创新能力")
    assert innovation[1:] == [a.support_institutions, "产学研主要合作单位及智能制造供应商名称：", a.partners]
    assert form.cell_paragraphs("已取得智能制造技术成果") == [
        "解决的关键问题：", *numbered(ListKind.KEY_PROBLEM),
        "突破的关键技术及短板装备：", *numbered(ListKind.KEY_TECHNOLOGY)]


def check_effects_and_pledge(form: Form, a: Application) -> None:
    assert form.row_texts("关键设备数控化率（%）")[0] == "智能制造实施效果"
    for key, label in EFFECT_LABELS.items():
        assert form.cell(label) == percent(getattr(a, f"eff_{key}")), label
    assert any(row[-1].text == f"其他效果：{a.eff_other}" for row in form.rows)
    # The legal representative signs and dates by hand: 附件2 leaves the space, and so does the print.
    assert form.cell_paragraphs("真实性承诺") == [word_template.PLEDGE, "企业法定代表人：", "公　　　　章：", "年　　月　　日"]


def check_narratives(form: Form, a: Application) -> None:
    for heading, key in (("（一）企业概况：", "overview_company"), ("（二）技术水平：", "overview_technology"),
                         ("（三）行业优势：", "overview_advantages"), ("四、智能制造实施成效", "outcomes"),
                         ("（一）影响力：", "influence"), ("（二）先进性：", "advancement"),
                         ("（三）示范推广：", "demonstration"), ("六、下一步工作计划", "next_steps"),
                         ("七、智能制造经验总结", "lessons")):
        assert form.text_after(heading) == getattr(a, key), heading
    ordinal = chinese_number(len(a.links) + 1)
    assert form.text_after(f"（{ordinal}）协同集成情况") == a.integration


def check_links(form: Form, a: Application) -> None:
    """Each 环节 heading in order, each 场景 heading under it, then its seven items and pictures."""
    position = form.heading_index("三、智能制造实施内容")
    for i, app_link in enumerate(a.links, start=1):
        position = form.heading_index(f"（{chinese_number(i)}）环节{i}：{app_link.link.name}", position)
        for j, scenario in enumerate(app_link.scenarios, start=1):
            title = scenario.scenario.name if scenario.scenario else "自定义场景"
            position = form.heading_index(f"场景{j}：{title}", position)
            assert form.body[position].text == f"场景{j}：{title}"
            for key, label in ITEM_LABELS:
                position += 1
                assert form.body[position].text == label + getattr(scenario, key), (i, j, key)
                if key == "solution":
                    for _picture in scenario.pictures:
                        position += 1
                        assert "<w:drawing>" in form.body[position]._p.xml


def check_attachments(form: Form, a: Application) -> None:
    position = form.heading_index("八、相关证明材料")
    for category, heading in CATEGORY_HEADINGS.items():
        position = form.heading_index(heading, position)
        names = [att.original_name for att in a.attachments if att.category is category]
        assert names, category
        listed = [p.text for p in form.body[position + 1:position + 1 + len(names)]]
        assert listed == [f"{i}. {name}" for i, name in enumerate(names, start=1)]
    # The stamped scan is uploaded after printing: the archive's list carries it, the printed form does not.
    stamped = [att.original_name for att in a.attachments if att.category is AttachmentCategory.STAMPED_SCAN]
    assert not any(p.text.startswith("附：") or any(name in p.text for name in stamped) for p in form.body)


COLUMN_CHECKS = {
    check_cover: {"project_name", "app_type", "declared_on", "company_name"},
    check_enterprise: {"org_code", "founded_on", "nature", "nature_other", "industry_division_code",
                       "industry_group_code", "address", "legal_rep_name", "legal_rep_title", "legal_rep_mobile",
                       "legal_rep_email", "contact_name", "contact_title", "contact_mobile", "contact_email"},
    check_economy: set(),
    check_honours_and_staff: {"honour_national_pilot", "honour_national_demo_factory",
                              "honour_national_standard_project", "honour_hunan_demo_enterprise",
                              "honour_hunan_demo_workshop", "honour_integration_certified", "honour_maturity_certified",
                              "maturity_level", "honour_other", "honour_other_text", "major_accident", "staff_total",
                              "staff_senior", "staff_intermediate", "staff_junior", "staff_other", "profile"},
    check_investment: {"invest_total", "invest_3y", "workshop_name", "workshop_invest_total", "workshop_invest_3y",
                       "cost_equipment", "cost_software", "cost_testing", "cost_personnel", "domestic_share",
                       "provincial_share"},
    check_capability: {"support_institutions", "partners"},
    check_effects_and_pledge: {f"eff_{key}" for key in EFFECT_LABELS} | {"eff_other"},
    check_narratives: {"overview_company", "overview_technology", "overview_advantages", "integration", "outcomes",
                       "influence", "advancement", "demonstration", "next_steps", "lessons"},
    check_links: set(),
    check_attachments: set(),
}


def test_the_checks_cover_every_column_of_the_form():
    columns = {column.name for column in Application.__table__.columns}
    checked = set().union(*COLUMN_CHECKS.values())
    assert checked | NOT_ON_FORM == columns
    assert not checked & NOT_ON_FORM


@pytest.mark.parametrize("app_type", [ApplicationType.ENTERPRISE, ApplicationType.WORKSHOP])
def test_every_value_of_a_complete_application_is_in_its_place(ctx, app_type):
    application = build(ctx, app_type, links=8 if app_type is ApplicationType.ENTERPRISE else 4, scenarios_per_link=3)
    application.nature, application.nature_other = EnterpriseNature.OTHER, "混合所有制企业"
    application.declared_on, application.version = date(2024, 5, 20), 2
    store, opener = pictures_store()
    for index, scenario in enumerate(application.links[1].scenarios[:2]):
        store[add_solution_picture(db.session, scenario, make_png(40, 30, seed=index)).stored_name] = make_png(
            40, 30, seed=index)
    form = render(application, opener)
    for check in COLUMN_CHECKS:
        check(form, application)
    assert len(form.doc.inline_shapes) == 2
    for xml in (form.doc.element.xml, form.doc.sections[0].footer._element.xml):
        assert "{{" not in xml and "{%" not in xml and "}}" not in xml


def test_the_checks_notice_a_misplaced_value(ctx):
    application = build(ctx, links=2)
    context = application_context(application, generated_at=GENERATED_AT, draft=False)
    first, second = context["links"][1]["scenarios"]
    first["results"], second["results"] = second["results"], first["results"]
    context["economy"]["revenue"].reverse()
    form = Form(render_docx(context, lambda p: b""))
    with pytest.raises(AssertionError):
        check_links(form, application)
    with pytest.raises(AssertionError):
        check_economy(form, application)
    check_enterprise(form, application)


def test_a_category_without_files_says_so(ctx):
    application = build(ctx, links=1, scenarios_per_link=1)
    for attachment in [a for a in application.attachments if a.category is AttachmentCategory.OTHER]:
        application.attachments.remove(attachment)
    form = render(application)
    index = form.heading_index("（七）其他相关证明文件")
    assert form.body[index + 1].text == "（未上传）"


def test_workshop_rows_are_kept_for_an_enterprise_and_left_empty(ctx):
    enterprise = build(ctx, ApplicationType.ENTERPRISE, name="湖南甲企业有限公司")
    enterprise.workshop_name, enterprise.workshop_invest_3y = "旧的车间名称", Decimal("12")   # from a former type
    workshop = render(build(ctx, ApplicationType.WORKSHOP, name="湖南乙企业有限公司", links=4))
    enterprise = render(enterprise)
    labels = ["智能制造车间名称", "车间实施智能制造的总投入（万元）", "车间近3年实施智能制造的总投入（万元）"]
    assert [enterprise.cell(label) for label in labels] == ["", "", ""]
    def labels_before_links(form):
        texts = [row[0].text for row in form.rows]
        return texts[:texts.index("实施智能制造涵盖的环节")]

    assert labels_before_links(enterprise) == labels_before_links(workshop)
    assert workshop.cell("智能制造车间名称") == "液压油缸智能装配车间"
    assert workshop.cell("车间近3年实施智能制造的总投入（万元）") == "6,420.80"


def test_footer_carries_version_time_fingerprint_and_draft_mark(ctx):
    application = build(ctx)
    application.version = 3
    context = application_context(application, generated_at=GENERATED_AT, draft=False)
    final = Form(render_docx(context, lambda p: b"")).footer()
    assert final.startswith(f"版本 3 · 生成于 2024-05-20 10:31 · 校验码 {context['fingerprint']} · 第 ")
    assert "页 / 共" in final
    draft = render(application, draft=True).footer()
    assert draft.startswith("草稿 · 版本 3 · ")
    footer_xml = Form(render_docx(context, lambda p: b"")).doc.sections[0].footer._element.xml
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
