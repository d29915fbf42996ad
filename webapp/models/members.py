"""The people of an enterprise (企业管理员 and colleagues) and what each may edit; who saved which section, and who has
a section open now."""
import enum

from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models.types import enum_type


class MemberAccess(enum.Enum):
    ALL = "all"              # edit every section
    SECTIONS = "sections"    # edit only the sections listed (registry keys of webapp/applications/sections.py)
    VIEW = "view"            # read only

    @property
    def label(self) -> str:
        return {"all": "编辑全部内容", "sections": "仅编辑指定部分", "view": "仅查看"}[self.value]


class EnterpriseMember(db.Model):
    """An applicant account's place in its enterprise. The account that registered is the administrator; it adds
    colleagues, each with their own login. Only the administrator submits, withdraws and uploads the stamped scan."""

    __tablename__ = "enterprise_member"
    user_id = db.Column(db.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id = db.Column(db.ForeignKey("enterprise.id"), nullable=False, index=True)
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    access = db.Column(enum_type(MemberAccess, 10), nullable=False, default=MemberAccess.ALL)
    sections = db.Column(db.JSON, nullable=False, default=list)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer)      # no FK: like the audit trail, it outlives the account

    user = db.relationship("User")


class SectionSave(db.Model):
    """One change of one section of an application: who, when, the section version it made, and how (the endpoint:
    a form save, a 环节/场景 block, an upload). Written by the one write helper (applications/versions.py)."""

    __tablename__ = "section_save"
    __table_args__ = (db.Index("ix_section_save_scope", "application_id", "section", "saved_at"),)
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False)
    section = db.Column(db.String(40), nullable=False)
    version = db.Column(db.Integer)
    user_id = db.Column(db.ForeignKey("user_account.id"))
    saved_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    source = db.Column(db.String(60), nullable=False, default="")

    user = db.relationship("User")


class SectionPresence(db.Model):
    """Who has a section's editor open: refreshed when the page is opened and by a heartbeat while it stays open."""

    __tablename__ = "section_presence"
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True)
    section = db.Column(db.String(40), primary_key=True)
    user_id = db.Column(db.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    seen_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")
