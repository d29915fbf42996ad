"""The province admin's 拟认定名单 (the ranking per type with the planned line, the outcomes and the balance view) and
公示 (opening it, the notice's Word file, the objections and their handling). Thin: parse, call the domain, render."""
from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.core.downloads import DOCX, XLSX, content_disposition, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.core.storage import attachment_path_for
from webapp.core.timeutil import local_today
from webapp.forms.publicity import ConcludeForm, OutcomeForm, PlannedForm, PublicityForm
from webapp.models import ApplicationType, Objection, ObjectionFile
from webapp.publicity.balance import balance
from webapp.publicity.documents import notice_docx, objections_xlsx
from webapp.publicity.objections import ObjectionError, conclude_objection, objections_of
from webapp.publicity.opening import PublicityError, PublicityValues, default_notice, notice_text, open_publicity
from webapp.publicity.period import (
    DEFAULT_WORKING_DAYS, NoCalendarData, end_of_period, first_working_day, publicity_of,
)
from webapp.publicity.proposal import (
    OUTCOMES, ProposalError, apply_line, decide_outcome, is_locked, planned_numbers, rows_of, set_planned, undecided,
)
from webapp.selection.views.common import admin_only, application_or_404, campaign_or_404

bp = Blueprint("publicity_admin", __name__, url_prefix="/admin/selection/<int:campaign_id>")


def _type() -> ApplicationType:
    value = request.values.get("type", "")
    return ApplicationType(value) if value in {t.value for t in ApplicationType} else ApplicationType.ENTERPRISE


def _proposal_page(campaign, app_type, *, planned_form=None, status=200):
    rows = rows_of(campaign, app_type)
    planned = planned_numbers(campaign)
    return render_template("publicity/proposal.html", campaign=campaign, app_type=app_type, rows=rows,
                           planned=planned, balance=balance(rows, planned[app_type]), locked=is_locked(campaign),
                           undecided=undecided(campaign), outcome_form=OutcomeForm(formdata=None),
                           planned_form=planned_form or PlannedForm(formdata=None, planned=planned[app_type]),
                           outcomes=OUTCOMES), status


def _back(campaign, app_type, anchor: str = ""):
    return redirect_after_post(url_for(".proposal", campaign_id=campaign.id, type=app_type.value) + anchor)


@bp.get("/proposal")
@admin_only
def proposal(campaign_id):
    return _proposal_page(campaign_or_404(campaign_id), _type())


@bp.post("/proposal/planned")
@admin_only
def planned(campaign_id):
    campaign, app_type = campaign_or_404(campaign_id), _type()
    form = PlannedForm()
    if not form.validate():
        return _proposal_page(campaign, app_type, planned_form=form)
    try:
        set_planned(campaign, app_type, form.planned.data, current_user)
    except ProposalError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{app_type.label}计划数已设为 {form.planned.data}。", "success")
    return _back(campaign, app_type)


@bp.post("/proposal/line")
@admin_only
def line(campaign_id):
    campaign, app_type = campaign_or_404(campaign_id), _type()
    try:
        count = apply_line(campaign, app_type, current_user)
    except ProposalError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"已将计划数以内的 {count} 份申报书列入拟认定名单。", "success")
    return _back(campaign, app_type)


