"""Enterprise accounts handled by their 推荐单位 after checking the business licence, and throttled registration.

- A unit issues a one-time password for an enterprise account of its own prefecture (the way back for an enterprise
  that forgot its password or whose account is paused): the unit confirms it checked the business licence, the act
  is audited, the enterprise must change the password at its next login.
- A unit releases a credit code that someone registered without being that enterprise (squatting): after checking
  the real enterprise's licence, the squatter's account is closed and its code freed (kept as a tombstone for the
  record), so that the real enterprise can register. Refused once the squatter has submitted anything.
- Registration is throttled per client address, so that one address cannot register thousands of accounts.

Who may do what is decided in accounts/duties.py. A colleague account (accounts/colleagues.py) gets its one-time
password from its enterprise's administrator; the unit is the way back for the administrator's own account.
"""
from datetime import datetime

from webapp.accounts import duties, throttles
from webapp.accounts.operations import AccountError, end_sessions, reset_password_of
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Application, ApplicationStatus, Enterprise, User

REGISTRATION_KEY = "~register"        # a login counter no login name can be (~ is never part of one)
LICENCE_UNCHECKED = "请先核对营业执照（原件或加盖公章的复印件），并勾选确认。"


def _check(actor: User, user: User, licence_checked: bool) -> None:
    if not duties.may_manage(actor, user):
        raise AccountError("只能处理本单位所辖企业的账号。")
    if not licence_checked:
        raise AccountError(LICENCE_UNCHECKED)


def issue_one_time_password(user: User, actor: User, licence_checked: bool) -> str:
    """A one-time password for an enterprise account; its sessions and failed-login pauses end."""
    _check(actor, user, licence_checked)
    return reset_password_of(user, actor, detail={"by": actor.role.value, "licence_checked": True,
                                                  "enterprise": user.enterprise.name})


def release_credit_code(user: User, actor: User, licence_checked: bool, reason: str) -> str:
    """Close a squatter's account and free its credit code; returns the freed code."""
    _check(actor, user, licence_checked)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise AccountError("请写明释放的理由（如：经核对营业执照，注册人并非该企业）。")
    enterprise = user.enterprise
    submitted = db.session.execute(db.select(Application.id).where(
        Application.enterprise_id == enterprise.id, Application.status != ApplicationStatus.DRAFT)).first()
    if submitted:
        raise AccountError("该账号已提交过申报书，不能在此释放，请联系省工业和信息化厅处理。")
    code = enterprise.credit_code
    tombstone = f"X{enterprise.id:017d}"            # never a valid credit code: the real one is free again
    enterprise.credit_code = tombstone
    for account in enterprise.users:         # the enterprise's administrator and its colleagues
        throttles.clear(throttles.login_key(account.login))
        account.login, account.active = f"{tombstone}-{account.id}"[:64], False
        end_sessions(account)
    audit.record("account.release_code", obj=user, actor=actor,
                 detail={"credit_code": code, "enterprise": enterprise.name, "reason": reason[:500],
                         "licence_checked": True})
    return code


def registration_refusal(ip: str | None, now: datetime | None = None) -> str | None:
    """Count a registration attempt of the address; a refusal message past the limit (audited once per window)."""
    if not ip:
        return None
    now = now or utcnow()
    limit, window = throttles.registration_limits()
    count = throttles.bump(REGISTRATION_KEY, ip, window, now)
    if count.failures <= limit:
        return None
    if count.failures == limit + 1:
        audit.record("registration.throttled", success=False, object_type="registration", object_id=ip,
                     detail={"limit": limit, "until": count.until})
    return f"该网络地址注册次数过多，请于 {fmt(count.until, '%H:%M')}（北京时间）之后再试。如确需帮助，请联系所在市州工业和信息化局。"


def enterprise_of_unit(actor: User, query: str) -> list[User]:
    """The unit's enterprise accounts matching a credit code or part of a name (at most 50)."""
    query = (query or "").strip()[:100]
    conditions = [User.enterprise_id == Enterprise.id, Enterprise.unit_id == actor.unit_id]
    if query:
        conditions.append(Enterprise.name.icontains(query, autoescape=True)
                          | Enterprise.credit_code.icontains(query.upper(), autoescape=True))
    return list(db.session.execute(db.select(User).join(Enterprise, User.enterprise_id == Enterprise.id)
                                   .where(*conditions).order_by(Enterprise.name).limit(50)).scalars())
