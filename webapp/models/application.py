"""The 申报书 (附件2): one row per application with typed columns per field, child tables for repeatable parts."""
import enum

from webapp.core.extensions import db
from webapp.models.types import enum_type
from webapp.core.timeutil import utcnow
from webapp.models.campaign import ApplicationType, AttachmentCategory
from webapp.models.states import ApplicationStatus, RECOMMENDED_STATES, STATUS_LABELS, UNIT_STATES  # noqa: F401

Money = db.Numeric(14, 2)      # 万元, at most 2 decimals
Percent = db.Numeric(7, 2)     # %, at most 2 decimals


class EnterpriseNature(enum.Enum):
    STATE = "state"
    PRIVATE = "private"
    FOREIGN = "foreign"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"state": "国企", "private": "民营", "foreign": "三资", "other": "其他"}[self.value]


class ListKind(enum.Enum):
    FUNCTION = "function"              # 智能制造实现功能
    KEY_PROBLEM = "key_problem"        # 解决的关键问题
    KEY_TECHNOLOGY = "key_technology"  # 突破的关键技术及短板装备


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "enterprise_id"),
        # 序号 of the unit's 推荐汇总表: one number per application within the unit's list (NULL while not recommended).
        db.UniqueConstraint("campaign_id", "unit_id", "recommend_order", name="uq_application_recommend_order"),
        # Covers the counts and groupings of the queue, the quota and the overview: they read the index, not the
        # wide rows (every text of the 申报书 is a column).
        db.Index("ix_application_scope", "campaign_id", "unit_id", "status", "app_type", "industry_division_code"),
    )

    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.ForeignKey("enterprise.id"), nullable=False, index=True)
    unit_id = db.Column(db.ForeignKey("recommending_unit.id"), nullable=False, index=True)
    edition_id = db.Column(db.ForeignKey("catalogue_edition.id"), nullable=False)
    status = db.Column(enum_type(ApplicationStatus), nullable=False, default=ApplicationStatus.DRAFT, index=True)
    # Bumped at every submission; the Word file and snapshot of a submission carry it.
    version = db.Column(db.Integer, nullable=False, default=0)
    submitted_at = db.Column(db.DateTime)
    recommend_order = db.Column(db.Integer)      # 序号 in the unit's 汇总表
    recommend_opinion = db.Column(db.Text)       # the unit's 推荐意见, shown to the experts
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    # Cover
    project_name = db.Column(db.String(200))
    app_type = db.Column(enum_type(ApplicationType), index=True)
    declared_on = db.Column(db.Date)             # 申报日期, set at submission

    # 一(一) 企业基本信息
    company_name = db.Column(db.String(200))
    org_code = db.Column(db.String(18))
    founded_on = db.Column(db.Date)
    nature = db.Column(enum_type(EnterpriseNature))
    nature_other = db.Column(db.String(50))
    industry_division_code = db.Column(db.ForeignKey("industry_division.code"), index=True)
    industry_group_code = db.Column(db.ForeignKey("industry_group.code"))
    address = db.Column(db.String(200))
    county_adcode = db.Column(db.ForeignKey("county.adcode"), index=True)
    legal_rep_name = db.Column(db.String(50))
    legal_rep_title = db.Column(db.String(50))
    legal_rep_mobile = db.Column(db.String(11))
    legal_rep_email = db.Column(db.String(100))
    contact_name = db.Column(db.String(50))
    contact_title = db.Column(db.String(50))
    contact_mobile = db.Column(db.String(11))
    contact_email = db.Column(db.String(100))

    # 相关荣誉
    honour_national_pilot = db.Column(db.Boolean, nullable=False, default=False)
    honour_national_demo_factory = db.Column(db.Boolean, nullable=False, default=False)
    honour_national_standard_project = db.Column(db.Boolean, nullable=False, default=False)
    honour_hunan_demo_enterprise = db.Column(db.Boolean, nullable=False, default=False)
    honour_hunan_demo_workshop = db.Column(db.Boolean, nullable=False, default=False)
    honour_integration_certified = db.Column(db.Boolean, nullable=False, default=False)
    honour_maturity_certified = db.Column(db.Boolean, nullable=False, default=False)
    maturity_level = db.Column(db.Integer)
    honour_other = db.Column(db.Boolean, nullable=False, default=False)
    honour_other_text = db.Column(db.String(200))

    major_accident = db.Column(db.Boolean)       # 近三年重大安全生产事故、重大环境事故

    # 智能制造相关技术人员
    staff_total = db.Column(db.Integer)
    staff_senior = db.Column(db.Integer)
    staff_intermediate = db.Column(db.Integer)
    staff_junior = db.Column(db.Integer)
    staff_other = db.Column(db.Integer)

    profile = db.Column(db.Text)                 # 企业简介, ≤500

    # 一(二) 智能制造情况
    invest_total = db.Column(Money)
    invest_3y = db.Column(Money)
    workshop_name = db.Column(db.String(200))
    workshop_invest_total = db.Column(Money)
    workshop_invest_3y = db.Column(Money)
    cost_equipment = db.Column(Money)
    cost_software = db.Column(Money)
    cost_testing = db.Column(Money)
    cost_personnel = db.Column(Money)
    domestic_share = db.Column(Percent)
    provincial_share = db.Column(Percent)

    # 智能制造技术创新能力
    support_institutions = db.Column(db.Text)
    partners = db.Column(db.Text)

    # 智能制造实施效果: the 14 indicators (%) and 其他效果
    eff_cnc_rate = db.Column(Percent)
    eff_network_rate = db.Column(Percent)
    eff_productivity = db.Column(Percent)
    eff_resource_use = db.Column(Percent)
    eff_rd_cycle = db.Column(Percent)
    eff_operating_cost = db.Column(Percent)
    eff_defect_rate = db.Column(Percent)
    eff_staff_optimised = db.Column(Percent)
    eff_equipment_use = db.Column(Percent)
    eff_inventory_turnover = db.Column(Percent)
    eff_on_time_delivery = db.Column(Percent)
    eff_order_cycle = db.Column(Percent)
    eff_logistics_cost = db.Column(Percent)
    eff_land_use = db.Column(Percent)
    eff_other = db.Column(db.Text)

    # 真实性承诺
    pledge_legal_rep = db.Column(db.String(50))
    pledge_agreed = db.Column(db.Boolean, nullable=False, default=False)

    # 二、企业情况概述
    overview_company = db.Column(db.Text)
    overview_technology = db.Column(db.Text)
    overview_advantages = db.Column(db.Text)
    # 三 … 协同集成情况
    integration = db.Column(db.Text)
    # 四 … 七
    outcomes = db.Column(db.Text)
    influence = db.Column(db.Text)
    advancement = db.Column(db.Text)
    demonstration = db.Column(db.Text)
    next_steps = db.Column(db.Text)
    lessons = db.Column(db.Text)

    campaign = db.relationship("Campaign")
    enterprise = db.relationship("Enterprise")
    unit = db.relationship("RecommendingUnit")
    edition = db.relationship("CatalogueEdition")
    industry_division = db.relationship("IndustryDivision")
    industry_group = db.relationship("IndustryGroup")
    county = db.relationship("County")
    economic_years = db.relationship("EconomicYear", order_by="EconomicYear.year",
                                     cascade="all, delete-orphan", back_populates="application")
    links = db.relationship("ApplicationLink", order_by="ApplicationLink.position",
                            cascade="all, delete-orphan", back_populates="application")
    list_items = db.relationship("ListItem", order_by="ListItem.position",
                                 cascade="all, delete-orphan", back_populates="application")
    attachments = db.relationship("Attachment", cascade="all, delete-orphan", back_populates="application",
                                  order_by="Attachment.id")
    section_versions = db.relationship("SectionVersion", cascade="all, delete-orphan", back_populates="application")
    status_changes = db.relationship("StatusChange", cascade="all, delete-orphan", back_populates="application",
                                     order_by="StatusChange.id")
    snapshots = db.relationship("Snapshot", cascade="all, delete-orphan", back_populates="application",
                                order_by="Snapshot.version")
    review_comments = db.relationship("ReviewComment", cascade="all, delete-orphan", back_populates="application",
                                      order_by="ReviewComment.id")
    final_prints = db.relationship("FinalPrint", cascade="all, delete-orphan", back_populates="application",
                                   order_by="FinalPrint.id")

    correction_requests = db.relationship("CorrectionRequest", cascade="all, delete-orphan",
                                          back_populates="application", order_by="CorrectionRequest.id")

    @property
    def applicant_name(self) -> str:
        """The 企业名称 the application is shown by: as filled in on 一 (a new draft starts with the registered name),
        else, while a draft has it cleared, the enterprise's registered name."""
        return self.company_name or (self.enterprise.name if self.enterprise else "")

    @property
    def open_correction(self):
        """The province's 补正 request (a CorrectionRequest) the enterprise is answering (only in 需补正)."""
        if self.status is not ApplicationStatus.CORRECTION or not self.correction_requests:
            return None
        return self.correction_requests[-1]

    def items(self, kind: ListKind) -> list["ListItem"]:
        return [i for i in self.list_items if i.kind is kind]

    @property
    def scenario_count(self) -> int:
        return sum(len(link.scenarios) for link in self.links)


