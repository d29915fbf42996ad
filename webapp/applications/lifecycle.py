"""Application operations: start, save a section (with its version check), submit, withdraw."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from webapp.audit import trail as audit
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus, Campaign, EconomicYear, Enterprise,
    Link, SectionVersion, Snapshot, User,
)
from webapp.applications.rules import Problem, eligibility_problems
from webapp.applications.sections import SECTIONS, report_for
from webapp.applications.snapshot import serialize
from webapp.status import TransitionError, apply_transition
from webapp.applications.word import FrozenDocument, render_frozen, store_frozen
from webapp.core.timeutil import fmt, local_today, utcnow


STAMPED_SCAN = "stamped_scan"      # the 盖章版 scan: may always be replaced while a 补正 is open


class SaveConflict(Exception):
    """Someone saved the same section after this form was opened."""


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


def section_version(application: Application, key: str, *, create: bool = False) -> SectionVersion:
    """The section's version row. A missing one reads as version 0 and is only stored with `create` (by a save):
    a page that merely shows the section writes nothing."""
    for row in application.section_versions:
        if row.section == key:
            return row
    if not create:
        return SectionVersion(section=key, version=0)
    row = SectionVersion(section=key, version=0)
    application.section_versions.append(row)
    db.session.flush()
    return row


def claim_section(application: Application, key: str, expected_version: int, user: User) -> int:
    """Compare-and-set the section's version in one UPDATE, so two concurrent saves cannot both win.

    Raises SaveConflict with who saved and when if the version moved on since the form was opened.
    """
    current = section_version(application, key, create=True)
    result = db.session.execute(
        db.update(SectionVersion)
        .where(SectionVersion.id == current.id, SectionVersion.version == expected_version)
        .values(version=expected_version + 1, saved_at=utcnow(), saved_by_id=user.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        latest = db.session.get(SectionVersion, current.id)
        if latest is None or latest.saved_at is None:
            # Never saved (a row made just now went with the rollback): the page sent no valid version.
            raise SaveConflict("页面的版本信息无效或已过期，为避免覆盖，您这次的内容没有保存，仍保留在下方表单中。"
                               "请先复制您的修改，点击“载入最新内容”后再保存。")
        db.session.refresh(latest)
        who = db.session.get(User, latest.saved_by_id) if latest.saved_by_id else None
        raise SaveConflict(
            f"此部分已在您打开之后被{('“' + who.display_name + '”') if who else '他人'}于 {fmt(latest.saved_at)} 保存过"
            f"（版本 {latest.version}）。为避免覆盖，您这次的内容没有保存，仍保留在下方表单中。"
            "请先复制您的修改，点击“载入最新内容”查看后再合并保存。")
    db.session.refresh(current)
    application.updated_at = utcnow()
    return expected_version + 1


def load_contents(application: Application, *, guide: bool = False) -> Application:
    """Load the 环节 and 场景 blocks of the application with what the checklist and the pages read of them (the
    guide's 环节 and scenario names, the pictures of each 场景) and its attachments in a fixed number of queries,
    instead of one query per 环节 and per 场景. `guide`: also the guide's scenarios of each chosen 环节 (the choices
    of the implementation editor). Collections already loaded in this session are left as they are."""
    if application.id is None:
        return application
    unloaded = inspect(application).unloaded
    if "links" not in unloaded and "attachments" not in unloaded and not guide:
        return application
    links = joinedload(ApplicationLink.link)
    if guide:
        links = links.selectinload(Link.scenarios)
    db.session.execute(
        db.select(Application).where(Application.id == application.id).options(
            selectinload(Application.links).options(
                links, selectinload(ApplicationLink.scenarios).joinedload(ApplicationScenario.scenario)),
            selectinload(Application.attachments))
    ).scalar_one()
    # The pictures of each 场景 are among the attachments just loaded: fill the collections without a query each.
    pictures: dict[int, list] = {}
    for attachment in application.attachments:
        if attachment.app_scenario_id is not None:
            pictures.setdefault(attachment.app_scenario_id, []).append(attachment)
    for app_link in application.links:
        for app_scenario in app_link.scenarios:
            state = inspect(app_scenario)
            if "pictures" in state.unloaded and not state.modified:
                set_committed_value(app_scenario, "pictures", pictures.get(app_scenario.id, []))
    return application


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


@dataclass(frozen=True)
class PreparedSubmission:
    """The slow part of a submission, done before the write lock: the checks, and the Word file of the version to
    be submitted, rendered from the application as it was at `stamp` (its updated_at and version)."""
    stamp: tuple
    blockers: list[Problem]
    generated_at: datetime
    declared_on: date
    document: FrozenDocument | None


def prepare_submission(application: Application) -> PreparedSubmission:
    """Check and render without writing. The version fields the document shows are set on `application` only for
    the rendering: the caller rolls back (begin_writes) or submit_application sets them for good."""
    stamp = (application.updated_at, application.version)
    blockers = submission_blockers(application, application.campaign)
    now, today = utcnow(), local_today()
    document = None
    if not blockers:
        with db.session.no_autoflush:
            application.version = stamp[1] + 1
            application.submitted_at, application.declared_on = now, today
            document = render_frozen(application, now)
    return PreparedSubmission(stamp, blockers, now, today, document)


def submit_application(application: Application, user: User,
                       prepared: PreparedSubmission | None = None) -> Snapshot:
    """Check everything, move to 已提交, and freeze a snapshot of the data and its Word file. The caller commits.

    `prepared`: what prepare_submission() found before the write lock; used if the application has not changed
    since, else everything is checked and rendered again."""
    if prepared is None or prepared.stamp != (application.updated_at, application.version):
        prepared = prepare_submission(application)
    if prepared.blockers:
        raise TransitionError(f"还有{len(prepared.blockers)}项需要处理，暂不能提交。")
    apply_transition(application, "submit", user)
    application.version = prepared.stamp[1] + 1
    application.submitted_at, application.declared_on = prepared.generated_at, prepared.declared_on
    with db.session.no_autoflush:
        snapshot = Snapshot(application=application, version=application.version, data=serialize(application),
                            created_at=prepared.generated_at, **store_frozen(prepared.document))
    db.session.add(snapshot)
    return snapshot


def withdraw_application(application: Application, user: User) -> None:
    apply_transition(application, "withdraw", user)


def can_open_section(application: Application, key: str) -> bool:
    """The editor opens a section that can be changed; during a 补正, 八 also opens for the new 盖章版 alone."""
    return is_editable(application, key) or (key == "attachments" and is_editable(application, STAMPED_SCAN))


def applicant_application(user: User) -> Application | None:
    campaign = current_campaign()
    if campaign is None or user.enterprise_id is None:
        return None
    return db.session.execute(db.select(Application).filter_by(
        campaign_id=campaign.id, enterprise_id=user.enterprise_id)).scalar_one_or_none()


def is_editable(application: Application, section: str | None = None) -> bool:
    """Draft and returned: every section. 需补正 (the province's 形式审查): until the 补正 deadline, only the sections
    the province named, and the stamped scan (a new 盖章版 when the content changed); `section=None` asks whether
    anything is."""
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        return True
    request = application.open_correction
    if request is None or utcnow() > request.deadline:
        return False
    return section is None or section in request.sections or section == STAMPED_SCAN
