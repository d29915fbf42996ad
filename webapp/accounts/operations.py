"""Account operations: registration, authentication with lockout per account and throttling per client address,
the second factor (TOTP) of staff accounts, password changes, staff accounts."""
import hmac
import json
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy.exc import IntegrityError

from webapp.audit import trail as audit
from webapp.accounts import codes
from webapp.core.extensions import db
from webapp.models import (
    STAFF_ROLES, County, Enterprise, EnterpriseMember, LoginThrottle, MemberAccess, RecommendingUnit, Role,
    SecondFactor, SecuritySetting, User,
)
from webapp.accounts.passwords import generate_one_time_password
from webapp.notices.events import notify_second_factor_enrolled
from webapp.core.timeutil import fmt, utcnow


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
        raise AccountError("该统一社会信用代码已注册。如忘记密码，请联系所在市州工业和信息化局重置。")
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


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None
    second_factor: bool = False     # the password was right; the user must now give a TOTP code


# ---- throttling per client address (all workers share the counters through the database) ----

def _address_limits() -> tuple[int, timedelta]:
    config = current_app.config
    return (int(config.get("LOGIN_ADDRESS_LIMIT", 20)),
            timedelta(minutes=int(config.get("LOGIN_ADDRESS_WINDOW_MINUTES", 15))))


def address_blocked_until(ip: str | None, now: datetime) -> datetime | None:
    """When the address may try again, if it has used up its failed logins for the current window."""
    if not ip:
        return None
    limit, window = _address_limits()
    row = db.session.get(LoginThrottle, ip)
    if row is not None and row.window_start > now - window and row.failures >= limit:
        return row.window_start + window
    return None


def count_failed_login(ip: str | None, now: datetime) -> None:
    """One more failure for the address, in one UPDATE (concurrent workers never lose a count)."""
    if not ip:
        return
    _limit, window = _address_limits()
    table = LoginThrottle.__table__
    current = db.session.execute(
        db.update(table).where(table.c.ip == ip, table.c.window_start > now - window)
        .values(failures=table.c.failures + 1))
    if current.rowcount:
        return
    # No window open: start one (and forget windows long past, so the table stays small).
    db.session.execute(db.delete(table).where(table.c.window_start < now - timedelta(days=1)))
    restarted = db.session.execute(db.update(table).where(table.c.ip == ip).values(window_start=now, failures=1))
    if restarted.rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(db.insert(table).values(ip=ip, window_start=now, failures=1))
    except IntegrityError:      # another worker opened the window at the same moment
        db.session.execute(db.update(table).where(table.c.ip == ip).values(failures=table.c.failures + 1))


def _refuse(message: str, ip: str | None, now: datetime) -> "LoginResult":
    count_failed_login(ip, now)
    return LoginResult(None, message)


def _account(login: str) -> User | None:
    """The account of a login as typed: a credit code (full-width, spaces, lower case forgiven), a colleague's
    "<credit code>-02" in the same way, or a staff user name."""
    code = codes.normalize(login)
    if len(code) == 18:
        normalized = code
    elif len(code) == 20 and code[18:].isdigit():
        normalized = f"{code[:18]}-{code[18:]}"
    else:
        normalized = login.strip()
    return db.session.execute(db.select(User).filter_by(login=normalized)).scalar_one_or_none()


@dataclass(frozen=True)
class PasswordCheck:
    """A password checked against the account's stored hash ahead of authenticate(), outside the write lock."""
    password_hash: str | None
    matches: bool


def check_password_ahead(login: str, password: str) -> PasswordCheck:
    """The slow hash (scrypt) checked before the login's write transaction, so it never holds SQLite's lock."""
    user = _account(login)
    if user is None or not user.password_hash:
        return PasswordCheck(None, False)
    return PasswordCheck(user.password_hash, user.check_password(password))


