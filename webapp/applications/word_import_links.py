"""三、智能制造实施内容 of an import: the file's 环节 and 场景 matched to the guide and to the blocks already in the
form, each 场景's seven items checked by the 场景 block's own form (ScenarioForm), its pictures compared by content."""
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from webapp.applications.implementation import SCENARIO_COLUMNS, SCENARIO_FIELDS
from webapp.applications.word_import_match import Match, match_link, match_scenario
from webapp.applications.word_import_sections import Row, same
from webapp.documents.word_reader import ParsedLink, ParsedScenario, Picture
from webapp.forms.applications.implementation import ScenarioForm
from webapp.models import Application, ApplicationLink, ApplicationScenario

LABELS = {column: label for column, label, _limit, _required in SCENARIO_FIELDS}
PICTURE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}
PREFIX = "s"


@dataclass
class Choices:
    """What the user chose in the preview: the guide 环节 of a file 环节 (by its number in the file), the guide
    scenario of a file 场景 (an id, or "own")."""
    links: dict[int, int] = field(default_factory=dict)
    scenarios: dict[tuple[int, int], int | str] = field(default_factory=dict)


@dataclass
class ScenarioPlan:
    key: str                            # "implementation.<link>.<scenario>", numbered as in the file
    parsed: ParsedScenario
    match: Match                        # the guide scenario; target None: an own scenario
    existing: ApplicationScenario | None
    rows: list[Row]
    pictures: Row | None = None
    new_pictures: list[tuple[Picture, str]] = field(default_factory=list)    # not yet among its 配图, with names
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.match.target.name if self.match.target else "自定义场景"

    @property
    def all_rows(self) -> list[Row]:
        return self.rows + ([self.pictures] if self.pictures else [])


