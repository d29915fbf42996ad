"""The Word 申报书 (附件2): every value in its place, escaping, the blank form, the fingerprint, speed."""
import io
import json
import shutil
import subprocess
import time
from datetime import date, datetime
from decimal import Decimal

import pytest
from docx import Document
from docx.shared import Cm
from docx.table import _Cell

from tests.factories import add_solution_picture, make_complete_application, make_enterprise, make_png
from webapp.core.numbers import chinese_number
from webapp.campaigns.lookup import current_campaign
from webapp.documents import docx_builder
from webapp.ops import word_template
from webapp.documents.docx_builder import (
    STAMPED_SCAN_NOTE, application_context, docx_filename, fingerprint, render_blank, render_docx,
)
from webapp.core.extensions import db
from webapp.applications.implementation import SCENARIO_FIELDS
from webapp.models import Application, ApplicationType, AttachmentCategory, EnterpriseNature, ListKind

GENERATED_AT = datetime(2024, 5, 20, 2, 31)      # UTC: 10:31 in Beijing
HEADINGS = {"Heading1", "Heading2", "Heading3"}
# Columns of Application that 附件2 does not print, and why.
NOT_ON_FORM = {
    "id", "campaign_id", "enterprise_id", "unit_id", "edition_id", "status", "version", "submitted_at",
    "recommend_order", "created_at", "updated_at",   # bookkeeping (version is in the footer, tested apart)
    "county_adcode",                                  # 所在县市区: used by 附件3, not a field of 附件2
    "pledge_agreed",                                  # the commitment is made by signing and stamping the print
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
    AttachmentCategory.OTHER: "（七）其他相关证明文件", AttachmentCategory.STAMPED_SCAN: "附：盖章申报书扫描件",
}


# ---------------------------------------------------------------- reading the file back

def num(value) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def box(checked) -> str:
    return "☑" if checked else "□"


class Form:
    """The rendered file opened with python-docx, with lookups by the form's labels."""

    def __init__(self, data: bytes):
        self.doc = Document(io.BytesIO(data))
        self.cover_rows = self._rows(self.doc.tables[0])
        self.rows = self._rows(self.doc.tables[1])
        self.body = [p for p in self.doc.paragraphs]

    def _rows(self, table) -> list[list[_Cell]]:
        """Each row as its distinct cells (a merged cell once; a vertically continued cell as an empty one)."""
        return [[_Cell(tc, table) for tc in row._tr.tc_lst] for row in table.rows]

    def _find(self, label: str, nth: int = 0) -> tuple[list[_Cell], int]:
        hits = [(row, i) for row in self.rows for i, cell in enumerate(row) if cell.text == label]
        assert len(hits) > nth, f"label {label!r} not found"
        return hits[nth]

    def cell(self, label: str, offset: int = 1, nth: int = 0) -> str:
        row, index = self._find(label, nth)
        return row[index + offset].text

    def cell_paragraphs(self, label: str) -> list[str]:
        row, index = self._find(label)
        return [p.text for p in row[index + 1].paragraphs]

    def row_texts(self, label: str, nth: int = 0) -> list[str]:
        return [cell.text for cell in self._find(label, nth)[0]]

    def row_starting(self, prefix: str) -> list[str]:
        return next([c.text for c in row] for row in self.rows if row[0].text.startswith(prefix))

    def has_label(self, label: str) -> bool:
        return any(cell.text == label for row in self.rows for cell in row)

    def cover(self, label: str) -> str:
        return next(row[1].text for row in self.cover_rows if row[0].text == label)

    def heading_index(self, text: str, start: int = 0) -> int:
        return next(i for i in range(start, len(self.body)) if self.body[i].text.startswith(text)
                    and self.body[i].style.style_id in HEADINGS)

    def text_after(self, heading: str) -> str:
        """The user's text under a heading: the paragraphs up to the next heading, without the form's guidance."""
        index = self.heading_index(heading) + 1
        lines = []
        while index < len(self.body) and self.body[index].style.style_id not in HEADINGS:
            if self.body[index].style.style_id != "FormGuide":
                lines.append(self.body[index].text)
            index += 1
        return "\n".join(lines)

    def footer(self) -> str:
        return self.doc.sections[0].footer.paragraphs[0].text


def pictures_store():
    """Pictures by stored name, and the open_attachment callable that serves them."""
    store = {}
    return store, lambda picture: store[picture["stored_name"]]


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield current_campaign()


