"""补正, the enterprise's side: what it may change (status.is_editable reads the open request), the
check before it sends the corrected application back to the province, and what changed (shown to the province and
the unit).

Sending back freezes a new version (data and Word file), like a submission. If the content changed, the 盖章版 must be
of the new content: a stamped scan whose 校验码 is the current content's fingerprint.
"""
from dataclasses import dataclass

from webapp.applications.changes import FieldChange, changed_fields
from webapp.applications.checklist import submission_blockers
from webapp.applications.lifecycle import check_enterprise_admin, prepare_submission
from webapp.applications.rules import Problem
from webapp.applications.snapshot import serialize
from webapp.applications.word import content_fingerprint, store_frozen
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Application, AttachmentCategory, CorrectionRequest, Snapshot, User
from webapp.notices import events as notices
from webapp.status import TransitionError, apply_transition


class CorrectionError(TransitionError):
    """A refused 补正 submission; the message is for the enterprise."""


def latest_snapshot(application: Application) -> Snapshot | None:
    return application.snapshots[-1] if application.snapshots else None


def content_changed(application: Application) -> bool:
    snapshot = latest_snapshot(application)
    return snapshot is None or snapshot.fingerprint != content_fingerprint(application)


def stamped_scan_problem(application: Application) -> Problem | None:
    """The content changed since the checked version, and no stamped scan of the new content is uploaded."""
    if not content_changed(application):
        return None
    current = content_fingerprint(application)
    if any(a.category is AttachmentCategory.STAMPED_SCAN and a.document_fingerprint == current
           for a in application.attachments):
        return None
    return Problem("attachments", f"申报书内容已修改（当前校验码 {current}）：请下载新的Word版，打印盖章后重新上传盖章申报书"
                                  "扫描件（填写新的校验码），再提交补正。", "category-stamped_scan")


@dataclass(frozen=True)
class CorrectionCheck:
    request: CorrectionRequest | None
    blockers: list[Problem]
    changed: bool


def check_correction(application: Application) -> CorrectionCheck:
    """What stands in the way of sending the correction back (the campaign's own deadline does not apply)."""
    request = application.open_correction
    if request is None:
        return CorrectionCheck(None, [Problem("", "当前没有需要补正的内容。", kind="state")], False)
    blockers = [p for p in submission_blockers(application, application.campaign) if p.kind != "deadline"]
    if utcnow() > request.deadline:
        blockers.insert(0, Problem("", f"补正截止时间（{fmt(request.deadline)}）已过，不能再提交补正。请联系省工信厅。",
                                   kind="deadline"))
    scan = stamped_scan_problem(application)
    if scan is not None and not any(p.anchor == scan.anchor for p in blockers):   # said once (sections.py may)
        blockers.append(scan)
    return CorrectionCheck(request, blockers, content_changed(application))


def submit_correction(application: Application, user: User, reply: str | None = None) -> Snapshot:
    """Send the corrected application back to the province: 需补正 → 补正已提交, a new frozen version."""
    check_enterprise_admin(user, "提交补正")
    check = check_correction(application)
    if check.blockers:
        raise CorrectionError(f"还有{len(check.blockers)}项需要处理，暂不能提交补正：{check.blockers[0].message}")
    prepared = prepare_submission(application)
    change = apply_transition(application, "submit_correction", user, reply)
    application.version = prepared.stamp[1] + 1
    application.submitted_at, application.declared_on = prepared.generated_at, prepared.declared_on
    with db.session.no_autoflush:
        snapshot = Snapshot(application=application, version=application.version, data=serialize(application),
                            created_at=prepared.generated_at, **store_frozen(prepared.document))
    db.session.add(snapshot)
    check.request.answered_at = prepared.generated_at
    check.request.answered_version = application.version
    audit.record("application.correction_answer", obj=application, actor=user,
                 detail={"request": check.request.id, "version": application.version, "changed": check.changed})
    notices.correction_submitted(application, change)
    return snapshot


def correction_changes(request: CorrectionRequest) -> list[FieldChange] | None:
    """What the enterprise changed in answering the request (None while unanswered)."""
    if request.answered_version is None:
        return None
    by_version = {s.version: s for s in request.application.snapshots}
    before, after = by_version.get(request.base_version), by_version.get(request.answered_version)
    if before is None or after is None:
        return []
    return changed_fields(before.data, after.data)
