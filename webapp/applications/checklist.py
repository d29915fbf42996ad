"""The checklist before submission: every section's completeness report and the campaign's eligibility problems."""
from datetime import datetime

from webapp.applications.contents import load_contents
from webapp.applications.completeness import eligibility_problems, report_for
from webapp.applications.rules import Problem
from webapp.applications.sections import SECTIONS
from webapp.core.timeutil import fmt
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
    if not campaign.accepts_submissions(application.enterprise_id, now):
        blockers.insert(0, Problem("", f"申报已截止（截止时间 {fmt(campaign.deadline_for(application.enterprise_id))}），"
                                       "不能再提交。如有特殊情况，请联系推荐单位。", kind="deadline"))
    return blockers
