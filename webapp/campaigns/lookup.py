"""Campaign lookups and creation with the rules Hunan has used."""
from datetime import datetime
from decimal import Decimal

from webapp.core.extensions import db
from webapp.models import (
    ApplicationType as T, Campaign, CampaignRule, CatalogueEdition, RecommendingUnit, RuleKey as K, RuleMode, UnitQuota,
)

# (rule, type, threshold) as Hunan has used them: 企业 ≥ 8 环节/10 场景, 收入 ≥ 2亿, 投入 ≥ 1亿; 车间 ≥ 4/5, 投入 ≥ 3000万.
DEFAULT_RULES = [
    (K.MIN_LINKS, T.ENTERPRISE, 8), (K.MIN_SCENARIOS, T.ENTERPRISE, 10),
    (K.MIN_LINKS, T.WORKSHOP, 4), (K.MIN_SCENARIOS, T.WORKSHOP, 5),
    (K.MIN_REVENUE, T.ENTERPRISE, 20000), (K.MIN_INVESTMENT, T.ENTERPRISE, 10000),
    (K.MIN_INVESTMENT, T.WORKSHOP, 3000), (K.NO_MAJOR_ACCIDENT, None, None),
]
DEFAULT_QUOTA = {T.ENTERPRISE: 5, T.WORKSHOP: 10}


def current_campaign() -> Campaign | None:
    return db.session.execute(db.select(Campaign).filter_by(is_current=True)).scalar_one_or_none()


def create_campaign(*, year: int, title: str, enterprise_deadline: datetime, unit_deadline: datetime,
                    edition: CatalogueEdition, make_current: bool = True) -> Campaign:
    """A campaign with the default rules (all blocking), quotas and required attachments."""
    campaign = Campaign(year=year, title=title, enterprise_deadline=enterprise_deadline, unit_deadline=unit_deadline,
                        edition=edition, is_open=True)
    for key, app_type, threshold in DEFAULT_RULES:
        campaign.rules.append(CampaignRule(key=key, app_type=app_type, mode=RuleMode.BLOCK,
                                           threshold=Decimal(threshold) if threshold is not None else None))
    for unit in db.session.execute(db.select(RecommendingUnit)).scalars():
        for app_type, quota in DEFAULT_QUOTA.items():
            campaign.quotas.append(UnitQuota(unit=unit, app_type=app_type, quota=quota))
    if make_current:
        db.session.execute(db.update(Campaign).values(is_current=False))
        campaign.is_current = True
    db.session.add(campaign)
    db.session.flush()
    return campaign
