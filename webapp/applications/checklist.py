"""The checklist before submission: every section's completeness report and the campaign's eligibility problems."""
from datetime import datetime

from webapp.applications.comments import unanswered_problems
from webapp.applications.contents import load_contents
from webapp.applications.completeness import eligibility_problems, report_for
from webapp.applications.rules import Problem
from webapp.applications.sections import SECTION_BY_KEY, SECTIONS, Section
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Application, Campaign


def checklist(application: Application, campaign: Campaign) -> tuple[dict, list[Problem]]:
    """Per-section reports and the campaign's eligibility problems (blocking or warnings)."""
    load_contents(application)
    reports = {s.key: report_for(s, application, campaign) for s in SECTIONS}
    return reports, eligibility_problems(application, campaign)


def submission_blockers(application: Application, campaign: Campaign, now: datetime | None = None) -> list[Problem]:
    reports, eligibility = checklist(application, campaign)
    blockers = [p for r in reports.values() for p in r.problems if p.blocking]
    blockers += [p for p in eligibility if p.blocking]
    blockers += unanswered_problems(application)
    deadline = _deadline_problem(application, campaign, now)
    return [deadline, *blockers] if deadline else blockers


def _deadline_problem(application: Application, campaign: Campaign, now: datetime | None) -> Problem | None:
    """The campaign's deadline; a 补正 of the province's 形式审查 (after that deadline, as a rule) has its own."""
    request = application.open_correction
    if request is not None:
        if (now or utcnow()) <= request.deadline:
            return None
        return Problem("", f"补正截止时间（{fmt(request.deadline)}）已过，不能再提交补正。请联系省工信厅。", kind="deadline")
    if campaign.accepts_submissions(application.enterprise_id, now):
        return None
    return Problem("", f"申报已截止（截止时间 {fmt(campaign.deadline_for(application.enterprise_id))}），"
                       "不能再提交。如有特殊情况，请联系推荐单位。", kind="deadline")


def grouped(problems: list[Problem]) -> list[tuple[Section | None, list[Problem]]]:
    """The problems by section, in the form's order; those of no section (the deadline) first."""
    by_key: dict[str, list[Problem]] = {}
    for problem in problems:
        by_key.setdefault(problem.section if problem.section in SECTION_BY_KEY else "", []).append(problem)
    groups = [(None, by_key[""])] if "" in by_key else []
    return groups + [(section, by_key[section.key]) for section in SECTIONS if section.key in by_key]
