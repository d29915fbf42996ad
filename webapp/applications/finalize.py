"""定稿: generate the 盖章版, the Word file of exactly the current content that the enterprise prints, signs, stamps,
scans and uploads. It can be generated once everything else is in order (the checklist is clean except for the
stamped scan and the answers to the unit's comments); it carries the version number the submission will have, the
date of today as 申报日期 and the content fingerprint, without the 草稿 mark. Submission freezes this very file.
"""
from dataclasses import dataclass
from datetime import date, datetime

from webapp.applications.checklist import submission_blockers
from webapp.applications.final_print import STAMP, attachments_digest, print_state, working_version
from webapp.applications.comments import COMMENT
from webapp.applications.rules import Problem
from webapp.applications.word import FrozenDocument, render_frozen, store_frozen
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import local_today, utcnow
from webapp.models import Application, FinalPrint, User
from webapp.status import TransitionError, is_editable


class FinalRefused(TransitionError):
    """A 盖章版 that cannot be generated now; the message is for the user."""


def final_blockers(application: Application) -> list[Problem]:
    """What stands between the application and its 盖章版: everything of the checklist but the stamped scan itself
    and the answers to the unit's comments (neither is printed)."""
    return [p for p in submission_blockers(application, application.campaign) if p.kind not in (STAMP, COMMENT)]


@dataclass(frozen=True)
class PreparedFinal:
    """The slow part of 定稿, done before the write lock: the checks and the Word file, for the application as it
    was at `stamp` (its updated_at and version)."""
    stamp: tuple
    blockers: list[Problem]
    version: int
    declared_on: date
    generated_at: datetime
    digest: str
    document: FrozenDocument | None


def prepare_final(application: Application) -> PreparedFinal:
    stamp = (application.updated_at, application.version)
    blockers = final_blockers(application) if is_editable(application) else []
    version, today, now = working_version(application), local_today(), utcnow()
    document = None
    if is_editable(application) and not blockers:
        with db.session.no_autoflush:
            document = render_frozen(application, now, version, today)
    return PreparedFinal(stamp, blockers, version, today, now, attachments_digest(application), document)


def make_final(application: Application, user: User, prepared: PreparedFinal | None = None) -> FinalPrint:
    """Generate and keep the 盖章版 (under the write lock; the caller commits). `prepared` is used if the application
    has not changed since prepare_final(); otherwise everything is checked and rendered again."""
    if not is_editable(application):
        raise FinalRefused(f"申报书当前状态为“{application.status.label}”，不能生成盖章版。")
    if print_state(application).current:
        raise FinalRefused("当前的盖章版仍然有效，无需重新生成：请直接下载打印。")
    if prepared is None or prepared.stamp != (application.updated_at, application.version):
        prepared = prepare_final(application)
    if prepared.blockers:
        raise FinalRefused(f"还有{len(prepared.blockers)}项需要处理，暂不能生成盖章版。")
    stored = store_frozen(prepared.document)
    final = FinalPrint(application=application, version=prepared.version, attachments_digest=prepared.digest,
                       declared_on=prepared.declared_on, generated_at=prepared.generated_at,
                       generated_by_id=user.id, **stored)
    db.session.add(final)
    db.session.flush()
    audit.record("application.finalize", obj=application, actor=user, detail={
        "final_print": final.id, "version": final.version, "fingerprint": final.fingerprint,
        "declared_on": final.declared_on.isoformat()})
    return final
