"""申报批次 (campaign) and its settings: deadlines, rules, quotas, required attachments, size limits."""
import enum
from datetime import datetime

from webapp.core.extensions import db
from webapp.models.types import enum_type
from webapp.core.timeutil import utcnow


class ApplicationType(enum.Enum):
    ENTERPRISE = "enterprise"   # 标杆企业
    WORKSHOP = "workshop"       # 标杆车间

    @property
    def label(self) -> str:
        return "标杆企业" if self is ApplicationType.ENTERPRISE else "标杆车间"


class RuleMode(enum.Enum):
    BLOCK = "block"   # submission refused while the rule fails
    WARN = "warn"     # submission allowed; the unit sees a warning flag
    OFF = "off"

    @property
    def label(self) -> str:
        return {"block": "阻止提交", "warn": "提醒推荐单位", "off": "不检查"}[self.value]


class RuleKey(enum.Enum):
    """The eligibility rules a campaign can set. Thresholds are counts or amounts in 万元."""

    MIN_LINKS = "min_links"                # 涵盖环节数 ≥
    MIN_SCENARIOS = "min_scenarios"        # 场景数 ≥
    MIN_REVENUE = "min_revenue"            # 最近一年主营业务收入 ≥ (万元)
    MIN_INVESTMENT = "min_investment"      # 近3年智能制造投入 ≥ (万元; 车间 uses the workshop's)
    NO_MAJOR_ACCIDENT = "no_major_accident"
    # 已认定的企业（车间）N 年内不得重复申报: threshold = N (years); see webapp/recognition/repeat_rule.py
    RECENT_RECOGNITION = "recent_recognition"


class AttachmentCategory(enum.Enum):
    """八、相关证明材料 (一)…(七), the stamped scan, and pictures of a 场景's 技术方案."""

    LICENSE = "license"
    AUDIT = "audit"
    EQUIPMENT = "equipment"
    STAFF = "staff"
    PHOTOS = "photos"
    ACHIEVEMENTS = "achievements"
    OTHER = "other"
    STAMPED_SCAN = "stamped_scan"
    SOLUTION_PICTURE = "solution_picture"

    @property
    def label(self) -> str:
        return ATTACHMENT_LABELS[self]


ATTACHMENT_LABELS = {
    AttachmentCategory.LICENSE: "（一）企业营业执照复印件",
    AttachmentCategory.AUDIT: "（二）近三年企业财务审计报告及智能制造专项审计报告",
    AttachmentCategory.EQUIPMENT: "（三）关键技术设备、软件的清单及品牌、供应商",
    AttachmentCategory.STAFF: "（四）主要技术人员情况",
    AttachmentCategory.PHOTOS: "（五）企业智能化生产线、车间、工厂的照片、图片",
    AttachmentCategory.ACHIEVEMENTS: "（六）技术成果及荣誉",
    AttachmentCategory.OTHER: "（七）其他相关证明文件",
    AttachmentCategory.STAMPED_SCAN: "盖章申报书扫描件",
    AttachmentCategory.SOLUTION_PICTURE: "技术方案配图",
}

DEFAULT_REQUIRED_ATTACHMENTS = ["license", "audit", "equipment", "stamped_scan"]


class Campaign(db.Model):
    """One yearly campaign. Economic years are year-3 … year-1."""

    __tablename__ = "campaign"
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    edition_id = db.Column(db.ForeignKey("catalogue_edition.id"), nullable=False)
    enterprise_deadline = db.Column(db.DateTime, nullable=False)   # UTC
    unit_deadline = db.Column(db.DateTime, nullable=False)         # UTC
    is_open = db.Column(db.Boolean, nullable=False, default=True)
    is_current = db.Column(db.Boolean, nullable=False, default=False)
    max_file_mb = db.Column(db.Integer, nullable=False, default=20)
    max_application_mb = db.Column(db.Integer, nullable=False, default=200)
    required_attachments = db.Column(db.JSON, nullable=False, default=lambda: list(DEFAULT_REQUIRED_ATTACHMENTS))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    edition = db.relationship("CatalogueEdition")
    rules = db.relationship("CampaignRule", back_populates="campaign", cascade="all, delete-orphan")
    quotas = db.relationship("UnitQuota", back_populates="campaign", cascade="all, delete-orphan")
    extensions = db.relationship("DeadlineExtension", back_populates="campaign", cascade="all, delete-orphan")

    @property
    def economic_years(self) -> list[int]:
        return [self.year - 3, self.year - 2, self.year - 1]

    def rule(self, key: RuleKey, app_type: ApplicationType | None) -> "CampaignRule | None":
        for r in self.rules:
            if r.key is key and (r.app_type is None or r.app_type is app_type):
                return r
        return None

    def deadline_for(self, enterprise_id: int | None) -> datetime:
        for ext in self.extensions:
            if ext.enterprise_id == enterprise_id:
                return max(ext.deadline, self.enterprise_deadline)
        return self.enterprise_deadline

    def accepts_submissions(self, enterprise_id: int | None, now: datetime | None = None) -> bool:
        return self.is_open and (now or utcnow()) <= self.deadline_for(enterprise_id)

    def unit_can_act(self, now: datetime | None = None) -> bool:
        return self.is_open and (now or utcnow()) <= self.unit_deadline


