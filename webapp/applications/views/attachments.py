"""八、相关证明材料: upload, download and delete attachments; the section's category blocks.

Plain multipart POSTs answer 303 (or the page with the errors in place); HTMX requests get the category block back,
with the totals and the section list swapped out of band.
"""
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.audit import trail as audit
from webapp.applications.lifecycle import is_editable
from webapp.core.downloads import content_disposition
from webapp.core.errors import MESSAGES
from webapp.core.extensions import begin_writes, db, finish_writes, reads_first
from webapp.core.htmx import is_htmx, redirect_after_post
from webapp.models import Application, ApplicationScenario, Attachment, AttachmentCategory, Role
from webapp.permissions import can_edit_application, can_view_application, get_application_or_404, roles_required
from webapp.applications.sections import SECTION_BY_KEY
from webapp.applications.uploads import (
    MB, UploadError, accept_for, attachment_path, clean_name, delete_attachment,
    format_size, mark_changed, receive_upload, store_upload,
)
from webapp.applications.word import content_fingerprint
from webapp.applications.views.editor import editor_context

bp = Blueprint("attachments", __name__)
applicant_only = roles_required(Role.APPLICANT)
readers = roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)

# The blocks of section 八 in the form's order, with the form's explanatory text.
SECTION_CATEGORIES = [
    AttachmentCategory.LICENSE, AttachmentCategory.AUDIT, AttachmentCategory.EQUIPMENT, AttachmentCategory.STAFF,
    AttachmentCategory.PHOTOS, AttachmentCategory.ACHIEVEMENTS, AttachmentCategory.OTHER,
    AttachmentCategory.STAMPED_SCAN,
]
HINTS = {
    AttachmentCategory.LICENSE: "",
    AttachmentCategory.AUDIT: "",
    AttachmentCategory.EQUIPMENT: "包括名称、单价、总价、品牌、对应合同、供应商、进口/国产/省产等信息",
    AttachmentCategory.STAFF: "包括人员相关信息表及其资质证书等",
    AttachmentCategory.PHOTOS: "",
    AttachmentCategory.ACHIEVEMENTS: "取得专利、软件著作权等证书或受理文件复印件，标准或标准草案文件及相关阶段复印件，"
                                     "主要研究报告、技术规范等复印件，获得省部级以上科技奖励证书复印件等证明材料",
    AttachmentCategory.OTHER: "智能制造能力成熟度评估报告，与智能制造专项审计报告相对应的发票、合同等佐证材料，"
                              "企业认为所需的其他证明材料等",
    AttachmentCategory.STAMPED_SCAN: "下载系统生成的申报书 Word 文件，打印后由法定代表人签字并加盖企业公章，扫描后上传"
                                     "（PDF、JPG 或 PNG）。页脚印有版本号和校验码，请核对。",
}


@dataclass
class CategoryBlock:
    category: AttachmentCategory
    label: str
    hint: str
    required: bool
    accept: str
    files: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.category.value


@dataclass
class Overview:
    blocks: list[CategoryBlock]
    total: int
    limit_mb: int
    file_limit_mb: int
    picture_count: int
    picture_total: int
    document_version: int
    document_fingerprint: str

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.total / (self.limit_mb * MB))) if self.limit_mb else 0

    def block(self, category: AttachmentCategory) -> CategoryBlock:
        return next(b for b in self.blocks if b.category is category)


def _label(category: AttachmentCategory, application: Application) -> str:
    if category is AttachmentCategory.AUDIT:
        years = application.campaign.economic_years
        return f"（二）近三年（{years[0]}-{years[-1]}年）企业财务审计报告及智能制造专项审计报告"
    return category.label


@bp.app_template_global("attachment_overview")
def attachment_overview(application: Application) -> Overview:
    """Everything section 八 shows: the categories with their files, what is required, the totals."""
    campaign = application.campaign
    required = set(campaign.required_attachments or [])
    blocks = [CategoryBlock(c, _label(c, application), HINTS[c], c.value in required, accept_for(c))
              for c in SECTION_CATEGORIES]
    by_category = {b.category: b for b in blocks}
    pictures = []
    for attachment in application.attachments:
        if attachment.category in by_category:
            by_category[attachment.category].files.append(attachment)
        else:
            pictures.append(attachment)
    return Overview(blocks=blocks, total=sum(a.size for a in application.attachments),
                    limit_mb=campaign.max_application_mb, file_limit_mb=campaign.max_file_mb,
                    picture_count=len(pictures), picture_total=sum(a.size for a in pictures),
                    document_version=application.version + 1 if is_editable(application) else application.version,
                    document_fingerprint=content_fingerprint(application))


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    return format_size(size or 0)


# ---- rendering ----

def _context(application: Application, **extra) -> dict:
    """The context of the editor page (as application._render_section builds it) plus the upload feedback."""
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
@reads_first
@applicant_only
def upload(application_id):
    application = get_application_or_404(application_id)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        raise RequestEntityTooLarge()       # before reading the body; answered by request_too_large
    category = _category(request.form.get("category") or request.args.get("category"))
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
        begin_writes()
        if not can_edit_application(current_user, application, _section_of(category)):     # submitted meanwhile: current data
            return _not_editable(application, category, next_url)
        stored, errors = _store_all(application, category, received)
    finally:
        for _name, incoming in received:
            incoming.discard()
        for file in files:
            file.close()
    finish_writes()
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
    for filename, incoming in received:
        try:
            attachment = store_upload(application, category, incoming, filename, current_user, app_scenario,
                                      document_version=request.form.get("document_version"),
                                      document_fingerprint=request.form.get("document_fingerprint"))
            mark_changed(application, current_user)
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
    if category is AttachmentCategory.STAMPED_SCAN:
        return "stamped_scan"
    return "implementation" if category is AttachmentCategory.SOLUTION_PICTURE else "attachments"


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
        abort(404)
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
    next_url = _safe_next()
    if category is AttachmentCategory.SOLUTION_PICTURE and next_url is None:
        next_url = url_for("application.edit_section", application_id=application.id, key="implementation")
    if not can_edit_application(current_user, application, _section_of(category)):
        return _not_editable(application, category, next_url)
    name = attachment.original_name
    audit.record("attachment.delete", obj=attachment, detail={
        "application_id": application.id, "category": category.value, "name": name, "size": attachment.size,
        "sha256": attachment.sha256})
    delete_attachment(attachment)
    mark_changed(application, current_user)
    db.session.commit()                    # the file goes once the deletion is committed
    notice = f"已删除“{name}”。"
    if next_url:
        flash(notice, "success")
        return redirect_after_post(next_url)
    if is_htmx():
        return _respond(application, category, notices=[notice])
    flash(notice, "success")
    return redirect(_section_url(application, category), code=303)
