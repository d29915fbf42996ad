"""补正, the enterprise's side: what it may change (status.is_editable reads the open request), the
check before it sends the corrected application back to the province, and what changed (shown to the province and
the unit).

If anything the 盖章版 shows changed (content or proof files), sending back is a new version with a new 盖章版 and its
stamped scan, frozen like a submission; an answer that only explains keeps the version and the stamped paper.
"""
from dataclasses import dataclass

from webapp.applications.changes import FieldChange, changed_fields
from webapp.applications.checklist import submission_blockers
from webapp.applications.final_print import print_state, working_version
from webapp.applications.lifecycle import check_enterprise_admin, freeze, prepare_submission
from webapp.applications.rules import Problem
from webapp.audit import trail as audit
from webapp.core.timeutil import utcnow
from webapp.models import Application, CorrectionRequest, Snapshot, User
from webapp.notices import events as notices
from webapp.status import TransitionError, apply_transition


class CorrectionError(TransitionError):
    """A refused 补正 submission; the message is for the enterprise."""


def stamp_unchanged(application: Application) -> bool:
    """Nothing the submitted 盖章版 shows has changed (content, proof files): the stamped paper stays valid, and an
    answer that only explains is no new version (final_print.PrintState.carried_over)."""
    state = print_state(application)
    return state.current and state.final.version == application.version


@dataclass(frozen=True)
class CorrectionCheck:
    request: CorrectionRequest | None
    blockers: list[Problem]
    changed: bool


def check_correction(application: Application) -> CorrectionCheck:
    """What stands in the way of sending the correction back (its own deadline, not the campaign's)."""
    request = application.open_correction
    if request is None:
        return CorrectionCheck(None, [Problem("", "当前没有需要补正的内容。", kind="state")], False)
    unchanged = stamp_unchanged(application)
    blockers = submission_blockers(application, application.campaign)
    return CorrectionCheck(request, blockers, not unchanged)


def submit_correction(application: Application, user: User, reply: str | None = None) -> Snapshot | None:
    """Send the corrected application back to the province: 需补正 → 补正已提交. A changed application is a new
    version with its new 盖章版 (frozen like a submission); an unchanged one keeps its version and stamped paper."""
    check_enterprise_admin(user, "提交补正")
    check = check_correction(application)
    if check.blockers:
        raise CorrectionError(f"还有{len(check.blockers)}项需要处理，暂不能提交补正：{check.blockers[0].message}")
    snapshot = None
    if check.changed:
        prepared = prepare_submission(application)
        version = working_version(application)
        change = apply_transition(application, "submit_correction", user, reply)
        application.version = version
        application.submitted_at, application.declared_on = prepared.generated_at, prepared.declared_on
        snapshot = freeze(application, prepared)
    else:
        change = apply_transition(application, "submit_correction", user, reply)
    check.request.answered_at = utcnow()
    check.request.answered_version = application.version
    audit.record("application.correction_answer", obj=application, actor=user,
                 detail={"request": check.request.id, "version": application.version, "changed": check.changed})
    notices.correction_submitted(application, change)
    return snapshot


def correction_changes(request: CorrectionRequest) -> list[FieldChange] | None:
    """What the enterprise changed in answering the request (None while unanswered)."""
    if request.answered_version is None:
        return None
    by_version = {s.version: s for s in request.application.snapshots}
    before, after = by_version.get(request.base_version), by_version.get(request.answered_version)
    if before is None or after is None:
        return []
    return changed_fields(before.data, after.data)