class EconomicYear(db.Model):
    """近三年主要经济指标, one row per year."""

    __tablename__ = "economic_year"
    __table_args__ = (db.UniqueConstraint("application_id", "year"),)
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    total_assets = db.Column(Money)
    debt_ratio = db.Column(Percent)
    revenue = db.Column(Money)
    taxes = db.Column(Money)
    profit = db.Column(Money)

    application = db.relationship("Application", back_populates="economic_years")


class ListItem(db.Model):
    """One numbered item of 实现功能 / 解决的关键问题 / 突破的关键技术及短板装备."""

    __tablename__ = "list_item"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(enum_type(ListKind), nullable=False)
    position = db.Column(db.Integer, nullable=False)
    text = db.Column(db.Text, nullable=False, default="")

    application = db.relationship("Application", back_populates="list_items")


class ApplicationLink(db.Model):
    """A 环节 block of section 三; the 环节 list of 一(二) is derived from these."""

    __tablename__ = "application_link"
    __table_args__ = (db.UniqueConstraint("application_id", "link_id"),)
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    link_id = db.Column(db.ForeignKey("link.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)

    application = db.relationship("Application", back_populates="links")
    link = db.relationship("Link")
    scenarios = db.relationship("ApplicationScenario", order_by="ApplicationScenario.position",
                                cascade="all, delete-orphan", back_populates="app_link")


class ApplicationScenario(db.Model):
    """A 场景 block: a guide scenario of the 环节 or an own one, with the form's seven fields."""

    __tablename__ = "application_scenario"
    # Covers the overview's count of applications per guide scenario.
    __table_args__ = (db.Index("ix_application_scenario_scope", "app_link_id", "scenario_id"),)
    id = db.Column(db.Integer, primary_key=True)
    app_link_id = db.Column(db.ForeignKey("application_link.id", ondelete="CASCADE"), nullable=False, index=True)
    scenario_id = db.Column(db.ForeignKey("scenario.id"), index=True)   # NULL: an own scenario
    position = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(100))             # 具体场景名称
    description = db.Column(db.Text)             # 具体场景描述 ≤150
    pain_points = db.Column(db.Text)             # 解决的痛点问题 ≤150
    solution = db.Column(db.Text)                # 采用的技术方案 ≤300, pictures as attachments
    safeguards = db.Column(db.Text)              # 保障要素 ≤150
    results = db.Column(db.Text)                 # 实施成果 ≤200
    other = db.Column(db.Text)                   # 其他 ≤150, optional

    app_link = db.relationship("ApplicationLink", back_populates="scenarios")
    scenario = db.relationship("Scenario")
    pictures = db.relationship("Attachment", back_populates="app_scenario", order_by="Attachment.id")


class Attachment(db.Model):
    """An uploaded file, stored under the instance folder by a generated name; the original name is kept."""

    __tablename__ = "attachment"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    category = db.Column(enum_type(AttachmentCategory), nullable=False)
    app_scenario_id = db.Column(db.ForeignKey("application_scenario.id", ondelete="CASCADE"), index=True)
    original_name = db.Column(db.String(255), nullable=False)
    stored_name = db.Column(db.String(64), nullable=False, unique=True)
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    # CRC-32 of the content, recorded with its SHA-256: an archive's ZIP headers carry it (documents/archive_source).
    crc32 = db.Column(db.BigInteger)
    # For the stamped scan: which generated Word version was printed.
    document_version = db.Column(db.Integer)
    document_fingerprint = db.Column(db.String(16))
    uploaded_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    uploaded_by_id = db.Column(db.ForeignKey("user_account.id"))
    # For the stamped scan: the 盖章版 it is a scan of, and when a later scan replaced it (已作废: kept in the
    # history, left out of the archives).
    final_print_id = db.Column(db.ForeignKey("final_print.id", ondelete="SET NULL"))
    superseded_at = db.Column(db.DateTime)

    application = db.relationship("Application", back_populates="attachments")
    app_scenario = db.relationship("ApplicationScenario", back_populates="pictures")
    final_print = db.relationship("FinalPrint")

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None


class SectionVersion(db.Model):
    """Optimistic lock per form section: a save on a stale version is refused."""

    __tablename__ = "section_version"
    __table_args__ = (db.UniqueConstraint("application_id", "section"),)
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False)
    section = db.Column(db.String(40), nullable=False)
    version = db.Column(db.Integer, nullable=False, default=0)
    saved_at = db.Column(db.DateTime)
    saved_by_id = db.Column(db.ForeignKey("user_account.id"))

    application = db.relationship("Application", back_populates="section_versions")


