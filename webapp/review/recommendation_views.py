"""The unit's recommendation, completed: the 推荐意见 of a recommended application, and the 推荐函 (its Word file
and stamped scan). The province reads both from its 形式审查 pages (selection.views.form_check)."""
from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.campaigns.lookup import current_campaign
from webapp.core.downloads import DOCX, content_disposition, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.core.security_headers import accepts_uploads
from webapp.core.storage import attachment_path_for
from webapp.documents.letter_docx import build_letter, letter_filename
from webapp.forms.review import LetterScanForm, OpinionForm
from webapp.models import LetterScan, Role
from webapp.permissions import get_application_or_404, roles_required
from webapp.review.letter import LetterError, letter_status, upload_scan
from webapp.review.report import get_report, lock_reason, lock_unit_list
from webapp.review.opinion import set_opinion
from webapp.status import TransitionError

bp = Blueprint("recommendation", __name__)
unit_only = roles_required(Role.RECOMMENDER)


@bp.app_template_global("recommendation_letter")
def recommendation_letter(campaign, unit, report):
    return letter_status(campaign, unit, report)


@bp.post("/review/<int:application_id>/opinion")
@unit_only
def opinion(application_id):
    application = get_application_or_404(application_id)
    form = OpinionForm()
    error = None
    if form.validate():
        try:
            set_opinion(application, current_user, form.opinion.data)
        except TransitionError as exc:
            error = str(exc)
        else:
            db.session.commit()
            flash("推荐意见已保存。", "success")
            return redirect_after_post(url_for("review.review", application_id=application.id) + "#opinion")
    db.session.rollback()
    return render_template("review/opinion.html", application=application, form=form, error=error), \
        409 if error else 200


def _campaign():
    return current_campaign() or abort(404)


@bp.get("/review/summary/letter.docx")
@unit_only
def letter():
    campaign = _campaign()
    status = letter_status(campaign, current_user.unit, get_report(campaign.id, current_user.unit_id))
    audit.record("export.letter", object_type="unit_report", object_id=current_user.unit_id,
                 detail={"campaign": campaign.year, "fingerprint": status.data.fingerprint})
    db.session.commit()
    return send_bytes(build_letter(status.data), letter_filename(status.data), DOCX, fallback="tuijianhan")


@bp.post("/review/summary/letter-scan", endpoint="upload_scan")
@accepts_uploads
@unit_only
def upload_letter_scan():
    campaign = _campaign()
    form = LetterScanForm()
    summary = url_for("review.summary") + "#letter"
    reason = lock_reason(campaign, get_report(campaign.id, current_user.unit_id))
    upload = request.files.get("file")
    if reason or not form.validate() or upload is None or not upload.filename:
        flash(reason or "; ".join(form.fingerprint.errors) or "请选择盖章推荐函的扫描件。", "error")
        return redirect_after_post(summary)
    report = lock_unit_list(campaign.id, current_user.unit_id)
    try:
        scan = upload_scan(report, current_user.unit, current_user, upload.stream, upload.filename,
                           form.fingerprint.data)
    except LetterError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect_after_post(summary)
    db.session.commit()
    flash(f"已上传推荐函扫描件“{scan.original_name}”。", "success")
    return redirect_after_post(summary)


@bp.get("/review/letter-scans/<int:scan_id>")
@roles_required(Role.RECOMMENDER, Role.ADMIN)
def scan(scan_id):
    item = db.session.get(LetterScan, scan_id)
    if item is None or (current_user.role is Role.RECOMMENDER and item.report.unit_id != current_user.unit_id):
        abort(404)
    path = attachment_path_for(item.stored_name)
    if not path.is_file():
        abort(404)
    audit.record("export.letter_scan", obj=item, detail={"unit_id": item.report.unit_id,
                                                                   "name": item.original_name})
    db.session.commit()
    response = send_file(path, mimetype=item.content_type, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(item.original_name, fallback=f"letter-{item.id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response
