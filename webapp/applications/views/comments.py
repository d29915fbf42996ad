"""The enterprise's reply to a comment of the unit, written where the comment is shown (HTMX or plain POST)."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from webapp.applications.comments import ReplyRefused, reply_to
from webapp.core.extensions import db
from webapp.core.htmx import is_htmx, redirect_after_post
from webapp.models import ReviewComment, Role
from webapp.permissions import can_edit_application, get_application_or_404, require_section, roles_required

bp = Blueprint("comments", __name__, url_prefix="/applications")
applicant_only = roles_required(Role.APPLICANT)


@bp.post("/<int:application_id>/comments/<int:comment_id>/reply")
@applicant_only
def reply(application_id, comment_id):
    application = get_application_or_404(application_id)
    comment = db.session.get(ReviewComment, comment_id)
    if comment is None or comment.application_id != application.id:
        abort(404)
    if comment.section:
        require_section(comment.section)            # a colleague answers comments on the sections they may edit
    back = url_for("application.edit_section", application_id=application.id, key=comment.section) + \
        f"#comment-{comment.id}"
    error = None
    try:
        if not can_edit_application(current_user, application):
            raise ReplyRefused(f"申报书当前状态为“{application.status.label}”，不能答复。")
        reply_to(comment, request.form.get("reply", ""), current_user)
    except ReplyRefused as exc:
        db.session.rollback()
        error = str(exc)
    else:
        db.session.commit()
    if is_htmx():
        return render_template("applications/_comment.html", application=application, comment=comment,
                               editable=can_edit_application(current_user, application), error=error,
                               saved=error is None)
    flash(error or "答复已保存。", "error" if error else "success")
    return redirect_after_post(back)
