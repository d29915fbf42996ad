"""Campaign administration (省厅): settings, rules, quotas, deadline extensions, and starting an application from
the enterprise's previous one. Plain functions of the models; the caller commits.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from webapp.audit import trail as audit
from webapp.campaigns.lookup import DEFAULT_QUOTA, DEFAULT_RULES, create_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationType, AttachmentCategory, Campaign, CampaignRule,
    DeadlineExtension, EconomicYear, Enterprise, Link, ListItem, RuleKey, RuleMode, Scenario, SectionVersion,
    UnitQuota, User,
)
from webapp.applications.sections import SECTIONS
from webapp.core.timeutil import fmt


class CampaignError(Exception):
    """A refusal with a Chinese message for the admin."""


# ---- the rule grid --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleSlot:
    """One cell of the rule grid: a rule for one 申报类型 (or for both when app_type is None)."""

    key: RuleKey
    app_type: ApplicationType | None
    label: str
    unit: str = ""
    decimals: int = 0
    has_threshold: bool = True

    @property
    def name(self) -> str:
        return f"rule_{self.key.value}_{self.app_type.value if self.app_type else 'all'}"


E, W = ApplicationType.ENTERPRISE, ApplicationType.WORKSHOP
RULE_ROWS = [
    (RuleKey.MIN_LINKS, "涵盖智能制造环节数不少于", "个", 0),
    (RuleKey.MIN_SCENARIOS, "智能制造场景数不少于", "个", 0),
    (RuleKey.MIN_REVENUE, "最近一年主营业务收入不低于", "万元", 2),
    (RuleKey.MIN_INVESTMENT, "近3年智能制造总投入不低于（车间：车间近3年总投入）", "万元", 2),
]
RULE_SLOTS = [RuleSlot(key, app_type, label, unit, decimals)
              for key, label, unit, decimals in RULE_ROWS for app_type in (E, W)]
ACCIDENT_SLOT = RuleSlot(RuleKey.NO_MAJOR_ACCIDENT, None, "近三年未发生重大安全生产事故、重大环境事故",
                         has_threshold=False)
# 已认定的企业（车间）N 年内不得重复申报: N in years, for both types (webapp/recognition/repeat_rule.py).
REPEAT_SLOT = RuleSlot(RuleKey.RECENT_RECOGNITION, None, "已认定的企业（车间）不得重复申报的年限", "年")
ALL_RULE_SLOTS = RULE_SLOTS + [ACCIDENT_SLOT, REPEAT_SLOT]

#: Categories an admin may require; 技术方案配图 belongs to a 场景 and is never required as such.
REQUIRABLE_ATTACHMENTS = [c for c in AttachmentCategory if c is not AttachmentCategory.SOLUTION_PICTURE]


@dataclass
class RuleSetting:
    threshold: Decimal | None
    mode: RuleMode


@dataclass
class CampaignSettings:
    """Everything the campaign form edits, as plain values (deadlines already in naive UTC)."""

    year: int
    title: str
    edition_id: int
    enterprise_deadline: datetime
    unit_deadline: datetime
    is_open: bool
    make_current: bool
    max_file_mb: int
    max_application_mb: int
    required_attachments: list[str]
    rules: dict[RuleSlot, RuleSetting] = field(default_factory=dict)
    quotas: dict[tuple[int, ApplicationType], int] = field(default_factory=dict)


def rule_setting(campaign: Campaign | None, slot: RuleSlot) -> RuleSetting:
    """The stored setting of a grid cell (an exact match of key and type); 不检查 when there is no row.

    Without a campaign: the defaults a new campaign gets (campaigns.DEFAULT_RULES, all blocking).
    """
    if campaign is None:
        for key, app_type, threshold in DEFAULT_RULES:
            if key is slot.key and app_type is slot.app_type:
                return RuleSetting(Decimal(threshold) if threshold is not None else None, RuleMode.BLOCK)
        return RuleSetting(None, RuleMode.OFF)
    for rule in campaign.rules:
        if rule.key is slot.key and rule.app_type is slot.app_type:
            return RuleSetting(rule.threshold, rule.mode)
    return RuleSetting(None, RuleMode.OFF)


def quota_of(campaign: Campaign | None, unit_id: int, app_type: ApplicationType) -> int:
    for quota in campaign.quotas if campaign else []:
        if quota.unit_id == unit_id and quota.app_type is app_type:
            return quota.quota
    return DEFAULT_QUOTA[app_type]


def has_applications(campaign: Campaign) -> bool:
    return db.session.execute(db.select(Application.id).filter_by(campaign_id=campaign.id).limit(1)).first() is not None


def create_from_settings(settings: CampaignSettings, edition, actor: User) -> Campaign:
    """A new campaign with the given settings (the first campaign ever is always made current)."""
    no_current = db.session.execute(db.select(Campaign.id).filter_by(is_current=True)).first() is None
    campaign = create_campaign(year=settings.year, title=settings.title,
                               enterprise_deadline=settings.enterprise_deadline,
                               unit_deadline=settings.unit_deadline, edition=edition,
                               make_current=settings.make_current or no_current)
    _apply(campaign, settings)
    audit.record("campaign.create", obj=campaign, actor=actor,
                 detail={"year": campaign.year, "title": campaign.title, "current": campaign.is_current})
    return campaign


def update_from_settings(campaign: Campaign, settings: CampaignSettings, actor: User) -> list[str]:
    """Apply the settings; returns the names of what changed (also written to the audit record)."""
    if settings.year != campaign.year and has_applications(campaign):
        raise CampaignError("本批次已有申报书，不能修改年度（申报书的近三年经济指标按年度填写）。")
    if settings.edition_id != campaign.edition_id and has_applications(campaign):
        raise CampaignError("本批次已有申报书，不能更换场景指引版本（申报书沿用填写时的版本）。")
    if campaign.is_current and not settings.make_current:
        raise CampaignError("必须有一个当前批次。如需切换，请在另一个批次上点击“设为当前批次”。")
    before = _describe(campaign)
    campaign.year, campaign.title, campaign.edition_id = settings.year, settings.title, settings.edition_id
    campaign.enterprise_deadline, campaign.unit_deadline = settings.enterprise_deadline, settings.unit_deadline
    _apply(campaign, settings)
    if settings.make_current and not campaign.is_current:
        make_current(campaign, actor)
    db.session.flush()
    after = _describe(campaign)
    changed = [key for key in after if before.get(key) != after[key]]
    if changed:
        audit.record("campaign.update", obj=campaign, actor=actor,
                     detail={key: {"from": before.get(key), "to": after[key]} for key in changed})
    return changed


def _apply(campaign: Campaign, settings: CampaignSettings) -> None:
    campaign.is_open = settings.is_open
    campaign.max_file_mb, campaign.max_application_mb = settings.max_file_mb, settings.max_application_mb
    wanted = set(settings.required_attachments)
    campaign.required_attachments = [c.value for c in REQUIRABLE_ATTACHMENTS if c.value in wanted]
    existing = {(r.key, r.app_type): r for r in campaign.rules}
    for slot, value in settings.rules.items():
        rule = existing.get((slot.key, slot.app_type))
        threshold = value.threshold if slot.has_threshold else None
        if rule is None:
            if value.mode is RuleMode.OFF and threshold is None:
                continue
            campaign.rules.append(CampaignRule(key=slot.key, app_type=slot.app_type, threshold=threshold,
                                               mode=value.mode))
        else:
            rule.threshold, rule.mode = threshold, value.mode
    quotas = {(q.unit_id, q.app_type): q for q in campaign.quotas}
    for (unit_id, app_type), number in settings.quotas.items():
        row = quotas.get((unit_id, app_type))
        if row is None:
            campaign.quotas.append(UnitQuota(unit_id=unit_id, app_type=app_type, quota=number))
        else:
            row.quota = number


def _describe(campaign: Campaign) -> dict:
    """A flat, comparable description of the settings, for the audit record of an update."""
    out = {"year": campaign.year, "title": campaign.title, "edition_id": campaign.edition_id,
           "enterprise_deadline": fmt(campaign.enterprise_deadline), "unit_deadline": fmt(campaign.unit_deadline),
           "is_open": campaign.is_open, "is_current": campaign.is_current, "max_file_mb": campaign.max_file_mb,
           "max_application_mb": campaign.max_application_mb,
           "required_attachments": sorted(campaign.required_attachments or [])}
    for rule in campaign.rules:
        name = f"rule.{rule.key.value}.{rule.app_type.value if rule.app_type else 'all'}"
        out[name] = f"{rule.mode.value}:{rule.threshold if rule.threshold is not None else ''}"
    for quota in campaign.quotas:
        out[f"quota.{quota.unit_id}.{quota.app_type.value}"] = quota.quota
    return out


def make_current(campaign: Campaign, actor: User) -> None:
    """Make `campaign` the one current campaign (applicants and units work on the current one)."""
    if campaign.is_current:
        return
    db.session.execute(db.update(Campaign).where(Campaign.id != campaign.id).values(is_current=False)
                       .execution_options(synchronize_session="fetch"))
    campaign.is_current = True
    audit.record("campaign.make_current", obj=campaign, actor=actor, detail={"year": campaign.year})


# ---- deadline extensions --------------------------------------------------------------------------------------

def find_enterprises(query: str, limit: int = 20) -> list[Enterprise]:
    """Enterprises whose name or credit code contains `query` (at least two characters)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    return list(db.session.execute(
        db.select(Enterprise).where(Enterprise.name.icontains(query, autoescape=True)
                                    | Enterprise.credit_code.icontains(query.upper(), autoescape=True))
        .order_by(Enterprise.name).limit(limit)).scalars())


