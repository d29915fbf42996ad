"""Colleagues of an enterprise (同事账号): the enterprise's administrator adds them, each with their own login
("<credit code>-02", "-03" …) and a one-time password to change at first login, and rights: every section, a chosen
set of sections, or view only. The administrator resets their passwords, deactivates and reactivates them, and may
hand the administrator role to one of them. Each function checks that `admin` is the enterprise's administrator and
that the colleague belongs to the same enterprise; every change is audited; the caller commits.
"""
from webapp.accounts import throttles
from webapp.accounts.members import is_enterprise_admin, membership
from webapp.accounts.operations import AccountError, end_sessions
from webapp.accounts.passwords import generate_one_time_password
from webapp.applications.sections import SECTION_BY_KEY, SECTIONS
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.locks import lock_row
from webapp.models import EnterpriseMember, MemberAccess, Role, User
from webapp.notices.events import notify_password_reset
from webapp.notices.inbox import notify, path_for

MAX_COLLEAGUES = 98          # logins -02 … -99


class ColleagueError(AccountError):
    """A refused change of a colleague account; the message is for the user."""


def _check_admin(admin: User) -> EnterpriseMember:
    if not is_enterprise_admin(admin):
        raise ColleagueError("只有企业管理员可以管理同事账号。")
    return membership(admin)


def colleague_of(admin: User, user_id: int) -> User | None:
    """Another account of the administrator's enterprise; None for anyone else's."""
    user = db.session.get(User, user_id)
    if user is None or user.role is not Role.APPLICANT or user.enterprise_id != admin.enterprise_id \
            or user.id == admin.id or membership(user) is None:
        return None
    return user


def _clean_rights(access: MemberAccess, sections: list[str]) -> list[str]:
    if access is not MemberAccess.SECTIONS:
        return []
    unknown = [key for key in sections if key not in SECTION_BY_KEY]
    if unknown:
        raise ColleagueError("所选的部分不存在。")
    if not sections:
        raise ColleagueError("请至少选择一个可以编辑的部分。")
    return [s.key for s in SECTIONS if s.key in sections]


def next_login(admin: User) -> str:
    code = admin.enterprise.credit_code
    taken = set(db.session.execute(db.select(User.login).where(User.login.like(f"{code}-%"))).scalars())
    for number in range(2, 2 + MAX_COLLEAGUES):
        if f"{code}-{number:02d}" not in taken:
            return f"{code}-{number:02d}"
    raise ColleagueError(f"每个企业最多{MAX_COLLEAGUES}个同事账号。")


def add_colleague(admin: User, *, name: str, mobile: str, access: MemberAccess,
                  sections: list[str] = ()) -> tuple[User, str]:
    """A new colleague account with its one-time password (shown once to the administrator)."""
    _check_admin(admin)
    keys = _clean_rights(access, list(sections))
    # The next free "-NN" is counted, then taken: the enterprise row is locked first, so that two additions at the
    # same moment (two tabs, two hosts) number one after the other instead of colliding on the login.
    lock_row(admin.enterprise)
    password = generate_one_time_password()
    user = User(login=next_login(admin), role=Role.APPLICANT, display_name=name, mobile=mobile,
                enterprise_id=admin.enterprise_id, must_change_password=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.add(EnterpriseMember(user_id=user.id, enterprise_id=admin.enterprise_id, is_admin=False,
                                    access=access, sections=keys, created_by_id=admin.id))
    audit.record("colleague.create", obj=user, actor=admin,
                 detail={"login": user.login, "name": name, "access": access.value, "sections": keys})
    return user, password


def set_rights(admin: User, colleague: User, access: MemberAccess, sections: list[str] = ()) -> None:
    _check_admin(admin)
    row = membership(colleague)
    if row is None or row.is_admin:
        raise ColleagueError("企业管理员可以编辑全部内容，不能限制。")
    keys = _clean_rights(access, list(sections))
    before = {"access": row.access.value, "sections": list(row.sections or [])}
    row.access, row.sections = access, keys
    audit.record("colleague.rights", obj=colleague, actor=admin,
                 detail={"before": before, "after": {"access": access.value, "sections": keys}})


def reset_password(admin: User, colleague: User) -> str:
    """A new one-time password for the colleague (to be changed at first login); their sessions end."""
    _check_admin(admin)
    password = generate_one_time_password()
    colleague.set_password(password)
    colleague.must_change_password = True
    throttles.clear(throttles.login_key(colleague.login))
    end_sessions(colleague)
    audit.record("colleague.reset_password", obj=colleague, actor=admin, detail={"login": colleague.login})
    notify_password_reset(colleague, admin)
    return password


def set_active(admin: User, colleague: User, active: bool) -> bool:
    """Deactivate (sessions end at once) or reactivate a colleague; True if it changed."""
    _check_admin(admin)
    if colleague.active == active:
        return False
    colleague.active = active
    if not active:
        end_sessions(colleague)
    audit.record("colleague.activate" if active else "colleague.deactivate", obj=colleague, actor=admin,
                 detail={"login": colleague.login})
    return True


def hand_over(admin: User, colleague: User) -> None:
    """Make `colleague` the enterprise's administrator; `admin` stays as a colleague who may edit every section."""
    own = _check_admin(admin)
    db.session.refresh(own, with_for_update=True)
    row = membership(colleague)
    if not own.is_admin:
        raise ColleagueError("您已不是企业管理员。")
    if row is None or not colleague.active:
        raise ColleagueError("只能移交给已启用的同事账号。")
    own.is_admin, own.access, own.sections = False, MemberAccess.ALL, []
    row.is_admin, row.access, row.sections = True, MemberAccess.ALL, []
    audit.record("enterprise.admin_handover", obj=colleague.enterprise, actor=admin,
                 detail={"from": admin.login, "to": colleague.login})
    notify(colleague, "account.admin_handover", "您已成为本企业的企业管理员",
           f"{admin.display_name or admin.login}将企业管理员移交给了您。企业管理员负责提交、撤回申报书，上传盖章扫描件，"
           "并管理同事账号。", path_for("colleagues.index"))