def authenticate(login: str, password: str, now: datetime | None = None,
                 checked: PasswordCheck | None = None) -> LoginResult:
    """Check a login; count failures and lock the account after the configured number, for the configured time.

    Failures are also counted per client address: past LOGIN_ADDRESS_LIMIT (20) in LOGIN_ADDRESS_WINDOW_MINUTES (15)
    the address is refused before any password is checked, whatever account it tries.
    A staff account with a second factor gets `second_factor=True` instead of a login: verify_second_factor follows.
    `checked`: the result of check_password_ahead(), used if the account's hash is still the one checked.
    """
    now = now or utcnow()
    ip = audit.client_ip()
    blocked_until = address_blocked_until(ip, now)
    if blocked_until is not None:
        audit.record("auth.login", success=False, detail={"login": login[:64], "reason": "address_throttled"})
        return LoginResult(None, f"该网络地址登录失败次数过多，请于 {fmt(blocked_until, '%H:%M')}（北京时间）之后再试。"
                                 "如需帮助，请联系管理员。")
    user = _account(login)
    generic = "统一社会信用代码（用户名）或密码错误。"
    if user is None:
        audit.record("auth.login", success=False, detail={"login": login[:64], "reason": "unknown"})
        return _refuse(generic, ip, now)
    if not user.active:
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "inactive"})
        return _refuse("该账号已停用，请联系管理员。", ip, now)
    if user.is_locked(now):
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "locked"})
        return _refuse(f"登录失败次数过多，账号已锁定至 {fmt(user.locked_until)}（北京时间），请稍后再试。", ip, now)
    if checked is not None and checked.password_hash == user.password_hash:
        password_ok = checked.matches
    else:
        password_ok = user.check_password(password)
    if not password_ok:
        message = _count_account_failure(user, now, generic, "密码")
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "password"})
        return _refuse(message, ip, now)
    if has_second_factor(user):
        # The failure count is reset only when the code is right too: a known password must not buy fresh guesses.
        audit.record("auth.password", obj=user, actor=user, detail={"second_factor": "pending"})
        return LoginResult(user, second_factor=True)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("auth.login", obj=user, actor=user)
    return LoginResult(user)


def _count_account_failure(user: User, now: datetime, message: str, what: str) -> str:
    """One more failure of the account (a wrong password or TOTP code); lock it at the threshold."""
    threshold = current_app.config["LOCKOUT_THRESHOLD"]
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= threshold:
        user.locked_until = now + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
        user.failed_logins = 0
        audit.record("auth.lockout", obj=user, actor=user, success=False)
        return f"连续{threshold}次{what}错误，账号已锁定至 {fmt(user.locked_until)}（北京时间）。"
    return message + f"再错{threshold - user.failed_logins}次账号将被锁定{current_app.config['LOCKOUT_MINUTES']}分钟。"


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
    if actor.id == user.id:
        if user.role in second_factor_roles():
            raise AccountError("按照安全管理员的设置，您的账号必须使用动态口令，不能解除绑定。")
        row = db.session.get(SecondFactor, user.id)
        step = _matching_step(user.totp_secret or "", code or "", row.last_step if row else None,
                              time.time() if at is None else at) if user.totp_secret else None
        if step is None:
            audit.record("account.second_factor_remove", obj=user, actor=actor, success=False)
            raise AccountError("动态口令不正确，未解除绑定。")
    elif actor.role is not Role.SECURITY:
        raise AccountError("只有安全管理员可以重置他人的动态口令。")
    user.totp_secret = None
    row = db.session.get(SecondFactor, user.id)
    if row is not None:
        row.pending_secret = row.pending_since = row.enrolled_at = row.last_step = None
    end_sessions(user)
    audit.record("account.second_factor_remove", obj=user, actor=actor,
                 detail={"by": "self" if actor.id == user.id else "security"})


def verify_second_factor(user: User, code: str, now: datetime | None = None, at: float | None = None) -> LoginResult:
    """The second step of a login: a code not used before. Failures count like wrong passwords (account lockout
    and the address's counter)."""
    now = now or utcnow()
    ip = audit.client_ip()
    blocked_until = address_blocked_until(ip, now)
    if blocked_until is not None:
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "address_throttled"})
        return LoginResult(None, f"该网络地址登录失败次数过多，请于 {fmt(blocked_until, '%H:%M')}（北京时间）之后再试。")
    if not user.active or not user.totp_secret:
        return LoginResult(None, "登录已失效，请重新登录。")
    if user.is_locked(now):
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "locked"})
        return _refuse(f"登录失败次数过多，账号已锁定至 {fmt(user.locked_until)}（北京时间），请稍后再试。", ip, now)
    row = _factor_row(user)
    step = _matching_step(user.totp_secret, code, row.last_step, time.time() if at is None else at)
    if step is None:
        message = _count_account_failure(user, now, "动态口令不正确或已使用过。", "动态口令")
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "second_factor"})
        return _refuse(message, ip, now)
    row.last_step = step
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("auth.login", obj=user, actor=user, detail={"second_factor": "totp"})
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