@bp.post("/proposal/<int:application_id>/outcome")
@admin_only
def outcome(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    form = OutcomeForm()
    try:
        if not form.validate():
            raise ProposalError("；".join(m for messages in form.errors.values() for m in messages))
        change = decide_outcome(campaign, application, form.action.data, current_user, form.reason.data)
    except ProposalError as exc:
        db.session.rollback()
        flash(f"“{application.company_name}”：{exc}", "error")
    else:
        db.session.commit()
        flash(f"“{application.company_name}”：{change.to_status.label}。", "success")
    return _back(campaign, application.app_type, f"#app-{application.id}")


# ---- 公示 --------------------------------------------------------------------------------------------------------

def _publicity_form(campaign) -> PublicityForm:
    form = PublicityForm(formdata=None, working_days=DEFAULT_WORKING_DAYS, notice_text=default_notice(campaign))
    try:
        form.starts_on.data = first_working_day(local_today())
    except NoCalendarData:
        form.starts_on.data = local_today()
    return form


def _calendar_note() -> str | None:
    """Said before the admin fills in the form: the calendar cannot count the coming weeks' working days."""
    try:
        end_of_period(first_working_day(local_today()), DEFAULT_WORKING_DAYS)
    except NoCalendarData as missing:
        return str(missing)
    return None


def _values(form: PublicityForm) -> PublicityValues:
    return PublicityValues(starts_on=form.starts_on.data, working_days=form.working_days.data,
                           ends_on=form.ends_on.data, contact_name=form.contact_name.data,
                           contact_phone=form.contact_phone.data, notice_text=form.notice_text.data)


def _publicity_page(campaign, form=None, status=200):
    publicity = publicity_of(campaign)
    return render_template(
        "publicity/publicity.html", campaign=campaign, publicity=publicity, form=form or _publicity_form(campaign),
        text=notice_text(publicity) if publicity else None, undecided=undecided(campaign),
        objections=objections_of(publicity) if publicity else [], today=local_today(),
        calendar_note=None if publicity else _calendar_note()), status


@bp.get("/publicity")
@admin_only
def publicity(campaign_id):
    return _publicity_page(campaign_or_404(campaign_id))


@bp.post("/publicity")
@admin_only
def open_(campaign_id):
    campaign = campaign_or_404(campaign_id)
    form = PublicityForm()
    if not form.validate():
        return _publicity_page(campaign, form)
    try:
        opened = open_publicity(campaign, _values(form), current_user)
    except PublicityError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _publicity_page(campaign, form, 409)
    db.session.commit()
    flash(f"公示已开始：{opened.starts_on:%Y-%m-%d} 至 {opened.ends_on:%Y-%m-%d}，拟认定名单已锁定。", "success")
    return redirect_after_post(url_for(".publicity", campaign_id=campaign.id))


def _opened(campaign):
    return publicity_of(campaign) or abort(404)


@bp.get("/publicity/notice.docx")
@admin_only
def notice(campaign_id):
    campaign = campaign_or_404(campaign_id)
    data, name = notice_docx(_opened(campaign))
    audit.record("export.publicity_notice", obj=campaign, detail={"campaign": campaign.year})
    db.session.commit()
    return send_bytes(data, name, DOCX, fallback="publicity-notice")


@bp.get("/publicity/objections.xlsx")
@admin_only
def objections_workbook(campaign_id):
    campaign = campaign_or_404(campaign_id)
    data, name = objections_xlsx(_opened(campaign))
    audit.record("export.objections", obj=campaign, detail={"campaign": campaign.year})
    db.session.commit()
    return send_bytes(data, name, XLSX, fallback="objections")


def _objection(campaign, objection_id) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.publicity.campaign_id != campaign.id:
        abort(404)
    return objection


def _objection_page(campaign, objection, form=None, status=200):
    return render_template("publicity/objection.html", campaign=campaign, objection=objection,
                           form=form or ConcludeForm(formdata=None)), status


@bp.get("/publicity/objections/<int:objection_id>")
@admin_only
def objection(campaign_id, objection_id):
    campaign = campaign_or_404(campaign_id)
    return _objection_page(campaign, _objection(campaign, objection_id))


@bp.post("/publicity/objections/<int:objection_id>")
@admin_only
def conclude(campaign_id, objection_id):
    campaign = campaign_or_404(campaign_id)
    item = _objection(campaign, objection_id)
    form = ConcludeForm()
    if not form.validate():
        return _objection_page(campaign, item, form)
    try:
        conclude_objection(item, form.conclusion.data, form.findings.data, form.reply.data, current_user)
    except ObjectionError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _objection_page(campaign, _objection(campaign, objection_id), form, 409)
    db.session.commit()
    flash(f"异议 {item.reference} 已处理：{item.state.label}。", "success")
    return redirect_after_post(url_for(".objection", campaign_id=campaign.id, objection_id=item.id))


@bp.get("/publicity/objections/<int:objection_id>/files/<int:objection_file_id>")
@admin_only
def objection_file(campaign_id, objection_id, objection_file_id):
    item = _objection(campaign_or_404(campaign_id), objection_id)
    stored = db.session.get(ObjectionFile, objection_file_id)
    if stored is None or stored.objection_id != item.id or not attachment_path_for(stored.stored_name).is_file():
        abort(404)
    audit.record("export.objection_file", obj=item, detail={"file": stored.id})
    db.session.commit()
    response = send_file(attachment_path_for(stored.stored_name), mimetype=stored.content_type, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(stored.original_name, fallback="objection-file")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response
