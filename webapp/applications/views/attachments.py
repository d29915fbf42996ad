"""八、相关证明材料: upload, download and delete attachments; the section's category blocks.

Plain multipart POSTs answer 303 (or the page with the errors in place); HTMX requests get the category block back,
with the totals and the section list swapped out of band.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.audit import trail as audit
from webapp.core.downloads import content_disposition
from webapp.core.errors import MESSAGES
from webapp.core.extensions import db, reads_first
from webapp.core.numbers import MB, format_size
from webapp.core.security_headers import accepts_uploads
from webapp.core.htmx import is_htmx, redirect_after_post
from webapp.models import Application, ApplicationScenario, Attachment, AttachmentCategory, Role
from webapp.permissions import (
    attachment_section, can_edit_application, can_view_application, get_application_or_404, refuse_object,
    require_attachment_rights, roles_required,
)
from webapp.applications.attachment_list import SECTION_CATEGORIES
from webapp.applications.editor import editor_context
from webapp.applications.sections import SECTION_BY_KEY
from webapp.applications.stamped_scans import deletion_refusal
from webapp.applications.uploads import (
    UploadError, attachment_path, clean_name, delete_attachment, receive_upload, store_upload,
)
from webapp.core.timeutil import utcnow
from webapp.applications.versions import NotEditable, bump_section, section_write
from webapp.status import STAMPED_SCAN

bp = Blueprint("attachments", __name__)
SECTION_KEY = "attachments"
applicant_only = roles_required(Role.APPLICANT)
readers = roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)


# ---- rendering ----

def _context(application: Application, **extra) -> dict:
    """The context of the editor page (as the section page builds it) plus the upload feedback."""
    return editor_context(application, SECTION_BY_KEY["attachments"], **extra)


def _respond(application: Application, category: AttachmentCategory, *, errors=(), notices=(), status=200):
    """HTMX: the category block (+ totals and section list out of band). Plain: the whole editor page."""
    feedback = dict(attachment_errors={category.value: list(errors)}, attachment_notices={category.value: list(notices)})
    if is_htmx():
        return render_template("applications/_attachment_category.html", category=category,
                               **_context(application, **feedback)), status
    return render_template("applications/edit.html", **_context(application, **feedback)), status


def _section_url(application: Application, category: AttachmentCategory | None = None) -> str:
    url = url_for("application.edit_section", application_id=application.id, key="attachments")
    return url + (f"#category-{category.value}" if category else "")


def _safe_next() -> str | None:
    """A local path to go back to; anything else (other hosts, scheme-relative, backslashes) is ignored."""
    value = (request.form.get("next") or request.args.get("next") or "").strip()
    if value.startswith("/") and not value.startswith("//") and "\\" not in value \
            and not any(ord(ch) < 0x20 for ch in value):
        return value
    return None


def _category(value: str | None) -> AttachmentCategory:
    try:
        return AttachmentCategory(value)
    except ValueError:
        abort(400)


def _too_large_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    actual = request.content_length
    said = f"（本次 {format_size(actual)}）" if actual else ""
    return (f"本次上传的文件合计超过了单次上传 {format_size(limit)} 的上限{said}，没有保存。"
            "请压缩或拆分文件后分批上传。")


DRAIN_LIMIT = 512 * MB


def _drain_body() -> None:
    """Read and discard the refused body. Answering while the browser is still sending makes the server close a
    socket with unread data, which resets the connection: the browser (and HTMX) then never see the answer."""
    stream = request.environ.get("wsgi.input")
    remaining = min(request.content_length or DRAIN_LIMIT, DRAIN_LIMIT)
    try:
        while remaining > 0 and (chunk := stream.read(min(remaining, MB))):
            remaining -= len(chunk)
    except (OSError, ValueError, AttributeError):
        pass


def _generic_413():
    title, message = MESSAGES[413]
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    return render_template(template, code=413, title=title, message=message), 413


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(exc):
    """A body above MAX_CONTENT_LENGTH (werkzeug refuses it while reading, often before the view runs, e.g. in the
    CSRF check): answer an upload with the category block and a readable message instead of a bare 413."""
    application = None
    if request.endpoint == "attachments.upload" and current_user.is_authenticated \
            and current_user.role is Role.APPLICANT:
        application = db.session.get(Application, (request.view_args or {}).get("application_id"))
    if application is None or not can_view_application(current_user, application):
        return _generic_413()
    _drain_body()       # only for a signed-in applicant: nobody else may keep a worker busy reading
    try:
        # The body is unread, so only the query can say where the upload came from (the forms of 八 put it there).
        category = AttachmentCategory(request.args.get("category"))
    except ValueError:
        return _generic_413()
    if category not in SECTION_CATEGORIES:      # pictures of a 场景: their block lives in section 三
        return _generic_413()
    # HTMX swaps only 2xx (and 409) responses; a plain browser shows the page whatever the status.
    return _respond(application, category, errors=[_too_large_message()], status=200 if is_htmx() else 413)


# ---- routes ----

@bp.post("/applications/<int:application_id>/attachments")
@accepts_uploads
@reads_first
@applicant_only
def upload(application_id):
    application = get_application_or_404(application_id)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        raise RequestEntityTooLarge()       # before reading the body; answered by request_too_large
    category = _category(request.form.get("category") or request.args.get("category"))
    require_attachment_rights(category)
    next_url = _safe_next()
    if category is AttachmentCategory.SOLUTION_PICTURE and next_url is None:
        next_url = url_for("application.edit_section", application_id=application.id, key="implementation")
    if not can_edit_application(current_user, application, _section_of(category)):
        return _not_editable(application, category, next_url)
    files = [file for file in request.files.getlist("file") if file.filename]  # an empty input still sends a part
    received = []
    try:
        # Copying, hashing and syncing the files is the slow part: done before the write lock.
        for file in files:
            received.append((file.filename, receive_upload(file.stream, application.campaign)))
        try:
            with section_write(application, SECTION_KEY, current_user, scope=_section_of(category)):
                stored, errors = _store_all(application, category, received)
        except NotEditable:                 # submitted meanwhile: checked again on current data
            return _not_editable(application, category, next_url)
    finally:
        for _name, incoming in received:
            incoming.discard()
        for file in files:
            file.close()
    if not stored and not errors:
        errors.append("请先选择要上传的文件。")
    notices = [f"已上传 {len(stored)} 个文件：{'、'.join(stored)}。"] if stored else []

    if next_url:
        for message in notices:
            flash(message, "success")
        for message in errors:
            flash(message, "error")
        return redirect_after_post(next_url)
    if is_htmx() or errors:
        return _respond(application, category, errors=errors, notices=notices)
    for message in notices:
        flash(message, "success")
    return redirect(_section_url(application, category), code=303)


def _store_all(application, category, received) -> tuple[list[str], list[str]]:
    """Keep each received file in its own transaction (a later refusal keeps the earlier files)."""
    app_scenario = None
    if request.form.get("app_scenario_id"):
        try:
            app_scenario = db.session.get(ApplicationScenario, int(request.form["app_scenario_id"]))
        except ValueError:
            abort(400)
        if app_scenario is None or app_scenario.app_link.application_id != application.id:
            abort(404)
    stored, errors = [], []
    batch_started = utcnow()            # the files of one upload form one scan: none replaces another
    for filename, incoming in received:
        try:
            attachment = store_upload(application, category, incoming, filename, current_user, app_scenario,
                                      batch_started=batch_started)
            bump_section(application, SECTION_KEY, current_user, attachment_section(category))
            audit.record("attachment.upload", obj=attachment, detail={
                "application_id": application.id, "category": category.value, "name": attachment.original_name,
                "size": attachment.size, "sha256": attachment.sha256})
            stored.append(attachment.original_name)
            db.session.commit()
        except UploadError as exc:
            db.session.rollback()
            errors.append(str(exc))
            # Refusals are kept too (a renamed program is worth knowing about); nothing else is in this transaction.
            audit.record("attachment.upload", obj=application, success=False, detail={
                "category": category.value, "name": clean_name(filename), "reason": str(exc)})
            db.session.commit()
    return stored, errors


def _section_of(category: AttachmentCategory) -> str:
    """The section an upload changes, for a 补正 that allows only some (the stamped scan is always allowed)."""
    return attachment_section(category) or STAMPED_SCAN


def _not_editable(application: Application, category: AttachmentCategory, next_url: str | None):
    message = f"申报书当前状态为“{application.status.label}”，不能上传或删除附件。"
    return _refused(application, category, message, next_url)


def _refused(application: Application, category: AttachmentCategory, message: str, next_url: str | None):
    if is_htmx() and not next_url:
        return _respond(application, category, errors=[message], status=409)
    flash(message, "error")
    return redirect_after_post(next_url or _section_url(application, category))


def _attachment_or_404(attachment_id: int) -> Attachment:
    """An attachment of an application the user may see; 404 for anyone else's (its existence is not revealed)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not can_view_application(current_user, attachment.application):
        refuse_object("attachment", attachment_id)
    return attachment


