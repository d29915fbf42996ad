"""The recommending unit's work: the queue, decisions, quota, the order of the 汇总表 and 报送.

Plain functions of the data and the acting user, no request objects. They raise ReviewError (a TransitionError)
with a Chinese message, before changing anything, when a rule refuses; the caller commits.

Rules kept here:
- A unit acts only on its own prefecture's applications, and only while its list is not reported (报送) and the
  campaign's unit deadline has not passed. When the province sends a list back after the deadline, the unit may
  still correct and re-report it (otherwise a returned list would be stuck).
- 推荐 is refused when the unit's quota for that 申报类型 is used up.
- Recommended applications carry a dense 序号 (recommend_order 1..n within unit and campaign): recommending appends,
  leaving 已推荐 removes and renumbers.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp.audit import trail as audit
from webapp.documents.summary_xlsx import SummaryRow, UnitSummary
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus as S, ApplicationType,
    Campaign, County, Enterprise, IndustryDivision, Link, RecommendingUnit,
    ReviewComment, Role, StatusChange, UnitQuota, UnitReport, User,
)
from webapp.applications.rules import eligibility_problems
from webapp.applications.sections import SECTION_BY_KEY, SECTIONS
from webapp.status import TRANSITIONS, TransitionError, apply_transition, check_transition
from webapp.core.timeutil import fmt, local_today, utcnow

DECISIONS = ("return", "recommend", "reject")
QUEUE_STATES = (S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.NOT_RECOMMENDED)
PER_PAGE = 50


class ReviewError(TransitionError):
    """A refused review operation; the message is shown to the user."""


# ---- the unit's list and its lock ------------------------------------------------------------------------------

def get_report(campaign_id: int, unit_id: int) -> UnitReport | None:
    return db.session.execute(db.select(UnitReport).filter_by(campaign_id=campaign_id, unit_id=unit_id)
                              ).scalar_one_or_none()


def ensure_report(campaign: Campaign, unit_id: int) -> UnitReport:
    report = get_report(campaign.id, unit_id)
    if report is None:
        report = UnitReport(campaign_id=campaign.id, unit_id=unit_id)
        db.session.add(report)
        db.session.flush()
    return report


def lock_reason(campaign: Campaign, report: UnitReport | None, now: datetime | None = None) -> str | None:
    """Why the unit can no longer change decisions, order or its list; None while it can."""
    if report is not None and report.is_reported:
        return (f"本单位推荐汇总表已于 {fmt(report.reported_at)} 报送省工业和信息化厅，推荐结果已锁定。"
                "如需修改，请联系省厅退回。")
    if not campaign.is_open:
        return "本申报批次已关闭，不能再处理申报书。"
    reopened = report is not None and report.returned_at is not None and report.returned_at > campaign.unit_deadline
    if not campaign.unit_can_act(now) and not reopened:
        return f"推荐截止时间（{fmt(campaign.unit_deadline)}）已过，不能再处理申报书或报送汇总表。"
    return None


def _check_unlocked(campaign: Campaign, unit_id: int, now: datetime | None = None) -> None:
    reason = lock_reason(campaign, get_report(campaign.id, unit_id), now)
    if reason:
        raise ReviewError(reason)


def _check_unit(application: Application, user: User) -> None:
    if user.role is not Role.RECOMMENDER or application.unit_id != user.unit_id:
        raise ReviewError("您无权处理该申报书。")


# ---- quota -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuotaUse:
    app_type: ApplicationType
    used: int
    quota: int | None          # None: the campaign sets no quota for this type

    @property
    def full(self) -> bool:
        return self.quota is not None and self.used >= self.quota

    @property
    def over(self) -> bool:
        return self.quota is not None and self.used > self.quota


def quota_usage(campaign: Campaign, unit_id: int) -> dict[ApplicationType, QuotaUse]:
    used = dict(db.session.execute(
        db.select(Application.app_type, func.count()).where(
            Application.campaign_id == campaign.id, Application.unit_id == unit_id,
            Application.status == S.RECOMMENDED).group_by(Application.app_type)).all())
    quotas = dict(db.session.execute(db.select(UnitQuota.app_type, UnitQuota.quota).where(
        UnitQuota.campaign_id == campaign.id, UnitQuota.unit_id == unit_id)).all())
    return {t: QuotaUse(t, used.get(t, 0), quotas.get(t)) for t in ApplicationType}


def check_quota(application: Application) -> None:
    if application.app_type is None:
        raise ReviewError("申报书未选择申报类型，不能推荐。")
    use = quota_usage(application.campaign, application.unit_id)[application.app_type]
    if use.full:
        label = application.app_type.label
        raise ReviewError(f"{label}推荐名额已满（已推荐 {use.used}/{use.quota}），不能再推荐。"
                          f"如确需推荐本申报书，请先将已推荐的其他{label}改为不予推荐。")


# ---- decisions -------------------------------------------------------------------------------------------------

def allowed_decisions(application: Application) -> list[str]:
    """The decisions the state table allows from the application's state (lock and quota not considered)."""
    return [action for action in DECISIONS if application.status in TRANSITIONS[action].sources]