def grant_extension(campaign: Campaign, enterprise: Enterprise, deadline: datetime, reason: str,
                    actor: User) -> DeadlineExtension:
    """Give one enterprise a later deadline (replacing an earlier extension of the same campaign)."""
    if deadline <= campaign.enterprise_deadline:
        raise CampaignError(f"延期后的截止时间应晚于本批次的企业截止时间（{fmt(campaign.enterprise_deadline)}）。")
    if deadline > campaign.unit_deadline:
        raise CampaignError(f"延期后的截止时间不能晚于推荐单位截止时间（{fmt(campaign.unit_deadline)}），"
                            "否则推荐单位来不及审核。")
    extension = next((e for e in campaign.extensions if e.enterprise_id == enterprise.id), None)
    if extension is None:
        extension = DeadlineExtension(enterprise=enterprise, created_by_id=actor.id)
        campaign.extensions.append(extension)
    extension.deadline, extension.reason = deadline, reason.strip()
    db.session.flush()
    audit.record("campaign.extension_grant", obj=extension, actor=actor,
                 detail={"campaign": campaign.year, "enterprise": enterprise.name,
                         "credit_code": enterprise.credit_code, "deadline": fmt(deadline), "reason": extension.reason})
    return extension


def remove_extension(extension: DeadlineExtension, actor: User) -> None:
    audit.record("campaign.extension_remove", obj=extension, actor=actor,
                 detail={"campaign": extension.campaign.year, "enterprise": extension.enterprise.name,
                         "deadline": fmt(extension.deadline)})
    extension.campaign.extensions.remove(extension)
    db.session.flush()


