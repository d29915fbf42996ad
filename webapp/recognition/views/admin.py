"""认定 (admin): record the 文号 of a campaign's recognition, the recognition list and its certificates, revoking one,
importing earlier years' lists, and asking for 复核."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from webapp.core.downloads import XLSX, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.core.security_headers import accepts_uploads
from webapp.audit import trail as audit
from webapp.documents.recognition_xlsx import build_prior_template
from webapp.forms.recognition import ConfirmForm, PriorImportForm, RecordForm, RevokeForm
from webapp.models import Campaign, Certificate, PriorRecognition, RecheckRequest, Role
from webapp.permissions import roles_required
from webapp.recognition.certificates import CertificateError, Revocation, revoke
from webapp.recognition.listing import certificates_of, list_workbook
from webapp.recognition.prior_import import COLUMNS, MAX_BYTES, PriorListError, import_prior
from webapp.recognition.recheck import askable, request_rechecks
from webapp.recognition.recognise import RecognitionError, decision_of, proposed_applications, recognise_campaign

bp = Blueprint("recognition_admin", __name__, url_prefix="/admin/recognition")
admin_only = roles_required(Role.ADMIN)


def _campaign(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


def _page(campaign: Campaign, form=None, error: str | None = None, status: int = 200):
    rechecks = db.session.execute(db.select(RecheckRequest).filter_by(campaign_id=campaign.id)
                                  .order_by(RecheckRequest.id)).scalars().all()
    return render_template("recognition/admin.html", campaign=campaign, decision=decision_of(campaign),
                           proposed=proposed_applications(campaign), certificates=certificates_of(campaign),
                           form=form or RecordForm(), error=error, rechecks=rechecks,
                           askable=askable(campaign), confirm=ConfirmForm()), status


@bp.get("/<int:campaign_id>")
@admin_only
def campaign_page(campaign_id):
    return _page(_campaign(campaign_id))


@bp.post("/<int:campaign_id>/record")
@admin_only
def record(campaign_id):
    campaign = _campaign(campaign_id)
    form = RecordForm()
    if not form.validate():
        return _page(campaign, form, status=200)
    try:
        result = recognise_campaign(campaign, form.document_no.data, form.document_date.data, current_user)
    except RecognitionError as exc:
        db.session.rollback()
        return _page(campaign, form, error=str(exc), status=409)
    db.session.commit()
    flash(f"已认定 {len(result.certificates)} 家（{result.decision.document_no}），电子证书已生成。", "success")
    return redirect_after_post(url_for(".campaign_page", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>/list.xlsx")
@admin_only
def list_xlsx(campaign_id):
    campaign = _campaign(campaign_id)
    data, name = list_workbook(campaign)
    audit.record("export.recognition_list", obj=campaign, detail={"campaign": campaign.year})
    db.session.commit()
    return send_bytes(data, name, XLSX, fallback="recognition-list")


def _certificate(certificate_id: int) -> Certificate:
    return db.session.get(Certificate, certificate_id) or abort(404)


@bp.get("/certificates/<int:certificate_id>")
@admin_only
def certificate(certificate_id):
    item = _certificate(certificate_id)
    return render_template("recognition/certificate_admin.html", certificate=item, form=RevokeForm())


@bp.post("/certificates/<int:certificate_id>/revoke")
@admin_only
def revoke_view(certificate_id):
    item = _certificate(certificate_id)
    form = RevokeForm()
    if not form.validate():
        return render_template("recognition/certificate_admin.html", certificate=item, form=form), 200
    try:
        revoke(item, Revocation(form.reason.data, form.document_no.data, form.revoked_on.data), current_user)
    except CertificateError as exc:
        db.session.rollback()
        return render_template("recognition/certificate_admin.html", certificate=item, form=form,
                               error=str(exc)), 409
    db.session.commit()
    flash(f"已撤销 {item.company_name} 的认定（{item.number}）。", "success")
    return redirect_after_post(url_for(".certificate", certificate_id=item.id))


@bp.post("/<int:campaign_id>/rechecks")
@admin_only
def ask_rechecks(campaign_id):
    campaign = _campaign(campaign_id)
    if not ConfirmForm().validate():
        return _page(campaign, error="请刷新页面后重试。", status=400)
    made = request_rechecks(campaign, askable(campaign), current_user)
    db.session.commit()
    flash(f"已向 {len(made)} 家已认定企业发出复核要求。" if made else "没有需要复核的认定。", "success")
    return redirect_after_post(url_for(".campaign_page", campaign_id=campaign.id) + "#rechecks")


# ---- earlier years' lists -------------------------------------------------------------------------------------

def _prior_page(form, result=None, error=None, status=200):
    counts = db.session.execute(db.select(PriorRecognition.year, db.func.count(PriorRecognition.id))
                                .group_by(PriorRecognition.year).order_by(PriorRecognition.year)).all()
    return render_template("recognition/prior.html", form=form, result=result, error=error, counts=counts,
                           columns=COLUMNS), status


@bp.route("/prior", methods=["GET", "POST"])
@accepts_uploads
@admin_only
def prior():
    form = PriorImportForm()
    if request.method == "GET" or not form.validate():
        return _prior_page(form)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _prior_page(form, error="请选择要导入的 Excel 文件。", status=200)
    try:
        result = import_prior(upload.stream.read(MAX_BYTES + 1), upload.filename, current_user)
    except PriorListError as exc:
        db.session.rollback()
        return _prior_page(form, error=str(exc), status=200)
    if result.errors:
        db.session.rollback()
        return _prior_page(form, result=result, status=200)
    db.session.commit()
    flash(f"导入完成：新增 {result.added} 条，已有 {result.kept} 条未重复导入。", "success")
    return redirect_after_post(url_for(".prior"))


@bp.get("/prior/template.xlsx")
@admin_only
def prior_template():
    return send_bytes(build_prior_template(COLUMNS), "往年认定名单导入模板.xlsx", XLSX, fallback="prior-template")