def decide(application: Application, action: str, user: User, comment: str | None = None,
           section_comments: dict[str, str] | None = None, now: datetime | None = None) -> StatusChange:
    """退回修改 / 推荐 / 不予推荐 through the state table; keeps the 序号 dense and stores section comments."""
    if action not in DECISIONS:
        raise ReviewError("未知的操作。")
    _check_unit(application, user)
    _check_unlocked(application.campaign, application.unit_id, now)
    notes = {key: text.strip() for key, text in (section_comments or {}).items() if text and text.strip()}
    if any(key not in SECTION_BY_KEY for key in notes):
        raise ReviewError("意见所指的部分不存在。")
    if notes and action != "return":
        raise ReviewError("只有退回修改时可以对具体部分提出意见。")
    check_transition(application, action, user, comment)
    if action == "recommend":
        check_quota(application)
    change = apply_transition(application, action, user, comment)
    if change.to_status is S.RECOMMENDED:
        application.recommend_order = (_max_order(application) or 0) + 1
    elif change.from_status is S.RECOMMENDED:
        application.recommend_order = None
        _renumber(application.campaign_id, application.unit_id)
    if notes:
        db.session.flush()
        for key in (s.key for s in SECTIONS if s.key in notes):
            db.session.add(ReviewComment(application=application, status_change_id=change.id, section=key,
                                         text=notes[key], author_id=user.id, created_at=utcnow()))
        audit.record("application.section_comments", obj=application, actor=user,
                     detail={"sections": list(notes), "status_change": change.id})
    return change


@dataclass(frozen=True)
class RowResult:
    application_id: int
    name: str
    ok: bool
    message: str = ""


def bulk_decide(ids: list[int], action: str, user: User, comment: str | None = None,
                now: datetime | None = None) -> list[RowResult]:
    """Decide each selected application on its own; a refusal of one does not stop the others."""
    found = {a.id: a for a in db.session.execute(db.select(Application).where(
        Application.id.in_(ids), Application.unit_id == user.unit_id, Application.status != S.DRAFT)).scalars()}
    results = []
    for application_id in dict.fromkeys(ids):
        application = found.get(application_id)
        if application is None:
            results.append(RowResult(application_id, f"编号 {application_id}", False, "申报书不存在或无权处理。"))
            continue
        name = application.company_name or application.enterprise.name
        try:
            decide(application, action, user, comment, now=now)
        except TransitionError as exc:
            results.append(RowResult(application_id, name, False, str(exc)))
        else:
            results.append(RowResult(application_id, name, True))
    return results


# ---- the order (序号) of the recommended applications ------------------------------------------------------------

def recommended_query(campaign_id: int, unit_id: int):
    return db.select(Application).where(
        Application.campaign_id == campaign_id, Application.unit_id == unit_id,
        Application.status == S.RECOMMENDED,
    ).order_by(Application.recommend_order.is_(None), Application.recommend_order, Application.submitted_at,
               Application.id)


def _max_order(application: Application) -> int | None:
    return db.session.execute(db.select(func.max(Application.recommend_order)).where(
        Application.campaign_id == application.campaign_id, Application.unit_id == application.unit_id,
        Application.status == S.RECOMMENDED, Application.id != application.id)).scalar()


def _renumber(campaign_id: int, unit_id: int, ordered: list[Application] | None = None) -> list[Application]:
    if ordered is None:
        ordered = list(db.session.execute(recommended_query(campaign_id, unit_id)).scalars())
    for number, application in enumerate(ordered, start=1):
        application.recommend_order = number
    return ordered


