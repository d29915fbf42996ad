"""The sections of the 申报书 in the official order: key, heading, form, template and completeness check."""
from dataclasses import dataclass
from typing import Callable

from webapp.forms.applications import basic
from webapp.forms.applications import situation
from webapp.forms.applications import text
from webapp.models import Application, ApplicationType, AttachmentCategory, Campaign, EnterpriseNature
from webapp.applications.rules import Problem, SectionReport, cost_sum_message, not_greater_message, staff_sum_message


@dataclass(frozen=True)
class Section:
    key: str
    number: str               # as the form numbers it, e.g. "一（一）"
    title: str
    form: type | None         # None: the section has its own editor (blocks, uploads)
    required: tuple[str, ...] = ()
    group: str = ""

    @property
    def template(self) -> str:
        return f"applications/sections/{self.key}.html"

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()


BASIC_REQUIRED = ("company_name", "org_code", "founded_on", "nature", "industry_division_code", "industry_group_code",
                  "address", "county_adcode", "legal_rep_name", "legal_rep_title", "legal_rep_mobile",
                  "legal_rep_email", "contact_name", "contact_title", "contact_mobile", "contact_email")
EFFECT_COLUMNS = tuple(name for name, _label, _max in situation.EFFECTS)

SECTIONS: list[Section] = [
    Section("cover", "", "封面", basic.CoverForm, ("project_name", "app_type"), "封面"),
    Section("basic", "（一）", "企业基本信息", basic.BasicInfoForm, BASIC_REQUIRED, "一、基本情况表"),
    Section("economics", "", "近三年主要经济指标", basic.EconomicsForm, (), "一、基本情况表"),
    Section("honours", "", "相关荣誉及安全环保情况", basic.HonoursForm, ("major_accident",), "一、基本情况表"),
    Section("staff", "", "智能制造相关技术人员", basic.StaffForm,
            ("staff_total", "staff_senior", "staff_intermediate", "staff_junior", "staff_other"), "一、基本情况表"),
    Section("profile", "", "企业简介", basic.ProfileForm, ("profile",), "一、基本情况表"),
    Section("investment", "（二）", "智能制造情况（投入）", situation.InvestmentForm,
            ("invest_total", "invest_3y", *situation.COSTS, "domestic_share", "provincial_share"), "一、基本情况表"),
    Section("functions", "", "智能制造实现功能", situation.FunctionsForm, (), "一、基本情况表"),
    Section("innovation", "", "智能制造技术创新能力", situation.InnovationForm,
            ("support_institutions", "partners"), "一、基本情况表"),
    Section("achievements", "", "已取得智能制造技术成果", situation.AchievementsForm, (), "一、基本情况表"),
    Section("effects", "", "智能制造实施效果", situation.EffectsForm, EFFECT_COLUMNS, "一、基本情况表"),
    Section("pledge", "", "真实性承诺", situation.PledgeForm, ("pledge_legal_rep", "pledge_agreed"), "一、基本情况表"),
    Section("overview", "二、", "企业情况概述", text.OverviewForm,
            ("overview_company", "overview_technology", "overview_advantages"), "二至七"),
    Section("implementation", "三、", "智能制造实施内容", None, (), "二至七"),
    Section("integration", "", "协同集成情况", text.IntegrationForm, ("integration",), "二至七"),
    Section("outcomes", "四、", "智能制造实施成效", text.OutcomesForm, ("outcomes",), "二至七"),
    Section("influence", "五、", "行业影响及示范作用", text.InfluenceForm,
            ("influence", "advancement", "demonstration"), "二至七"),
    Section("plan", "六、", "下一步工作计划", text.PlanForm, ("next_steps",), "二至七"),
    Section("lessons", "七、", "智能制造经验总结", text.LessonsForm, ("lessons",), "二至七"),
    Section("attachments", "八、", "相关证明材料", None, (), "八、相关证明材料"),
]
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


# Booleans that must be ticked to count as filled (a 否 to 重大事故 is an answer; an unticked pledge is not).
MUST_BE_TICKED = {"pledge_agreed"}


def _present(name: str, value) -> bool:
    if name in MUST_BE_TICKED:
        return value is True
    return value is not None and value != ""


