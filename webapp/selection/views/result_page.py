"""One application's result page (admin): each expert's sheet, the aggregate and the ranking place, 现场答辩/核查.
Rendered by the results and the site-visit views (no routes here)."""
from flask import render_template

from webapp.core.extensions import db
from webapp.forms.selection.review import ConfirmForm, ReasonForm, SiteVisitMarkForm, SiteVisitResultForm
from webapp.models import Assignment, AssignmentState as A, ScoreCard
from webapp.selection.ranking import criteria_of, ranking, results
from webapp.selection.site_visits import visit_of
from webapp.selection.views.common import plan_or_404


def _cards(application):
    return list(db.session.execute(
        db.select(Assignment).filter_by(application_id=application.id, state=A.ACTIVE)
        .options(db.joinedload(Assignment.expert), db.joinedload(Assignment.card).selectinload(ScoreCard.scores))
        .order_by(Assignment.id)).unique().scalars())


def result_page(campaign, application, error=None, reason_form=None, visit_form=None, status=200):
    plan = plan_or_404(campaign)
    kind = application.app_type
    ranked = ranking(results(campaign, plan, kind), kind) if kind else []
    result = next((r for r in ranked if r.application_id == application.id), None)
    return render_template(
        "selection/result.html", campaign=campaign, plan=plan, application=application, result=result,
        rows=_cards(application), criteria=criteria_of(plan, application.app_type), error=error,
        reason_form=reason_form or ReasonForm(formdata=None), visit=visit_of(application),
        mark_form=SiteVisitMarkForm(formdata=None), visit_form=visit_form or SiteVisitResultForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None)), status
