"""Who works on an application: the heartbeat of an open section editor (who else has it open), and the history of
every save with who made it."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from webapp.applications.history import save_history
from webapp.applications.presence import HEARTBEAT, others_editing, touch
from webapp.applications.sections import SECTION_BY_KEY
from webapp.core.extensions import db
from webapp.core.htmx import is_htmx
from webapp.models import Role
from webapp.permissions import get_section_application_or_404, get_application_or_404, roles_required

bp = Blueprint("activity", __name__, url_prefix="/applications")


@bp.post("/<int:application_id>/sections/<key>/presence")
@roles_required(Role.APPLICANT)
def presence(application_id, key):
    """The heartbeat (HTMX, every HEARTBEAT seconds): I still have this section open; who else has?"""
    if key not in SECTION_BY_KEY:
        abort(404)
    application = get_section_application_or_404(application_id, key)
    touch(application, key, current_user)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("application.edit_section", application_id=application.id, key=key), code=303)
    return render_template("applications/_presence.html", application=application, section=SECTION_BY_KEY[key],
                           presence=others_editing(application, key, current_user), heartbeat=HEARTBEAT)


@bp.get("/<int:application_id>/history")
@roles_required(Role.APPLICANT, Role.RECOMMENDER, Role.ADMIN)
def history(application_id):
    application = get_application_or_404(application_id)
    return render_template("applications/history.html", application=application, entries=save_history(application))
