"""The province's selection after the units' 报送: the 推荐函 scan, 形式审查 (补正 requests), the expert pool and its
declared relations, the review plan with its score sheets, assignments, score cards, reminders and 现场答辩/核查."""
import enum

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models.campaign import ApplicationType
from webapp.models.types import enum_type

Score = db.Numeric(5, 1)        # points, at most one decimal


class StoredFileMixin:
    """A file kept under the upload folder by a generated name; the original name is for display and downloads."""
    original_name = db.Column(db.String(255), nullable=False)
    stored_name = db.Column(db.String(64), nullable=False, unique=True)
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    # CRC-32 of the content, recorded with its SHA-256: an archive's ZIP headers carry it (documents/archive_source).
    crc32 = db.Column(db.BigInteger)
    uploaded_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    uploaded_by_id = db.Column(db.ForeignKey("user_account.id"))


class LetterScan(StoredFileMixin, db.Model):
    """The stamped scan of a unit's 推荐函, tied to the fingerprint of the letter it was printed from."""

    __tablename__ = "letter_scan"
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.ForeignKey("unit_report.id", ondelete="CASCADE"), nullable=False, index=True)
    fingerprint = db.Column(db.String(16), nullable=False)

    report = db.relationship("UnitReport")


class CorrectionRequest(db.Model):
    """形式审查 需补正: what the province asks the enterprise to correct, by when; answered by its 补正 submission."""

    __tablename__ = "correction_request"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    status_change_id = db.Column(db.ForeignKey("status_change.id", ondelete="CASCADE"))
    sections = db.Column(db.JSON, nullable=False, default=list)      # section keys the enterprise may change
    comment = db.Column(db.Text, nullable=False)
    deadline = db.Column(db.DateTime, nullable=False)                # UTC
    base_version = db.Column(db.Integer, nullable=False)             # the submitted version that was checked
    requested_by_id = db.Column(db.ForeignKey("user_account.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    answered_at = db.Column(db.DateTime)
    answered_version = db.Column(db.Integer)

    application = db.relationship("Application", back_populates="correction_requests")


class Expert(db.Model):
    """An entry of the 专家库. `fields` lists the 环节 (by name) the expert can judge; `user_id` is the login the
    安全管理员 issued for the entry, if any."""

    __tablename__ = "expert"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    employer = db.Column(db.String(200), nullable=False, default="")
    employer_credit_code = db.Column(db.String(18), index=True)      # where the 工作单位 is a company
    prefecture_adcode = db.Column(db.ForeignKey("prefecture.adcode"), nullable=False, index=True)
    title = db.Column(db.String(50), nullable=False, default="")      # 职称
    fields = db.Column(db.JSON, nullable=False, default=list)
    phone = db.Column(db.String(20), nullable=False, default="")
    email = db.Column(db.String(100), nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)
    user_id = db.Column(db.ForeignKey("user_account.id"), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    prefecture = db.relationship("Prefecture")
    user = db.relationship("User")
    relations = db.relationship("ExpertRelation", cascade="all, delete-orphan", back_populates="expert",
                                order_by="ExpertRelation.id")


class ExpertRelation(db.Model):
    """A declared relation of an expert with an enterprise (by credit code): a reason for 回避.

    Recorded by the admin in the pool, or by the expert declaring a conflict on opening an assignment."""

    __tablename__ = "expert_relation"
    __table_args__ = (db.UniqueConstraint("expert_id", "credit_code"),)
    id = db.Column(db.Integer, primary_key=True)
    expert_id = db.Column(db.ForeignKey("expert.id", ondelete="CASCADE"), nullable=False)
    credit_code = db.Column(db.String(18), nullable=False, index=True)
    enterprise_name = db.Column(db.String(200), nullable=False, default="")
    reason = db.Column(db.String(500), nullable=False)
    declared_by_expert = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user_account.id"))

    expert = db.relationship("Expert", back_populates="relations")


class Aggregation(enum.Enum):
    MEAN = "mean"                   # 算术平均
    TRIMMED = "trimmed"             # 去掉一个最高分和一个最低分后平均（不少于5位专家时）

    @property
    def label(self) -> str:
        return {"mean": "算术平均", "trimmed": "去掉一个最高分和一个最低分后平均（不少于5位专家评分时；不足5位时算术平均）"}[
            self.value]


class ReviewPlan(db.Model):
    """评审方案 of a campaign: how many experts per application, how their totals are combined, when 分歧 is flagged,
    the experts' deadline and what they may see; the score sheets per 申报类型 hang off it."""

    __tablename__ = "review_plan"
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, unique=True)
    experts_per_application = db.Column(db.Integer, nullable=False, default=5)
    aggregation = db.Column(enum_type(Aggregation, 10), nullable=False, default=Aggregation.TRIMMED)
    disagreement_threshold = db.Column(Score, nullable=False, default=20)
    deadline = db.Column(db.DateTime)                                   # UTC
    experts_see_others = db.Column(db.Boolean, nullable=False, default=False)
    avoid_same_prefecture = db.Column(db.Boolean, nullable=False, default=True)
    comments_required = db.Column(db.Boolean, nullable=False, default=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    campaign = db.relationship("Campaign")
    sheets = db.relationship("ScoreSheet", cascade="all, delete-orphan", back_populates="plan",
                             order_by="ScoreSheet.id")

    def sheet_for(self, app_type: ApplicationType | None) -> "ScoreSheet | None":
        return next((sheet for sheet in self.sheets if sheet.app_type is app_type), None)


class ScoreSheet(db.Model):
    """评分表 of one 申报类型: its criteria and pass mark."""

    __tablename__ = "score_sheet"
    __table_args__ = (db.UniqueConstraint("plan_id", "app_type"),)
    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.ForeignKey("review_plan.id", ondelete="CASCADE"), nullable=False)
    app_type = db.Column(enum_type(ApplicationType), nullable=False)
    pass_mark = db.Column(Score, nullable=False, default=60)

    plan = db.relationship("ReviewPlan", back_populates="sheets")
    criteria = db.relationship("Criterion", cascade="all, delete-orphan", back_populates="sheet",
                               order_by="Criterion.position")

    @property
    def scored(self) -> list["Criterion"]:
        return [c for c in self.criteria if not c.is_gate]

    @property
    def gates(self) -> list["Criterion"]:
        return [c for c in self.criteria if c.is_gate]

    @property
    def maximum(self):
        return sum((c.max_score for c in self.scored), 0)


class Criterion(db.Model):
    """A line of the 评分表: a scored criterion (0 … max_score, optionally in bands such as 优/良/中/差), or a gate
    item (一票否决: 是/否; a 否 makes the expert's total 0)."""

    __tablename__ = "criterion"
    id = db.Column(db.Integer, primary_key=True)
    sheet_id = db.Column(db.ForeignKey("score_sheet.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(100), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    is_gate = db.Column(db.Boolean, nullable=False, default=False)
    max_score = db.Column(Score)                                        # None for a gate item
    bands = db.Column(db.JSON, nullable=False, default=list)            # [{label, low, high, description}]

    sheet = db.relationship("ScoreSheet", back_populates="criteria")


class AssignmentState(enum.Enum):
    PROPOSED = "proposed"           # in the automatic proposal, not yet confirmed by the admin
    ACTIVE = "active"
    DECLINED = "declined"           # the expert declared a conflict of interest
    WITHDRAWN = "withdrawn"         # taken back by the admin (reassignment)

    @property
    def label(self) -> str:
        return {"proposed": "拟分配", "active": "已分配", "declined": "已声明回避", "withdrawn": "已撤回"}[self.value]


class Assignment(db.Model):
    """An expert assigned to an application. The expert sees its content only after `opened_at` (having said that
    there is no conflict of interest)."""

    __tablename__ = "assignment"
    __table_args__ = (db.UniqueConstraint("application_id", "expert_id"),
                      db.Index("ix_assignment_scope", "campaign_id", "state", "expert_id"))
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    expert_id = db.Column(db.ForeignKey("expert.id"), nullable=False, index=True)
    state = db.Column(enum_type(AssignmentState), nullable=False, default=AssignmentState.PROPOSED)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user_account.id"))
    confirmed_at = db.Column(db.DateTime)
    opened_at = db.Column(db.DateTime)
    ended_at = db.Column(db.DateTime)                                   # declined or withdrawn
    end_reason = db.Column(db.String(500))

    application = db.relationship("Application")
    expert = db.relationship("Expert")
    card = db.relationship("ScoreCard", uselist=False, back_populates="assignment", cascade="all, delete-orphan")


class ScoreCard(db.Model):
    """One expert's scores of one application: a draft until submitted once; the admin may reopen it."""

    __tablename__ = "score_card"
    id = db.Column(db.Integer, primary_key=True)
    assignment_id = db.Column(db.ForeignKey("assignment.id", ondelete="CASCADE"), nullable=False, unique=True)
    opinion = db.Column(db.Text)                                        # 专家意见
    total = db.Column(Score)                                            # kept up to date at every save
    vetoed = db.Column(db.Boolean, nullable=False, default=False)       # a gate item answered 否
    submitted_at = db.Column(db.DateTime)
    reopened_at = db.Column(db.DateTime)
    reopen_reason = db.Column(db.String(500))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    assignment = db.relationship("Assignment", back_populates="card")
    scores = db.relationship("CriterionScore", cascade="all, delete-orphan", back_populates="card")

    def score_for(self, criterion_id: int) -> "CriterionScore | None":
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)


class CriterionScore(db.Model):
    """The score (or the gate answer) and comment of one criterion on one card."""

    __tablename__ = "criterion_score"
    __table_args__ = (db.UniqueConstraint("card_id", "criterion_id"),)
    id = db.Column(db.Integer, primary_key=True)
    card_id = db.Column(db.ForeignKey("score_card.id", ondelete="CASCADE"), nullable=False)
    criterion_id = db.Column(db.ForeignKey("criterion.id", ondelete="CASCADE"), nullable=False, index=True)
    value = db.Column(Score)
    gate_passed = db.Column(db.Boolean)
    comment = db.Column(db.Text)

    card = db.relationship("ScoreCard", back_populates="scores")


class ExpertReminder(db.Model):
    """省厅 reminded an expert of their unfinished assignments (shown on the expert's portal)."""

    __tablename__ = "expert_reminder"
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    expert_id = db.Column(db.ForeignKey("expert.id", ondelete="CASCADE"), nullable=False, index=True)
    message = db.Column(db.String(500), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user_account.id"))


class SiteVisitKind(enum.Enum):
    DEFENCE = "defence"             # 现场答辩
    INSPECTION = "inspection"       # 现场核查

    @property
    def label(self) -> str:
        return "现场答辩" if self is SiteVisitKind.DEFENCE else "现场核查"


class SiteVisit(db.Model):
    """An application marked for 现场答辩 or 现场核查, and its result once held."""

    __tablename__ = "site_visit"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, unique=True)
    kind = db.Column(enum_type(SiteVisitKind), nullable=False)
    marked_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    marked_by_id = db.Column(db.ForeignKey("user_account.id"))
    held_on = db.Column(db.Date)
    members = db.Column(db.Text)
    findings = db.Column(db.Text)
    passed = db.Column(db.Boolean)
    recorded_at = db.Column(db.DateTime)
    recorded_by_id = db.Column(db.ForeignKey("user_account.id"))

    application = db.relationship("Application")
    files = db.relationship("SiteVisitFile", cascade="all, delete-orphan", back_populates="visit",
                            order_by="SiteVisitFile.id")


class SiteVisitFile(StoredFileMixin, db.Model):
    """A photo or the minutes of a 现场答辩/核查."""

    __tablename__ = "site_visit_file"
    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.ForeignKey("site_visit.id", ondelete="CASCADE"), nullable=False, index=True)

    visit = db.relationship("SiteVisit", back_populates="files")