def report_for(section: Section, application: Application, campaign: Campaign) -> SectionReport:
    """Count what is filled against what is required, and list what is missing or inconsistent."""
    report = SectionReport()
    required = list(section.required)
    if section.key == "basic" and application.nature is EnterpriseNature.OTHER:
        required.append("nature_other")
    if section.key == "investment" and application.app_type is ApplicationType.WORKSHOP:
        required += ["workshop_name", "workshop_invest_total", "workshop_invest_3y"]
    if section.key == "honours":
        if application.honour_maturity_certified:
            required.append("maturity_level")
        if application.honour_other:
            required.append("honour_other_text")
    form_labels = _labels(section)
    for name in required:
        report.required += 1
        if _present(name, getattr(application, name)):
            report.filled += 1
        else:
            report.problems.append(Problem(section.key, f"请填写“{form_labels.get(name, name)}”。", name))
    EXTRA_CHECKS.get(section.key, lambda *a: None)(report, application, campaign)
    return report


def _labels(section: Section) -> dict[str, str]:
    if section.form is None:
        return {}
    return {name: field.args[0] if field.args else name
            for name, field in vars(section.form).items() if hasattr(field, "field_class")}


def _check_economics(report, application, campaign):
    by_year = {y.year: y for y in application.economic_years}
    labels = {"total_assets": "总资产", "debt_ratio": "负债率", "revenue": "主营业务收入", "taxes": "上缴税金",
              "profit": "实现利润"}
    for index, year in enumerate(campaign.economic_years):
        row = by_year.get(year)
        for column, label in labels.items():
            report.required += 1
            if row is not None and getattr(row, column) is not None:
                report.filled += 1
            else:
                report.problems.append(Problem("economics", f"请填写{year}年“{label}”。", f"years-{index}-{column}"))


def _check_lists(section_key: str):
    """At least one item in each list of a list section (实现功能; 关键问题 and 关键技术)."""
    form = SECTION_BY_KEY[section_key].form

    def check(report, application, campaign):
        for anchor, kind in form.LISTS.items():
            report.required += 1
            if application.items(kind):
                report.filled += 1
            else:
                label = getattr(form, anchor).kwargs["label"]
                report.problems.append(Problem(section_key, f"请至少填写一项“{label}”。", f"{anchor}-0"))
    return check


def _check_staff(report, application, campaign):
    parts = [application.staff_senior, application.staff_intermediate, application.staff_junior, application.staff_other]
    message = staff_sum_message(application.staff_total, parts)
    if message:
        report.problems.append(Problem("staff", message, "staff_total", kind="invalid"))


def _check_investment(report, application, campaign):
    workshop = application.app_type is ApplicationType.WORKSHOP
    target = application.workshop_invest_3y if workshop else application.invest_3y
    costs = [getattr(application, name) for name in situation.COSTS]
    for message, anchor in (
        (cost_sum_message(costs, target, workshop), "cost_personnel"),
        (not_greater_message(application.invest_3y, application.invest_total, "企业近3年总投入不能大于企业总投入。"),
         "invest_3y"),
        (not_greater_message(application.provincial_share, application.domestic_share,
                             "省产软、硬件投资占比不能大于国产占比（省产属于国产）。"), "provincial_share"),
    ):
        if message:
            report.problems.append(Problem("investment", message, anchor, kind="invalid"))


def _check_implementation(report, application, campaign):
    from webapp.applications.implementation import implementation_problems
    implementation_problems(report, application, campaign)


def _check_attachments(report, application, campaign):
    present = {a.category for a in application.attachments}
    for value in campaign.required_attachments:
        category = AttachmentCategory(value)
        report.required += 1
        if category in present:
            report.filled += 1
        else:
            report.problems.append(Problem("attachments", f"请上传“{category.label}”。", f"category-{value}"))
    _check_stamped_scan(report, application)


def _check_stamped_scan(report, application):
    """The stamped print must be of the current content: its footer's 校验码 equals the content's fingerprint."""
    scans = [a for a in application.attachments
             if a.category is AttachmentCategory.STAMPED_SCAN and a.document_fingerprint]
    if not scans:
        return
    from webapp.applications.word import content_fingerprint   # late: word imports the renderer, which needs the models only

    current = content_fingerprint(application)
    if all(scan.document_fingerprint != current for scan in scans):
        report.problems.append(Problem(
            "attachments", f"盖章申报书扫描件的校验码（{scans[-1].document_fingerprint}）与当前申报书内容（{current}）"
            "不一致：打印后内容有修改，请重新下载Word版、打印盖章后上传扫描件。", "category-stamped_scan",
            kind="invalid"))


EXTRA_CHECKS: dict[str, Callable] = {
    "economics": _check_economics,
    "functions": _check_lists("functions"),
    "achievements": _check_lists("achievements"),
    "staff": _check_staff,
    "investment": _check_investment,
    "implementation": _check_implementation,
    "attachments": _check_attachments,
}
