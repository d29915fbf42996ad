"""补正 for the enterprise (the page that checks and sends it back to the province), and what the recommending unit
sees of the province's 形式审查 on its review page (a template global, so that the unit's views stay as they are)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.applications.sections import SECTIONS
from webapp.core.extensions import begin_writes, db, finish_writes, reads_first
from webapp.forms.selection.correction import CorrectionReplyForm
from webapp.models import Application, Role
from webapp.permissions import get_application_or_404, roles_required
from webapp.selection.corrections import check_correction, correction_changes, submit_correction
from webapp.status import TransitionError

bp = Blueprint("correction", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)
SECTION_TITLES = {s.key: s.heading if s.number else s.title for s in SECTIONS}


@bp.app_template_global("form_check_notes")
def form_check_notes(application: Application) -> list:
    """The province's 补正 requests on the application, each with what the enterprise changed in answer."""
    return [(request, correction_changes(request)) for request in application.correction_requests]


@bp.app_template_global("section_title")
def section_title(key: str) -> str:
    return SECTION_TITLES.get(key, key)


def _page(application, form, error=None, status=200):
    check = check_correction(application)
    return render_template("selection/correction.html", application=application, check=check, form=form,
                           error=error, sections=SECTIONS), status


@bp.get("/<int:application_id>/correction")
@applicant_only
def page(application_id):
    application = get_application_or_404(application_id)
    if application.open_correction is None:
        flash("当前没有需要补正的内容。", "info")
        return redirect(url_for("application.view", application_id=application.id))
    return _page(application, CorrectionReplyForm(formdata=None))


@bp.post("/<int:application_id>/correction")
@reads_first
@applicant_only
def submit(application_id):
    application = get_application_or_404(application_id)
    form = CorrectionReplyForm()
    if not form.validate():
        return _page(application, form)
    begin_writes()
    try:
        submit_correction(application, current_user, form.reply.data)
    except TransitionError as exc:
        db.session.rollback()
        return _page(application, form, error=str(exc), status=409)
    finish_writes()
    flash("补正已提交省工业和信息化厅，推荐单位也会看到修改的内容。", "success")
    return redirect(url_for("application.view", application_id=application.id), code=303)
