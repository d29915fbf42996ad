"""The province admin (省厅管理员): campaigns with their rules, quotas and deadline extensions, and the overview.

Also `carry_over`: the applicant's "从上一年度申报书复制", which starts this year's application from the last one.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.campaigns import settings as campaign_admin
from webapp.campaigns.settings import ALL_RULE_SLOTS, RULE_ROWS, CampaignError
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.forms.campaigns import ConfirmForm, ExtensionForm, OverviewFilterForm, campaign_form, quota_field
from webapp.forms.fields import options
from webapp.core.htmx import redirect_after_post, render_page_or_block
from webapp.models import (
    UNIT_STATES, Application, ApplicationStatus, ApplicationType, Campaign, CatalogueEdition, DeadlineExtension, Enterprise,
    RecommendingUnit, Role,
)
from webapp.campaigns.funnel import build_funnel
from webapp.campaigns.overview import TOP_INDUSTRIES, build_overview
from webapp.permissions import require_enterprise_admin, roles_required
from webapp.applications.sections import SECTIONS
from webapp.core.timeutil import local_today

bp = Blueprint("campaigns", __name__, url_prefix="/admin")
admin_only = roles_required(Role.ADMIN)


def _units() -> list[RecommendingUnit]:
    return list(db.session.execute(db.select(RecommendingUnit).options(db.joinedload(RecommendingUnit.prefecture))
                                   .order_by(RecommendingUnit.prefecture_adcode)).scalars())


def _editions() -> list[CatalogueEdition]:
    return list(db.session.execute(db.select(CatalogueEdition).order_by(CatalogueEdition.code.desc())).scalars())


def _campaign_or_404(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


# ---- campaigns --------------------------------------------------------------------------------------------------

@bp.get("/campaigns")
@admin_only
def campaigns():
    rows = db.session.execute(
        db.select(Campaign, db.func.count(Application.id))
        .outerjoin(Application, Application.campaign_id == Campaign.id)
        .group_by(Campaign.id).order_by(Campaign.year.desc())).all()
    return render_template("campaigns/campaigns.html", rows=rows)


def _render_form(form, campaign=None, status=200, error=None):
    return render_template("campaigns/campaign_form.html", form=form, campaign=campaign, error=error,
                           rule_rows=RULE_ROWS, rule_slots=ALL_RULE_SLOTS, types=list(ApplicationType),
                           units=form.units, quota_field=quota_field,
                           locked_edition=campaign is not None and campaign_admin.has_applications(campaign)), status


@bp.route("/campaigns/new", methods=["GET", "POST"])
@admin_only
def new_campaign():
    form = campaign_form(_units(), _editions())
    if request.method == "GET":
        template = current_campaign()
        form.load_new(template, (template.year + 1) if template else local_today().year)
        return _render_form(form)
    if not form.validate():
        return _render_form(form)
    edition = db.session.get(CatalogueEdition, form.edition_id.data)
    if edition is None:
        form.edition_id.errors.append("请选择场景指引版本。")
        return _render_form(form)
    campaign = campaign_admin.create_from_settings(form.settings(), edition, current_user)
    db.session.commit()
    flash(f"已创建“{campaign.title}”。", "success")
    return redirect_after_post(url_for(".edit_campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@admin_only
def edit_campaign(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form = campaign_form(_units(), _editions(), campaign)
    if request.method == "GET":
        form.load(campaign)
        return _render_form(form, campaign)
    if not form.validate():
        return _render_form(form, campaign)
    try:
        changed = campaign_admin.update_from_settings(campaign, form.settings(), current_user)
    except CampaignError as exc:
        db.session.rollback()
        campaign = _campaign_or_404(campaign_id)
        return _render_form(form, campaign, error=str(exc))
    db.session.commit()
    flash("设置已保存。" if changed else "设置没有变化。", "success" if changed else "info")
    return redirect_after_post(url_for(".edit_campaign", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/current")
@admin_only
def make_current(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    if ConfirmForm().validate():
        campaign_admin.make_current(campaign, current_user)
        db.session.commit()
        flash(f"“{campaign.title}”已设为当前批次，企业和推荐单位将在此批次中工作。", "success")
    return redirect_after_post(url_for(".campaigns"))


# ---- deadline extensions -----------------------------------------------------------------------------------------

def _render_extensions(campaign, form, query, status=200, error=None):
    matches = campaign_admin.find_enterprises(query)
    chosen = form.enterprise_id.data
    if chosen and all(e.id != chosen for e in matches):
        picked = db.session.get(Enterprise, chosen)
        matches = ([picked] if picked else []) + matches
    form.enterprise_id.choices = options([(e.id, f"{e.name}（{e.credit_code}）") for e in matches])
    extensions = sorted(campaign.extensions, key=lambda e: e.deadline)
    return render_template("campaigns/extensions.html", campaign=campaign, form=form, query=query, matches=matches,
                           extensions=extensions, error=error), status


@bp.route("/campaigns/<int:campaign_id>/extensions", methods=["GET", "POST"])
@admin_only
def extensions(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form = ExtensionForm()
    query = (request.values.get("q") or "").strip()[:100]
    if request.method == "GET":
        if request.args.get("enterprise_id", "").isdigit():
            form.enterprise_id.data = int(request.args["enterprise_id"])
        return _render_extensions(campaign, form, query)
    if not form.validate():
        return _render_extensions(campaign, form, query)
    enterprise = db.session.get(Enterprise, form.enterprise_id.data)
    if enterprise is None:
        form.enterprise_id.errors.append("请先搜索并选择企业。")
        return _render_extensions(campaign, form, query)
    try:
        campaign_admin.grant_extension(campaign, enterprise, form.deadline_utc(), form.reason.data, current_user)
    except CampaignError as exc:
        db.session.rollback()
        form.deadline_date.errors.append(str(exc))
        return _render_extensions(_campaign_or_404(campaign_id), form, query)
    db.session.commit()
    flash(f"已为“{enterprise.name}”延长申报截止时间。", "success")
    return redirect_after_post(url_for(".extensions", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/extensions/<int:extension_id>/delete")
@admin_only
def remove_extension(campaign_id, extension_id):
    extension = db.session.get(DeadlineExtension, extension_id)
    if extension is None or extension.campaign_id != campaign_id:
        abort(404)
    if ConfirmForm().validate():
        name = extension.enterprise.name
        campaign_admin.remove_extension(extension, current_user)
        db.session.commit()
        flash(f"已取消“{name}”的延期，该企业按批次截止时间执行。", "success")
    return redirect_after_post(url_for(".extensions", campaign_id=campaign_id))


# ---- overview -----------------------------------------------------------------------------------------------------

@bp.get("/overview")
@admin_only
def overview():
    filters = OverviewFilterForm(formdata=request.args)
    all_campaigns = list(db.session.execute(db.select(Campaign).order_by(Campaign.year.desc())).scalars())
    units = _units()
    filters.campaign.choices = options([(c.id, f"{c.title}{'（当前）' if c.is_current else ''}") for c in all_campaigns])
    filters.unit.choices = options([("", "全省（14个推荐单位）")] + [(u.id, u.name) for u in units])
    campaign = next((c for c in all_campaigns if str(c.id) == filters.campaign.data), None) or current_campaign() \
        or (all_campaigns[0] if all_campaigns else None)
    filters.campaign.data = str(campaign.id) if campaign else ""
    unit_id = int(filters.unit.data) if (filters.unit.data or "").isdigit() else None
    if unit_id not in {u.id for u in units}:
        unit_id, filters.unit.data = None, ""
    status = next((s for s in ApplicationStatus if s.value == filters.status.data), None)
    data = build_overview(campaign, unit_id, status) if campaign else None
    return render_page_or_block("campaigns/overview.html", "results", filters=filters, campaign=campaign, data=data,
                                statuses=shown_statuses(data),
                                top_industries=TOP_INDUSTRIES,
                                funnel=build_funnel(campaign, unit_id) if campaign else None)


def shown_statuses(data) -> list[ApplicationStatus]:
    """The unit's states always; the province's selection states once an application is in one."""
    totals = data.status_totals if data else {}
    return [s for s in ApplicationStatus if s is ApplicationStatus.DRAFT or s in UNIT_STATES or totals.get(s)]


# ---- the applicant's copy from last year ------------------------------------------------------------------------

carry_over = Blueprint("carry_over", __name__, url_prefix="/applications")


@carry_over.app_template_global("previous_application")
def previous_application_global(enterprise_id, campaign):
    """For the applicant's home page: the application the new one could be copied from."""
    if not enterprise_id or campaign is None:
        return None
    return campaign_admin.previous_application(enterprise_id, campaign)


@carry_over.post("/copy-previous")
@roles_required(Role.APPLICANT)
def copy_previous():
    campaign = current_campaign()
    if campaign is None or not campaign.accepts_submissions(current_user.enterprise_id):
        flash("当前没有开放的申报批次，或申报已截止。", "error")
        return redirect(url_for("main.home"), code=303)
    if not ConfirmForm().validate():
        abort(400)
    require_enterprise_admin()
    try:
        result = campaign_admin.copy_from_previous(current_user.enterprise, campaign, current_user)
    except CampaignError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("main.home"), code=303)
    db.session.commit()
    flash(f"已从{result.source.campaign.year}年度申报书复制内容。请逐节核对并更新：近三年经济指标、投入等数据需按本年度填写，"
          "证明材料和场景配图需重新上传，真实性承诺需重新确认。", "success")
    if result.dropped_links or result.dropped_scenarios:
        dropped = "、".join(result.dropped_links + result.dropped_scenarios)
        flash(f"以下环节或场景在本年度场景指引中已不存在，未复制：{dropped}。", "warning")
    return redirect(url_for("application.edit_section", application_id=result.application.id, key=SECTIONS[0].key),
                    code=303)
