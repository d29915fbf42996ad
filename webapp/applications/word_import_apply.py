"""Taking the chosen part of a Word file into the form: one write (sections_write), each section through its own
form and validators as if typed, 环节/场景 blocks through the block operations, pictures through the upload checks.

A section saved by someone since the preview was made is reported and left as it is; a section whose values the form
refuses is reported with the form's messages; everything else chosen is taken. One WordImport row (the history) and
one audit record describe the import.
"""
import io
from dataclasses import dataclass, field

from webapp.applications.implementation import ImplementationError, add_link, add_scenario, save_scenario
from webapp.applications.sections import SECTION_BY_KEY
from webapp.applications.uploads import ReceivedFile, UploadError, store_upload
from webapp.applications.versions import section_version, sections_write
from webapp.applications.word_import import IMPLEMENTATION, ImportPlan, Selection, build_plan
from webapp.applications.word_import_links import Choices, LinkPlan, ScenarioPlan, current_values, scenario_form
from webapp.applications.word_import_sections import SectionPlan, posted_form
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.documents.word_reader import ParsedDocument
from webapp.models import Application, ApplicationLink, AttachmentCategory, User, WordImport
from webapp.permissions import SECTION_DENIED
from webapp.status import is_editable

PICTURES_SECTION = "attachments"        # where stored files are counted (as the upload views do)


@dataclass(frozen=True)
class SourceFile:
    name: str
    size: int
    sha256: str


@dataclass
class ImportResult:
    imported: dict[str, int] = field(default_factory=dict)       # section key → values taken
    pictures: int = 0
    links_added: int = 0
    scenarios_added: int = 0
    skipped: list[dict] = field(default_factory=list)             # {"section": heading, "reason": text}
    record: WordImport | None = None
    allowed: set[str] | None = None                                # sections the user may edit (None: all)

    @property
    def items(self) -> int:
        return sum(self.imported.values()) + self.pictures

    def skip(self, section_key: str, reason: str, what: str = "") -> None:
        heading = SECTION_BY_KEY[section_key].heading
        self.skipped.append({"section": f"{heading}{('：' + what) if what else ''}", "reason": reason})


def apply_import(application: Application, parsed: ParsedDocument, source: SourceFile, user: User, *,
                 choices: Choices, selection: Selection, seen: dict[str, int] | None,
                 pictures: dict[str, ReceivedFile] | None = None, allowed: set[str] | None = None) -> ImportResult:
    """Import the selected rows; `seen` holds each section's version the preview showed (a section saved since, or
    missing from `seen`, is not touched; None: no preview, take the current versions). `pictures`: files received
    ahead, by sha256 (else they are received here). `allowed`: the sections the user may edit (a colleague's
    rights; None: all), the others are reported, not written. Commits."""
    result = ImportResult(allowed=allowed)
    with sections_write(application, user) as claims:
        plan = build_plan(application, parsed, choices)          # again, on current data, under the write lock
        for section_plan in plan.sections:
            _section(application, section_plan, selection, seen, claims, result)
        _implementation(application, plan, selection, seen, claims, result, pictures or {}, user)
        if result.items:
            result.record = _history(application, source, user, result)
        audit.record("application.word_import", obj=application, actor=user, success=bool(result.items), detail={
            "summary": f"从Word导入：{result.items} 项", "file": source.name, "sha256": source.sha256,
            "sections": result.imported, "pictures": result.pictures, "skipped": result.skipped})
    return result


CHANGED = "此部分在您预览之后已被他人保存，为避免覆盖未导入。请重新上传文件预览后再导入。"
NOT_ASKED = "省厅形式审查要求补正的部分不包括这一部分，未导入。"


def _refused(key: str, application: Application, seen: dict[str, int] | None, result: ImportResult) -> bool:
    """The section may not be written (no right to it, not asked for by an open 补正, or saved since the preview):
    reported, True. The rest of the import goes on."""
    if result.allowed is not None and key not in result.allowed:
        result.skip(key, SECTION_DENIED)
        return True
    if not is_editable(application, key):
        result.skip(key, NOT_ASKED)
        return True
    if seen is not None and seen.get(key) != section_version(application, key).version:
        result.skip(key, CHANGED)
        return True
    return False


def _section(application, plan: SectionPlan, selection: Selection, seen, claims, result: ImportResult) -> None:
    key = plan.section.key
    rows = [row for row in plan.importable if selection.takes(key, row.key)]
    if not rows:
        return
    if _refused(key, application, seen, result):
        return
    form = posted_form(plan.section, application, plan.values.data([row.key for row in rows]))
    if form.errors:
        messages = [m for errors in form.errors.values() for m in _flat(errors)]
        result.skip(key, "表单不接受这些值：" + "；".join(messages[:5]))
        return
    claims.claim(key, plan.version)
    form.save(application)
    db.session.flush()
    result.imported[key] = len(rows)


