"""Importing a filled Word 申报书 into an application: what the file gives, section by section, against what the form
holds (the preview), and what the user chose to take.

    plan = build_plan(application, read_docx(data), Choices())
    plan.sections   # the form sections: a row per value, with the form's verdict on it (word_import_sections)
    plan.links      # 三: the file's 环节 and 场景 matched to the guide and to the form's blocks (word_import_links)

Nothing here writes: word_import_apply takes the user's selection through the same section forms, in one write.
"""
from dataclasses import dataclass, field

from webapp.applications.sections import SECTION_BY_KEY
from webapp.applications.versions import section_version
from webapp.applications.word_import_links import Choices, LinkPlan, plan_links
from webapp.applications.word_import_sections import FORM_SECTIONS, Row, SectionPlan, plan_section
from webapp.documents.word_reader import ParsedDocument
from webapp.documents.word_reader.labels import fold, similarity
from webapp.models import Application, ApplicationType

IMPLEMENTATION = "implementation"
ALL = "all"
WORKSHOP_FIELDS = ("investment.workshop_name", "investment.workshop_invest_total", "investment.workshop_invest_3y")


@dataclass
class ImportPlan:
    application: Application
    parsed: ParsedDocument
    sections: list[SectionPlan]
    links: list[LinkPlan]
    implementation_version: int
    problems: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, Row]]:
        """Every row with the key of its section, in the form's order."""
        out = [(plan.section.key, row) for plan in self.sections for row in plan.rows]
        return out + [(IMPLEMENTATION, row) for link in self.links for row in link.all_rows]

    @property
    def importable(self) -> int:
        return sum(1 for _section, row in self.rows() if row.importable)

    @property
    def implementation_importable(self) -> bool:
        """三 has something new or different to import (else its "import the whole part" box is not offered)."""
        return any(row.importable for link in self.links for row in link.all_rows)

    def versions(self) -> dict[str, int]:
        versions = {plan.section.key: plan.version for plan in self.sections}
        versions[IMPLEMENTATION] = self.implementation_version
        return versions


@dataclass
class Selection:
    """What to import: "all", whole sections ("section:basic"), a 环节 or 场景 block of the file ("link:2",
    "scenario:2.1") or single rows by key; only rows that can be imported are ever taken."""
    keys: set[str]

    def takes(self, section_key: str, row_key: str) -> bool:
        if ALL in self.keys or f"section:{section_key}" in self.keys or row_key in self.keys:
            return True
        parts = row_key.split(".")
        return section_key == IMPLEMENTATION and (f"link:{parts[1]}" in self.keys or (
            len(parts) > 2 and f"scenario:{parts[1]}.{parts[2]}" in self.keys))


def build_plan(application: Application, parsed: ParsedDocument, choices: Choices | None = None) -> ImportPlan:
    found, notes = _prepared(application, parsed)
    app_type = _file_type(found.get("cover.app_type"))
    sections = []
    for section in FORM_SECTIONS:
        values = {key: value for key, value in found.items() if key.split(".", 1)[0] == section.key}
        if values:
            sections.append(plan_section(section, application, values, app_type, notes))
    links = plan_links(application, parsed.links, choices or Choices())
    problems = [f"文件中没有“{title}”部分，其内容未导入。" for title in parsed.missing] + list(parsed.problems)
    problems += _listed_only(parsed)
    return ImportPlan(application, parsed, sections, links,
                      section_version(application, IMPLEMENTATION).version, problems)


def _prepared(application: Application, parsed: ParsedDocument) -> tuple[dict, dict[str, list[str]]]:
    """The file's values by key, with the cover's 申报单位 standing in for an empty 企业名称; notes on values that
    are readable but worth a second look."""
    found = dict(parsed.fields)
    notes: dict[str, list[str]] = {}
    cover_name = found.pop("cover.company_name", "")
    if cover_name and not found.get("basic.company_name"):
        found["basic.company_name"] = cover_name
        notes["basic.company_name"] = ["取自封面的“申报单位”。"]
    elif cover_name and fold(cover_name) != fold(found.get("basic.company_name") or ""):
        notes["basic.company_name"] = [f"封面的“申报单位”写作“{cover_name}”，与企业名称不一致。"]
    if _file_type(found.get("cover.app_type")) is ApplicationType.WORKSHOP \
            and application.app_type is not ApplicationType.WORKSHOP:
        for key in WORKSHOP_FIELDS:
            notes[key] = ["车间的三项只在申报类型为“标杆车间”时保存，请同时导入封面的“申报类型”。"]
    code = fold(found.get("basic.org_code") or "").upper()
    registered = application.enterprise.credit_code if application.enterprise else ""
    if code and registered and code not in (registered, registered[8:17]):
        notes["basic.org_code"] = [f"与本企业注册的统一社会信用代码（{registered}）不同，请确认这是本企业的申报书。"]
    return found, notes


def _listed_only(parsed: ParsedDocument) -> list[str]:
    """环节 listed in the 基本情况表 (its list is made from 三 in the form) that 三 of the file does not have."""
    if not parsed.links or parsed.links[0].listed_only:
        return []
    described = [link.name for link in parsed.links]
    missing = [name for name in parsed.listed_links if max((similarity(name, d) for d in described), default=0) < 0.8]
    if not missing:
        return []
    return [f"基本情况表“实施智能制造涵盖的环节”中列出的{'、'.join(f'“{n}”' for n in missing)}在“三、智能制造实施内容”中"
            "没有内容，未导入（表单中的环节列表由第三部分生成，请在第三部分添加这些环节）。"]


def _file_type(label) -> ApplicationType | None:
    return next((t for t in ApplicationType if label and fold(label) == fold(t.label)), None)


def section_titles() -> dict[str, str]:
    return {key: section.heading for key, section in SECTION_BY_KEY.items()}
