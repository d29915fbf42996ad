"""Recommending units, enterprises and user accounts."""
import enum

from flask import current_app, has_app_context
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core.extensions import db
from webapp.models.types import enum_type
from webapp.core.timeutil import utcnow


class Role(enum.Enum):
    APPLICANT = "applicant"
    RECOMMENDER = "recommender"
    ADMIN = "admin"            # 系统管理员 of the 省工信厅: campaigns, units, exports
    SECURITY = "security"      # 安全管理员: accounts, passwords, second factor policy
    AUDITOR = "auditor"        # 审计管理员: the only reader of the audit log
    EXPERT = "expert"          # 评审专家: scores the applications assigned to them (login issued by the 安全管理员)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.APPLICANT: "申报企业",
    Role.RECOMMENDER: "推荐单位",
    Role.ADMIN: "省厅管理员",
    Role.SECURITY: "安全管理员",
    Role.AUDITOR: "审计管理员",
    Role.EXPERT: "评审专家",
}

STAFF_ROLES = (Role.RECOMMENDER, Role.ADMIN, Role.SECURITY, Role.AUDITOR, Role.EXPERT)


class RecommendingUnit(db.Model):
    """推荐单位: the 工业和信息化局 of one prefecture."""

    __tablename__ = "recommending_unit"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    prefecture_adcode = db.Column(db.ForeignKey("prefecture.adcode"), nullable=False, unique=True)

    prefecture = db.relationship("Prefecture")


class Enterprise(db.Model):
    """A registered enterprise. Its county decides its recommending unit."""

    __tablename__ = "enterprise"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    credit_code = db.Column(db.String(18), nullable=False, unique=True)
    county_adcode = db.Column(db.ForeignKey("county.adcode"), nullable=False, index=True)
    unit_id = db.Column(db.ForeignKey("recommending_unit.id"), nullable=False, index=True)
    # The code failed the GB 32100-2015 check character and the user confirmed it is as printed: the unit verifies it.
    check_char_confirmed = db.Column(db.Boolean, nullable=False, default=False)
    # The registration region part does not start with 43 (Hunan): shown as a warning to the unit.
    outside_hunan = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    county = db.relationship("County")
    unit = db.relationship("RecommendingUnit")
    users = db.relationship("User", back_populates="enterprise", order_by="User.id")

    @property
    def flags(self) -> list[str]:
        out = []
        if self.check_char_confirmed:
            out.append("统一社会信用代码校验位未通过，企业确认与营业执照一致，请核实")
        if self.outside_hunan:
            out.append("统一社会信用代码登记管理机关行政区划不在湖南省")
        return out


class User(db.Model, UserMixin):
    """A login. Applicants log in with their enterprise's credit code; staff with a user name."""

    __tablename__ = "user_account"
    id = db.Column(db.Integer, primary_key=True)
    login = db.Column(db.String(64), nullable=False, unique=True)
    role = db.Column(enum_type(Role, 20), nullable=False)
    display_name = db.Column(db.String(100), nullable=False, default="")
    mobile = db.Column(db.String(20), nullable=False, default="")
    enterprise_id = db.Column(db.ForeignKey("enterprise.id"), index=True)
    unit_id = db.Column(db.ForeignKey("recommending_unit.id"), index=True)
    password_hash = db.Column(db.String(255), nullable=False)
    must_change_password = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Bumped on logout-everywhere and password change: sessions carrying an older generation stop working.
    session_generation = db.Column(db.Integer, nullable=False, default=0)
    totp_secret = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(db.DateTime)
    password_changed_at = db.Column(db.DateTime)
    # Made by `flask bootstrap` / `flask demo` with a printed or published password: production refuses to start
    # while one exists (ops/readiness.py).
    demo = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())

    enterprise = db.relationship("Enterprise", back_populates="users")
    unit = db.relationship("RecommendingUnit")

    __table_args__ = (
        db.CheckConstraint(
            "(role != 'applicant' OR enterprise_id IS NOT NULL) AND (role != 'recommender' OR unit_id IS NOT NULL)",
            name="role_scope",
        ),
    )

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def name_for_display(self) -> str:
        if self.role is Role.APPLICANT and self.enterprise:
            return self.enterprise.name
        return self.display_name or self.login
