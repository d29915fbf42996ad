"""三员分立 (separation of the three administrators' duties) as one table: whose accounts each role may issue and
manage through the web (create, reset the password or the second factor, unlock, deactivate).

No web account can obtain another 三员 role's powers: the 安全管理员 (security) and 审计管理员 (auditor) accounts are
created and reset only on the server console (`flask create-user`, `flask reset-password`), each act audited with
the operating-system user who ran it. A new role is one entry here. Experts' logins are issued from their entry in
the 专家库 (accounts_admin.issue_expert_login), never created bare, and then managed like the others.
"""
from webapp.models import Role, User

MANAGED_BY: dict[Role, frozenset[Role]] = {
    Role.SECURITY: frozenset({Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN, Role.EXPERT}),
    # A unit issues a one-time password to an enterprise of its own prefecture, after checking the business licence.
    Role.RECOMMENDER: frozenset({Role.APPLICANT}),
}
# Accounts only the server console creates and resets.
CONSOLE_ONLY: frozenset[Role] = frozenset({Role.SECURITY, Role.AUDITOR})


def managed_roles(actor: User) -> frozenset[Role]:
    return MANAGED_BY.get(actor.role, frozenset())


def may_manage(actor: User, user: User) -> bool:
    """May `actor` act on `user`'s account through the web? Never on their own (they use 修改密码)."""
    if user.id == actor.id or user.role not in managed_roles(actor):
        return False
    if actor.role is Role.RECOMMENDER:
        return user.enterprise is not None and user.enterprise.unit_id == actor.unit_id
    return True


# Enterprises register themselves; an expert's login is issued from the expert's entry in the 专家库.
NOT_CREATED_BARE: frozenset[Role] = frozenset({Role.APPLICANT, Role.EXPERT})


def may_create(actor: User, role: Role) -> bool:
    return role in managed_roles(actor) and role not in NOT_CREATED_BARE
