"""Who may reach what. Every view goes through these guards and loaders.

Another's object answers 404 (its existence is not revealed); a wrong role answers 403.
"""
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from webapp.accounts.members import is_enterprise_admin, may_edit_section
from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus, AttachmentCategory, Role, User
from webapp.status import is_editable


def roles_required(*roles: Role):
    """Login required, and the user must hold one of `roles` (403 otherwise).

    The allowed roles are kept on the view, so that the access test built from the URL map knows them.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def any_user(view):
    """Any logged-in user, whatever the role."""
    return roles_required(*Role)(view)


def public(view):
    """Reachable without login (login page, registration, option lists, static)."""
    view.public = True
    return view


def can_view_application(user: User, application: Application) -> bool:
    if user.role is Role.APPLICANT:
        return application.enterprise_id == user.enterprise_id
    if user.role is Role.RECOMMENDER:
        # A unit sees its prefecture's applications once they leave the draft state.
        return application.unit_id == user.unit_id and application.status is not ApplicationStatus.DRAFT
    return user.role is Role.ADMIN


def can_edit_application(user: User, application: Application, section: str | None = None) -> bool:
    """The applicant's own application while it is editable (a 补正: only the sections asked, see is_editable)."""
    return (user.role is Role.APPLICANT and application.enterprise_id == user.enterprise_id
            and is_editable(application, section))


def refuse_object(object_type: str, object_id) -> None:
    """404 for an object the user may not see (or that does not exist): its existence is not revealed, but the probe
    is recorded (`access.probe`, by the 404 handler, rate-limited per user) so that walking through ids is seen."""
    g.refused_object = (object_type, str(object_id))
    abort(404)


def get_application_or_404(application_id: int) -> Application:
    """Load an application the current user may see; 404 for anyone else's (its existence is not revealed)."""
    application = db.session.get(Application, application_id)
    if application is None or not can_view_application(current_user, application):
        refuse_object("application", application_id)
    return application


# ---- colleagues of an enterprise: rights per section ---------------------------------------------------------

SECTION_DENIED = "您的账号没有编辑此部分的权限。如需修改，请联系本企业的企业管理员调整权限。"
ADMIN_ONLY = "只有企业管理员可以执行此操作（提交、撤回申报书，上传盖章扫描件，管理同事账号）。"


def require_section(key: str) -> None:
    """403 unless the current applicant's rights include the section `key` (a registry key)."""
    if current_user.role is Role.APPLICANT and not may_edit_section(current_user, key):
        abort(403, description=SECTION_DENIED)


def require_enterprise_admin() -> None:
    """403 unless the current user is the enterprise's administrator (企业管理员)."""
    if not is_enterprise_admin(current_user):
        abort(403, description=ADMIN_ONLY)


def get_section_application_or_404(application_id: int, key: str) -> Application:
    """An application the user may see, and 403 unless the user may edit its section `key`."""
    application = get_application_or_404(application_id)
    require_section(key)
    return application


def attachment_section(category: AttachmentCategory) -> str | None:
    """The section an upload belongs to; None for the stamped scan (the administrator's alone)."""
    if category is AttachmentCategory.STAMPED_SCAN:
        return None
    return "implementation" if category is AttachmentCategory.SOLUTION_PICTURE else "attachments"


def require_attachment_rights(category: AttachmentCategory) -> None:
    section = attachment_section(category)
    if section is None:
        require_enterprise_admin()
    else:
        require_section(section)
