"""An application's life: start it, check and render it before submission, submit (freezing a snapshot and its Word
file), withdraw. State changes go through webapp.status."""
from dataclasses import dataclass
from datetime import date, datetime

from webapp.applications.checklist import submission_blockers
from webapp.applications.final_print import print_state, working_version
from webapp.applications.rules import Problem
from webapp.applications.sections import SECTIONS
from webapp.applications.snapshot import serialize
from webapp.applications.word import FrozenDocument, render_frozen, store_frozen
from webapp.audit import trail as audit
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.locks import lock_row
from webapp.core.timeutil import local_today, utcnow
from webapp.models import (
    Application, ApplicationStatus, Campaign, EconomicYear, Enterprise, FinalPrint, SectionVersion, Snapshot, User,
)
from webapp.status import TransitionError, apply_transition
from webapp.accounts.members import is_enterprise_admin
from webapp.notices import events as notices


def start_application(enterprise: Enterprise, campaign: Campaign, user: User) -> Application:
    """Create the enterprise's application for the campaign, prefilled from its registration."""
    existing = db.session.execute(db.select(Application).filter_by(
        campaign_id=campaign.id, enterprise_id=enterprise.id)).scalar_one_or_none()
    if existing:
        return existing
    contact = enterprise.users[0] if enterprise.users else None
    application = Application(
        campaign=campaign, enterprise=enterprise, unit_id=enterprise.unit_id, edition_id=campaign.edition_id,
        company_name=enterprise.name, org_code=enterprise.credit_code, county_adcode=enterprise.county_adcode,
        contact_name=contact.display_name if contact else None, contact_mobile=contact.mobile if contact else None)
    application.economic_years = [EconomicYear(year=year) for year in campaign.economic_years]
    application.section_versions = [SectionVersion(section=s.key, version=0) for s in SECTIONS]
    db.session.add(application)
    db.session.flush()
    audit.record("application.start", obj=application, actor=user)
    return application


@dataclass(frozen=True)
class PreparedSubmission:
    """The slow part of a submission, done before the write lock: the checks, and the Word file of the version to
    be submitted (the current 盖章版's, or rendered here where the campaign asks for no stamped scan and there is
    none), for the application as it was at `stamp` (its updated_at and version)."""
    stamp: tuple
    blockers: list[Problem]
    generated_at: datetime
    declared_on: date
    document: FrozenDocument | None
    final: FinalPrint | None = None


def prepare_submission(application: Application) -> PreparedSubmission:
    """Check and render without writing."""
    stamp = (application.updated_at, application.version)
    blockers = submission_blockers(application, application.campaign)
    state = print_state(application)
    now, today = utcnow(), local_today()
    if state.current:
        return PreparedSubmission(stamp, blockers, now, state.final.declared_on, None, state.final)
    document = None
    if not blockers:
        with db.session.no_autoflush:
            document = render_frozen(application, now, working_version(application), today)
    return PreparedSubmission(stamp, blockers, now, today, document)


def submit_application(application: Application, user: User, prepared: PreparedSubmission | None = None,
                       explanation: str | None = None) -> Snapshot:
    """Check everything, move to 已提交, and freeze a snapshot of the data and its Word file: the 盖章版 that was
    stamped, so that the paper, the archive and the data carry one version, date and fingerprint. The caller
    commits. `explanation`: the 修改说明, required when resubmitting after a return (it goes into the history).

    `prepared`: what prepare_submission() found before the write lock; used if the application has not changed
    since, else everything is checked and rendered again. The application row is locked first and read again, so a
    save that committed meanwhile is seen (and one still running waits for this submission, then is refused)."""
    lock_row(application)
    if prepared is None or prepared.stamp != (application.updated_at, application.version):
        prepared = prepare_submission(application)
    check_enterprise_admin(user, "提交")
    if prepared.blockers:
        raise TransitionError(f"还有{len(prepared.blockers)}项需要处理，暂不能提交。")
    version = working_version(application)
    change = apply_transition(application, "submit", user, explanation)
    if change.from_status is ApplicationStatus.RETURNED:
        notices.application_resubmitted(application, change)
    application.version = version
    application.submitted_at, application.declared_on = prepared.generated_at, prepared.declared_on
    return freeze(application, prepared)


def freeze(application: Application, prepared: PreparedSubmission) -> Snapshot:
    """The snapshot of the version just submitted: its data and the Word file of its 盖章版."""
    if prepared.final is not None:
        final = prepared.final
        frozen = {"fingerprint": final.fingerprint, "docx_stored_name": final.docx_stored_name,
                  "docx_size": final.docx_size, "docx_sha256": final.docx_sha256,
                  "docx_crc32": final.docx_crc32}
    else:
        frozen = store_frozen(prepared.document)
    with db.session.no_autoflush:
        snapshot = Snapshot(application=application, version=application.version, data=serialize(application),
                            created_at=prepared.generated_at, **frozen)
    db.session.add(snapshot)
    return snapshot


def withdraw_application(application: Application, user: User) -> None:
    check_enterprise_admin(user, "撤回")
    change = apply_transition(application, "withdraw", user)
    notices.application_withdrawn(application, change)


def check_enterprise_admin(user: User, action: str) -> None:
    """Submitting and withdrawing are the enterprise's legal acts: its administrator's alone."""
    if not is_enterprise_admin(user):
        raise TransitionError(f"只有企业管理员可以{action}申报书，请联系本企业的管理员。")


def applicant_application(user: User) -> Application | None:
    campaign = current_campaign()
    if campaign is None or user.enterprise_id is None:
        return None
    return db.session.execute(db.select(Application).filter_by(
        campaign_id=campaign.id, enterprise_id=user.enterprise_id)).scalar_one_or_none()