def move_to(application: Application, position: int, user: User, now: datetime | None = None) -> int:
    """Put a recommended application at 序号 `position` (clamped to 1..n); the others shift. Returns the new 序号."""
    _check_unit(application, user)
    _check_unlocked(application.campaign, application.unit_id, now)
    if application.status is not S.RECOMMENDED:
        raise ReviewError("只有已推荐的申报书有序号。")
    ordered = list(db.session.execute(recommended_query(application.campaign_id, application.unit_id)).scalars())
    old = ordered.index(application) + 1
    ordered.remove(application)
    new = min(max(position, 1), len(ordered) + 1)
    ordered.insert(new - 1, application)
    _renumber(application.campaign_id, application.unit_id, ordered)
    if new != old:
        audit.record("report.reorder", obj=application, actor=user, detail={"from": old, "to": new})
    return new


def move(application: Application, direction: str, user: User, now: datetime | None = None) -> int:
    """Move one place up or down."""
    if direction not in ("up", "down"):
        raise ReviewError("未知的操作。")
    current = application.recommend_order or 1
    return move_to(application, current - 1 if direction == "up" else current + 1, user, now)


# ---- 报送 and the province sending a list back ------------------------------------------------------------------

def undecided_count(campaign_id: int, unit_id: int) -> int:
    return db.session.execute(db.select(func.count()).select_from(Application).where(
        Application.campaign_id == campaign_id, Application.unit_id == unit_id,
        Application.status == S.SUBMITTED)).scalar_one()


def set_fill_date(campaign: Campaign, unit_id: int, user: User, fill_date: date, now: datetime | None = None
                  ) -> UnitReport:
    _check_unlocked(campaign, unit_id, now)
    report = ensure_report(campaign, unit_id)
    report.fill_date = fill_date
    audit.record("report.fill_date", obj=report, actor=user, detail={"fill_date": fill_date})
    return report


def submit_report(campaign: Campaign, unit_id: int, user: User, confirm_undecided: bool = False,
                  now: datetime | None = None) -> UnitReport:
    """报送: at least one recommendation, quotas kept; undecided applications need an explicit confirmation."""
    report = get_report(campaign.id, unit_id)
    _check_unlocked(campaign, unit_id, now)
    usage = quota_usage(campaign, unit_id)
    recommended = sum(use.used for use in usage.values())
    if recommended == 0:
        raise ReviewError("尚未推荐任何申报书，不能报送。")
    for use in usage.values():
        if use.over:
            raise ReviewError(f"{use.app_type.label}已推荐 {use.used} 项，超过名额 {use.quota} 项，请调整后再报送。")
    undecided = undecided_count(campaign.id, unit_id)
    if undecided and not confirm_undecided:
        raise ReviewError(f"还有 {undecided} 份已提交的申报书尚未处理。报送后将不能再处理；"
                          "如确认报送，请勾选确认后再次报送。")
    report = report or ensure_report(campaign, unit_id)
    report.reported_at = utcnow()
    report.reported_by_id = user.id
    if report.fill_date is None:
        report.fill_date = local_today()
    audit.record("report.submit", obj=report, actor=user,
                 detail={"recommended": recommended, "undecided": undecided, "fill_date": report.fill_date})
    return report


def return_report(campaign: Campaign, unit_id: int, admin: User, comment: str) -> UnitReport:
    """The province sends a reported list back to its unit, which may then change and re-report it."""
    if admin.role is not Role.ADMIN:
        raise ReviewError("只有省厅管理员可以退回推荐汇总表。")
    if not (comment or "").strip():
        raise ReviewError("退回时必须填写意见。")
    report = get_report(campaign.id, unit_id)
    if report is None or not report.is_reported:
        raise ReviewError("该推荐单位尚未报送推荐汇总表。")
    previous = report.reported_at
    report.reported_at = None
    report.reported_by_id = None
    report.returned_at = utcnow()
    report.return_comment = comment.strip()
    audit.record("report.return", obj=report, actor=admin,
                 detail={"unit_id": unit_id, "reported_at": previous, "comment": report.return_comment})
    return report


# ---- the 汇总表 rows -------------------------------------------------------------------------------------------

