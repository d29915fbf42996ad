"""Completeness, consistency and eligibility of an application: pure functions of the data and the campaign.

Form validators call the same consistency checks on posted values, so a rule is written once.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from webapp.core.numbers import plain_decimal

Number = Decimal | int | None


@dataclass
class Problem:
    section: str
    message: str
    anchor: str = ""          # id of the field or block to link to
    # missing | invalid (inconsistent stored values) | eligibility | stamp (the 盖章版 and its scan) | comment (a unit's
    # comment not yet answered)
    kind: str = "missing"
    blocking: bool = True     # False: a warning the unit sees, submission still allowed
    pending: bool = False     # an eligibility rule whose data are not filled in yet: 待填写, not a failure


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
    return (f"设备费、工业软件费、测试验证和项目咨询费、人员费用之和（{plain_decimal(total)}万元）"
            f"应等于{whose}近3年实施智能制造的总投入（{plain_decimal(target)}万元）。")


def not_greater_message(part: Number, whole: Number, message: str) -> str | None:
    return message if part is not None and whole is not None and part > whole else None


# ---- eligibility -----------------------------------------------------------------------------------------------


