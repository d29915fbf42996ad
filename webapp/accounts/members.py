"""Who in an enterprise may do what: its administrator (企业管理员, the account that registered, or the colleague it
handed the role to) and colleagues with rights to all sections, a chosen set of sections, or none (view only).

Plain functions of the accounts; the guards in webapp/permissions.py and the notices use them. An applicant account
without a membership row may only view (every applicant account is created with one: registration, colleagues).
"""
from sqlalchemy import inspect

from webapp.core.extensions import db
from webapp.models import EnterpriseMember, MemberAccess, Role, User


def membership(user: User) -> EnterpriseMember | None:
    """The user's membership row. The session holds it for its lifetime: its identity map keeps objects only while
    something refers to them, so a page asking for twenty sections' rights would otherwise load the row twenty times.
    The row is still the session's own object, expired on commit and reloaded when read, like any other."""
    if user.role is not Role.APPLICANT:
        return None
    kept = db.session.info.setdefault("memberships", {})
    row = kept.get(user.id)
    if row is None or not inspect(row).persistent:
        row = kept[user.id] = db.session.get(EnterpriseMember, user.id)
    return row


def is_enterprise_admin(user: User) -> bool:
    row = membership(user)
    return row is not None and row.is_admin and row.enterprise_id == user.enterprise_id


def may_edit_section(user: User, key: str) -> bool:
    """The member's rights allow editing the section `key` (a registry key of webapp/applications/sections.py)."""
    row = membership(user)
    if row is None or row.enterprise_id != user.enterprise_id:
        return False
    if row.is_admin or row.access is MemberAccess.ALL:
        return True
    return row.access is MemberAccess.SECTIONS and key in (row.sections or [])


def may_edit_anything(user: User) -> bool:
    row = membership(user)
    return row is not None and (row.is_admin or row.access is not MemberAccess.VIEW)


def members(enterprise_id: int, *, active_only: bool = True) -> list[tuple[User, EnterpriseMember]]:
    """The enterprise's accounts with their membership, the administrator first, then by login."""
    query = db.select(User, EnterpriseMember).join(EnterpriseMember, EnterpriseMember.user_id == User.id).where(
        EnterpriseMember.enterprise_id == enterprise_id, User.enterprise_id == enterprise_id)
    if active_only:
        query = query.where(User.active.is_(True))
    rows = db.session.execute(query.order_by(EnterpriseMember.is_admin.desc(), User.login)).all()
    return [(user, member) for user, member in rows]


def enterprise_admin(enterprise_id: int) -> User | None:
    return next((user for user, member in members(enterprise_id, active_only=False) if member.is_admin), None)


def person_name(user: User | None) -> str:
    """The person behind an account (a colleague's own name, not the enterprise's)."""
    if user is None:
        return "系统"
    return user.display_name or user.login