@bp.get("/attachments/<int:attachment_id>")
@readers
def download(attachment_id):
    attachment = _attachment_or_404(attachment_id)
    path = attachment_path(attachment)
    if not path.is_file():
        current_app.logger.error("attachment %s: file %s is missing", attachment.id, attachment.stored_name)
        abort(404)
    inline = request.args.get("inline") == "1" and attachment.content_type in ("image/png", "image/jpeg")
    if not inline:      # a picture shown inside a page is not recorded; a file taken away is (安全审计)
        audit.record("attachment.download", obj=attachment, detail={
            "application_id": attachment.application_id, "category": attachment.category.value,
            "name": attachment.original_name})
    response = send_file(path, mimetype=attachment.content_type, conditional=True, etag=attachment.sha256,
                         max_age=0)
    response.headers["Content-Disposition"] = content_disposition(attachment.original_name, inline=inline,
                                                                  fallback=f"attachment-{attachment.id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    response.cache_control.public = False
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
@applicant_only
def delete(attachment_id):
    attachment = _attachment_or_404(attachment_id)
    application = attachment.application
    category = attachment.category
    require_attachment_rights(category)
    next_url = _safe_next()
    if category is AttachmentCategory.SOLUTION_PICTURE and next_url is None:
        next_url = url_for("application.edit_section", application_id=application.id, key="implementation")
    if not can_edit_application(current_user, application, _section_of(category)):
        return _not_editable(application, category, next_url)
    name = attachment.original_name
    refusal = deletion_refusal(attachment)
    if refusal:
        return _refused(application, category, refusal, next_url)
    try:
        with section_write(application, SECTION_KEY, current_user, scope=_section_of(category)):    # the file goes once the deletion commits
            audit.record("attachment.delete", obj=attachment, detail={
                "application_id": application.id, "category": category.value, "name": name,
                "size": attachment.size, "sha256": attachment.sha256})
            delete_attachment(attachment)
            bump_section(application, SECTION_KEY, current_user, attachment_section(category))
    except NotEditable:
        return _not_editable(application, category, next_url)
    notice = f"已删除“{name}”。"
    if next_url:
        flash(notice, "success")
        return redirect_after_post(next_url)
    if is_htmx():
        return _respond(application, category, notices=[notice])
    flash(notice, "success")
    return redirect(_section_url(application, category), code=303)
