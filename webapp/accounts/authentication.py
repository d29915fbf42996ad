"""Login: who may try (throttles and captcha), the password, the second step of staff with a TOTP factor.

A login is three steps, so that the slow password hash never runs inside a write transaction:

1. `open_attempt` (writes): refuse a throttled address, a locked (login, address) pair, a login name over its hourly
   ceiling, or a missing/wrong captcha where one is due — before any hash is computed; otherwise count the attempt.
2. `check_password` (reads): the account's hash, or a dummy hash of the same cost for an unknown login name.
3. `close_attempt` (writes): give the attempt back if the password was right; the outcome and its audit record.

Every failure gets the same answer ("统一社会信用代码（用户名）或密码错误。") and the same work; whatever is specific to
an account (deactivated, a password to change) is said only after its correct password. What the counters decide is
keyed by the login name as typed, so it answers an unknown name exactly as a known one (accounts/throttles.py).
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.accounts import captcha, throttles
from webapp.accounts.passwords import password_problems
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Role, User

GENERIC = "统一社会信用代码（用户名）或密码错误。"
CAPTCHA_MISSING = "请输入图中的验证码。"
CAPTCHA_WRONG = "验证码不正确或已过期，请输入新图片中的字符。"
_DUMMY = {}


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None
    second_factor: bool = False     # the password was right; the user must now give a TOTP code
    captcha: bool = False           # the next attempt must carry a captcha
    locked: bool = False            # refused by a counter: a pending second step starts over


@dataclass(frozen=True)
class Attempt:
    """Who tries: the login name as typed (normalised), the client address, and whether this browser has logged
    into that account before (accounts/devices.py)."""
    login: str
    ip: str
    known_device: bool = False


def account(login: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(login=throttles.login_key(login))).scalar_one_or_none()


def captcha_due(attempt: Attempt, now: datetime | None = None) -> bool:
    """A captcha is due after a few failures of this login name (any address) or from this address (any name)."""
    now, lim = now or utcnow(), throttles.limits()
    return (throttles.current(attempt.login, "", lim.login_window, now).failures >= lim.captcha_after
            or throttles.current("", attempt.ip, lim.address_window, now).failures >= lim.captcha_after)


def _throttled(attempt: Attempt, kind: str, key: tuple[str, str], window, limit: int, message) -> LoginResult:
    """A refusal by a counter, before any password is checked. The refused try is counted too, so that it is audited
    once per window and then once per hundred refusals, not every time (a scanner must not flood the log); the
    record carries the running count. `message(until)` is the answer."""
    count = throttles.bump(*key, window, utcnow())
    over = count.failures - limit
    if over == 1 or (over > 1 and over % 100 == 0):
        audit.record("auth.throttled", success=False, object_type="login_counter", object_id=kind,
                     detail={"login": attempt.login, "kind": kind, "refused": over, "until": count.until})
    return LoginResult(None, message(count.until), captcha=True, locked=True)


def open_attempt(attempt: Attempt, captcha_token: str | None, captcha_answer: str | None,
                 now: datetime | None = None) -> LoginResult | None:
    """Step 1: a refusal (nothing else happens), or None: the attempt is counted and its password may be checked."""
    now, lim = now or utcnow(), throttles.limits()
    by_address = throttles.current("", attempt.ip, lim.address_window, now)
    if by_address.failures >= lim.address_limit and not attempt.known_device:
        return _throttled(attempt, "address", ("", attempt.ip), lim.address_window, lim.address_limit,
                          lambda until: f"该网络地址登录失败次数过多，请于 {fmt(until, '%H:%M')}（北京时间）之后再试。")
    pair = throttles.current(attempt.login, attempt.ip, lim.pair_window, now)
    if pair.failures >= lim.pair_limit:
        return _pair_locked(attempt, lim)
    by_login = throttles.current(attempt.login, "", lim.login_window, now)
    if by_login.failures >= lim.login_limit and not attempt.known_device:
        return _throttled(attempt, "login", (attempt.login, ""), lim.login_window, lim.login_limit,
                          lambda until: f"该账号一小时内登录失败次数过多，暂停在未登录过的设备上登录，请于 "
                                        f"{fmt(until, '%H:%M')}（北京时间）之后再试，或使用以前登录过的浏览器登录。")
    if captcha_due(attempt, now):
        if not captcha_token or not captcha_answer:
            return LoginResult(None, CAPTCHA_MISSING, captcha=True)
        if not captcha.consume(captcha_token, captcha_answer):
            audit.record("auth.login", success=False, detail={"login": attempt.login, "reason": "captcha"})
            return LoginResult(None, CAPTCHA_WRONG, captcha=True)
    throttles.sweep(now)
    # The pair is counted before its password is checked: guesses at one account from one address sent at the same
    # moment can never check more than the limit. The name's and the address's counters count failures only (after
    # the check): logins of many people behind one address at the same moment must not look like failures.
    counted = throttles.bump(attempt.login, attempt.ip, lim.pair_window, now)
    if counted.failures > lim.pair_limit:       # others counted first, at the same moment
        throttles.give_back(attempt.login, attempt.ip, lim.pair_window, now)
        return _pair_locked(attempt, lim)
    return None


def _pair_locked(attempt: Attempt, lim: throttles.Limits) -> LoginResult:
    return _throttled(attempt, "pair", (attempt.login, attempt.ip), lim.pair_window, lim.pair_limit,
                      lambda until: f"该账号在您当前的网络地址连续登录失败{lim.pair_limit}次，已暂停至 "
                                    f"{fmt(until, '%H:%M')}（北京时间）。从其他网络登录不受影响。")


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY:
        _DUMMY[method] = generate_password_hash("not a password of anyone", method=method)
    return _DUMMY[method]


def check_password(login: str, password: str) -> tuple[str | None, bool]:
    """Step 2: (the hash that was checked, whether the password matches). An unknown login name costs the same
    work: a dummy hash of the configured method is checked instead."""
    user = account(login)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None, False
    return user.password_hash, user.check_password(password)


def close_attempt(attempt: Attempt, password: str, checked: tuple[str | None, bool],
                  now: datetime | None = None) -> LoginResult:
    """Step 3: the outcome. A right password gives its attempt back to the counters; anything else keeps it."""
    now, lim = now or utcnow(), throttles.limits()
    user = account(attempt.login)
    checked_hash, matches = checked
    if user is None or checked_hash != user.password_hash or not matches:
        # A password changed between the steps is simply a failed attempt: the user tries again.
        detail = {"login": attempt.login, "reason": "unknown" if user is None else "password"}
        audit.record("auth.login", obj=user, actor=user, success=False, detail=detail)
        throttles.bump(attempt.login, "", lim.login_window, now)
        throttles.bump("", attempt.ip, lim.address_window, now)
        return LoginResult(None, GENERIC, captcha=captcha_due(attempt, now))
    if not user.active:
        throttles.give_back(attempt.login, attempt.ip, lim.pair_window, now)
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "inactive"})
        return LoginResult(None, "该账号已停用。" + way_back(user))
    if user.totp_secret:
        # The pair's earlier failures stay: a known password must not buy fresh guesses at the code.
        throttles.give_back(attempt.login, attempt.ip, lim.pair_window, now)
        audit.record("auth.password", obj=user, actor=user, detail={"second_factor": "pending"})
        return LoginResult(user, second_factor=True)
    return _logged_in(user, attempt, now, password)


def _logged_in(user: User, attempt: Attempt, now: datetime, password: str | None = None,
               detail: dict | None = None) -> LoginResult:
    throttles.clear(attempt.login, attempt.ip)
    user.last_login_at = now
    if password is not None and password_problems(password, user.login, staff=user.role is not Role.APPLICANT,
                                                  names=_names(user)):
        user.must_change_password = True        # a password from before the current rules: changed now
    audit.record("auth.login", obj=user, actor=user, detail=detail)
    return LoginResult(user)


def _names(user: User) -> list[str]:
    return [user.enterprise.name] if user.enterprise else []


def verify_second_factor(user: User, code: str, attempt: Attempt, matching_step,
                         now: datetime | None = None) -> LoginResult:
    """The second step of a staff login. A wrong code counts like a wrong password, for the (login, address) pair;
    `matching_step(code)` is the accepted time step, or None."""
    now, lim = now or utcnow(), throttles.limits()
    if not user.active or not user.totp_secret:
        return LoginResult(None, "登录已失效，请重新登录。")
    if throttles.current(attempt.login, attempt.ip, lim.pair_window, now).failures >= lim.pair_limit:
        return _pair_locked(attempt, lim)
    counted = throttles.bump(attempt.login, attempt.ip, lim.pair_window, now)
    if counted.failures > lim.pair_limit:
        throttles.give_back(attempt.login, attempt.ip, lim.pair_window, now)
        return _pair_locked(attempt, lim)
    if matching_step(code) is None:
        audit.record("auth.login", obj=user, actor=user, success=False, detail={"reason": "second_factor"})
        left = lim.pair_limit - counted.failures
        if left <= 0:
            return LoginResult(None, f"动态口令连续{lim.pair_limit}次不正确，本网络地址暂停登录此账号"
                                     f"{lim.pair_window.seconds // 60}分钟。", locked=True)
        minutes = lim.pair_window.seconds // 60
        return LoginResult(None, f"动态口令不正确或已使用过。再错{left}次，本网络地址将暂停登录此账号{minutes}分钟。")
    return _logged_in(user, attempt, now, detail={"second_factor": "totp"})


def way_back(user: User | None) -> str:
    """Whom to ask when a login does not work: an enterprise its 推荐单位, staff the 安全管理员."""
    if user is not None and user.role is Role.APPLICANT and user.enterprise is not None:
        return f"请联系您的推荐单位（{user.enterprise.unit.name}）核实营业执照后处理。"
    return "请联系本系统的安全管理员。"
