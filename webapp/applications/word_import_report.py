"""An import plan as plain data: what a Word file would give (JSON for the console), and how it compares with what
an application holds, value by value and block by block in order."""
from dataclasses import dataclass

from webapp.applications.implementation import SCENARIO_COLUMNS
from webapp.applications.word_import import ImportPlan
from webapp.applications.word_import_links import LABELS, LinkPlan
from webapp.applications.word_import_sections import same
from webapp.models import Application, AttachmentCategory

READABLE = ("new", "differs", "same")


def plan_json(plan: ImportPlan) -> dict:
    """{"fields": {"<section>.<field>": value}, "links": [{"link", "scenarios": [...]}], "problems": [...]}"""
    fields = {row.key: row.value for section in plan.sections for row in section.rows if row.state in READABLE}
    return {"fields": fields, "links": [_link_json(link) for link in plan.links], "problems": problems(plan)}


def _link_json(link: LinkPlan) -> dict:
    target = link.match.target
    return {"link": target.name if target else link.parsed.name, "written": link.parsed.name,
            "similarity": round(link.match.similarity, 2), "scenarios": [{
                "scenario": s.match.target.name if s.match.target else None, "written": s.parsed.title,
                "similarity": round(s.match.similarity, 2),
                **{column: s.parsed.values.get(column, "") for column in SCENARIO_COLUMNS},
                "pictures": s.pictures.value if s.pictures else []} for s in link.scenarios]}


def problems(plan: ImportPlan) -> list[str]:
    """Everything the user should look at, in the form's order: the file's, each value's, each block's."""
    found = list(plan.problems)
    for section in plan.sections:
        found += [f"{section.section.heading}：{message}" for message in section.problems]
        found += [f"{section.section.heading} {row.label}：{'；'.join(row.problems)}" for row in section.rows
                  if row.problems]
    for link in plan.links:
        where = f"三、环节{link.index}（{link.parsed.name or '未填写名称'}）"
        found += [f"{where}：{note}" for note in link.notes + link.row.problems]
        for scenario in link.scenarios:
            found += [f"{where} 场景{scenario.key.rsplit('.', 1)[1]}：{note}" for note in scenario.notes]
            found += [f"{where} 场景{scenario.key.rsplit('.', 1)[1]} {row.label}：{'；'.join(row.problems)}"
                      for row in scenario.all_rows if row.problems]
    return found


@dataclass(frozen=True)
class Difference:
    key: str
    label: str
    in_file: object
    stored: object


def compare(plan: ImportPlan, application: Application) -> tuple[int, list[Difference]]:
    """(how many values are equal, the differences): every value the file gives against the stored one, and the
    环节/场景 blocks in their order (a block missing on either side differs)."""
    equal, differences = 0, []
    for section in plan.sections:
        for row in section.rows:
            value = row.value if row.state in READABLE else (None if row.state == "empty" else row.found)
            if row.state != "problem" and same(value, row.stored):
                equal += 1
            else:
                differences.append(Difference(row.key, f"{section.section.heading} {row.label}", value, row.stored))
    link_equal, link_differences = _compare_links(plan, application)
    return equal + link_equal, differences + link_differences


def _compare_links(plan: ImportPlan, application: Application) -> tuple[int, list[Difference]]:
    equal, differences = 0, []
    stored_links = list(application.links)
    for index in range(max(len(plan.links), len(stored_links))):
        link = plan.links[index] if index < len(plan.links) else None
        stored = stored_links[index] if index < len(stored_links) else None
        file_name = link.match.target.name if link and link.match.target else (link.parsed.name if link else None)
        pairs = [(f"implementation.{index + 1}", f"环节{index + 1}", file_name, stored.link.name if stored else None)]
        scenarios = link.scenarios if link else []
        stored_scenarios = list(stored.scenarios) if stored else []
        for number in range(max(len(scenarios), len(stored_scenarios))):
            scenario = scenarios[number] if number < len(scenarios) else None
            block = stored_scenarios[number] if number < len(stored_scenarios) else None
            pairs += _scenario_pairs(f"implementation.{index + 1}.{number + 1}", f"环节{index + 1} 场景{number + 1}",
                                     scenario, block)
        for key, label, in_file, in_store in pairs:
            if same(in_file, in_store):
                equal += 1
            else:
                differences.append(Difference(key, label, in_file, in_store))
    return equal, differences


def _scenario_pairs(key: str, label: str, scenario, block) -> list[tuple]:
    guide = scenario.match.target.name if scenario and scenario.match.target else ("自定义场景" if scenario else None)
    stored_guide = (block.scenario.name if block.scenario else "自定义场景") if block else None
    pairs = [(f"{key}.scenario", f"{label} 典型场景", guide, stored_guide)]
    for column in SCENARIO_COLUMNS:
        pairs.append((f"{key}.{column}", f"{label} {LABELS[column]}",
                      scenario.parsed.values.get(column) if scenario else None,
                      getattr(block, column) if block else None))
    pictures = [p.sha256 for p in scenario.parsed.pictures] if scenario else []
    stored = [p.sha256 for p in block.pictures if p.category is AttachmentCategory.SOLUTION_PICTURE] if block else []
    if pictures or stored:
        pairs.append((f"{key}.pictures", f"{label} 技术方案配图", pictures, stored))
    return pairs
