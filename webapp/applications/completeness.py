"""What makes an application complete: the required fields of each section, the checks beyond them (sums, lists,
the 环节/场景 blocks, attachments, the stamped scan), and the campaign's eligibility rules.

Pure functions of the application and its campaign (no requests). A check adds to a SectionReport; the checklist
(webapp.applications.checklist) runs them over the sections of the registry.
"""
from decimal import Decimal

from webapp.applications.implementation import SCENARIO_FIELDS
from webapp.applications.rules import (
    Problem, SectionReport, cost_sum_message, not_greater_message, staff_sum_message,
)
from webapp.applications.final_print import STAMP, print_state
from webapp.core.numbers import plain_decimal
from webapp.recognition.repeat_rule import repeat_problems
from webapp.core.text_limits import over_limit_message
from webapp.forms.applications.situation import COSTS
from webapp.models import (
    Application, ApplicationType, AttachmentCategory, Campaign, EnterpriseNature, RuleKey, RuleMode,
)


# ---- required fields ----

# Booleans that must be ticked to count as filled (a 否 to 重大事故 is an answer; an unticked pledge is not).
MUST_BE_TICKED = {"pledge_agreed"}


def _present(name: str, value) -> bool:
    if name in MUST_BE_TICKED:
        return value is True
    return value is not None and value != ""


def report_for(section, application: Application, campaign: Campaign) -> SectionReport:
    """Count what is filled against what the section (a Section of the registry) requires, and list what is missing
    or inconsistent: its required fields, those its data make required, then its own check."""
    report = SectionReport()
    required = list(section.required) + list(section.required_if(application) if section.required_if else ())
    form_labels = _labels(section.form)
    for name in required:
        report.required += 1
        if _present(name, getattr(application, name)):
            report.filled += 1
        else:
            report.problems.append(Problem(section.key, f"请填写“{form_labels.get(name, name)}”。", name))
    if section.check:
        section.check(report, application, campaign)
    return report


def _labels(form: type | None) -> dict[str, str]:
    if form is None:
        return {}
    return {name: field.args[0] if field.args else name
            for name, field in vars(form).items() if hasattr(field, "field_class")}


# ---- fields that the data make required ----

def basic_required_if(application: Application) -> tuple[str, ...]:
    return ("nature_other",) if application.nature is EnterpriseNature.OTHER else ()


def investment_required_if(application: Application) -> tuple[str, ...]:
    if application.app_type is ApplicationType.WORKSHOP:
        return ("workshop_name", "workshop_invest_total", "workshop_invest_3y")
    return ()


def honours_required_if(application: Application) -> tuple[str, ...]:
    return (("maturity_level",) if application.honour_maturity_certified else ()) + \
        (("honour_other_text",) if application.honour_other else ())


# ---- checks beyond the required fields ----


def check_economics(report, application, campaign):
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


def check_lists(section_key: str, form: type):
    """At least one item in each list of a list section (实现功能; 关键问题 and 关键技术)."""

    def check(report, application, campaign):
        for anchor, kind in form.LISTS.items():
            report.required += 1
            if application.items(kind):
                report.filled += 1
            else:
                label = getattr(form, anchor).kwargs["label"]
                report.problems.append(Problem(section_key, f"请至少填写一项“{label}”。", f"{anchor}-0"))
    return check


def check_staff(report, application, campaign):
    parts = [application.staff_senior, application.staff_intermediate, application.staff_junior, application.staff_other]
    message = staff_sum_message(application.staff_total, parts)
    if message:
        report.problems.append(Problem("staff", message, "staff_total", kind="invalid"))


def check_investment(report, application, campaign):
    workshop = application.app_type is ApplicationType.WORKSHOP
    target = application.workshop_invest_3y if workshop else application.invest_3y
    costs = [getattr(application, name) for name in COSTS]
    for message, anchor in (
        (cost_sum_message(costs, target, workshop), "cost_personnel"),
        (not_greater_message(application.invest_3y, application.invest_total, "企业近3年总投入不能大于企业总投入。"),
         "invest_3y"),
        (not_greater_message(application.provincial_share, application.domestic_share,
                             "省产软、硬件投资占比不能大于国产占比（省产属于国产）。"), "provincial_share"),
    ):
        if message:
            report.problems.append(Problem("investment", message, anchor, kind="invalid"))


def check_attachments(report, application, campaign):
    present = {a.category for a in application.attachments if a.superseded_at is None}
    for value in campaign.required_attachments:
        category = AttachmentCategory(value)
        report.required += 1
        if category in present:
            report.filled += 1
        elif category is not AttachmentCategory.STAMPED_SCAN:
            report.problems.append(Problem("attachments", f"请上传“{category.label}”。", f"category-{value}"))
    _check_stamped_scan(report, application, AttachmentCategory.STAMPED_SCAN.value in campaign.required_attachments)


def _check_stamped_scan(report, application, required: bool) -> None:
    """The stamped scan must be a scan of the current 盖章版 (定稿): same version, content and proof files."""
    state = print_state(application)
    if not required and not state.scans:
        return
    anchor = "category-stamped_scan"
    if state.final is None:
        report.problems.append(Problem("attachments", "请在内容填写完成后生成盖章版（定稿），打印、签字盖章后上传扫描件。",
                                       anchor, kind=STAMP))
    elif not state.current:
        report.problems.append(Problem(
            "attachments", f"盖章版（第{state.final.version}版）已过期：{state.stale_reason}。请重新生成盖章版，"
            "打印、签字盖章后重新上传扫描件。", anchor, kind=STAMP))
    elif not state.scans:
        report.problems.append(Problem("attachments", f"请上传盖章版（第{state.final.version}版）签字盖章后的扫描件。",
                                       anchor, kind=STAMP))
    elif not state.scan_current:
        report.problems.append(Problem(
            "attachments", f"已上传的盖章扫描件不是当前盖章版（第{state.final.version}版，校验码 "
            f"{state.final.fingerprint}）的扫描件：请上传当前盖章版签字盖章后的扫描件。", anchor, kind=STAMP))


