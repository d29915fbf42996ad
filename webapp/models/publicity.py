"""拟认定名单 and 公示: the planned number per 标杆类型, the published list (frozen when the 公示 opens), and the named
objections (实名异议) with their handling. The outcomes themselves are application states (status.TRANSITIONS)."""
import enum

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models.campaign import ApplicationType
from webapp.models.selection import StoredFileMixin
from webapp.models.types import enum_type


class ProposalQuota(db.Model):
    """The planned number of 拟认定 of one 标杆类型 in a campaign: where the line is drawn in the ranking."""

    __tablename__ = "proposal_quota"
    __table_args__ = (db.UniqueConstraint("campaign_id", "app_type"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    app_type = db.Column(enum_type(ApplicationType), nullable=False)
    planned = db.Column(db.Integer, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = db.Column(db.ForeignKey("user_account.id"))


class Publicity(db.Model):
    """The 公示 of a campaign's 拟认定名单: its period (whole days, Beijing time), contact and notice; reached by the
    public through an unguessable token. Once it exists the list is locked."""

    __tablename__ = "publicity"
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, unique=True)
    token = db.Column(db.String(32), nullable=False, unique=True)
    starts_on = db.Column(db.Date, nullable=False)
    ends_on = db.Column(db.Date, nullable=False)
    working_days = db.Column(db.Integer)                 # None: the end date was set by hand (no calendar data)
    contact_name = db.Column(db.String(50), nullable=False)
    contact_phone = db.Column(db.String(30), nullable=False)
    notice_text = db.Column(db.Text, nullable=False)
    opened_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    opened_by_id = db.Column(db.ForeignKey("user_account.id"))

    campaign = db.relationship("Campaign")
    entries = db.relationship("PublicityEntry", cascade="all, delete-orphan", back_populates="publicity",
                              order_by="PublicityEntry.position")


class PublicityEntry(db.Model):
    """A line of the published list, as published (申报企业名称, 标杆类型, 车间名称, 所在市州). `removed_at` is set when
    an objection is found 成立: the line leaves the public list."""

    __tablename__ = "publicity_entry"
    __table_args__ = (db.UniqueConstraint("publicity_id", "position", name="uq_publicity_entry_position"),
                      db.UniqueConstraint("publicity_id", "application_id", name="uq_publicity_entry_application"))
    id = db.Column(db.Integer, primary_key=True)
    publicity_id = db.Column(db.ForeignKey("publicity.id", ondelete="CASCADE"), nullable=False)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)       # 序号 across the list (企业 first, then 车间)
    company_name = db.Column(db.String(200), nullable=False)
    app_type = db.Column(enum_type(ApplicationType), nullable=False)
    workshop_name = db.Column(db.String(200), nullable=False, default="")
    prefecture = db.Column(db.String(50), nullable=False)
    removed_at = db.Column(db.DateTime)

    publicity = db.relationship("Publicity", back_populates="entries")
    application = db.relationship("Application")


class ObjectionState(enum.Enum):
    PENDING = "pending"
    SUSTAINED = "sustained"         # 成立: the application leaves the list
    DISMISSED = "dismissed"         # 不成立

    @property
    def label(self) -> str:
        return {"pending": "待处理", "sustained": "成立", "dismissed": "不成立"}[self.value]


class Objection(db.Model):
    """实名异议 against one line of the list. The objector's name, 单位 and phone are shown to the province admin
    only; `reference` (受理编号) is given to the objector."""

    __tablename__ = "objection"
    id = db.Column(db.Integer, primary_key=True)
    publicity_id = db.Column(db.ForeignKey("publicity.id", ondelete="CASCADE"), nullable=False, index=True)
    entry_id = db.Column(db.ForeignKey("publicity_entry.id", ondelete="CASCADE"), nullable=False, index=True)
    reference = db.Column(db.String(20), nullable=False, unique=True)
    name = db.Column(db.String(50), nullable=False)
    employer = db.Column(db.String(200), nullable=False)
    phone = db.Column(db.String(30), nullable=False)
    grounds = db.Column(db.Text, nullable=False)
    ip = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    state = db.Column(enum_type(ObjectionState, 10), nullable=False, default=ObjectionState.PENDING)
    findings = db.Column(db.Text)                          # 核实情况
    reply = db.Column(db.Text)                             # 答复
    concluded_at = db.Column(db.DateTime)
    concluded_by_id = db.Column(db.ForeignKey("user_account.id"))

    publicity = db.relationship("Publicity")
    entry = db.relationship("PublicityEntry")
    concluded_by = db.relationship("User")
    files = db.relationship("ObjectionFile", cascade="all, delete-orphan", back_populates="objection",
                            order_by="ObjectionFile.id")


class ObjectionFile(StoredFileMixin, db.Model):
    """A supporting file of an objection (PDF, JPG, PNG), checked like every other upload."""

    __tablename__ = "objection_file"
    id = db.Column(db.Integer, primary_key=True)
    objection_id = db.Column(db.ForeignKey("objection.id", ondelete="CASCADE"), nullable=False, index=True)

    objection = db.relationship("Objection", back_populates="files")
