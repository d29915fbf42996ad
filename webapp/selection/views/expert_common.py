"""What the expert's portal pages share: the current expert, their own assignment or a 404, and what the review page
and the score sheet show. Used by the portal and the score sheet views (no routes here)."""
from flask import abort, url_for
from flask_login import current_user

from webapp.applications.attachment_list import attachment_overview
from webapp.applications.contents import load_contents
from webapp.applications.sections import SECTIONS
from webapp.core.extensions import db
from webapp.models import Assignment, AssignmentState as A, ScoreCard
from webapp.selection.experts import expert_of
from webapp.selection.plan import get_plan
from webapp.selection.scoring import missing_for_submission
from webapp.selection.sheets import band_of, band_ranges

VISIBLE = (A.ACTIVE, A.DECLINED, A.WITHDRAWN)


def my_expert():
    return expert_of(current_user) or abort(404)


def assignment_or_404(assignment_id: int) -> Assignment:
    """The current expert's own assignment (confirmed, or ended); anyone else's, or a mere proposal, is a 404."""
    expert = my_expert()
    assignment = db.session.get(Assignment, assignment_id, options=[
        db.joinedload(Assignment.expert), db.joinedload(Assignment.application),
        db.joinedload(Assignment.card).selectinload(ScoreCard.scores)])
    if assignment is None or assignment.expert_id != expert.id or assignment.state not in VISIBLE:
        abort(404)
    return assignment


def sheet_context(assignment: Assignment, **extra) -> dict:
    """What the score sheet shows (a section saved with HTMX needs no more than this)."""
    application = assignment.application
    plan = get_plan(application.campaign)
    sheet = plan.sheet_for(application.app_type) if plan else None
    card = assignment.card
    context = dict(assignment=assignment, application=application, plan=plan, sheet=sheet, card=card, errors={},
                   typed={}, saved_at=None, problems=[], band_ranges=band_ranges, band_of=band_of,
                   missing=missing_for_submission(card, sheet, plan) if sheet and card and not card.submitted_at
                   else [])
    context.update(extra)
    return context


def review_context(assignment: Assignment, **extra) -> dict:
    """Everything the review page shows: the sheet, the read-only 申报书, other experts' scores if allowed."""
    context = sheet_context(assignment, **extra)
    load_contents(assignment.application)
    context.update(sections=SECTIONS, hide_review_comments=True, others=_others(assignment, context["plan"]),
                   overview=attachment_overview(assignment.application),
                   attachment_url=lambda file, inline=False: url_for(
                       "expert.attachment", assignment_id=assignment.id, attachment_id=file.id,
                       inline=1 if inline else None))
    return context


def _others(assignment: Assignment, plan) -> list[ScoreCard]:
    """Other experts' submitted sheets: only where the plan lets experts see them, and once this one is submitted."""
    if plan is None or not plan.experts_see_others or assignment.card is None or not assignment.card.submitted_at:
        return []
    return list(db.session.execute(
        db.select(ScoreCard).join(Assignment).where(
            Assignment.application_id == assignment.application_id, Assignment.id != assignment.id,
            Assignment.state == A.ACTIVE, ScoreCard.submitted_at.is_not(None))).scalars())
