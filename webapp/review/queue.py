"""The unit's queue: its prefecture's applications (drafts excluded) with filters, counts and the flags to see."""
from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus as S, ApplicationType, Campaign, County,
    Enterprise, IndustryDivision, Link, RecommendingUnit,
)
from webapp.applications.completeness import eligibility_problems


QUEUE_STATES = (S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.NOT_RECOMMENDED)


PER_PAGE = 50


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
