"""The stamped scan (盖章申报书扫描件): tied to the current 盖章版 when uploaded, superseding the scans before it
(已作废: kept in the history, left out of the archives), never deleted once it went with a submission."""
from webapp.applications.final_print import print_state
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import Application, Attachment, AttachmentCategory, FinalPrint


class UploadError(ValueError):
    """A refused upload; the message is for the user (Chinese) and names the file."""


def final_for_scan(application: Application) -> FinalPrint:
    """The 盖章版 a stamped scan being uploaded is a scan of: the current one, or UploadError."""
    state = print_state(application)
    if state.final is None:
        raise UploadError("请先生成盖章版（定稿）：下载盖章版打印，签字盖章后扫描上传。")
    if not state.current:
        raise UploadError(f"盖章版（第{state.final.version}版）已过期：{state.stale_reason}。"
                          "请先重新生成盖章版，打印、签字盖章后再上传扫描件。")
    return state.final


def supersede_scans(application: Application, keep: Attachment, batch_started) -> list[Attachment]:
    """A new stamped scan replaces the earlier ones (uploaded before this batch: the pages of one scan may come
    together): they stay in the history, marked 已作废, and leave the archives."""
    replaced = [a for a in application.attachments
                if a.category is AttachmentCategory.STAMPED_SCAN and a.superseded_at is None and a is not keep
                and a.uploaded_at < batch_started]
    for attachment in replaced:
        attachment.superseded_at = keep.uploaded_at
        audit.record("attachment.supersede", obj=attachment, detail={
            "application_id": application.id, "name": attachment.original_name, "replaced_by": keep.id,
            "version": attachment.document_version})
    # Flushed now: a later refresh of the application (apply_transition locks it so) reloads its collections.
    db.session.flush()
    return replaced


def deletion_refusal(attachment: Attachment) -> str | None:
    """Why a file may not be deleted: a stamped scan that was submitted, or already replaced, stays in the history
    (a new scan replaces it instead)."""
    if attachment.category is not AttachmentCategory.STAMPED_SCAN:
        return None
    if attachment.superseded_at is not None:
        return f"“{attachment.original_name}”是已作废的盖章扫描件，保留在记录中，不能删除。"
    if attachment.document_version is not None and attachment.document_version <= attachment.application.version:
        return (f"“{attachment.original_name}”已随第{attachment.document_version}版申报书提交，不能删除；"
                "上传新盖章版的扫描件后，它将自动作废。")
    return None
