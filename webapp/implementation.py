"""三、智能制造实施内容: 环节 blocks holding 场景 blocks. Domain rules and operations, no request objects."""
from .models import Application, Campaign
from .rules import Problem, SectionReport

# The seven items of a 场景 block (附件2): column, label, character limit, required.
SCENARIO_FIELDS = [
    ("name", "具体场景名称", 100, True),
    ("description", "具体场景描述", 150, True),
    ("pain_points", "解决的痛点问题", 150, True),
    ("solution", "采用的技术方案", 300, True),
    ("safeguards", "保障要素", 150, True),
    ("results", "实施成果", 200, True),
    ("other", "其他", 150, False),
]


def implementation_problems(report: SectionReport, application: Application, campaign: Campaign) -> None:
    """At least one 环节, at least one 场景 per 环节, every required item of every 场景, no scenario twice."""
    report.required += 1
    if application.links:
        report.filled += 1
    else:
        report.problems.append(Problem("implementation", "请至少添加一个智能制造环节及其场景。", "links"))
    seen = set()
    for link_index, app_link in enumerate(application.links, start=1):
        prefix = f"环节{link_index}（{app_link.link.name}）"
        if not app_link.scenarios:
            report.problems.append(Problem("implementation", f"{prefix}：请至少添加一个场景。", f"link-{app_link.id}"))
        for scenario_index, scenario in enumerate(app_link.scenarios, start=1):
            if scenario.scenario_id is not None:
                if scenario.scenario_id in seen:
                    report.problems.append(Problem(
                        "implementation", f"{prefix}场景{scenario_index}：典型场景“{scenario.scenario.name}”重复选择。",
                        f"scenario-{scenario.id}", kind="invalid"))
                seen.add(scenario.scenario_id)
            for column, label, _limit, required in SCENARIO_FIELDS:
                if not required:
                    continue
                report.required += 1
                if (getattr(scenario, column) or "").strip():
                    report.filled += 1
                else:
                    report.problems.append(Problem("implementation", f"{prefix}场景{scenario_index}：请填写“{label}”。",
                                                   f"scenario-{scenario.id}-{column}"))