def build(campaign, app_type=ApplicationType.ENTERPRISE, name="湖南湘江智能装备股份有限公司", **kwargs) -> Application:
    enterprise = make_enterprise(db.session, name=name)
    return make_complete_application(db.session, enterprise=enterprise, campaign=campaign, app_type=app_type,
                                     **kwargs)


def render(application, opener=None, draft=False) -> Form:
    context = application_context(application, generated_at=GENERATED_AT, draft=draft)
    return Form(render_docx(context, opener or (lambda picture: b"")))


# ---------------------------------------------------------------- every value of the form, in its place

def check_cover(form: Form, a: Application) -> None:
    assert form.cover("项 目 名 称：") == a.project_name
    assert form.cover("申 报 单 位：") == a.company_name
    assert form.cover("申 报 类 型：") == (f"{box(a.app_type is ApplicationType.ENTERPRISE)}标杆企业　　"
                                          f"{box(a.app_type is ApplicationType.WORKSHOP)}标杆车间")
    expected_date = f"{a.declared_on.year}年{a.declared_on.month}月{a.declared_on.day}日" if a.declared_on \
        else "　　年　　月　　日"
    assert form.cover("申 报 日 期：") == expected_date
    assert form.cell_paragraphs("真实性承诺")[-1] == expected_date


def check_enterprise(form: Form, a: Application) -> None:
    assert form.cell("企业名称") == a.company_name
    assert form.cell("组织机\n构代码") == a.org_code
    assert form.cell("成立时间") == f"{a.founded_on.year}年{a.founded_on.month}月{a.founded_on.day}日"
    natures = "　".join(f"{box(a.nature is n)}{n.label}" for n in EnterpriseNature)
    assert form.cell("企业性质") == natures + "（请注明）" + (a.nature_other if a.nature is EnterpriseNature.OTHER else "")
    assert form.cell("所属行业") == f"{a.industry_division.code} {a.industry_division.name}"
    assert form.cell("所属行业", offset=2) == f"{a.industry_group.code} {a.industry_group.name}"
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
        assert form.row_texts(label) == [label, *[num(getattr(rows[y], key)) for y in years]]


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
    assert form.cell("企业实施智能制造的总投入（万元）") == num(a.invest_total)
    assert form.cell("企业近3年实施智能制造的总投入（万元）") == num(a.invest_3y)
    workshop = {"智能制造车间名称": a.workshop_name or "", "车间实施智能制造的总投入（万元）": num(a.workshop_invest_total),
                "车间近3年实施智能制造的总投入（万元）": num(a.workshop_invest_3y)}
    for label, value in workshop.items():
        if a.app_type is ApplicationType.WORKSHOP:
            assert form.cell(label) == value
        else:
            assert not form.has_label(label)
    assert form.row_texts("设备费（万元）")[0] == "其中："
    for label, value in (("设备费（万元）", a.cost_equipment), ("工业软件费（万元）", a.cost_software),
                         ("测试验证和项目咨询费（万元）", a.cost_testing), ("人员费用（万元）", a.cost_personnel)):
        assert form.cell(label) == num(value)
    assert form.cell("其中：国产智能制造软、硬件投资占比") == f"{num(a.domestic_share)}%"
    assert form.cell("其中：省产智能制造软、硬件投资占比") == f"{num(a.provincial_share)}%"


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
        assert form.cell(label) == num(getattr(a, f"eff_{key}")), label
    assert any(row[-1].text == f"其他效果：{a.eff_other}" for row in form.rows)
    pledge = form.cell_paragraphs("真实性承诺")
    assert pledge[0] == word_template.PLEDGE
    assert pledge[1] == f"企业法定代表人：{a.pledge_legal_rep}"


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
        if category is AttachmentCategory.STAMPED_SCAN:
            names = [STAMPED_SCAN_NOTE]         # the file to be stamped names the scan it will be submitted with
        listed = [p.text for p in form.body[position + 1:position + 1 + len(names)]]
        assert listed == [f"{i}. {name}" for i, name in enumerate(names, start=1)]


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
    check_effects_and_pledge: {f"eff_{key}" for key in EFFECT_LABELS} | {"eff_other", "pledge_legal_rep"},
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


