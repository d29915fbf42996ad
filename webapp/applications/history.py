"""The save history of an application: every change of a section with who made it, when and how (from SectionSave,
written by the one write helper), and who changed which section between two moments (the unit's "what changed")."""
from dataclasses import dataclass
from datetime import datetime

from webapp.accounts.members import person_name
from webapp.applications.sections import SECTION_BY_KEY
from webapp.core.extensions import db
from webapp.models import Application, SectionSave, User

SOURCE_LABELS = {
    "application.save_section": "保存表单",
    "implementation.add_link_block": "添加环节", "implementation.remove_link_block": "删除环节",
    "implementation.move_link_block": "调整环节顺序", "implementation.add_scenario_block": "添加场景",
    "implementation.save_scenario_block": "保存场景", "implementation.remove_scenario_block": "删除场景",
    "implementation.move_scenario_block": "调整场景顺序",
    "attachments.upload": "上传附件", "attachments.delete": "删除附件",
    "carry_over.copy_previous": "从上一年度复制", "word_import.apply": "从Word导入", "command": "系统",
}
LIMIT = 500


@dataclass(frozen=True)
class SaveEntry:
    saved_at: datetime
    section: str             # the section's heading
    section_key: str
    who: str
    how: str
    version: int | None


def section_heading(key: str) -> str:
    section = SECTION_BY_KEY.get(key)
    return section.heading if section else key


def save_history(application: Application, limit: int = LIMIT) -> list[SaveEntry]:
    """The latest `limit` saves of the application, newest first."""
    rows = db.session.execute(
        db.select(SectionSave, User).outerjoin(User, User.id == SectionSave.user_id)
        .where(SectionSave.application_id == application.id)
        .order_by(SectionSave.saved_at.desc(), SectionSave.id.desc()).limit(limit)).all()
    return [SaveEntry(save.saved_at, section_heading(save.section), save.section, person_name(user),
                      SOURCE_LABELS.get(save.source, save.source or "—"), save.version) for save, user in rows]


def editors_between(application: Application, since: datetime, until: datetime) -> dict[str, list[str]]:
    """Section key → the names of those who saved it in (since, until], in the order of their first save."""
    rows = db.session.execute(
        db.select(SectionSave.section, User).outerjoin(User, User.id == SectionSave.user_id)
        .where(SectionSave.application_id == application.id, SectionSave.saved_at > since,
               SectionSave.saved_at <= until)
        .order_by(SectionSave.saved_at, SectionSave.id)).all()
    editors: dict[str, list[str]] = {}
    for key, user in rows:
        names = editors.setdefault(key, [])
        if person_name(user) not in names:
            names.append(person_name(user))
    return editors
