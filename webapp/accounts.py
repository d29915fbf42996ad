"""Account operations: registration, authentication with lockout, password changes, staff accounts."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from . import audit, codes
from .extensions import db
from .models import County, Enterprise, RecommendingUnit, Role, User
from .passwords import generate_one_time_password
from .timeutil import fmt, utcnow


class AccountError(Exception):
    """A refusal with a Chinese message for the user."""


def register_enterprise(*, name: str, credit_code: str, county_adcode: str, contact_name: str, mobile: str,
                        password: str, check_char_confirmed: bool = False) -> User:
    """Create the enterprise and its applicant account. The county decides the recommending unit."""
    county = db.session.get(County, county_adcode)
    if county is None:
        raise AccountError("请从列表中选择所在县市区。")
    unit = db.session.execute(
        db.select(RecommendingUnit).filter_by(prefecture_adcode=county.prefecture_adcode)).scalar_one()
    if db.session.execute(db.select(Enterprise.id).filter_by(credit_code=credit_code)).first():
        raise AccountError("该统一社会信用代码已注册。如忘记密码，请联系所在市州工业和信息化局重置。")
    enterprise = Enterprise(name=name, credit_code=credit_code, county=county, unit=unit,
                            check_char_confirmed=check_char_confirmed, outside_hunan=not codes.is_hunan(credit_code))
    user = User(login=credit_code, role=Role.APPLICANT, display_name=contact_name, mobile=mobile,
                enterprise=enterprise)
    user.set_password(password)
    db.session.add_all([enterprise, user])
    db.session.flush()
    audit.record("account.register", obj=user, actor=user,
                 detail={"enterprise": name, "credit_code": credit_code, "check_char_confirmed": check_char_confirmed})
    return user


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None


def authenticate(login: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login; count failures and lock the account after the configured number, for the configured time."""
    now = now or utcnow()
    normalized = codes.normalize(login) if len(codes.normalize(login)) == 18 else login.strip()
    user = db.session.execute(db.select(User).filter_by(login=normalized)).scalar_one_or_none()
    generic = "统一社会信用代码（用户名）或密码错误。"
    if user is None:
        audit.record("auth.login", success=False, detail={"login": login[:64], "reason": "unknown"})
        return LoginResult(None, generic)
    if not user.active:
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "inactive"})
        return LoginResult(None, "该账号已停用，请联系管理员。")
    if user.is_locked(now):
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "locked"})
        return LoginResult(None, f"登录失败次数过多，账号已锁定至 {fmt(user.locked_until)}（北京时间），请稍后再试。")
    if not user.check_password(password):
        threshold = current_app.config["LOCKOUT_THRESHOLD"]
        user.failed_logins = (user.failed_logins or 0) + 1
        message = generic
        if user.failed_logins >= threshold:
            user.locked_until = now + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
            user.failed_logins = 0
            message = f"连续{threshold}次密码错误，账号已锁定至 {fmt(user.locked_until)}（北京时间）。"
            audit.record("auth.lockout", obj=user, actor=user, success=False)
        else:
            message += f"再错{threshold - user.failed_logins}次账号将被锁定{current_app.config['LOCKOUT_MINUTES']}分钟。"
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "password"})
        return LoginResult(None, message)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("auth.login", obj=user, actor=user)
    return LoginResult(user)


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of the user."""
    user.set_password(new_password)
    user.must_change_password = False
    user.session_generation += 1
    audit.record("account.password_change", obj=user, actor=user)


def end_sessions(user: User) -> None:
    user.session_generation += 1


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
