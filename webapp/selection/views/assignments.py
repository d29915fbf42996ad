"""专家分配 pages: the automatic proposal (generate, review, confirm or discard), one application's experts with the
reason of every exclusion, one expert's assignments; manual assign, withdraw and reassign."""
from collections import Counter, defaultdict

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user

from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.forms.selection.review import AssignForm, ConfirmForm, ReasonForm
from webapp.models import Assignment, AssignmentState as A, Expert
from webapp.selection.assignment import (
    AssignmentError, confirm, discard, propose, reviewable_applications, shortfalls,
)
from webapp.selection.assignment_manual import assign, reassign_expert, refill, withdraw
from webapp.selection.conflicts import declined_pairs, exclusions, expert_infos, field_match, targets
from webapp.selection.views.common import admin_only, application_or_404, campaign_or_404, plan_of

bp = Blueprint("assignments", __name__, url_prefix="/admin/selection/<int:campaign_id>/assignments")


def _plan_or_redirect(campaign):
    plan = plan_of(campaign)
    if plan is None:
        flash("请先制定评审方案（每份申报书的专家人数、回避规则、评分表）。", "error")
    return plan


def _rows(campaign):
    rows = list(db.session.execute(db.select(Assignment).filter_by(campaign_id=campaign.id)
                                   .options(db.joinedload(Assignment.expert), db.joinedload(Assignment.card))
                                   .order_by(Assignment.id)).unique().scalars())
    by_application = defaultdict(list)
    for row in rows:
        by_application[row.application_id].append(row)
    return rows, by_application


@bp.get("")
@admin_only
def overview(campaign_id):
    campaign = campaign_or_404(campaign_id)
    plan = plan_of(campaign)
    applications = reviewable_applications(campaign) if plan else []
    rows, by_application = _rows(campaign)
    load = Counter(row.expert_id for row in rows if row.state in (A.ACTIVE, A.PROPOSED))
    experts = {e.id: e for e in db.session.execute(db.select(Expert).where(Expert.id.in_(load))).scalars()}
    return render_template(
        "selection/assignments.html", campaign=campaign, plan=plan, applications=applications,
        by_application=by_application, proposed=sum(1 for r in rows if r.state is A.PROPOSED),
        shortfalls=shortfalls(campaign, plan) if plan else [], load=load, experts=experts,
        form=ConfirmForm(formdata=None))


def _act(campaign, action, message):
    if not ConfirmForm().validate():
        abort(400)
    plan = _plan_or_redirect(campaign)
    if plan is None:
        return redirect_after_post(url_for("plan.plan_page", campaign_id=campaign.id))
    try:
        result = action(plan)
    except AssignmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect_after_post(url_for(".overview", campaign_id=campaign.id))
    db.session.commit()
    flash(message(result), "success")
    return redirect_after_post(url_for(".overview", campaign_id=campaign.id))


@bp.post("/propose", endpoint="propose")
@admin_only
def propose_view(campaign_id):
    campaign = campaign_or_404(campaign_id)
    return _act(campaign, lambda plan: propose(campaign, plan, current_user),
                lambda missing: "已生成分配方案，请核对后确认。" + (f"有 {len(missing)} 份申报书无法足额分配，见页面上方说明。"
                                                        if missing else ""))


@bp.post("/confirm", endpoint="confirm")
@admin_only
def confirm_view(campaign_id):
    campaign = campaign_or_404(campaign_id)
    return _act(campaign, lambda plan: confirm(campaign, current_user),
                lambda count: f"已确认 {count} 人次的分配，专家登录后即可看到评审任务。")


@bp.post("/discard", endpoint="discard")
@admin_only
def discard_view(campaign_id):
    campaign = campaign_or_404(campaign_id)
    return _act(campaign, lambda plan: discard(campaign, current_user), lambda count: f"已放弃 {count} 人次的拟分配。")


# ---- one application -------------------------------------------------------------------------------------------

def _application_page(campaign, application, error=None, reason_form=None, status=200):
    plan = plan_of(campaign)
    rows = list(db.session.execute(db.select(Assignment).filter_by(application_id=application.id)
                                   .options(db.joinedload(Assignment.expert))).scalars())
    candidates = []
    if plan is not None:
        [target] = targets([application])
        declined = declined_pairs(campaign)
        taken = {row.expert_id for row in rows if row.state in (A.ACTIVE, A.PROPOSED)}
        infos = [info for info in expert_infos() if info.id not in taken]
        candidates = sorted(((info, exclusions(info, target, plan, declined), field_match(info, target))
                             for info in infos), key=lambda c: (bool(c[1]), -c[2], c[0].prefecture_adcode, c[0].id))
    return render_template("selection/assignment_application.html", campaign=campaign, plan=plan,
                           application=application, rows=rows, candidates=candidates, error=error,
                           form=AssignForm(formdata=None), reason_form=reason_form or ReasonForm(formdata=None),
                           confirm_form=ConfirmForm(formdata=None)), status


