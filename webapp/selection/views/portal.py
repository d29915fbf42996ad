"""The expert's portal: their assignments with progress and reminders; opening one (first the 回避 question, with
nothing of the application beyond its name); the read-only 申报书 with attachments previewed in the page and the
unit's 推荐意见 beside the score sheet; the signed-sheet documents. An expert sees only what they are assigned:
anything else is a 404. The score sheet's saves and submission are in views/sheet.py."""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.core.downloads import DOCX, content_disposition, send_bytes
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.core.storage import attachment_path_for
from webapp.documents.score_sheet_docx import build_score_sheets, sheets_filename
from webapp.forms.selection.review import ConfirmForm, DeclineForm
from webapp.models import Assignment, AssignmentState as A, Attachment, Campaign, Role
from webapp.permissions import roles_required
from webapp.selection.assignment_manual import AssignmentError, decline, open_assignment
from webapp.selection.files import PREVIEWABLE
from webapp.selection.plan import get_plan
from webapp.selection.progress import latest_reminder
from webapp.selection.review_export import expert_sheets
from webapp.selection.views.expert_common import VISIBLE, assignment_or_404, my_expert, review_context

bp = Blueprint("expert", __name__, url_prefix="/expert")
expert_only = roles_required(Role.EXPERT)


@bp.get("/")
@expert_only
def assignments():
    expert = my_expert()
    rows = list(db.session.execute(
        db.select(Assignment).where(Assignment.expert_id == expert.id, Assignment.state.in_(VISIBLE))
        .options(db.joinedload(Assignment.application), db.joinedload(Assignment.card))
        .order_by(Assignment.campaign_id.desc(), Assignment.id)).unique().scalars())
    campaigns = {c.id: c for c in db.session.execute(db.select(Campaign).where(
        Campaign.id.in_({r.campaign_id for r in rows}))).scalars()}
    plans = {cid: get_plan(c) for cid, c in campaigns.items()}
    reminder = latest_reminder(list(campaigns), expert) if campaigns else None
    return render_template("selection/expert_home.html", expert=expert, rows=rows, campaigns=campaigns, plans=plans,
                           reminder=reminder)


def _decline_page(assignment, form=None, error=None, status=200):
    return render_template("selection/expert_open.html", assignment=assignment, application=assignment.application,
                           form=form or DeclineForm(formdata=None), confirm_form=ConfirmForm(formdata=None),
                           error=error), status


@bp.get("/assignments/<int:assignment_id>")
@expert_only
def assignment(assignment_id):
    item = assignment_or_404(assignment_id)
    if item.state is not A.ACTIVE or item.opened_at is None:
        return _decline_page(item)
    return render_template("selection/expert_review.html", **review_context(item))


@bp.post("/assignments/<int:assignment_id>/open", endpoint="open")
@expert_only
def open_view(assignment_id):
    item = assignment_or_404(assignment_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        open_assignment(item, current_user)
    except AssignmentError as exc:
        db.session.rollback()
        return _decline_page(item, error=str(exc), status=409)
    db.session.commit()
    return redirect_after_post(url_for(".assignment", assignment_id=item.id))


@bp.post("/assignments/<int:assignment_id>/decline", endpoint="decline")
@expert_only
def decline_view(assignment_id):
    item = assignment_or_404(assignment_id)
    form = DeclineForm()
    if not form.validate():
        return _decline_page(item, form=form)
    try:
        decline(item, current_user, form.reason.data)
    except AssignmentError as exc:
        db.session.rollback()
        return _decline_page(item, form=form, error=str(exc), status=409)
    db.session.commit()
    flash("已声明回避。该评审任务已撤销，省工信厅将另行分配专家。感谢您的如实声明。", "success")
    return redirect_after_post(url_for(".assignments"))


@bp.get("/assignments/<int:assignment_id>/files/<int:attachment_id>")
@expert_only
def attachment(assignment_id, attachment_id):
    """An attachment of the assigned application: PDF and pictures shown in the page, other files downloaded."""
    item = assignment_or_404(assignment_id)
    file = db.session.get(Attachment, attachment_id)
    if item.state is not A.ACTIVE or item.opened_at is None or file is None \
            or file.application_id != item.application_id:
        abort(404)
    path = attachment_path_for(file.stored_name)
    if not path.is_file():
        abort(404)
    inline = request.args.get("inline") == "1" and file.content_type in PREVIEWABLE
    if not inline:
        audit.record("attachment.download", obj=file, detail={"application_id": file.application_id,
                                                                "name": file.original_name, "expert": True})
    response = send_file(path, mimetype=file.content_type, conditional=True, etag=file.sha256, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(file.original_name, inline=inline,
                                                                  fallback=f"attachment-{file.id}")
    if inline and file.content_type == "application/pdf":
        # Shown in a frame of the review page: framing by this site only. Chromium's PDF viewer refuses a
        # sandboxed document, so this one response is not sandboxed; it loads nothing (default-src 'none').
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    return response


@bp.get("/assignments/<int:assignment_id>/sheet.docx")
@expert_only
def sheet_docx(assignment_id):
    item = assignment_or_404(assignment_id)
    if item.card is None:
        flash("尚未开始评分，没有可下载的评分表。", "info")
        return redirect(url_for(".assignment", assignment_id=item.id))
    campaign = item.application.campaign
    sheets = expert_sheets(campaign, get_plan(campaign), item.expert, item)
    name = sheets_filename(sheets, campaign.year, item.application.company_name)
    return send_bytes(build_score_sheets(sheets), name, DOCX, fallback="sheet")


@bp.get("/campaigns/<int:campaign_id>/sheets.docx")
@expert_only
def all_sheets_docx(campaign_id):
    expert = my_expert()
    campaign = db.session.get(Campaign, campaign_id)
    plan = get_plan(campaign) if campaign else None
    if plan is None:
        abort(404)
    sheets = expert_sheets(campaign, plan, expert)
    return send_bytes(build_score_sheets(sheets), sheets_filename(sheets, campaign.year), DOCX, fallback="sheets")
