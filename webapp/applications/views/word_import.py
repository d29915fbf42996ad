"""导入Word申报书: upload a filled Word file, see what it gives section by section against the form, choose, import.

GET shows the upload form, the history of imports and (with ?file=) the preview of an uploaded file. POSTs are plain
forms (no JavaScript needed): the upload answers 303 to its preview, the preview's buttons either show it again with
the chosen 环节/场景 (更新预览) or import and answer 303 to the page with the result.
"""
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts.members import may_edit_anything, may_edit_section
from webapp.applications.final_print import print_state
from webapp.applications.sections import SECTIONS
from webapp.applications.uploads import receive_upload
from webapp.applications.versions import NotEditable, SaveConflict
from webapp.applications.word_import import Selection, build_plan, section_titles
from webapp.applications.word_import_apply import SourceFile, apply_import
from webapp.applications.word_import_file import discard_pending, load_pending, receive_word_file
from webapp.applications.word_import_links import Choices
from webapp.audit import trail as audit
from webapp.core.extensions import db, reads_first
from webapp.core.security_headers import accepts_uploads
from webapp.documents.pdf import office_binary
from webapp.documents.word_reader import WordFileError
from webapp.forms.applications.word_import import WordImportForm, WordUploadForm
from webapp.models import Role, WordImport
from webapp.permissions import SECTION_DENIED, can_edit_application, get_application_or_404, roles_required
from webapp.status import is_editable

bp = Blueprint("word_import", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)
EXPIRED = "上传的文件已过期或不存在（文件保留一天），请重新上传。"


def _rights() -> set[str]:
    """The sections the current applicant may edit (a colleague's rights; all for the administrator)."""
    return {section.key for section in SECTIONS if may_edit_section(current_user, section.key)}


def _open_now(application) -> set[str]:
    """Of those, the ones that can change now: during the province's 补正, only the sections it asked for."""
    return {key for key in _rights() if is_editable(application, key)}


def _require_rights() -> None:
    """403 for a colleague who may only view: an import writes."""
    if not may_edit_anything(current_user):
        abort(403, description=SECTION_DENIED)


def _page(application, *, status=200, upload_form=None, pending=None, choices=None, picks=None, error=None):
    plan = None
    editable = can_edit_application(current_user, application) and may_edit_anything(current_user)
    if pending is not None and editable:
        plan = build_plan(application, pending.read(), choices or Choices())
    history = db.session.execute(db.select(WordImport).filter_by(application_id=application.id)
                                 .order_by(WordImport.id.desc())).scalars().all()
    done = next((r for r in history if str(r.id) == request.args.get("done")), None)
    return render_template("applications/word_import.html", application=application, editable=editable,
                           upload_form=upload_form or WordUploadForm(), pending=pending, plan=plan, picks=picks,
                           error=error, history=history, done=done, titles=section_titles(), may_edit=_open_now(application),
                           office=office_binary() is not None, stamp=print_state(application)), status


def _not_editable(application):
    return _page(application, status=409, error=f"申报书当前状态为“{application.status.label}”，不能导入。")


@bp.get("/<int:application_id>/word-import")
@applicant_only
def page(application_id):
    application = get_application_or_404(application_id)
    token = request.args.get("file")
    pending = load_pending(application, token, current_user) if token else None
    return _page(application, pending=pending, error=EXPIRED if token and pending is None else None)


@bp.post("/<int:application_id>/word-import")
@accepts_uploads
@reads_first
@applicant_only
def upload(application_id):
    application = get_application_or_404(application_id)
    _require_rights()
    form = WordUploadForm()
    if not can_edit_application(current_user, application):
        return _not_editable(application)
    if not form.validate():
        return _page(application, upload_form=form)
    file = form.file.data
    try:
        pending = receive_word_file(application, file.stream, file.filename or "", current_user)
    except WordFileError as refused:
        audit.record("application.word_import", obj=application, success=False,
                     detail={"file": file.filename, "reason": str(refused)})
        return _page(application, upload_form=form, error=str(refused))
    return redirect(url_for(".page", application_id=application.id, file=pending.token, _anchor="preview"), code=303)


@bp.post("/<int:application_id>/word-import/apply")
@reads_first
@applicant_only
def apply(application_id):
    application = get_application_or_404(application_id)
    _require_rights()
    form = WordImportForm()
    pending = load_pending(application, form.file.data, current_user) if form.validate() else None
    if pending is None:
        flash(EXPIRED, "error")
        return redirect(url_for(".page", application_id=application.id), code=303)
    if not can_edit_application(current_user, application):
        return _not_editable(application)
    action, choices, picks = form.action(request.form), form.choices(request.form), form.picks(request.form)
    if action == "preview" or (action == "import" and not picks):
        error = None if action == "preview" else "请先勾选要导入的内容。"
        return _page(application, pending=pending, choices=choices, picks=picks, error=error)
    parsed = pending.read()
    received = _receive_pictures(application, parsed)            # the slow part, before the write lock
    rights, open_now = _rights(), _open_now(application)
    everything = {f"section:{key}" for key in open_now} if len(open_now) < len(SECTIONS) else {"all"}
    try:
        result = apply_import(application, parsed, SourceFile(pending.name, pending.size, pending.sha256),
                              current_user, choices=choices, selection=Selection(everything if action == "all" else picks),
                              seen=form.versions(request.form), pictures=received, allowed=rights)
    except NotEditable:
        return _not_editable(application)
    except SaveConflict:
        flash("导入时有人刚保存了申报书的一部分，为避免覆盖，本次没有导入任何内容。请查看预览后再导入。", "error")
        return redirect(url_for(".page", application_id=application.id, file=pending.token), code=303)
    finally:
        for leftover in received.values():
            leftover.discard()
    return _done(application, pending, result)


def _receive_pictures(application, parsed) -> dict:
    return {picture.sha256: receive_upload(io.BytesIO(picture.data), application.campaign)
            for link in parsed.links for scenario in link.scenarios for picture in scenario.pictures}


def _done(application, pending, result):
    for skipped in result.skipped:
        flash(f"{skipped['section']}：{skipped['reason']}", "error")
    if result.record is None:
        flash("没有导入任何内容。", "info")
        return redirect(url_for(".page", application_id=application.id, file=pending.token, _anchor="preview"),
                        code=303)
    discard_pending(application, pending.token)
    flash(f"从Word导入：{result.items} 项。请逐部分核对后再提交。", "success")
    return redirect(url_for(".page", application_id=application.id, done=result.record.id), code=303)
