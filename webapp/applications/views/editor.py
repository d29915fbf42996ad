"""The applicant's 申报书: start, edit section by section, checklist, submit, withdraw; the read-only view."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.applications.attachment_list import attachment_overview
from webapp.applications.checklist import checklist, grouped, submission_blockers
from webapp.applications.contents import load_contents
from webapp.applications.editor import editor_context
from webapp.applications.final_print import RestampNeeded, print_state, restamp_guard
from webapp.applications.lifecycle import (
    prepare_submission, start_application, submit_application, withdraw_application,
)
from webapp.applications.versions import NotEditable, SaveConflict, posted_version, section_write
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import begin_writes, db, finish_writes, reads_first
from webapp.core.htmx import is_htmx, redirect_after_post, render_page_or_block
from webapp.models import Role
from webapp.recognition.repeat_rule import start_warnings
from webapp.permissions import get_application_or_404, require_enterprise_admin, require_section, roles_required
from webapp.applications.sections import SECTION_BY_KEY, SECTIONS
from webapp.status import TRANSITIONS, TransitionError, can_open_section, is_editable
from webapp.core.timeutil import fmt, utcnow
from webapp.accounts.members import may_edit_anything, may_edit_section
from webapp.applications.presence import touch

bp = Blueprint("application", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)
readers = roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)


@bp.post("/start")
@applicant_only
def start():
    campaign = current_campaign()
    if campaign is None or not campaign.accepts_submissions(current_user.enterprise_id):
        flash("当前没有开放的申报批次，或申报已截止。", "error")
        return redirect(url_for("main.home"), code=303)
    if not may_edit_anything(current_user):
        abort(403)
    application = start_application(current_user.enterprise, campaign, current_user)
    db.session.commit()
    for warning in start_warnings(current_user.enterprise, campaign):     # 已认定 N 年内不得重复申报
        flash(warning, "warning")
    return redirect(url_for(".edit", application_id=application.id), code=303)


@bp.get("/<int:application_id>/edit")
@applicant_only
def edit(application_id):
    application = get_application_or_404(application_id)
    mine = [s for s in SECTIONS if may_edit_section(current_user, s.key)]
    if not mine:        # a colleague who may only view
        return redirect(url_for(".view", application_id=application.id))
    reports, _ = checklist(application, application.campaign)
    first_open = next((s.key for s in mine if reports[s.key].state != "已完成"), mine[0].key)
    return redirect(url_for(".edit_section", application_id=application.id, key=first_open))


def _section_or_404(key):
    section = SECTION_BY_KEY.get(key)
    if section is None:
        abort(404)
    return section


REFRESHED = "列表已按您的选择更新，请继续选择后保存。您填写的内容尚未保存。"


def _render_section(application, section, form=None, *, saved_at=None, conflict=None, status=200, **extra):
    context = editor_context(application, section, form, saved_at=saved_at, conflict=conflict, **extra)
    return render_page_or_block("applications/edit.html", "section", **context), status


@bp.get("/<int:application_id>/sections/<key>")
@applicant_only
def edit_section(application_id, key):
    application = get_application_or_404(application_id)
    section = _section_or_404(key)
    require_section(section.key)
    if not can_open_section(application, key):
        flash(str(NotEditable(application)), "info")
        return redirect(url_for(".view", application_id=application.id))
    touch(application, section.key, current_user)
    form = section.build_form(application, from_request=False) if section.form else None
    if section.key == "implementation":
        load_contents(application, guide=True)     # the editor's blocks and choices, in a few queries
    return _render_section(application, section, form, open_block=request.args.get("open"))[0]


def _not_editable(application, section, form):
    form.form_errors.append(str(NotEditable(application, "您填写的内容仍在表单中。")))
    return _render_section(application, section, form, status=409)


@bp.post("/<int:application_id>/sections/<key>")
@reads_first
@applicant_only
def save_section(application_id, key):
    application = get_application_or_404(application_id)
    section = _section_or_404(key)
    if section.form is None:
        abort(404)
    require_section(section.key)
    form = section.build_form(application, from_request=True)
    if not is_editable(application, key):
        return _not_editable(application, section, form)
    if request.form.get("refresh"):
        # Without JavaScript: a dependent list follows the chosen parent; nothing is saved, nothing is lost.
        return _render_section(application, section, form, notice=REFRESHED)
    if not form.validate():
        return _render_section(application, section, form)
    list_action = request.form.get("list_action", "")
    if list_action and hasattr(form, "apply_list_action"):
        form.apply_list_action(list_action)
    try:
        with section_write(application, key, current_user, posted_version(form.version.data)) as new_version:
            with restamp_guard(application, request.form.get("confirm_restamp") == "1"):
                form.save(application)
    except NotEditable:                     # submitted meanwhile: checked again on current data, under the lock
        return _not_editable(application, section, form)
    except SaveConflict as conflict:
        return _render_section(application, section, form, conflict=str(conflict), status=409)
    except RestampNeeded as question:
        return _render_section(application, section, form, restamp=str(question))
    form.version.data = str(new_version)
    saved_at = fmt(utcnow(), "%H:%M:%S")
    if list_action:
        # Stay on the list (a new empty item is only in the form until it is filled and saved).
        return _render_section(application, section, form, saved_at=saved_at)
    gaps = section.open_dependents(form)
    if request.form.get("next") and gaps:
        # 保存并继续 never moves on past a list that had to follow another choice: say what is left to choose.
        notice = "、".join(f"“{field.label.text}”" for field in gaps)
        return _render_section(application, section, form, saved_at=saved_at,
                               notice=f"列表已按所选内容更新，请选择{notice}后再继续")
    if request.form.get("next"):
        index = SECTIONS.index(section)
        following = SECTIONS[min(index + 1, len(SECTIONS) - 1)]
        return redirect_after_post(url_for(".edit_section", application_id=application.id, key=following.key))
    if is_htmx():
        return _render_section(application, section, form, saved_at=saved_at)
    flash(f"“{section.title}”已保存。", "success")
    return redirect(url_for(".edit_section", application_id=application.id, key=key) + "#section", code=303)


def _checklist_page(application, status=200, **extra):
    reports, eligibility = checklist(application, application.campaign)
    blockers = submission_blockers(application, application.campaign)
    return render_template("applications/checklist.html", application=application, sections=SECTIONS,
                           reports=reports, eligibility=eligibility, blockers=blockers, groups=grouped(blockers),
                           stamp=print_state(application), editable=is_editable(application), **extra), status


@bp.get("/<int:application_id>/checklist")
@applicant_only
def checklist_page(application_id):
    return _checklist_page(get_application_or_404(application_id))


@bp.post("/<int:application_id>/submit")
@reads_first
@applicant_only
def submit(application_id):
    application = get_application_or_404(application_id)
    require_enterprise_admin()
    explanation = (request.form.get("explanation") or "").strip()
    if not explanation and application.status in TRANSITIONS["submit"].comment_required_from:
        return _checklist_page(application, 200, explanation_error="退回后重新提交，请填写修改说明。")
    prepared = prepare_submission(application)      # the checks (and, without a 盖章版, the Word file) unlocked
    begin_writes()
    try:
        submit_application(application, current_user, prepared, explanation)
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".checklist_page", application_id=application_id), code=303)
    finish_writes()
    flash("申报书已提交，等待推荐单位审核。推荐单位处理前，您可以撤回修改。", "success")
    return redirect(url_for(".view", application_id=application_id), code=303)


@bp.post("/<int:application_id>/withdraw")
@applicant_only
def withdraw(application_id):
    application = get_application_or_404(application_id)
    require_enterprise_admin()
    try:
        withdraw_application(application, current_user)
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("申报书已撤回，可以继续修改后重新提交。", "success")
    return redirect(url_for(".view", application_id=application.id), code=303)


@bp.get("/<int:application_id>")
@readers
def view(application_id):
    application = get_application_or_404(application_id)
    reports, eligibility = checklist(application, application.campaign)
    overview = attachment_overview(application)
    return render_template("applications/view.html", application=application, sections=SECTIONS, reports=reports,
                           eligibility=eligibility, overview=overview, stamp=overview.stamp,
                           editable_state=is_editable(application),
                           editable=is_editable(application) and current_user.role is Role.APPLICANT)