def recommended_applications(campaign_id: int, unit_id: int) -> list[Application]:
    """The recommended applications in 序号 order, with what the 汇总表 shows loaded in a fixed number of queries."""
    query = recommended_query(campaign_id, unit_id).options(
        joinedload(Application.county), joinedload(Application.industry_division),
        joinedload(Application.industry_group),
        selectinload(Application.links).joinedload(ApplicationLink.link),
        selectinload(Application.links).selectinload(ApplicationLink.scenarios)
        .load_only(ApplicationScenario.id, ApplicationScenario.app_link_id, ApplicationScenario.position,
                   ApplicationScenario.name, ApplicationScenario.scenario_id)
        .joinedload(ApplicationScenario.scenario))
    return list(db.session.execute(query).unique().scalars())


def summary_row(application: Application) -> SummaryRow:
    """One line of 附件3. A guide scenario is listed by the guide's name, an own one by the name the enterprise gave."""
    division, group = application.industry_division, application.industry_group
    return SummaryRow(
        order=application.recommend_order or 0,
        company_name=application.company_name or "",
        county=application.county.name if application.county else "",
        app_type_label=application.app_type.label if application.app_type else "",
        workshop_name=(application.workshop_name or "") if application.app_type is ApplicationType.WORKSHOP else "",
        industry_division=f"{division.code}{division.name}" if division else "",
        industry_group=f"{group.code}{group.name}" if group else "",
        links=[(app_link.link.name, [s.scenario.name if s.scenario else (s.name or "") for s in app_link.scenarios])
               for app_link in application.links],
        contact_name=application.contact_name or "",
        contact_phone=application.contact_mobile or "",
    )


def unit_summary(campaign: Campaign, unit: RecommendingUnit, applications: list[Application] | None = None
                 ) -> UnitSummary:
    if applications is None:
        applications = recommended_applications(campaign.id, unit.id)
    report = get_report(campaign.id, unit.id)
    # The date the unit chose, or the day of 报送 (set then); never today's: an unset date is left to the pen.
    return UnitSummary(year=campaign.year, unit_name=unit.name, fill_date=report.fill_date if report else None,
                       rows=[summary_row(a) for a in applications])


def export_filename(campaign: Campaign, unit: RecommendingUnit) -> str:
    return f"{campaign.year}年湖南省智能制造标杆推荐汇总表-{unit.name}.xlsx"


# ---- flags the unit must see -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flag:
    text: str
    level: str = "warn"      # warn | block


def application_flags(application: Application, campaign: Campaign,
                      blocks: tuple[int, int] | None = None) -> list[Flag]:
    """Eligibility problems (warnings and failing blocking rules), a 是 to 重大事故, and the enterprise's code flags."""
    problems = eligibility_problems(application, campaign, blocks)
    flags = [Flag(p.message, "block" if p.blocking else "warn") for p in problems]
    if application.major_accident is True and not any(p.anchor == "major_accident" for p in problems):
        # The campaign does not check it, but the unit must still see it.
        flags.append(Flag("企业填报近三年发生过重大安全生产事故或重大环境事故。"))
    flags += [Flag(text) for text in application.enterprise.flags]
    return flags


# ---- the queue -------------------------------------------------------------------------------------------------

SORT_KEYS = ("name", "type", "county", "industry", "submitted", "state")


@dataclass
class QueueQuery:
    status: S | None = None
    app_type: ApplicationType | None = None
    county: str | None = None
    industry: str | None = None
    link_id: int | None = None
    q: str = ""
    sort: str = "submitted"
    descending: bool = True
    page: int = 1


@dataclass
class QueueRow:
    application: Application
    flags: list[Flag]
    links: int
    scenarios: int


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    per_page: int = PER_PAGE
    first: int = field(init=False)

    def __post_init__(self):
        self.first = (self.page - 1) * self.per_page + 1


def _state_order():
    return case({s: i for i, s in enumerate(QUEUE_STATES)}, value=Application.status, else_=len(QUEUE_STATES))