@bp.get("/<int:application_id>")
@admin_only
def application_page(campaign_id, application_id):
    campaign = campaign_or_404(campaign_id)
    return _application_page(campaign, application_or_404(campaign, application_id))


def _one(campaign_id, application_id, action, message):
    campaign = campaign_or_404(campaign_id)
    application = application_or_404(campaign, application_id)
    plan = plan_of(campaign)
    if plan is None:
        return _application_page(campaign, application, error="请先制定评审方案。", status=409)
    try:
        action(application, plan)
    except AssignmentError as exc:
        db.session.rollback()
        return _application_page(campaign, application, error=str(exc), status=409)
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for(".application_page", campaign_id=campaign.id, application_id=application.id))


@bp.post("/<int:application_id>/assign", endpoint="assign")
@admin_only
def assign_view(campaign_id, application_id):
    form = AssignForm()

    def action(application, plan):
        expert = db.session.get(Expert, int(form.expert_id.data)) if (form.expert_id.data or "").isdigit() else None
        if not form.validate() or expert is None:
            raise AssignmentError("请选择要分配的专家。")
        assign(application, expert, plan, current_user)
    return _one(campaign_id, application_id, action, "已分配专家。")


@bp.post("/<int:application_id>/refill", endpoint="refill")
@admin_only
def refill_view(campaign_id, application_id):
    return _one(campaign_id, application_id, lambda application, plan: refill(application, plan, current_user),
                "已按回避规则补足评审专家。")


@bp.post("/rows/<int:assignment_id>/withdraw", endpoint="withdraw")
@admin_only
def withdraw_view(campaign_id, assignment_id):
    campaign = campaign_or_404(campaign_id)
    row = db.session.get(Assignment, assignment_id)
    if row is None or row.campaign_id != campaign.id:
        abort(404)
    form = ReasonForm()
    if not form.validate():
        return _application_page(campaign, row.application, reason_form=form)
    try:
        withdraw(row, current_user, form.reason.data)
    except AssignmentError as exc:
        db.session.rollback()
        return _application_page(campaign, row.application, error=str(exc), status=409)
    db.session.commit()
    flash(f"已撤回{row.expert.name}的评审任务。", "success")
    return redirect_after_post(url_for(".application_page", campaign_id=campaign.id,
                                       application_id=row.application_id))


# ---- one expert ------------------------------------------------------------------------------------------------

def _expert_page(campaign, expert, error=None, form=None, problems=(), status=200):
    rows = list(db.session.execute(db.select(Assignment).filter_by(campaign_id=campaign.id, expert_id=expert.id)
                                   .options(db.joinedload(Assignment.application), db.joinedload(Assignment.card))
                                   .order_by(Assignment.id)).unique().scalars())
    return render_template("selection/assignment_expert.html", campaign=campaign, expert=expert, rows=rows,
                           error=error, form=form or ReasonForm(formdata=None), problems=problems), status


@bp.get("/experts/<int:expert_id>")
@admin_only
def expert_page(campaign_id, expert_id):
    campaign = campaign_or_404(campaign_id)
    return _expert_page(campaign, db.session.get(Expert, expert_id) or abort(404))


@bp.post("/experts/<int:expert_id>/reassign", endpoint="reassign")
@admin_only
def reassign_view(campaign_id, expert_id):
    campaign = campaign_or_404(campaign_id)
    expert = db.session.get(Expert, expert_id) or abort(404)
    plan = plan_of(campaign)
    form = ReasonForm()
    if plan is None or not form.validate():
        return _expert_page(campaign, expert, form=form, error=None if plan else "请先制定评审方案。")
    try:
        problems = reassign_expert(expert, campaign, plan, current_user, form.reason.data)
    except AssignmentError as exc:
        db.session.rollback()
        return _expert_page(campaign, expert, form=form, error=str(exc), status=409)
    db.session.commit()
    flash(f"已撤回{expert.name}尚未提交的评审任务，并重新分配。", "success")
    if problems:
        return _expert_page(campaign, expert, problems=problems)
    return redirect_after_post(url_for(".expert_page", campaign_id=campaign.id, expert_id=expert.id))
