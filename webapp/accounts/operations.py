"""Account operations: registration, the second factor (TOTP) of staff accounts, password changes, staff accounts.
Logging in is in accounts/authentication.py, its counters in accounts/throttles.py."""
import hmac
import json
import time
import unicodedata

import pyotp

from webapp.audit import trail as audit
from webapp.accounts import codes, throttles
from webapp.core.extensions import db
from webapp.models import (
    STAFF_ROLES, County, Enterprise, EnterpriseMember, MemberAccess, RecommendingUnit, Role, SecondFactor,
    SecuritySetting, User,
)
from webapp.accounts.passwords import generate_one_time_password
from webapp.notices.events import notify_password_reset, notify_second_factor_enrolled
from webapp.core.timeutil import utcnow


class AccountError(Exception):
    """A refusal with a Chinese message for the user."""


def register_enterprise(*, name: str, credit_code: str, county_adcode: str, contact_name: str, mobile: str,
                        password: str, check_char_confirmed: bool = False) -> User:
    """Create the enterprise and its applicant account, the enterprise's administrator (企业管理员). The county
    decides the recommending unit."""
    county = db.session.get(County, county_adcode)
    if county is None:
        raise AccountError("请从列表中选择所在县市区。")
    unit = db.session.execute(
        db.select(RecommendingUnit).filter_by(prefecture_adcode=county.prefecture_adcode)).scalar_one()
    if db.session.execute(db.select(Enterprise.id).filter_by(credit_code=credit_code)).first():
        raise AccountError("该统一社会信用代码已注册。如忘记密码，请联系所在市州工业和信息化局（推荐单位）核对营业执照后重置；"
                           "如并非本企业注册（代码被他人占用），请携营业执照联系推荐单位释放后重新注册。")
    enterprise = Enterprise(name=name, credit_code=credit_code, county=county, unit=unit,
                            check_char_confirmed=check_char_confirmed, outside_hunan=not codes.is_hunan(credit_code))
    user = User(login=credit_code, role=Role.APPLICANT, display_name=contact_name, mobile=mobile,
                enterprise=enterprise)
    user.set_password(password)
    db.session.add_all([enterprise, user])
    db.session.flush()
    db.session.add(EnterpriseMember(user_id=user.id, enterprise_id=enterprise.id, is_admin=True,
                                    access=MemberAccess.ALL, sections=[]))
    audit.record("account.register", obj=user, actor=user,
                 detail={"enterprise": name, "credit_code": credit_code, "check_char_confirmed": check_char_confirmed})
    return user


# ---- the second factor (TOTP, RFC 6238) of staff accounts ----

TOTP_ISSUER = "湖南省智能制造标杆申报系统"
SETTING_SECOND_FACTOR_ROLES = "second_factor_roles"


def has_second_factor(user: User) -> bool:
    return bool(user.totp_secret)


def second_factor_roles() -> set[Role]:
    """The staff roles that must use a second factor (the security administrator's setting; none by default)."""
    row = db.session.get(SecuritySetting, SETTING_SECOND_FACTOR_ROLES)
    values = json.loads(row.value) if row else []
    return {role for role in STAFF_ROLES if role.value in values}


def set_second_factor_roles(roles: set[Role], actor: User) -> bool:
    """Store the setting; True if it changed. Audited with the old and the new value."""
    before = second_factor_roles()
    if set(roles) == before:
        return False
    values = sorted(role.value for role in roles if role in STAFF_ROLES)
    row = db.session.get(SecuritySetting, SETTING_SECOND_FACTOR_ROLES)
    if row is None:
        row = SecuritySetting(key=SETTING_SECOND_FACTOR_ROLES, value="[]")
        db.session.add(row)
    row.value, row.updated_at, row.updated_by_id = json.dumps(values), utcnow(), actor.id
    audit.record("security.settings", object_type="security_setting", object_id=SETTING_SECOND_FACTOR_ROLES,
                 actor=actor, detail={"before": sorted(r.value for r in before), "after": values})
    return True


SETTING_CONTACT = "security_contact"


def security_contact() -> str:
    """How staff reach the 安全管理员 (a phone number or an office), shown on the login page; "" until set."""
    row = db.session.get(SecuritySetting, SETTING_CONTACT)
    return json.loads(row.value) if row else ""


def set_security_contact(text: str, actor: User) -> bool:
    text = (text or "").strip()[:100]
    if text == security_contact():
        return False
    row = db.session.get(SecuritySetting, SETTING_CONTACT)
    if row is None:
        row = SecuritySetting(key=SETTING_CONTACT, value='""')
        db.session.add(row)
    row.value, row.updated_at, row.updated_by_id = json.dumps(text, ensure_ascii=False), utcnow(), actor.id
    audit.record("security.settings", object_type="security_setting", object_id=SETTING_CONTACT, actor=actor,
                 detail={"contact": text})
    return True


def second_factor_missing(user: User) -> bool:
    """The user's role must use a second factor and the user has not enrolled one yet."""
    return user.role in STAFF_ROLES and not has_second_factor(user) and user.role in second_factor_roles()


def _factor_row(user: User) -> SecondFactor:
    row = db.session.get(SecondFactor, user.id)
    if row is None:
        row = SecondFactor(user_id=user.id)
        db.session.add(row)
    return row