def test_workshop_rows_only_for_a_workshop(ctx):
    enterprise = render(build(ctx, ApplicationType.ENTERPRISE, name="湖南甲企业有限公司"))
    workshop = render(build(ctx, ApplicationType.WORKSHOP, name="湖南乙企业有限公司", links=4))
    assert not enterprise.has_label("智能制造车间名称")
    assert not enterprise.has_label("车间近3年实施智能制造的总投入（万元）")
    assert workshop.cell("智能制造车间名称") == "液压油缸智能装配车间"
    assert workshop.cell("车间近3年实施智能制造的总投入（万元）") == "6420.8"


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


# ---------------------------------------------------------------- the factory others reuse

@pytest.mark.parametrize("app_type, links, per_link", [(ApplicationType.ENTERPRISE, 8, 2),
                                                       (ApplicationType.WORKSHOP, 4, 3),
                                                       (ApplicationType.ENTERPRISE, 16, 3)])
def test_factory_builds_a_consistent_complete_application(ctx, app_type, links, per_link):
    a = build(ctx, app_type, links=links, scenarios_per_link=per_link)
    workshop = app_type is ApplicationType.WORKSHOP
    costs = a.cost_equipment + a.cost_software + a.cost_testing + a.cost_personnel
    assert costs == (a.workshop_invest_3y if workshop else a.invest_3y)
    assert a.invest_3y <= a.invest_total
    assert (a.workshop_invest_3y <= a.workshop_invest_total) if workshop else a.workshop_name is None
    assert a.provincial_share <= a.domestic_share <= 100
    assert a.staff_senior + a.staff_intermediate + a.staff_junior + a.staff_other == a.staff_total
    assert [y.year for y in a.economic_years] == ctx.economic_years
    assert all(getattr(y, k) is not None for y in a.economic_years for k in ECONOMY_LABELS)
    assert {item.kind for item in a.list_items} == set(ListKind)
    optional = NOT_ON_FORM | {"declared_on", "nature_other"} | (set() if workshop else {
        "workshop_name", "workshop_invest_total", "workshop_invest_3y"})
    assert [c.name for c in Application.__table__.columns
            if c.name not in optional and getattr(a, c.name) in (None, "")] == []
    assert len(a.profile) <= 500
    assert [link.position for link in a.links] == list(range(1, links + 1))
    guide = [s.scenario_id for link in a.links for s in link.scenarios if s.scenario_id]
    assert len(guide) == len(set(guide))
    for link in a.links:
        assert len(link.scenarios) == per_link
        for s in link.scenarios:
            assert s.scenario is None or s.scenario.link_id == link.link_id
            for column, _label, limit, _required in SCENARIO_FIELDS:
                assert 0 < len(getattr(s, column)) <= limit, (column, getattr(s, column))
    assert {att.category for att in a.attachments} == set(AttachmentCategory) - {AttachmentCategory.SOLUTION_PICTURE}


def test_factory_text_factor_shortens_the_texts(ctx):
    long = build(ctx, name="湖南甲企业有限公司", links=1, scenarios_per_link=1)
    short = build(ctx, name="湖南乙企业有限公司", links=1, scenarios_per_link=1, text_factor=0.3)
    assert len(short.overview_company) < len(long.overview_company) / 2
    assert len(short.links[0].scenarios[0].solution) < len(long.links[0].scenarios[0].solution)


# ---------------------------------------------------------------- hostile text

HOSTILE = "A&B<公司>"
CONTROL = "\x00\x07\x0b\x0c\x1b\x1f"