def check_implementation(report: SectionReport, application: Application, campaign: Campaign) -> None:
    """At least one 环节, at least one 场景 per 环节, every required item of every 场景, no scenario twice,
    guide scenarios of the block's own 环节 and edition, no item over its limit."""
    report.required += 1
    if application.links:
        report.filled += 1
    else:
        report.problems.append(Problem("implementation", "请至少添加一个智能制造环节及其场景。", "links"))
    seen = set()
    for link_index, app_link in enumerate(application.links, start=1):
        prefix = f"环节{link_index}（{app_link.link.name}）"
        if app_link.link.edition_id != application.edition_id:
            report.problems.append(Problem("implementation", f"{prefix}：不属于本批次采用的场景指引版本，请删除后重新添加。",
                                           f"link-{app_link.id}", kind="invalid"))
        if not app_link.scenarios:
            report.problems.append(Problem("implementation", f"{prefix}：请至少添加一个场景。", f"link-{app_link.id}"))
        for scenario_index, scenario in enumerate(app_link.scenarios, start=1):
            where = f"{prefix}场景{scenario_index}"
            if scenario.scenario_id is not None:
                if scenario.scenario_id in seen:
                    report.problems.append(Problem(
                        "implementation", f"{where}：典型场景“{scenario.scenario.name}”重复选择。",
                        f"scenario-{scenario.id}", kind="invalid"))
                elif scenario.scenario.link_id != app_link.link_id:
                    report.problems.append(Problem(
                        "implementation", f"{where}：典型场景“{scenario.scenario.name}”不属于该环节。",
                        f"scenario-{scenario.id}", kind="invalid"))
                seen.add(scenario.scenario_id)
            for column, label, limit, required in SCENARIO_FIELDS:
                value = (getattr(scenario, column) or "").strip()
                if len(value) > limit:
                    report.problems.append(Problem(
                        "implementation", f"{where}：“{label}”{over_limit_message(limit, len(value))}",
                        f"scenario-{scenario.id}-{column}", kind="invalid"))
                if not required:
                    continue
                report.required += 1
                if value:
                    report.filled += 1
                else:
                    report.problems.append(Problem("implementation", f"{where}：请填写“{label}”。",
                                                   f"scenario-{scenario.id}-{column}"))


# ---- eligibility ----

def latest_revenue(application: Application) -> Decimal | None:
    years = [y for y in application.economic_years if y.revenue is not None]
    return max(years, key=lambda y: y.year).revenue if years else None


def eligibility_problems(application: Application, campaign: Campaign,
                         blocks: tuple[int, int] | None = None) -> list[Problem]:
    """The campaign's rules for the chosen type; each blocks submission or only warns the unit.

    `blocks`: the numbers of 环节 and 场景 if already counted (a list of applications counts them in one query
    instead of loading every block)."""
    app_type = application.app_type
    if app_type is None:
        return []
    problems = []
    workshop = app_type is ApplicationType.WORKSHOP

    def check(key: RuleKey, ok, message: str, section: str, anchor: str, pending: bool = False):
        """`pending`: the data the rule reads are not filled in yet (待填写, shown in a neutral style)."""
        rule = campaign.rule(key, app_type)
        if rule is None or rule.mode is RuleMode.OFF or (not pending and ok(rule.threshold)):
            return
        problems.append(Problem(section, message.format(t=plain_decimal(rule.threshold) if rule.threshold is not None else ""),
                                anchor, kind="eligibility", blocking=rule.mode is RuleMode.BLOCK, pending=pending))

    links, scenarios = blocks if blocks is not None else (len(application.links), application.scenario_count)
    label = app_type.label
    check(RuleKey.MIN_LINKS, lambda t: links >= t,
          f"{label}至少涵盖{{t}}个智能制造环节（当前{links}个）。" if links else
          f"{label}至少涵盖{{t}}个智能制造环节（在“三、智能制造实施内容”中添加）。",
          "implementation", "links", pending=not links)
    check(RuleKey.MIN_SCENARIOS, lambda t: scenarios >= t,
          f"{label}至少包含{{t}}个智能制造场景（当前{scenarios}个）。" if scenarios else
          f"{label}至少包含{{t}}个智能制造场景（在“三、智能制造实施内容”中添加）。",
          "implementation", "links", pending=not scenarios)
    revenue = latest_revenue(application)
    check(RuleKey.MIN_REVENUE, lambda t: revenue >= t,
          f"申报{label}要求最近一年主营业务收入不低于{{t}}万元（当前{plain_decimal(revenue)}）。" if revenue is not None else
          f"申报{label}要求最近一年主营业务收入不低于{{t}}万元（填写近三年主要经济指标后核对）。",
          "economics", "years", pending=revenue is None)
    investment = application.workshop_invest_3y if workshop else application.invest_3y
    whose = "车间" if workshop else "企业"
    check(RuleKey.MIN_INVESTMENT, lambda t: investment >= t,
          f"申报{label}要求{whose}近3年智能制造总投入不低于{{t}}万元"
          + (f"（当前{plain_decimal(investment)}）。" if investment is not None else "（填写投入情况后核对）。"),
          "investment", "workshop_invest_3y" if workshop else "invest_3y", pending=investment is None)
    check(RuleKey.NO_MAJOR_ACCIDENT, lambda t: application.major_accident is not True,
          "企业近三年发生过重大安全生产事故或重大环境事故。", "honours", "major_accident")
    return problems + repeat_problems(application, campaign)