def normalize_code(code: str | None) -> str:
    """Full-width digits and spaces as typed on a phone or a Chinese keyboard: '１２３ ４５６' → '123456'."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if not ch.isspace())


def _matching_step(secret: str, code: str, after_step: int | None, at: float) -> int | None:
    """The time step (±1 for clock drift) whose code this is, if it is later than the last one accepted."""
    code = normalize_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(at // totp.interval)
    for step in (now_step - 1, now_step, now_step + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def start_enrolment(user: User) -> str:
    """A new secret for the user to add to an authenticator app; kept pending until a code confirms it."""
    if user.role not in STAFF_ROLES:
        raise AccountError("只有工作人员账号可以绑定动态口令。")
    row = _factor_row(user)
    row.pending_secret, row.pending_since = pyotp.random_base32(), utcnow()
    return row.pending_secret


def pending_secret(user: User) -> str | None:
    row = db.session.get(SecondFactor, user.id)
    return row.pending_secret if row else None


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=TOTP_ISSUER)


def confirm_enrolment(user: User, code: str, at: float | None = None) -> None:
    """The first code from the app confirms the pending secret; other sessions of the user end."""
    row = db.session.get(SecondFactor, user.id)
    if row is None or not row.pending_secret:
        raise AccountError("请先点击“开始绑定”生成密钥。")
    step = _matching_step(row.pending_secret, code, None, time.time() if at is None else at)
    if step is None:
        audit.record("account.second_factor_enrol", obj=user, actor=user, success=False)
        raise AccountError("动态口令不正确。请确认手机时间准确，并输入验证器中当前显示的6位数字。")
    user.totp_secret = row.pending_secret
    row.pending_secret, row.pending_since, row.enrolled_at, row.last_step = None, None, utcnow(), step
    end_sessions(user)
    audit.record("account.second_factor_enrol", obj=user, actor=user)
    notify_second_factor_enrolled(user)


def remove_second_factor(user: User, actor: User, code: str | None = None, at: float | None = None) -> None:
    """The user removes their own factor (with a valid code, and only if their role does not require one), or the
    security administrator resets a lost one. Either way the user's sessions end."""
    if actor is not None and actor.id == user.id:
        if user.role in second_factor_roles():
            raise AccountError("按照安全管理员的设置，您的账号必须使用动态口令，不能解除绑定。")
        row = db.session.get(SecondFactor, user.id)
        step = _matching_step(user.totp_secret or "", code or "", row.last_step if row else None,
                              time.time() if at is None else at) if user.totp_secret else None
        if step is None:
            audit.record("account.second_factor_remove", obj=user, actor=actor, success=False)
            raise AccountError("动态口令不正确，未解除绑定。")
    elif actor is not None and actor.role is not Role.SECURITY:       # None: the server console
        raise AccountError("只有安全管理员可以重置他人的动态口令。")
    user.totp_secret = None
    row = db.session.get(SecondFactor, user.id)
    if row is not None:
        row.pending_secret = row.pending_since = row.enrolled_at = row.last_step = None
    end_sessions(user)
    audit.record("account.second_factor_remove", obj=user, actor=actor,
                 detail={"by": "console" if actor is None else "self" if actor.id == user.id else "security"})


def accept_code(user: User, code: str, at: float | None = None) -> int | None:
    """The time step of a right code of the user's factor, not used before (then recorded as used); else None."""
    row = _factor_row(user)
    step = _matching_step(user.totp_secret or "", code, row.last_step, time.time() if at is None else at)
    if step is not None:
        row.last_step = step
    return step


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of the user."""
    user.set_password(new_password)
    user.must_change_password = False
    user.session_generation += 1
    audit.record("account.password_change", obj=user, actor=user)


def end_sessions(user: User) -> None:
    user.session_generation += 1


def reset_password_of(user: User, actor: User | None, detail: dict | None = None) -> str:
    """A one-time password for `user`, to be changed at the next login; their sessions end, the failed-login
    counters of the login name are forgotten. `actor` None: the server console. Audited; returns the password."""
    password = generate_one_time_password()
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    throttles.clear(throttles.login_key(user.login))
    audit.record("account.reset_password", obj=user, actor=actor,
                 detail={"login": user.login, "role": user.role.value, **(detail or {})})
    if actor is not None:
        notify_password_reset(user, actor)
    return password


def create_staff_user(*, role: Role, login: str, unit_name: str | None = None, display_name: str = "",
                      actor: User | None = None) -> tuple[User, str]:
    """Create a staff account with a one-time password that must be changed at first login."""
    if role is Role.APPLICANT:
        raise AccountError("企业账号请通过注册页面创建。")
    if db.session.execute(db.select(User.id).filter_by(login=login)).first():
        raise AccountError(f"用户名 {login} 已存在。")
    unit = None
    if role is Role.RECOMMENDER:
        if not unit_name:
            raise AccountError("推荐单位账号必须指定推荐单位（--unit）。")
        unit = db.session.execute(
            db.select(RecommendingUnit).where(RecommendingUnit.name.contains(unit_name))).scalars().all()
        if len(unit) != 1:
            raise AccountError(f"找不到唯一匹配“{unit_name}”的推荐单位。")
        unit = unit[0]
    password = generate_one_time_password()
    user = User(login=login, role=role, unit=unit, display_name=display_name or login, must_change_password=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("account.create", obj=user, actor=actor, detail={"role": role.value, "unit": unit_name})
    return user, password