def test_hostile_text_gives_a_file_that_opens(ctx):
    application = build(ctx, name=HOSTILE)
    lines = ["针对发动机壳体加工，搭建柔性加工单元。" * 3 for _ in range(5)]
    long_text = ("\n".join(lines) + "补充说明" * 30)[:300]
    with db.session.no_autoflush:        # PostgreSQL would refuse the NUL characters at a flush
        application.company_name = HOSTILE
        application.project_name = f"{HOSTILE}智能工厂🏭项目 {{{{ 1 }}}} {{% if %}}"
        application.profile = f"第一段{CONTROL}结束。\r\n第二段\t制表符 🚀 \"引号\" '单引号' ]]> &amp;"
        scenario = application.links[0].scenarios[0]
        scenario.description = long_text
        scenario.name = f"<w:p>{CONTROL}场景</w:p>"
        application.items(ListKind.FUNCTION)[0].text = "功能\x07一\x0c二\x00三"
        application.attachments[0].original_name = "执照<1>&.pdf"
        form = render(application)

    assert form.cover("申 报 单 位：") == HOSTILE
    assert form.cell("企业名称") == HOSTILE
    assert form.cover("项 目 名 称：") == f"{HOSTILE}智能工厂🏭项目 {{{{ 1 }}}} {{% if %}}"
    assert form.cell("企\n业\n简\n介") == "第一段结束。\n第二段\t制表符 🚀 \"引号\" '单引号' ]]> &amp;"
    assert form.cell_paragraphs("智能制造实现功能")[1] == "1. 功能一二三"
    index = form.heading_index("场景1：")
    assert form.body[index + 1].text == "1．具体场景名称：<w:p>场景</w:p>"
    described = [p.text for p in form.body[index + 2:index + 2 + len(long_text.split("\n"))]]
    assert "\n".join(described) == "2．具体场景描述：" + long_text
    assert "1. 执照<1>&.pdf" in [p.text for p in form.body]
    xml = form.doc.element.xml
    assert "A&amp;B&lt;公司&gt;" in xml
    assert not any(char in xml for char in CONTROL)
    assert docx_filename(application) == "湖南省智能制造标杆申报书-A&B公司.docx"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_hostile_and_the_blank_file(ctx, tmp_path):
    application = build(ctx, name=HOSTILE, links=2, scenarios_per_link=1)
    with db.session.no_autoflush:        # PostgreSQL would refuse the NUL characters at a flush
        application.company_name = HOSTILE
        application.links[0].scenarios[0].description = ("一行文字\n" * 40)[:300] + CONTROL
        context = application_context(application, generated_at=GENERATED_AT, draft=True)
    (tmp_path / "hostile.docx").write_bytes(render_docx(context, lambda p: b""))
    (tmp_path / "blank.docx").write_bytes(render_blank([2021, 2022, 2023]))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "hostile.docx"), str(tmp_path / "blank.docx")],
                   check=True, capture_output=True, timeout=180)
    for name in ("hostile.pdf", "blank.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "hostile.pdf"), "-"], capture_output=True, check=True,
                              text=True).stdout
        assert HOSTILE in text and "草稿" in text


# ---------------------------------------------------------------- the blank form

def test_blank_form_renders_with_every_part_and_empty_skeletons():
    form = Form(render_blank([2021, 2022, 2023]))
    assert form.cover("申 报 类 型：") == "□标杆企业　　□标杆车间"
    assert form.cover("申 报 日 期：") == "　　年　　月　　日"
    assert form.row_texts("近三年主要经济指标") == ["近三年主要经济指标", "2021年", "2022年", "2023年"]
    assert form.cell("智能制造车间名称") == ""          # offline drafters may be either type
    assert form.cell("所属行业") == "（行业大类代码+名称）"
    assert form.cell_paragraphs("智能制造实现功能") == ["在研发设计、生产制造、经营管理等方面实现的功能：", "1. ", "2. ", "……"]
    texts = [p.text for p in form.body]
    assert "（一）环节1：（如：生产作业）" in texts
    start = texts.index("（一）环节1：（如：生产作业）")
    items = texts[start + 2:start + 9]
    assert [item.split("（")[0].rstrip("：") for item in items] == [label.rstrip("：") for _key, label in ITEM_LABELS]
    assert "（二）环节2" in texts and "（…）协同集成情况" in texts
    assert "八、相关证明材料" in texts
    assert form.footer().startswith("湖南省智能制造标杆申报书（空白表，供离线填写） · 第 ")


def test_blank_form_without_years_leaves_them_to_fill():
    form = Form(render_blank())
    assert form.row_texts("近三年主要经济指标")[1:] == ["　　年"] * 3


# ---------------------------------------------------------------- fingerprint and context

def test_fingerprint_is_stable_and_follows_the_content(ctx):
    application = build(ctx)
    first = application_context(application, generated_at=GENERATED_AT, draft=True)
    again = application_context(application, generated_at=datetime(2025, 1, 1), draft=False)
    assert first["fingerprint"] == again["fingerprint"] == fingerprint(first)
    assert len(first["fingerprint"]) == 12 and int(first["fingerprint"], 16) >= 0

    application.version, application.declared_on = 5, date(2024, 5, 20)          # set at submission
    application.attachments[0].original_name = "营业执照（新）.pdf"                  # uploaded after printing
    assert application_context(application, generated_at=GENERATED_AT, draft=False)["fingerprint"] == \
        first["fingerprint"]

    seen = {first["fingerprint"]}
    for change in (lambda a: setattr(a, "eff_cnc_rate", Decimal("86.6")),
                   lambda a: setattr(a.links[0].scenarios[0], "results", a.links[0].scenarios[0].results + "。"),
                   lambda a: setattr(a.list_items[0], "text", "另一项功能"),
                   lambda a: setattr(a.economic_years[0], "profit", Decimal("-12.5"))):
        change(application)
        value = application_context(application, generated_at=GENERATED_AT, draft=True)["fingerprint"]
        assert value not in seen
        seen.add(value)


