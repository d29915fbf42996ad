"""Who may reach what. Every view goes through these guards and loaders.

Another's object answers 404 (its existence is not revealed); a wrong role answers 403.
"""
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus, Role, User
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


def can_edit_application(user: User, application: Application) -> bool:
    """The enterprise's own application, in a state the table lets the applicant edit."""
    return user.role is Role.APPLICANT and application.enterprise_id == user.enterprise_id and is_editable(application)


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
