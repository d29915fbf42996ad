"""现场答辩 / 现场核查 of short-listed applications: marked by the admin, then its result recorded (date, members,
findings, 通过/不通过) with photos or minutes attached. Each change is audited."""
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import local_today, utcnow
from webapp.models import Application, SiteVisit, SiteVisitFile, SiteVisitKind, User
from webapp.selection.files import StoredFileError, store_file

FILE_KINDS = {"pdf", "jpeg", "png", "docx", "ole2"}
FILE_TEXT = "只接受 PDF、JPG、PNG、DOC/DOCX 格式"
FILE_LIMIT = 20 * 1024 * 1024
MAX_FILES = 30


class SiteVisitError(ValueError):
    """A refused change; the message is for the admin."""


def visit_of(application: Application) -> SiteVisit | None:
    return db.session.execute(db.select(SiteVisit).filter_by(application_id=application.id)).scalar_one_or_none()


def mark(application: Application, kind: SiteVisitKind, admin: User) -> SiteVisit:
    visit = visit_of(application)
    if visit is not None and visit.recorded_at is not None:
        raise SiteVisitError(f"已记录{visit.kind.label}结果，不能更改类型。")
    if visit is None:
        visit = SiteVisit(application=application, kind=kind, marked_by_id=admin.id, marked_at=utcnow())
        db.session.add(visit)
    visit.kind = kind
    db.session.flush()
    audit.record("site_visit.mark", obj=visit, actor=admin, detail={"application_id": application.id,
                                                                    "kind": kind.value})
    return visit


def unmark(visit: SiteVisit, admin: User) -> None:
    if visit.recorded_at is not None or visit.files:
        raise SiteVisitError(f"已记录{visit.kind.label}结果或上传了材料，不能取消。")
    audit.record("site_visit.unmark", obj=visit, actor=admin, detail={"application_id": visit.application_id})
    db.session.delete(visit)


@dataclass(frozen=True)
class VisitResult:
    held_on: date
    members: str
    findings: str
    passed: bool


def record_result(visit: SiteVisit, result: VisitResult, admin: User) -> None:
    if result.held_on > local_today():
        raise SiteVisitError("日期不能晚于今天。")
    if not result.members.strip() or not result.findings.strip():
        raise SiteVisitError("请填写参加人员和主要结论。")
    visit.held_on, visit.members, visit.findings = result.held_on, result.members.strip(), result.findings.strip()
    visit.passed, visit.recorded_at, visit.recorded_by_id = result.passed, utcnow(), admin.id
    audit.record("site_visit.record", obj=visit, actor=admin,
                 detail={"application_id": visit.application_id, "kind": visit.kind.value,
                         "held_on": result.held_on, "passed": result.passed})


def add_file(visit: SiteVisit, stream: BinaryIO, name: str | None, admin: User) -> SiteVisitFile:
    if len(visit.files) >= MAX_FILES:
        raise SiteVisitError(f"每次{visit.kind.label}最多上传 {MAX_FILES} 个文件。")
    try:
        stored = store_file(stream, name, kinds=FILE_KINDS, kinds_text=FILE_TEXT, max_bytes=FILE_LIMIT)
    except StoredFileError as exc:
        raise SiteVisitError(str(exc)) from None
    item = SiteVisitFile(visit=visit, uploaded_by_id=admin.id, **stored.columns())
    db.session.add(item)
    db.session.flush()
    audit.record("site_visit.file", obj=visit, actor=admin,
                 detail={"name": item.original_name, "size": item.size, "sha256": item.sha256})
    return item
