"""认定 and after: the recognition document of a campaign, one certificate per recognised application (with its public
verification code and, once revoked, the revocation), earlier years' recognition lists imported from Excel (for the
repeat-application rule), and 复核 requests of a later campaign with their report file."""
import enum

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models.campaign import ApplicationType
from webapp.models.selection import StoredFileMixin
from webapp.models.types import enum_type


class RecognitionDecision(db.Model):
    """The 认定文件 of a campaign: its 文号 and date, recorded once by the admin."""

    __tablename__ = "recognition_decision"
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, unique=True)
    document_no = db.Column(db.String(60), nullable=False)
    document_date = db.Column(db.Date, nullable=False)
    recorded_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    recorded_by_id = db.Column(db.ForeignKey("user_account.id"))

    campaign = db.relationship("Campaign")


class Certificate(db.Model):
    """电子证书 of one recognised application. Its texts are copied at issue (the recognition as recorded: a later
    change of the enterprise's name does not change the certificate); `code` is the public verification code."""

    __tablename__ = "certificate"
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, unique=True)
    number = db.Column(db.String(40), nullable=False, unique=True)       # 湘智标〔2026〕企-001
    code = db.Column(db.String(16), nullable=False, unique=True)         # 验证码
    year = db.Column(db.Integer, nullable=False)
    app_type = db.Column(enum_type(ApplicationType), nullable=False)
    company_name = db.Column(db.String(200), nullable=False)
    credit_code = db.Column(db.String(18), nullable=False, index=True)
    workshop_name = db.Column(db.String(200), nullable=False, default="")
    prefecture_name = db.Column(db.String(20), nullable=False, default="")
    document_no = db.Column(db.String(60), nullable=False)
    document_date = db.Column(db.Date, nullable=False)
    issued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked_on = db.Column(db.Date)
    revoke_document_no = db.Column(db.String(60))
    revoke_reason = db.Column(db.Text)
    revoked_by_id = db.Column(db.ForeignKey("user_account.id"))

    application = db.relationship("Application")

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None

    @property
    def status_label(self) -> str:
        return "有效" if self.is_valid else "已撤销"

    @property
    def title(self) -> str:
        if self.app_type is ApplicationType.WORKSHOP:
            return f"湖南省智能制造标杆车间 — {self.workshop_name}"
        return "湖南省智能制造标杆企业"


class PriorRecognition(db.Model):
    """A line of an earlier year's recognition list (before the system), imported from Excel."""

    __tablename__ = "prior_recognition"
    __table_args__ = (db.UniqueConstraint("year", "credit_code", "app_type", "workshop_name"),)
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    credit_code = db.Column(db.String(18), nullable=False, index=True)
    company_name = db.Column(db.String(200), nullable=False)
    app_type = db.Column(enum_type(ApplicationType), nullable=False)
    workshop_name = db.Column(db.String(200), nullable=False, default="")
    document_no = db.Column(db.String(60), nullable=False, default="")
    imported_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    imported_by_id = db.Column(db.ForeignKey("user_account.id"))


class RecheckStatus(enum.Enum):
    """The states of a 复核 (see RECHECK_TRANSITIONS in webapp/status.py)."""
    REQUESTED = "requested"       # asked by the province, the enterprise writes its report
    SUBMITTED = "submitted"       # with the unit
    RETURNED = "returned"         # sent back to the enterprise by the unit
    ENDORSED = "endorsed"         # the unit gave its opinion, with the province
    PASSED = "passed"             # 复核通过
    FAILED = "failed"             # 复核不通过 (the province may then revoke the recognition)

    @property
    def label(self) -> str:
        return {"requested": "待提交", "submitted": "待推荐单位审核", "returned": "退回修改",
                "endorsed": "待省厅结论", "passed": "复核通过", "failed": "复核不通过"}[self.value]


class RecheckRequest(db.Model):
    """复核 of a recognition, asked in a later campaign: the enterprise's report (text and one file), the unit's
    opinion, the province's conclusion."""

    __tablename__ = "recheck_request"
    __table_args__ = (db.UniqueConstraint("campaign_id", "certificate_id"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True)
    certificate_id = db.Column(db.ForeignKey("certificate.id", ondelete="CASCADE"), nullable=False, index=True)
    enterprise_id = db.Column(db.ForeignKey("enterprise.id"), nullable=False, index=True)
    unit_id = db.Column(db.ForeignKey("recommending_unit.id"), nullable=False, index=True)
    status = db.Column(enum_type(RecheckStatus), nullable=False, default=RecheckStatus.REQUESTED)
    report = db.Column(db.Text, nullable=False, default="")
    unit_opinion = db.Column(db.Text)
    conclusion_comment = db.Column(db.Text)
    requested_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    requested_by_id = db.Column(db.ForeignKey("user_account.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    campaign = db.relationship("Campaign")
    certificate = db.relationship("Certificate")
    enterprise = db.relationship("Enterprise")
    unit = db.relationship("RecommendingUnit")
    files = db.relationship("RecheckFile", cascade="all, delete-orphan", back_populates="request",
                            order_by="RecheckFile.id")


class RecheckFile(StoredFileMixin, db.Model):
    """The 复核报告's attachment (PDF or Word)."""

    __tablename__ = "recheck_file"
    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(db.ForeignKey("recheck_request.id", ondelete="CASCADE"), nullable=False, index=True)

    request = db.relationship("RecheckRequest", back_populates="files")
