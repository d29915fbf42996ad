"""What enterprises and units see of 认定: their recognitions with the certificates (Word, PDF), and the 复核 page
that the enterprise, its unit and the province work on in turn."""
from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.core.downloads import DOCX, PDF, content_disposition, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.core.security_headers import accepts_uploads
from webapp.core.storage import attachment_path_for
from webapp.documents.certificate_docx import certificate_filename
from webapp.forms.recognition import ConclusionForm, ConfirmForm, OpinionForm, RecheckReportForm
from webapp.models import Certificate, RecheckFile, RecheckRequest, Role
from webapp.permissions import refuse_object, roles_required
from webapp.recognition import recheck as rechecks
from webapp.recognition.certificates import NoOffice, certificate_data, certificate_docx, certificate_pdf
from webapp.recognition.listing import enterprise_certificates, unit_certificates

bp = Blueprint("recognition_results", __name__, url_prefix="/recognition")
parties = roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)


def _mine(enterprise_id: int | None, unit_id: int | None) -> bool:
    """Whether the current user is the enterprise's, its unit's or the province's."""
    role = current_user.role
    return (role is Role.ADMIN or (role is Role.APPLICANT and enterprise_id == current_user.enterprise_id)
            or (role is Role.RECOMMENDER and unit_id == current_user.unit_id))


@bp.get("/mine")
@roles_required(Role.APPLICANT)
def mine():
    certificates = enterprise_certificates(current_user.enterprise_id)
    requests = db.session.execute(db.select(RecheckRequest).filter_by(enterprise_id=current_user.enterprise_id)
                                  .order_by(RecheckRequest.id.desc())).scalars().all()
    return render_template("recognition/results.html", certificates=certificates, rechecks=requests, unit=False)


@bp.get("/unit")
@roles_required(Role.RECOMMENDER)
def unit():
    certificates = unit_certificates(current_user.unit_id)
    requests = db.session.execute(db.select(RecheckRequest).filter_by(unit_id=current_user.unit_id)
                                  .order_by(RecheckRequest.id.desc())).scalars().all()
    return render_template("recognition/results.html", certificates=certificates, rechecks=requests, unit=True)


def _certificate(certificate_id: int) -> Certificate:
    item = db.session.get(Certificate, certificate_id)
    if item is None or not _mine(item.application.enterprise_id, item.application.unit_id):
        refuse_object("certificate", certificate_id)
    return item


@bp.get("/certificates/<int:certificate_id>.docx")
@parties
def certificate_word(certificate_id):
    item = _certificate(certificate_id)
    audit.record("document.download", obj=item, detail={"format": "docx", "name": item.number})
    db.session.commit()
    return send_bytes(certificate_docx(item), certificate_filename(certificate_data(item)), DOCX,
                      fallback="certificate")


@bp.get("/certificates/<int:certificate_id>.pdf")
@parties
def certificate_pdf_view(certificate_id):
    item = _certificate(certificate_id)
    try:
        data = certificate_pdf(item)
    except NoOffice as exc:
        abort(404, description=str(exc))
    audit.record("document.download", obj=item, detail={"format": "pdf", "name": item.number})
    db.session.commit()
    return send_bytes(data, certificate_filename(certificate_data(item), "pdf"), PDF, fallback="certificate")


# ---- 复核 ----------------------------------------------------------------------------------------------------

def _recheck(recheck_id: int) -> RecheckRequest:
    item = db.session.get(RecheckRequest, recheck_id)
    if item is None or not _mine(item.enterprise_id, item.unit_id):
        refuse_object("recheck_request", recheck_id)
    return item


def _recheck_page(item: RecheckRequest, error: str | None = None, status: int = 200, **forms):
    forms.setdefault("report_form", RecheckReportForm(formdata=None, report=item.report))
    return render_template("recognition/recheck.html", item=item, error=error, confirm=ConfirmForm(),
                           opinion_form=forms.pop("opinion_form", OpinionForm(formdata=None)),
                           conclusion_form=forms.pop("conclusion_form", ConclusionForm(formdata=None)),
                           editable=item.status in rechecks.EDITABLE, **forms), status


def _done(item: RecheckRequest, action, message: str, **forms):
    try:
        action()
    except rechecks.RecheckError as exc:
        db.session.rollback()
        return _recheck_page(item, str(exc), 409, **forms)
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for(".recheck", recheck_id=item.id))


@bp.get("/rechecks/<int:recheck_id>")
@parties
def recheck(recheck_id):
    return _recheck_page(_recheck(recheck_id))


@bp.post("/rechecks/<int:recheck_id>/report")
@roles_required(Role.APPLICANT)
def save_report(recheck_id):
    item = _recheck(recheck_id)
    form = RecheckReportForm()
    if not form.validate():
        return _recheck_page(item, status=200, report_form=form)
    submitting = request.form.get("submit") == "1"

    def act():
        rechecks.save_report(item, form.report.data, current_user)
        if submitting:
            rechecks.submit(item, current_user)
    return _done(item, act, "复核报告已提交推荐单位。" if submitting else "复核报告已保存。", report_form=form)


@bp.post("/rechecks/<int:recheck_id>/files")
@accepts_uploads
@roles_required(Role.APPLICANT)
def upload(recheck_id):
    item = _recheck(recheck_id)
    files = [f for f in request.files.getlist("file") if f.filename]
    if not files or not ConfirmForm().validate():
        return _recheck_page(item, "请选择要上传的附件。", 200)

    def act():
        for file in files:
            rechecks.add_file(item, file.stream, file.filename, current_user)
    return _done(item, act, f"已上传 {len(files)} 个附件。")


@bp.get("/rechecks/<int:recheck_id>/files/<int:recheck_file_id>")
@parties
def download(recheck_id, recheck_file_id):
    item = _recheck(recheck_id)
    stored = db.session.get(RecheckFile, recheck_file_id)
    if stored is None or stored.request_id != item.id or not attachment_path_for(stored.stored_name).is_file():
        abort(404)
    audit.record("export.recheck_file", obj=item, detail={"name": stored.original_name})
    db.session.commit()
    response = send_file(attachment_path_for(stored.stored_name), mimetype=stored.content_type, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(stored.original_name,
                                                                  fallback=f"recheck-{recheck_file_id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/rechecks/<int:recheck_id>/unit")
@roles_required(Role.RECOMMENDER)
def unit_decide(recheck_id):
    item = _recheck(recheck_id)
    form = OpinionForm()
    action = request.form.get("action", "")
    if not form.validate():
        return _recheck_page(item, status=200, opinion_form=form)
    return _done(item, lambda: rechecks.unit_decide(item, action, form.opinion.data, current_user),
                 "已退回企业修改。" if action == "return" else "推荐单位意见已提交省厅。", opinion_form=form)


@bp.post("/rechecks/<int:recheck_id>/conclude")
@roles_required(Role.ADMIN)
def conclude(recheck_id):
    item = _recheck(recheck_id)
    form = ConclusionForm()
    action = request.form.get("action", "")
    if not form.validate():
        return _recheck_page(item, status=200, conclusion_form=form)
    return _done(item, lambda: rechecks.conclude(item, action, form.comment.data, current_user),
                 "复核结论已记录。", conclusion_form=form)
