"""The province's selection of a campaign at a glance: where each step stands, with the way to each page."""
from flask import Blueprint, redirect, render_template, url_for
from sqlalchemy import func

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    RECOMMENDED_STATES, Application, Assignment, AssignmentState, Campaign, Expert, ScoreCard,
)
from webapp.selection.form_check import reported_unit_ids
from webapp.selection.views.common import TABS, admin_only, campaign_or_404, plan_of

bp = Blueprint("selection", __name__, url_prefix="/admin/selection")


@bp.app_context_processor
def selection_context():
    return {"selection_tabs": TABS, "AssignmentState": AssignmentState}


@bp.get("/")
@admin_only
def index():
    campaign = current_campaign()
    if campaign is None:
        return render_template("selection/no_campaign.html")
    return redirect(url_for(".hub", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>/")
@admin_only
def hub(campaign_id):
    campaign = campaign_or_404(campaign_id)
    reported = reported_unit_ids(campaign)          # the 形式审查 counts what its queue shows: reported lists
    counts = dict(db.session.execute(db.select(Application.status, func.count()).where(
        Application.campaign_id == campaign.id, Application.unit_id.in_(reported),
        Application.status.in_(RECOMMENDED_STATES)).group_by(Application.status)).all())
    assignments = dict(db.session.execute(db.select(Assignment.state, func.count()).where(
        Assignment.campaign_id == campaign.id).group_by(Assignment.state)).all())
    submitted = db.session.execute(db.select(func.count()).select_from(ScoreCard).join(Assignment).where(
        Assignment.campaign_id == campaign.id, Assignment.state == AssignmentState.ACTIVE,
        ScoreCard.submitted_at.is_not(None))).scalar_one()
    experts = db.session.execute(db.select(func.count()).select_from(Expert).where(Expert.active)).scalar_one()
    campaigns = list(db.session.execute(db.select(Campaign).order_by(Campaign.year.desc())).scalars())
    return render_template("selection/hub.html", campaign=campaign, campaigns=campaigns, counts=counts,
                           reported=len(reported), assignments=assignments,
                           submitted=submitted, experts=experts, plan=plan_of(campaign),
                           states=RECOMMENDED_STATES)