# ---- starting from last year's application --------------------------------------------------------------------

# Bookkeeping columns that belong to one application's life, not to what the enterprise typed.
NOT_COPIED = {"id", "campaign_id", "enterprise_id", "unit_id", "edition_id", "status", "version", "submitted_at",
              "recommend_order", "created_at", "updated_at", "declared_on",
              # The 真实性承诺 is declared anew for each year's application.
              "pledge_agreed"}
ECONOMIC_VALUES = ("total_assets", "debt_ratio", "revenue", "taxes", "profit")


@dataclass
class CopyResult:
    application: Application
    source: Application
    kept_years: list[int]
    dropped_links: list[str] = field(default_factory=list)
    dropped_scenarios: list[str] = field(default_factory=list)


def previous_application(enterprise_id: int, campaign: Campaign) -> Application | None:
    """The enterprise's application of the latest campaign before `campaign`, if any."""
    return db.session.execute(
        db.select(Application).join(Application.campaign)
        .where(Application.enterprise_id == enterprise_id, Campaign.year < campaign.year)
        .order_by(Campaign.year.desc()).limit(1)).scalar_one_or_none()


def copy_from_previous(enterprise: Enterprise, campaign: Campaign, user: User) -> CopyResult:
    """Start the enterprise's application for `campaign` as a copy of its previous one (a new 草稿).

    Copied: every form column (cover, 基本情况, 智能制造情况, texts of 二–七) except the 真实性承诺 tick, the three
    lists, and the 环节/场景 blocks whose 环节 (by number) exists in the new campaign's edition; a guide 场景 is
    kept when a scenario with its number exists under that 环节, an own 场景 always goes with its 环节.
    近三年主要经济指标 move to the new years: the years both campaigns share keep their values, the new year is empty.
    Not copied: attachments of 八 and the pictures of 场景 (proofs are year-specific and the stamped scan must match
    the new document; files are uploaded again), review comments, states, snapshots and history.
    """
    if db.session.execute(db.select(Application.id).filter_by(
            campaign_id=campaign.id, enterprise_id=enterprise.id)).first():
        raise CampaignError("本年度申报书已存在，不能再从上一年度复制。")
    source = previous_application(enterprise.id, campaign)
    if source is None:
        raise CampaignError("没有找到上一年度的申报书。")
    values = {column.name: getattr(source, column.name) for column in Application.__table__.columns
              if column.name not in NOT_COPIED}
    application = Application(campaign=campaign, enterprise=enterprise, unit_id=enterprise.unit_id,
                              edition_id=campaign.edition_id, **values)
    old_years = {row.year: row for row in source.economic_years}
    kept = [year for year in campaign.economic_years if year in old_years]
    for year in campaign.economic_years:
        old = old_years.get(year)
        application.economic_years.append(EconomicYear(
            year=year, **{name: getattr(old, name) if old else None for name in ECONOMIC_VALUES}))
    for item in source.list_items:
        application.list_items.append(ListItem(kind=item.kind, position=item.position, text=item.text))
    result = CopyResult(application, source, kept)
    _copy_links(source, application, campaign, result)
    application.section_versions = [SectionVersion(section=s.key, version=0) for s in SECTIONS]
    db.session.add(application)
    db.session.flush()
    audit.record("application.copy_previous", obj=application, actor=user,
                 detail={"from_application": source.id, "from_year": source.campaign.year,
                         "kept_years": kept, "dropped_links": result.dropped_links,
                         "dropped_scenarios": result.dropped_scenarios})
    return result


def _copy_links(source: Application, target: Application, campaign: Campaign, result: CopyResult) -> None:
    links = {link.no: link for link in db.session.execute(
        db.select(Link).filter_by(edition_id=campaign.edition_id)).scalars()}
    scenarios = {s.no: s for s in db.session.execute(
        db.select(Scenario).filter_by(edition_id=campaign.edition_id)).scalars()}
    position = 0
    for old_link in source.links:
        link = links.get(old_link.link.no)
        if link is None:
            result.dropped_links.append(old_link.link.name)
            continue
        position += 1
        new_link = ApplicationLink(link=link, position=position)
        number = 0
        for old in old_link.scenarios:
            guide = None
            if old.scenario_id is not None:
                guide = scenarios.get(old.scenario.no)
                if guide is None or guide.link_id != link.id:
                    result.dropped_scenarios.append(old.name or old.scenario.name)
                    continue
            number += 1
            new_link.scenarios.append(ApplicationScenario(
                scenario=guide, position=number, name=old.name, description=old.description,
                pain_points=old.pain_points, solution=old.solution, safeguards=old.safeguards, results=old.results,
                other=old.other))
        target.links.append(new_link)
