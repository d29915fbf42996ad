"""形式审查 pages (admin): the queue of reported applications with their flags, one application with its decisions,
and each unit's 推荐函 (Word) beside its 汇总表. Views parse, load, call selection.form_check, render."""
from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from webapp.applications.contents import load_contents
from webapp.applications.sections import SECTIONS
from webapp.audit import trail as audit
from webapp.core.downloads import DOCX, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post, render_page_or_block
from webapp.documents.letter_docx import build_letter, letter_filename
from webapp.forms.fields import options
from webapp.forms.selection.form_check import CheckFilterForm, CorrectionForm, FailForm, PassForm, ReopenForm
from webapp.models import ApplicationStatus, ApplicationType, RecommendingUnit, UnitReport
from webapp.review.letter import letter_status
from webapp.selection.corrections import correction_changes
from webapp.selection.eligibility import province_flags
from webapp.selection.form_check import (
    CheckQuery, allowed_checks, fail_form_check, pass_form_check, queue as check_queue, reopen_form_check,
    request_correction,
)
from webapp.selection.views.common import admin_only, application_or_404, campaign_or_404
from webapp.status import TRANSITIONS, TransitionError

bp = Blueprint("form_check", __name__, url_prefix="/admin/selection/<int:campaign_id>")

DONE = {"pass_form_check": "“{name}”形式审查通过。", "request_correction": "已要求“{name}”补正，企业将看到意见和截止日期。",
        "fail_form_check": "“{name}”形式审查不通过。", "reopen_form_check": "已撤销“{name}”的形式审查结论，可重新审查。"}


def _units():
    return list(db.session.execute(db.select(RecommendingUnit).order_by(RecommendingUnit.prefecture_adcode)).scalars())


def _query(filters: CheckFilterForm) -> CheckQuery:
    unit, app_type, status, page = (filters.unit.data or ""), (filters.app_type.data or ""), \
        (filters.status.data or ""), (filters.page.data or "")
    return CheckQuery(unit_id=int(unit) if unit.isdigit() else None,
                      app_type=ApplicationType(app_type) if app_type in {t.value for t in ApplicationType} else None,
                      status=ApplicationStatus(status) if status in {s.value for s in ApplicationStatus} else None,
                      page=int(page) if page.isdigit() else 1)


@bp.get("/form-check")
@admin_only
def queue(campaign_id):
    campaign = campaign_or_404(campaign_id)
    units = _units()
    filters = CheckFilterForm(formdata=request.args)
    filters.unit.choices = options([("", "全部推荐单位")] + [(u.id, u.name) for u in units])
    page = check_queue(campaign, _query(filters))
    reports = {r.unit_id: r for r in db.session.execute(db.select(UnitReport).filter_by(
        campaign_id=campaign.id)).scalars()}
    letters = {u.id: letter_status(campaign, u, reports[u.id]) for u in units
               if u.id in reports and reports[u.id].is_reported}
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_page_or_block("selection/form_check_queue.html", "results", campaign=campaign, filters=filters,
                                page=page, units=units, reports=reports, letters=letters,
                                page_url=lambda n: url_for(".queue", campaign_id=campaign.id, **args, page=n))


def _forms(**given) -> dict:
    forms = {"pass_form_check": PassForm(formdata=None, prefix="pass"),
             "request_correction": CorrectionForm(formdata=None, prefix="correction"),
             "fail_form_check": FailForm(formdata=None, prefix="fail"),
             "reopen_form_check": ReopenForm(formdata=None, prefix="reopen")}
    forms["request_correction"].set_default_deadline()
    forms.update(given)
    return forms


def _render(campaign, application, forms=None, error=None, error_action=None, status=200):
    load_contents(application)
    flags = province_flags([application], campaign)[application.id]
    requests = [(r, correction_changes(r)) for r in application.correction_requests]
    return render_page_or_block(
        "selection/form_check_detail.html", "decisions", campaign=campaign, application=application, flags=flags,
        forms=forms or _forms(), allowed=allowed_checks(application), error=error, error_action=error_action,
        requests=requests, transitions=TRANSITIONS, sections=SECTIONS,
        section_titles={s.key: s.heading if s.number else s.title for s in SECTIONS}), status


@bp.get("/form-check/<int:application_id>")
@admin_only
def detail(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    return _render(campaign, application_or_404(campaign, application_id))


FORMS = {"pass_form_check": (PassForm, "pass"), "request_correction": (CorrectionForm, "correction"),
         "fail_form_check": (FailForm, "fail"), "reopen_form_check": (ReopenForm, "reopen")}


def _decide(campaign_id: int, application_id: int, action: str):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    form_class, prefix = FORMS[action]
    form = form_class(prefix=prefix)
    if not form.validate():
        return _render(campaign, application, _forms(**{action: form}), error_action=action)
    name = application.applicant_name
    try:
        if action == "pass_form_check":
            pass_form_check(application, current_user)
        elif action == "request_correction":
            request_correction(application, current_user, form.comment.data, form.section_comments(),
                               form.deadline.data)
        elif action == "fail_form_check":
            fail_form_check(application, current_user, form.rule.data, form.comment.data)
        else:
            reopen_form_check(application, current_user, form.comment.data)
    except TransitionError as exc:
        db.session.rollback()
        return _render(campaign, application, _forms(**{action: form}), error=str(exc), error_action=action,
                       status=409)
    db.session.commit()
    flash(DONE[action].format(name=name), "success")
    return redirect_after_post(url_for(".detail", campaign_id=campaign.id, application_id=application.id))


@bp.post("/form-check/<int:application_id>/pass")
@admin_only
def pass_check(campaign_id, application_id):
    return _decide(campaign_id, application_id, "pass_form_check")


@bp.post("/form-check/<int:application_id>/correction")
@admin_only
def correction(campaign_id, application_id):
    return _decide(campaign_id, application_id, "request_correction")


@bp.post("/form-check/<int:application_id>/fail")
@admin_only
def fail(campaign_id, application_id):
    return _decide(campaign_id, application_id, "fail_form_check")


@bp.post("/form-check/<int:application_id>/reopen")
@admin_only
def reopen(campaign_id, application_id):
    return _decide(campaign_id, application_id, "reopen_form_check")


@bp.get("/units/<int:unit_id>/letter.docx")
@admin_only
def unit_letter(campaign_id, unit_id):
    campaign = campaign_or_404(campaign_id)
    unit = db.session.get(RecommendingUnit, unit_id) or abort(404)
    report = db.session.execute(db.select(UnitReport).filter_by(campaign_id=campaign.id, unit_id=unit.id)
                                ).scalar_one_or_none()
    status = letter_status(campaign, unit, report)
    audit.record("export.letter", object_type="unit_report", object_id=unit.id,
                 detail={"campaign": campaign.year, "fingerprint": status.data.fingerprint})
    db.session.commit()
    return send_bytes(build_letter(status.data), letter_filename(status.data), DOCX, fallback="tuijianhan")