class CampaignRule(db.Model):
    """An eligibility rule: a threshold for one 申报类型 (or both), blocking or only a warning."""

    __tablename__ = "campaign_rule"
    __table_args__ = (db.UniqueConstraint("campaign_id", "key", "app_type"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True)
    key = db.Column(enum_type(RuleKey, 30), nullable=False)
    app_type = db.Column(enum_type(ApplicationType, 20))
    threshold = db.Column(db.Numeric(14, 2))
    mode = db.Column(enum_type(RuleMode, 10), nullable=False,
                     default=RuleMode.BLOCK)

    campaign = db.relationship("Campaign", back_populates="rules")


class UnitQuota(db.Model):
    """How many 标杆企业 / 标杆车间 one unit may recommend in a campaign."""

    __tablename__ = "unit_quota"
    __table_args__ = (db.UniqueConstraint("campaign_id", "unit_id", "app_type"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True)
    unit_id = db.Column(db.ForeignKey("recommending_unit.id"), nullable=False)
    app_type = db.Column(enum_type(ApplicationType, 20), nullable=False)
    quota = db.Column(db.Integer, nullable=False)

    campaign = db.relationship("Campaign", back_populates="quotas")
    unit = db.relationship("RecommendingUnit")


class DeadlineExtension(db.Model):
    """A later enterprise deadline granted to one enterprise."""

    __tablename__ = "deadline_extension"
    __table_args__ = (db.UniqueConstraint("campaign_id", "enterprise_id"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    enterprise_id = db.Column(db.ForeignKey("enterprise.id"), nullable=False)
    deadline = db.Column(db.DateTime, nullable=False)
    reason = db.Column(db.String(500), nullable=False, default="")
    created_by_id = db.Column(db.ForeignKey("user_account.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    campaign = db.relationship("Campaign", back_populates="extensions")
    enterprise = db.relationship("Enterprise")


class ReportStatus(enum.Enum):
    """The states of a unit's 推荐汇总表 (see REPORT_TRANSITIONS in webapp/status.py)."""
    DRAFT = "draft"          # the unit is still deciding
    REPORTED = "reported"    # 已报送: locked until the province sends it back
    RETURNED = "returned"    # 退回: sent back by the province, to be changed and reported again

    @property
    def label(self) -> str:
        return {"draft": "未报送", "reported": "已报送", "returned": "已退回"}[self.value]


class UnitReport(db.Model):
    """A unit's 推荐汇总表 for a campaign: a draft until 报送; then locked until the admin sends it back."""

    __tablename__ = "unit_report"
    __table_args__ = (db.UniqueConstraint("campaign_id", "unit_id"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    unit_id = db.Column(db.ForeignKey("recommending_unit.id"), nullable=False)
    status = db.Column(enum_type(ReportStatus), nullable=False, default=ReportStatus.DRAFT,
                       server_default=ReportStatus.DRAFT.value)
    reported_at = db.Column(db.DateTime)
    reported_by_id = db.Column(db.ForeignKey("user_account.id"))
    fill_date = db.Column(db.Date)
    returned_at = db.Column(db.DateTime)
    return_comment = db.Column(db.Text)

    campaign = db.relationship("Campaign")
    unit = db.relationship("RecommendingUnit")

    @property
    def is_reported(self) -> bool:
        return self.status is ReportStatus.REPORTED