@dataclass
class LinkPlan:
    key: str                            # "implementation.<link>"
    index: int
    parsed: ParsedLink
    match: Match
    existing: ApplicationLink | None
    row: Row                            # the 环节 itself (a block to add)
    scenarios: list[ScenarioPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_rows(self) -> list[Row]:
        """Its rows; the 环节 itself is a row of its own only without 场景 (else it comes with them)."""
        return ([] if self.scenarios else [self.row]) + [row for s in self.scenarios for row in s.all_rows]


def plan_links(application: Application, links: list[ParsedLink], choices: Choices) -> list[LinkPlan]:
    guide = list(application.edition.links)
    existing = {app_link.link_id: app_link for app_link in application.links}
    plans, used, first_of = [], set(), {}
    for index, parsed in enumerate(links, start=1):
        match = match_link(parsed.name, guide, choices.links.get(index))
        block = existing.get(match.target.id) if match.target else None
        plan = LinkPlan(f"implementation.{index}", index, parsed, match, block, _link_row(index, parsed, match, block))
        if match.target and not match.exact:
            plan.notes.append(f"文件中写作“{parsed.name}”，最接近的指引环节为“{match.target.name}”"
                              f"（相似度 {match.percent}%），请确认或更正。")
        if match.target and match.target.id in first_of:
            plan.notes.append(f"与文件中的第{first_of[match.target.id]}个环节同为“{match.target.name}”，将合并到同一环节。")
        if match.target:
            first_of.setdefault(match.target.id, index)
        if parsed.listed_only:
            plan.notes.append("只在基本情况表的“实施智能制造涵盖的环节”中列出，“三、智能制造实施内容”中没有它的内容。")
        for number, scenario in enumerate(parsed.scenarios, start=1):
            plan.scenarios.append(_scenario_plan(plan, number, scenario, used, choices))
        plans.append(plan)
    return plans


def _link_row(index: int, parsed: ParsedLink, match: Match, block: ApplicationLink | None) -> Row:
    row = Row(f"implementation.{index}", "环节", match.target.name if match.target else parsed.name,
              block.link.name if block else "", "same" if block else "new")
    if match.target is None:
        row.state = "problem"
        row.problems.append(f"指引中没有与“{parsed.name or '（未填写环节名称）'}”相近的环节，请在下拉框中选择对应的环节。")
    row.value = match.target.name if match.target else None
    return row


def _scenario_plan(link: LinkPlan, number: int, parsed: ParsedScenario, used: set, choices: Choices) -> ScenarioPlan:
    name = parsed.values.get("name", "")
    match = match_scenario(parsed.title, name, link.match.target, used, choices.scenarios.get((link.index, number)))
    if match.target:
        used.add(match.target.id)
    existing = _existing_block(link.existing, match, name)
    plan = ScenarioPlan(f"{link.key}.{number}", parsed, match, existing, [], notes=list(parsed.problems))
    written = parsed.title or name
    if match.target and not match.exact and not match.chosen:
        plan.notes.append(f"文件中写作“{written}”，最接近的指引场景为“{match.target.name}”（相似度 {match.percent}%），"
                          "请确认或更正。")
    elif match.target is None and parsed.title and parsed.title != "自定义场景" and not match.chosen:
        plan.notes.append(f"“{written}”不是环节“{link.match.target.name if link.match.target else ''}”的典型场景，"
                          "将作为自定义场景导入（可在下拉框中改选）。")
    plan.rows = _scenario_rows(plan, existing, match)
    plan.pictures, plan.new_pictures = _pictures_row(plan, parsed, existing)
    if link.match.target is None:
        for row in plan.all_rows:
            row.state, row.problems = "problem", row.problems + ["请先为所属环节选择对应的指引环节。"]
    return plan


def _existing_block(app_link: ApplicationLink | None, match: Match, name: str) -> ApplicationScenario | None:
    """The block already in the form for this 场景: the same guide scenario, or an own one of the same name."""
    if app_link is None:
        return None
    for block in app_link.scenarios:
        if match.target is not None and block.scenario_id == match.target.id:
            return block
        if match.target is None and block.scenario_id is None and same(block.name or "", name):
            return block
    return None


def current_values(existing: ApplicationScenario | None, match: Match, name: str) -> dict:
    """The seven items as the block holds them, or as a new block would start (a guide scenario's name)."""
    if existing is not None:
        return {column: getattr(existing, column) or "" for column in SCENARIO_COLUMNS}
    start = match.target.name if match.target else name
    return {column: (start if column == "name" else "") for column in SCENARIO_COLUMNS}


def scenario_form(values: dict) -> ScenarioForm:
    form = ScenarioForm(formdata=MultiDict({f"{PREFIX}-{k}": v for k, v in values.items()}), prefix=PREFIX,
                        meta={"csrf": False})
    form.validate()
    return form


def _scenario_rows(plan: ScenarioPlan, existing, match: Match) -> list[Row]:
    values = plan.parsed.values
    current = current_values(existing, match, values.get("name", ""))
    shown = {column: getattr(existing, column) or "" for column in SCENARIO_COLUMNS} if existing else {}
    checked = scenario_form({**current, **{k: v for k, v in values.items() if v}})
    rows = []
    for column in SCENARIO_COLUMNS:
        found = values.get(column, "")
        row = Row(f"{plan.key}.{column}", LABELS[column], found, shown.get(column, ""), "empty",
                  stored=shown.get(column) or None)
        if found:
            errors = checked[column].errors
            if errors:
                row.state, row.problems = "problem", list(errors)
            else:
                row.value = checked[column].data
                row.state = "same" if same(found, row.current) else "new" if not row.current else "differs"
        rows.append(row)
    return rows


def _pictures_row(plan: ScenarioPlan, parsed: ParsedScenario, existing) -> tuple[Row | None, list]:
    if not parsed.pictures:
        return None, []
    have = {p.sha256 for p in existing.pictures} if existing else set()
    usable = [(p, picture_name(p, number)) for number, p in
              enumerate((p for p in parsed.pictures if p.content_type in PICTURE_TYPES), start=1)]
    new = [(p, name) for p, name in usable if p.sha256 not in have]
    row = Row(f"{plan.key}.pictures", "技术方案配图", [name for _p, name in usable],
              [p.original_name for p in existing.pictures] if existing else [], "new" if new else "same")
    skipped = len(parsed.pictures) - len(usable)
    if skipped:
        row.notes.append(f"另有 {skipped} 张图片不是 JPG 或 PNG 格式，未导入（可另存为 JPG/PNG 后在表单中上传）。")
    if not usable:
        row.state = "problem"
        row.problems.append("图片不是 JPG 或 PNG 格式，不能作为配图导入。")
    row.value = [{"name": name, "sha256": p.sha256, "size": p.size} for p, name in usable]
    if new and len(new) < len(usable):
        row.notes.append(f"其中 {len(usable) - len(new)} 张已是本场景的配图，不重复导入。")
    return row, new


def picture_name(picture: Picture, number: int) -> str:
    """The picture's own file name where Word kept one, else 技术方案配图N."""
    extension = PICTURE_TYPES.get(picture.content_type, "")
    name = (picture.name or "").strip()
    if name.lower().endswith((".png", ".jpg", ".jpeg")) and not name.lower().startswith("image."):
        return name
    return f"技术方案配图{number}{extension}"
