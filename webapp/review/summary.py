"""The rows of the unit's 推荐汇总表 (附件3) from its recommended applications, in 序号 order."""
from sqlalchemy.orm import joinedload, selectinload

from webapp.core.extensions import db
from webapp.documents.summary_xlsx import SummaryRow, UnitSummary
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationLink, ApplicationScenario, ApplicationType, Campaign, RecommendingUnit,
)
from webapp.review.report import get_report


def recommended_query(campaign_id: int, unit_id: int):
    return db.select(Application).where(
        Application.campaign_id == campaign_id, Application.unit_id == unit_id,
        Application.status.in_(RECOMMENDED_STATES),
    ).order_by(Application.recommend_order.is_(None), Application.recommend_order, Application.submitted_at,
               Application.id)


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