def test_fingerprint_follows_picture_content_not_storage(ctx):
    application = build(ctx, links=2)
    scenario = application.links[0].scenarios[0]
    picture = add_solution_picture(db.session, scenario, make_png(20, 20, seed=1))
    base = application_context(application, generated_at=GENERATED_AT, draft=True)["fingerprint"]
    picture.stored_name = "elsewhere"
    assert application_context(application, generated_at=GENERATED_AT, draft=True)["fingerprint"] == base
    picture.sha256 = "0" * 64
    assert application_context(application, generated_at=GENERATED_AT, draft=True)["fingerprint"] != base


def test_context_is_plain_json(ctx):
    application = build(ctx, links=2)
    add_solution_picture(db.session, application.links[0].scenarios[0], make_png(20, 20))
    context = application_context(application, generated_at=GENERATED_AT, draft=True)
    assert json.loads(json.dumps(context, ensure_ascii=False)) == context
    assert context["links"][0]["scenarios"][0]["pictures"][0]["name"] == "技术方案示意图.png"


# ---------------------------------------------------------------- pictures

def test_pictures_fit_the_text_width_and_keep_their_ratio(ctx):
    application = build(ctx, links=1, scenarios_per_link=1)
    scenario = application.links[0].scenarios[0]
    store, opener = pictures_store()
    for data, name in ((make_png(2400, 1200), "宽图.png"), (make_png(120, 90), "小图.png")):
        store[add_solution_picture(db.session, scenario, data, name).stored_name] = data
    wide, small = render(application, opener).doc.inline_shapes
    assert wide.width <= Cm(14.66) and abs(wide.width / wide.height - 2.0) < 0.01
    assert (small.width, small.height) == (120 * 12700, 90 * 12700)      # 72 dpi by default, never enlarged


def test_an_unreadable_picture_becomes_a_note(ctx):
    application = build(ctx, links=1, scenarios_per_link=1)
    scenario = application.links[0].scenarios[0]
    add_solution_picture(db.session, scenario, b"not an image", "损坏的图.png")
    add_solution_picture(db.session, scenario, make_png(10, 10), "丢失的图.png")

    def opener(picture):
        if picture["name"] == "丢失的图.png":
            raise FileNotFoundError(picture["stored_name"])
        return b"not an image"

    texts = [p.text for p in render(application, opener).body]
    assert "〔配图“损坏的图.png”无法显示〕" in texts and "〔配图“丢失的图.png”无法显示〕" in texts


# ---------------------------------------------------------------- template, file name, speed

def test_committed_template_is_what_the_build_script_makes():
    assert word_template.template_bytes() == word_template.TEMPLATE_PATH.read_bytes()


def test_file_name_carries_the_enterprise_name(ctx):
    application = build(ctx, links=1, scenarios_per_link=1)
    assert docx_filename(application) == "湖南省智能制造标杆申报书-湖南湘江智能装备股份有限公司.docx"
    application.company_name = ' 湖南/"测试":公司*?\n '
    assert docx_filename(application) == "湖南省智能制造标杆申报书-湖南测试公司.docx"
    application.company_name = None
    assert docx_filename(application) == "湖南省智能制造标杆申报书-湖南湘江智能装备股份有限公司.docx"


def test_rendering_a_large_application_is_fast(ctx):
    application = build(ctx, links=16, scenarios_per_link=3)
    store, opener = pictures_store()
    scenarios = [s for link in application.links for s in link.scenarios]
    for index in range(10):
        data = make_png(260, 260, noise=True, seed=index)       # about 200 KB each
        store[add_solution_picture(db.session, scenarios[index * 4], data, f"图{index}.png").stored_name] = data
    context = application_context(application, generated_at=GENERATED_AT, draft=False)
    render_docx(context, opener)                                  # loading: template, compiled Jinja
    timings = []
    for _ in range(5):        # CPU time of this process, the best of five: other processes share the machine
        started = time.process_time()
        data = render_docx(context, opener)
        timings.append(time.process_time() - started)
    assert min(timings) < 0.15, timings
    assert len(Document(io.BytesIO(data)).inline_shapes) == 10
