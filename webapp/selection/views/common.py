"""What the province's selection pages share: loaders that own the 404s, the campaign's plan, the area's tabs."""
from flask import abort

from webapp.core.extensions import db
from webapp.models import Application, Campaign, ReviewPlan, Role
from webapp.permissions import roles_required
from webapp.selection.plan import get_plan

admin_only = roles_required(Role.ADMIN)

# (endpoint, label) of the tabs of a campaign's selection pages.
TABS = [("selection.hub", "概览"), ("form_check.queue", "形式审查"), ("plan.plan_page", "评审方案"),
        ("assignments.overview", "专家分配"), ("results.progress", "评审进度"), ("results.ranking_page", "评审排名"),
        ("publicity_admin.proposal", "拟认定名单"), ("publicity_admin.publicity", "公示与异议"),
        ("recognition_admin.campaign_page", "认定")]


def campaign_or_404(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


def application_or_404(campaign: Campaign, application_id: int) -> Application:
    """An application of this campaign (the admin sees every application; another campaign's is a 404 here)."""
    application = db.session.get(Application, application_id)
    if application is None or application.campaign_id != campaign.id:
        abort(404)
    return application


def plan_of(campaign: Campaign) -> ReviewPlan | None:
    return get_plan(campaign)


def plan_or_404(campaign: Campaign) -> ReviewPlan:
    return plan_of(campaign) or abort(404)
