"""The sections of the 申报书 in the official order. Each carries what makes it work: its form and how the form is
configured for an application, its required fields and completeness check, and what its template needs beyond the
form. The editor, the checklist, the read-only view and the unit's comments all go through this registry."""
from collections.abc import Callable
from dataclasses import dataclass

from webapp.applications import completeness as c
from webapp.applications.attachment_list import attachment_overview
from webapp.applications.implementation_editor import Editor
from webapp.applications.section_forms import configure_basic, configure_economics, configure_investment
from webapp.applications.versions import section_version
from webapp.forms.applications import basic, situation, text
from webapp.models import Application

DEFAULT_TEMPLATE = "applications/sections/_form.html"


@dataclass(frozen=True)
class Section:
    key: str
    number: str               # as the form numbers it, e.g. "一（一）"
    title: str
    form: type | None         # None: the section has its own editor (blocks, uploads)
    required: tuple[str, ...] = ()
    group: str = ""
    required_if: Callable[[Application], tuple[str, ...]] | None = None   # fields the data make required
    check: Callable | None = None          # (report, application, campaign): checks beyond the required fields
    configure: Callable | None = None      # (form, application): choices and labels that depend on the data
    context: Callable | None = None        # (application, given) → what the template needs beyond the form
    own_template: bool = False             # else the form's fields in order (DEFAULT_TEMPLATE)
    # Dependent selects (child, parent): the child's list follows the parent's value.
    dependents: tuple[tuple[str, str], ...] = ()

    @property
    def template(self) -> str:
        return f"applications/sections/{self.key}.html" if self.own_template else DEFAULT_TEMPLATE

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()

    def build_form(self, application: Application, *, from_request: bool):
        """The section's form, bound to the posted data (from_request) or loaded from the application."""
        if from_request:
            form = self.form()
        else:
            form = self.form(formdata=None, obj=application)
            form.version.data = str(section_version(application, self.key).version)
            form.load(application)
        if self.configure:
            self.configure(form, application)
        return form

    def open_dependents(self, form) -> list:
        """The dependent selects left empty although their parent is chosen (their list had to follow it)."""
        return [form[child] for child, parent in self.dependents if form[parent].data and not form[child].data]

    def view_context(self, application: Application, given: dict) -> dict:
        """What the section's template needs beyond the form, unless the caller has `given` it already."""
        return self.context(application, given) if self.context else {}


def _implementation_context(application: Application, given: dict) -> dict:
    return {} if "editor" in given else {"editor": Editor(application, open_block=given.get("open_block") or "")}


def _attachments_context(application: Application, given: dict) -> dict:
    return {} if "overview" in given else {"overview": attachment_overview(application)}


BASIC_REQUIRED = ("company_name", "org_code", "founded_on", "nature", "industry_division_code", "industry_group_code",
                  "address", "county_adcode", "legal_rep_name", "legal_rep_title", "legal_rep_mobile",
                  "legal_rep_email", "contact_name", "contact_title", "contact_mobile", "contact_email")
STAFF_REQUIRED = ("staff_total", "staff_senior", "staff_intermediate", "staff_junior", "staff_other")
INVESTMENT_REQUIRED = ("invest_total", "invest_3y", *situation.COSTS, "domestic_share", "provincial_share")
EFFECT_COLUMNS = tuple(name for name, _label, _max in situation.EFFECTS)
BASIC, TEXTS, PROOF = "一、基本情况表", "二至七", "八、相关证明材料"

SECTIONS: list[Section] = [
    Section("cover", "", "封面", basic.CoverForm, ("project_name", "app_type"), "封面", own_template=True),
    Section("basic", "（一）", "企业基本信息", basic.BasicInfoForm, BASIC_REQUIRED, BASIC,
            required_if=c.basic_required_if, configure=configure_basic, own_template=True,
            dependents=(("industry_group_code", "industry_division_code"),)),
    Section("economics", "", "近三年主要经济指标", basic.EconomicsForm, (), BASIC,
            check=c.check_economics, configure=configure_economics, own_template=True),
    Section("honours", "", "相关荣誉及安全环保情况", basic.HonoursForm, ("major_accident",), BASIC,
            required_if=c.honours_required_if, own_template=True),
    Section("staff", "", "智能制造相关技术人员", basic.StaffForm, STAFF_REQUIRED, BASIC,
            check=c.check_staff, own_template=True),
    Section("profile", "", "企业简介", basic.ProfileForm, ("profile",), BASIC),
    Section("investment", "（二）", "智能制造情况（投入）", situation.InvestmentForm, INVESTMENT_REQUIRED, BASIC,
            required_if=c.investment_required_if, check=c.check_investment, configure=configure_investment,
            own_template=True),
    Section("functions", "", "智能制造实现功能", situation.FunctionsForm, (), BASIC,
            check=c.check_lists("functions", situation.FunctionsForm), own_template=True),
    Section("innovation", "", "智能制造技术创新能力", situation.InnovationForm, ("support_institutions", "partners"),
            BASIC),
    Section("achievements", "", "已取得智能制造技术成果", situation.AchievementsForm, (), BASIC,
            check=c.check_lists("achievements", situation.AchievementsForm), own_template=True),
    Section("effects", "", "智能制造实施效果", situation.EffectsForm, EFFECT_COLUMNS, BASIC, own_template=True),
    Section("pledge", "", "真实性承诺", situation.PledgeForm, ("pledge_legal_rep", "pledge_agreed"), BASIC,
            own_template=True),
    Section("overview", "二、", "企业情况概述", text.OverviewForm,
            ("overview_company", "overview_technology", "overview_advantages"), TEXTS),
    Section("implementation", "三、", "智能制造实施内容", None, (), TEXTS,
            check=c.check_implementation, context=_implementation_context, own_template=True),
    Section("integration", "", "协同集成情况", text.IntegrationForm, ("integration",), TEXTS),
    Section("outcomes", "四、", "智能制造实施成效", text.OutcomesForm, ("outcomes",), TEXTS),
    Section("influence", "五、", "行业影响及示范作用", text.InfluenceForm,
            ("influence", "advancement", "demonstration"), TEXTS),
    Section("plan", "六、", "下一步工作计划", text.PlanForm, ("next_steps",), TEXTS),
    Section("lessons", "七、", "智能制造经验总结", text.LessonsForm, ("lessons",), TEXTS),
    Section("attachments", "八、", "相关证明材料", None, (), PROOF,
            check=c.check_attachments, context=_attachments_context, own_template=True),
]
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