def queue_page(campaign: Campaign, unit_id: int, query: QueueQuery, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the unit's applications (drafts excluded): a fixed number of queries whatever their number."""
    conditions = [Application.campaign_id == campaign.id, Application.unit_id == unit_id,
                  Application.status != S.DRAFT]
    if query.status is not None:
        conditions.append(Application.status == query.status)
    if query.app_type is not None:
        conditions.append(Application.app_type == query.app_type)
    if query.county:
        conditions.append(Application.county_adcode == query.county)
    if query.industry:
        conditions.append(Application.industry_division_code == query.industry)
    if query.link_id:
        conditions.append(Application.id.in_(db.select(ApplicationLink.application_id).where(
            ApplicationLink.link_id == query.link_id)))
    if query.q:
        conditions.append(Application.company_name.icontains(query.q, autoescape=True)
                          | Enterprise.name.icontains(query.q, autoescape=True))
    total = db.session.execute(db.select(func.count()).select_from(Application).join(Application.enterprise)
                               .where(*conditions)).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(query.page, 1), pages)
    columns = {"name": Application.company_name, "type": Application.app_type, "county": Application.county_adcode,
               "industry": Application.industry_division_code, "submitted": Application.submitted_at,
               "state": _state_order()}
    key = columns.get(query.sort, Application.submitted_at)
    order = [key.desc() if query.descending else key.asc(), Application.id.desc() if query.descending
             else Application.id.asc()]
    select = (db.select(Application).join(Application.enterprise).where(*conditions)
              .options(contains_eager(Application.enterprise), joinedload(Application.county),
                       joinedload(Application.industry_division), selectinload(Application.economic_years))
              .order_by(*order).limit(per_page).offset((page - 1) * per_page))
    applications = db.session.execute(select).unique().scalars().all()
    counts = block_counts([a.id for a in applications])
    rows = [QueueRow(a, application_flags(a, campaign, counts[a.id]), *counts[a.id]) for a in applications]
    return QueuePage(rows, total, page, pages, per_page)


def block_counts(application_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(环节, 场景) of each application, counted in one query rather than by loading the blocks."""
    rows = db.session.execute(
        db.select(ApplicationLink.application_id, func.count(func.distinct(ApplicationLink.id)),
                  func.count(ApplicationScenario.id))
        .outerjoin(ApplicationScenario, ApplicationScenario.app_link_id == ApplicationLink.id)
        .where(ApplicationLink.application_id.in_(application_ids))
        .group_by(ApplicationLink.application_id)).all()
    counts = {application_id: (0, 0) for application_id in application_ids}
    counts.update({application_id: (links, scenarios) for application_id, links, scenarios in rows})
    return counts


def state_counts(campaign: Campaign, unit_id: int) -> dict[S, int]:
    rows = dict(db.session.execute(db.select(Application.status, func.count()).where(
        Application.campaign_id == campaign.id, Application.unit_id == unit_id, Application.status != S.DRAFT)
        .group_by(Application.status)).all())
    return {s: rows.get(s, 0) for s in QUEUE_STATES}


def filter_options(campaign: Campaign, unit: RecommendingUnit) -> dict:
    """Choices of the queue's filters: the prefecture's counties, the industries present, the edition's 环节."""
    counties = db.session.execute(db.select(County.adcode, County.name).where(
        County.prefecture_adcode == unit.prefecture_adcode).order_by(County.adcode)).all()
    industries = db.session.execute(
        db.select(IndustryDivision.code, IndustryDivision.name).where(IndustryDivision.code.in_(
            db.select(Application.industry_division_code).where(
                Application.campaign_id == campaign.id, Application.unit_id == unit.id,
                Application.status != S.DRAFT))).order_by(IndustryDivision.code)).all()
    links = db.session.execute(db.select(Link.id, Link.no, Link.name).where(
        Link.edition_id == campaign.edition_id).order_by(Link.no)).all()
    return {"counties": [(code, name) for code, name in counties],
            "industries": [(code, f"{code}{name}") for code, name in industries],
            "links": [(str(link_id), f"{no}. {name}") for link_id, no, name in links]}


def next_pending(application: Application) -> Application | None:
    """The oldest other 已提交 application of the same unit and campaign, to review next."""
    return db.session.execute(db.select(Application).where(
        Application.campaign_id == application.campaign_id, Application.unit_id == application.unit_id,
        Application.status == S.SUBMITTED, Application.id != application.id)
        .order_by(Application.submitted_at, Application.id).limit(1)).scalar_one_or_none()
