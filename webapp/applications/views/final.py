"""定稿: the page that explains print, sign, stamp, scan, upload; generating the 盖章版; its Word and PDF files."""
import hashlib

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.applications.attachment_list import attachment_overview
from webapp.applications.finalize import FinalRefused, final_blockers, make_final, prepare_final
from webapp.applications.sections import SECTIONS
from webapp.applications.word import frozen_path, pdf_of
from webapp.audit import trail as audit
from webapp.core.downloads import DOCX, PDF, send_bytes
from webapp.core.extensions import begin_writes, db, finish_writes, reads_first
from webapp.documents import docx_builder
from webapp.documents.pdf import office_binary
from webapp.models import AttachmentCategory, FinalPrint, Role
from webapp.permissions import get_application_or_404, require_enterprise_admin, roles_required
from webapp.status import is_editable

bp = Blueprint("final", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)
readers = roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)


@bp.get("/<int:application_id>/final")
@applicant_only
def page(application_id):
    application = get_application_or_404(application_id)
    overview = attachment_overview(application)
    blockers = final_blockers(application) if is_editable(application) else []
    return render_template("applications/final.html", application=application, overview=overview,
                           stamp=overview.stamp, blockers=blockers, sections=SECTIONS,
                           scan_block=overview.block(AttachmentCategory.STAMPED_SCAN),
                           editable=is_editable(application))


@bp.post("/<int:application_id>/final")
@reads_first
@applicant_only
def generate(application_id):
    application = get_application_or_404(application_id)
    require_enterprise_admin()                      # the 盖章版 is signed and stamped: the administrator's act
    prepared = prepare_final(application)           # the checks and the Word file, without the write lock
    begin_writes()
    try:
        final = make_final(application, current_user, prepared)
    except FinalRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".page", application_id=application_id), code=303)
    finish_writes()
    flash(f"已生成盖章版（第{final.version}版，校验码 {final.fingerprint}）。请下载打印，签字盖章后扫描上传。", "success")
    return redirect(url_for(".page", application_id=application_id) + "#steps", code=303)


def _final_file(application_id: int, final_id: int) -> tuple[bytes, str, FinalPrint]:
    application = get_application_or_404(application_id)
    final = db.session.get(FinalPrint, final_id)
    if final is None or final.application_id != application.id:
        abort(404)
    path = frozen_path(final)
    if not path.is_file():
        abort(404)
    name = docx_builder.docx_filename(application).replace(".docx", f"（盖章版 第{final.version}版）.docx")
    return path.read_bytes(), name, final


@bp.get("/<int:application_id>/final/<int:final_id>.docx")
@readers
def word(application_id, final_id):
    data, name, final = _final_file(application_id, final_id)
    audit.record("document.download", obj=final.application,
                 detail={"format": "docx", "name": name, "final_print": final.id})
    db.session.commit()
    return send_bytes(data, name, DOCX, fallback="shenbaoshu-gaizhang")


@bp.get("/<int:application_id>/final/<int:final_id>.pdf")
@readers
def pdf(application_id, final_id):
    if not office_binary():
        abort(404)
    data, name, final = _final_file(application_id, final_id)
    document = pdf_of(data, hashlib.sha256(data).hexdigest())
    audit.record("document.download", obj=final.application,
                 detail={"format": "pdf", "name": name, "final_print": final.id})
    db.session.commit()
    return send_bytes(document, name.replace(".docx", ".pdf"), PDF, fallback="shenbaoshu-gaizhang")
