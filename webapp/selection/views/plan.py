"""评审方案 pages: create the plan with the default score sheet, its settings, and each sheet's criteria."""
from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user

from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.forms.selection.plan import CriterionForm, PassMarkForm, PlanForm
from webapp.forms.selection.review import ConfirmForm
from webapp.models import ApplicationType, Criterion
from webapp.selection.plan import PlanError, create_plan, scoring_started, update_settings
from webapp.selection.sheets import (
    band_ranges, bands_text, delete_criterion, move_criterion, save_criterion, set_pass_mark,
)
from webapp.selection.views.common import admin_only, campaign_or_404, plan_of

bp = Blueprint("plan", __name__, url_prefix="/admin/selection/<int:campaign_id>/plan")


def _criterion_form(criterion: Criterion) -> CriterionForm:
    form = CriterionForm(formdata=None, prefix=f"c{criterion.id}", obj=criterion)
    form.bands.data = bands_text(criterion)
    return form


def _page(campaign, plan, *, plan_form=None, criterion_forms=None, new_forms=None, pass_forms=None, error=None,
          status=200):
    context = dict(campaign=campaign, plan=plan, error=error, band_ranges=band_ranges)
    if plan is not None:
        if plan_form is None:
            plan_form = PlanForm(formdata=None)
            plan_form.load(plan)
        forms = {c.id: _criterion_form(c) for sheet in plan.sheets for c in sheet.criteria}
        forms.update(criterion_forms or {})
        new = {t: CriterionForm(formdata=None, prefix=f"new-{t.value}") for t in ApplicationType}
        new.update(new_forms or {})
        passes = {s.app_type: PassMarkForm(formdata=None, prefix=f"pass-{s.app_type.value}", obj=s)
                  for s in plan.sheets}
        passes.update(pass_forms or {})
        context.update(plan_form=plan_form, criterion_forms=forms, new_forms=new, pass_forms=passes,
                       locked=scoring_started(plan))
    return render_template("selection/plan.html", create_form=ConfirmForm(formdata=None), **context), status


def _plan_or_404(campaign):
    return plan_of(campaign) or abort(404)


@bp.get("")
@admin_only
def plan_page(campaign_id):
    campaign = campaign_or_404(campaign_id)
    return _page(campaign, plan_of(campaign))


@bp.post("/create")
@admin_only
def create(campaign_id):
    campaign = campaign_or_404(campaign_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        create_plan(campaign, current_user)
    except PlanError as exc:
        db.session.rollback()
        return _page(campaign, plan_of(campaign), error=str(exc), status=409)
    db.session.commit()
    flash("已按默认评分表创建评审方案。默认评分表依据公开的评价要素推断，请省厅根据本年度通知修改。", "success")
    return redirect_after_post(url_for(".plan_page", campaign_id=campaign.id))


@bp.post("")
@admin_only
def save_settings(campaign_id):
    campaign = campaign_or_404(campaign_id)
    plan = _plan_or_404(campaign)
    form = PlanForm()
    if not form.validate():
        return _page(campaign, plan, plan_form=form)
    try:
        changed = update_settings(plan, form.settings(), current_user)
    except PlanError as exc:
        db.session.rollback()
        return _page(campaign, plan, plan_form=form, error=str(exc), status=409)
    db.session.commit()
    flash("评审方案已保存。" if changed else "评审方案没有变化。", "success")
    return redirect_after_post(url_for(".plan_page", campaign_id=campaign.id))


def _sheet(plan, app_type_value: str):
    try:
        app_type = ApplicationType(app_type_value)
    except ValueError:
        abort(404)
    return plan.sheet_for(app_type) or abort(404)


def _criterion_or_404(plan, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.sheet.plan_id != plan.id:
        abort(404)
    return criterion


def _save(campaign, plan, sheet, criterion, form, forms_key):
    if not form.validate():
        return _page(campaign, plan, **{forms_key: {criterion.id if criterion else sheet.app_type: form}})
    try:
        save_criterion(sheet, criterion, form.values(), current_user)
    except PlanError as exc:
        db.session.rollback()
        return _page(campaign, plan, error=str(exc), status=409,
                     **{forms_key: {criterion.id if criterion else sheet.app_type: form}})
    db.session.commit()
    flash("评分项已保存。", "success")
    return redirect_after_post(url_for(".plan_page", campaign_id=campaign.id) + f"#sheet-{sheet.app_type.value}")


@bp.post("/<app_type>/criteria")
@admin_only
def add_criterion(campaign_id, app_type):
    campaign = campaign_or_404(campaign_id)
    plan = _plan_or_404(campaign)
    sheet = _sheet(plan, app_type)
    return _save(campaign, plan, sheet, None, CriterionForm(prefix=f"new-{sheet.app_type.value}"), "new_forms")


@bp.post("/criteria/<int:criterion_id>")
@admin_only
def edit_criterion(campaign_id, criterion_id):
    campaign = campaign_or_404(campaign_id)
    plan = _plan_or_404(campaign)
    criterion = _criterion_or_404(plan, criterion_id)
    return _save(campaign, plan, criterion.sheet, criterion, CriterionForm(prefix=f"c{criterion.id}"),
                 "criterion_forms")


def _change(campaign, plan, action, message):
    try:
        action()
    except PlanError as exc:
        db.session.rollback()
        return _page(campaign, plan, error=str(exc), status=409)
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for(".plan_page", campaign_id=campaign.id))


@bp.post("/criteria/<int:criterion_id>/delete")
@admin_only
def remove_criterion(campaign_id, criterion_id):
    campaign = campaign_or_404(campaign_id)
    plan = _plan_or_404(campaign)
    criterion = _criterion_or_404(plan, criterion_id)
    return _change(campaign, plan, lambda: delete_criterion(criterion, current_user), f"已删除“{criterion.name}”。")


@bp.post("/criteria/<int:criterion_id>/move/<direction>")
@admin_only
def move(campaign_id, criterion_id, direction):
    campaign = campaign_or_404(campaign_id)
    plan = _plan_or_404(campaign)
    criterion = _criterion_or_404(plan, criterion_id)
    return _change(campaign, plan, lambda: move_criterion(criterion, direction, current_user), "顺序已调整。")


@bp.post("/<app_type>/pass-mark")
@admin_only
def pass_mark(campaign_id, app_type):
    campaign = campaign_or_404(campaign_id)
    plan = _plan_or_404(campaign)
    sheet = _sheet(plan, app_type)
    form = PassMarkForm(prefix=f"pass-{sheet.app_type.value}")
    if not form.validate():
        return _page(campaign, plan, pass_forms={sheet.app_type: form})
    return _change(campaign, plan, lambda: set_pass_mark(sheet, form.pass_mark.data, current_user),
                   f"{sheet.app_type.label}通过分数已保存。")
