"""The inbox (消息) of every user and their notice settings (消息设置).

Opening a notice is a POST that marks it read and goes to what it concerns (303), so it works without JavaScript.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.forms.campaigns import ConfirmForm
from webapp.forms.notices import NoticeSettingsForm
from webapp.notices.inbox import inbox_page, mark_all_read, mark_read, own_notice, preference_of, safe_link, \
    set_preference
from webapp.permissions import any_user

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.get("/")
@any_user
def inbox():
    page = request.args.get("page", "1")
    unread_only = request.args.get("unread") == "1"
    result = inbox_page(current_user, int(page) if page.isdigit() else 1, unread_only)
    return render_template("notices/inbox.html", inbox=result, unread_only=unread_only, form=ConfirmForm())


@bp.post("/<int:notice_id>/open")
@any_user
def open_notice(notice_id):
    notice = own_notice(current_user, notice_id)
    if notice is None:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    mark_read(notice)
    db.session.commit()
    link = safe_link(notice.link)
    return redirect(request.script_root + link if link else url_for(".inbox"), code=303)


@bp.post("/read-all")
@any_user
def read_all():
    if not ConfirmForm().validate():
        abort(400)
    count = mark_all_read(current_user)
    db.session.commit()
    flash(f"已将 {count} 条消息标记为已读。" if count else "没有未读消息。", "success")
    return redirect_after_post(url_for(".inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@any_user
def settings():
    preference = preference_of(current_user)
    form = NoticeSettingsForm(obj=preference)
    if request.method == "POST" and form.validate():
        before = {"email": preference.email, "email_enabled": preference.email_enabled,
                  "sms_enabled": preference.sms_enabled}
        saved = set_preference(current_user, form.email.data or "", form.email_enabled.data, form.sms_enabled.data)
        audit.record("notice.settings", obj=current_user._get_current_object(), detail={
            "before": before, "after": {"email": saved.email, "email_enabled": saved.email_enabled,
                                        "sms_enabled": saved.sms_enabled}})
        db.session.commit()
        flash("消息设置已保存。", "success")
        return redirect_after_post(url_for(".settings"))
    return render_template("notices/settings.html", form=form, mobile=current_user.mobile)