def _flat(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _flat(value)]
    if isinstance(errors, (list, tuple)):
        return [m for value in errors for m in _flat(value)]
    return [str(errors)]


def _implementation(application, plan: ImportPlan, selection, seen, claims, result, pictures, user) -> None:
    chosen = [(link, [(s, _taken(s, selection)) for s in link.scenarios]) for link in plan.links]
    chosen = [(link, scenarios) for link, scenarios in chosen if any(rows for _s, rows in scenarios) or (
        not link.scenarios and link.row.importable and selection.takes(IMPLEMENTATION, link.row.key))]
    if not chosen:
        return
    if _refused(IMPLEMENTATION, application, seen, result):
        return
    claims.claim(IMPLEMENTATION, plan.implementation_version)
    for link, scenarios in chosen:
        try:
            app_link = _block_of(application, link, result)
        except ImplementationError as refused:
            result.skip(IMPLEMENTATION, str(refused), link.match.target.name if link.match.target else link.parsed.name)
            continue
        if not any(rows for _s, rows in scenarios):       # the 环节 block alone (listed in the 基本情况表)
            result.imported[IMPLEMENTATION] = result.imported.get(IMPLEMENTATION, 0) + 1
        for scenario, rows in scenarios:
            if rows:
                _scenario(application, app_link, scenario, rows, result, pictures, user, claims)


def _taken(scenario: ScenarioPlan, selection: Selection) -> list:
    return [row for row in scenario.all_rows if row.importable and selection.takes(IMPLEMENTATION, row.key)]


def _block_of(application: Application, link: LinkPlan, result: ImportResult) -> ApplicationLink:
    """The form's block of the 环节 (two file 环节 of the same guide 环节 share one), added when missing."""
    for app_link in application.links:
        if app_link.link_id == link.match.target.id:
            return app_link
    result.links_added += 1
    return add_link(application, link.match.target.id)


def _scenario(application, app_link, plan: ScenarioPlan, rows, result, pictures, user, claims) -> None:
    what = f"{app_link.link.name} / {plan.parsed.values.get('name') or plan.title}"
    name = plan.parsed.values.get("name", "")
    block = plan.existing if plan.existing in app_link.scenarios else None
    columns = {row.key.rsplit(".", 1)[1] for row in rows} - {"pictures"}
    values = current_values(block, plan.match, name)
    values.update({column: plan.parsed.values[column] for column in columns})
    form = scenario_form(values)
    if form.errors:
        result.skip(IMPLEMENTATION, "；".join(_flat(form.errors)), what)
        return
    try:
        if block is None:
            block = add_scenario(application, app_link, plan.match.target.id if plan.match.target else None,
                                 None if plan.match.target else name)
            result.scenarios_added += 1
        save_scenario(block, form.values())
    except ImplementationError as refused:
        result.skip(IMPLEMENTATION, str(refused), what)
        return
    result.imported[IMPLEMENTATION] = result.imported.get(IMPLEMENTATION, 0) + len(columns)
    if any(row.key.endswith(".pictures") for row in rows):
        _store_pictures(application, block, plan, result, pictures, user, claims, what)


def _store_pictures(application, block, plan: ScenarioPlan, result, pictures, user, claims, what: str) -> None:
    have = {picture.sha256 for picture in block.pictures}
    for picture, name in plan.new_pictures:
        if picture.sha256 in have:
            continue
        upload = pictures.pop(picture.sha256, None) or io.BytesIO(picture.data)
        try:
            store_upload(application, AttachmentCategory.SOLUTION_PICTURE, upload, name, user, block)
        except UploadError as refused:
            result.skip(IMPLEMENTATION, str(refused), what)
            continue
        have.add(picture.sha256)
        claims.bump(PICTURES_SECTION, IMPLEMENTATION)
        result.pictures += 1


def _history(application: Application, source: SourceFile, user: User, result: ImportResult) -> WordImport:
    record = WordImport(application_id=application.id, user_id=getattr(user, "id", None), file_name=source.name,
                        file_size=source.size, file_sha256=source.sha256, items=result.items,
                        detail={"sections": result.imported, "pictures": result.pictures, "skipped": result.skipped,
                                "blocks": {"links": result.links_added, "scenarios": result.scenarios_added}})
    db.session.add(record)
    db.session.flush()
    return record
