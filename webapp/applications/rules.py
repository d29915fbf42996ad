"""Completeness, consistency and eligibility of an application: pure functions of the data and the campaign.

Form validators call the same consistency checks on posted values, so a rule is written once.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from webapp.models import Application, ApplicationType, Campaign, RuleKey, RuleMode

Number = Decimal | int | None


@dataclass
class Problem:
    section: str
    message: str
    anchor: str = ""          # id of the field or block to link to
    kind: str = "missing"     # missing | invalid (inconsistent stored values) | eligibility
    blocking: bool = True     # False: a warning the unit sees, submission still allowed


@dataclass
class SectionReport:
    filled: int = 0
    required: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def state(self) -> str:
        """未填写 / 未完成 / 已完成 / 有错误, as the section list shows it."""
        if any(p.kind == "invalid" for p in self.problems):
            return "有错误"
        if self.filled == 0 and self.required:
            return "未填写"
        if any(p.blocking for p in self.problems):
            return "未完成"
        return "已完成"


# ---- consistency checks shared with the forms -------------------------------------------------------------------

def staff_sum_message(total: Number, parts: list[Number]) -> str | None:
    if total is None or any(p is None for p in parts) or sum(parts) == total:
        return None
    return f"高级、中级、初级职称和其他人员之和（{sum(parts)}人）应等于总数（{total}人）。"


def cost_sum_message(costs: list[Number], target: Number, workshop: bool) -> str | None:
    if target is None or any(c is None for c in costs):
        return None
    total = sum(costs, Decimal(0))
    if total == target:
        return None
    whose = "车间" if workshop else "企业"
    return (f"设备费、工业软件费、测试验证和项目咨询费、人员费用之和（{_num(total)}万元）"
            f"应等于{whose}近3年实施智能制造的总投入（{_num(target)}万元）。")


def not_greater_message(part: Number, whole: Number, message: str) -> str | None:
    return message if part is not None and whole is not None and part > whole else None


def _num(value) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- eligibility -----------------------------------------------------------------------------------------------

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

    def check(key: RuleKey, ok, message: str, section: str, anchor: str):
        rule = campaign.rule(key, app_type)
        if rule is None or rule.mode is RuleMode.OFF or ok(rule.threshold):
            return
        problems.append(Problem(section, message.format(t=_num(rule.threshold) if rule.threshold is not None else ""),
                                anchor, kind="eligibility", blocking=rule.mode is RuleMode.BLOCK))

    links, scenarios = blocks if blocks is not None else (len(application.links), application.scenario_count)
    label = app_type.label
    check(RuleKey.MIN_LINKS, lambda t: links >= t,
          f"{label}至少涵盖{{t}}个智能制造环节（当前{links}个）。", "implementation", "links")
    check(RuleKey.MIN_SCENARIOS, lambda t: scenarios >= t,
          f"{label}至少包含{{t}}个智能制造场景（当前{scenarios}个）。", "implementation", "links")
    revenue = latest_revenue(application)
    check(RuleKey.MIN_REVENUE, lambda t: revenue is not None and revenue >= t,
          f"申报{label}要求最近一年主营业务收入不低于{{t}}万元（当前{_num(revenue) if revenue is not None else '未填写'}）。",
          "economics", "years")
    investment = application.workshop_invest_3y if workshop else application.invest_3y
    whose = "车间" if workshop else "企业"
    check(RuleKey.MIN_INVESTMENT, lambda t: investment is not None and investment >= t,
          f"申报{label}要求{whose}近3年智能制造总投入不低于{{t}}万元"
          f"（当前{_num(investment) if investment is not None else '未填写'}）。", "investment",
          "workshop_invest_3y" if workshop else "invest_3y")
    check(RuleKey.NO_MAJOR_ACCIDENT, lambda t: application.major_accident is not True,
          "企业近三年发生过重大安全生产事故或重大环境事故。", "honours", "major_accident")
    return problems