class StatusChange(db.Model):
    """State history: every transition with who, when and the comment."""

    __tablename__ = "status_change"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    action = db.Column(db.String(30), nullable=False)
    from_status = db.Column(enum_type(ApplicationStatus), nullable=False)
    to_status = db.Column(enum_type(ApplicationStatus), nullable=False)
    actor_id = db.Column(db.ForeignKey("user_account.id"))
    comment = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    application = db.relationship("Application", back_populates="status_changes")
    actor = db.relationship("User")


class ReviewComment(db.Model):
    """A unit's comment when returning: for the whole application (section NULL) or one section."""

    __tablename__ = "review_comment"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    status_change_id = db.Column(db.ForeignKey("status_change.id", ondelete="CASCADE"))
    section = db.Column(db.String(40))
    text = db.Column(db.Text, nullable=False)
    author_id = db.Column(db.ForeignKey("user_account.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The enterprise's short answer to a section comment, written beside it while revising.
    reply = db.Column(db.Text)
    replied_at = db.Column(db.DateTime)
    replied_by_id = db.Column(db.ForeignKey("user_account.id"))

    application = db.relationship("Application", back_populates="review_comments")
    status_change = db.relationship("StatusChange")

    @property
    def author_label(self) -> str:
        """Who asked, as the pages name it: the province's 形式审查 (a 补正 request) or the recommending unit."""
        if self.status_change is not None and self.status_change.action == "request_correction":
            return "省工信厅形式审查意见"
        return "推荐单位意见"


class Snapshot(db.Model):
    """The frozen data and Word file of one submission."""

    __tablename__ = "snapshot"
    # The second: what an archive reads of each latest submission, without the rows (on SQLite a row's columns
    # after `data`, some 140 KB of JSON, are reached through its overflow pages).
    __table_args__ = (db.UniqueConstraint("application_id", "version"),
                      db.Index("ix_snapshot_frozen_docx", "application_id", "version", "fingerprint",
                               "docx_stored_name", "docx_size", "docx_sha256", "docx_crc32"))
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    data = db.Column(db.JSON, nullable=False)
    fingerprint = db.Column(db.String(16), nullable=False)
    docx_stored_name = db.Column(db.String(64))
    docx_size = db.Column(db.BigInteger)
    docx_sha256 = db.Column(db.String(64))
    docx_crc32 = db.Column(db.BigInteger)        # as the attachments' crc32
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    application = db.relationship("Application", back_populates="snapshots")

