"""同事账号: the enterprise administrator's page of its colleagues — add one (the one-time password is shown once,
in the answer to the POST that made it), change rights, reset a password, deactivate or reactivate, hand over the
administrator role. Another enterprise's account is a 404; a colleague who is not the administrator gets 403.
"""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import colleagues as ops
from webapp.accounts.members import members, membership
from webapp.applications.sections import SECTION_BY_KEY
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.forms.campaigns import ConfirmForm
from webapp.forms.colleagues import ColleagueForm, HandOverForm, RightsForm
from webapp.models import MemberAccess, Role
from webapp.permissions import require_enterprise_admin, roles_required

bp = Blueprint("colleagues", __name__, url_prefix="/enterprise/colleagues")
applicant_only = roles_required(Role.APPLICANT)


def _colleague_or_404(colleague_id: int):
    require_enterprise_admin()
    colleague = ops.colleague_of(current_user, colleague_id)
    if colleague is None:
        abort(404)
    return colleague


def _rights(form) -> tuple[MemberAccess, list[str]]:
    return MemberAccess(form.access.data), list(form.sections.data or [])


@bp.get("/")
@applicant_only
def index():
    require_enterprise_admin()
    return render_template("accounts/colleagues.html", people=members(current_user.enterprise_id, active_only=False),
                           sections=SECTION_BY_KEY, form=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@applicant_only
def create():
    require_enterprise_admin()
    form = ColleagueForm()
    if request.method == "GET" or not form.validate():
        return render_template("accounts/colleague_new.html", form=form)
    access, sections = _rights(form)
    try:
        user, password = ops.add_colleague(current_user, name=form.name.data, mobile=form.mobile.data,
                                           access=access, sections=sections)
    except ops.ColleagueError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return render_template("accounts/colleague_new.html", form=form)
    db.session.commit()
    return render_template("accounts/colleague_password.html", user=user, password=password, created=True)


@bp.route("/<int:colleague_id>", methods=["GET", "POST"])
@applicant_only
def detail(colleague_id):
    colleague = _colleague_or_404(colleague_id)
    member = membership(colleague)
    form = RightsForm(formdata=request.form if request.method == "POST" else None,
                      data={"access": member.access.value, "sections": list(member.sections or [])})
    if request.method == "POST" and form.validate():
        try:
            ops.set_rights(current_user, colleague, *_rights(form))
        except ops.ColleagueError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"已更新 {colleague.display_name} 的权限。", "success")
            return redirect_after_post(url_for(".detail", colleague_id=colleague.id))
    return render_template("accounts/colleague.html", colleague=colleague, member=member, form=form,
                           confirm=ConfirmForm(), handover=HandOverForm(formdata=None))


@bp.post("/<int:colleague_id>/reset-password")
@applicant_only
def reset_password(colleague_id):
    colleague = _colleague_or_404(colleague_id)
    if not ConfirmForm().validate():
        abort(400)
    password = ops.reset_password(current_user, colleague)
    db.session.commit()
    return render_template("accounts/colleague_password.html", user=colleague, password=password, created=False)


@bp.post("/<int:colleague_id>/deactivate")
@applicant_only
def deactivate(colleague_id):
    return _set_active(colleague_id, False)


@bp.post("/<int:colleague_id>/activate")
@applicant_only
def activate(colleague_id):
    return _set_active(colleague_id, True)


def _set_active(colleague_id: int, active: bool):
    colleague = _colleague_or_404(colleague_id)
    if not ConfirmForm().validate():
        abort(400)
    if ops.set_active(current_user, colleague, active):
        db.session.commit()
        flash(f"已{'启用' if active else '停用'}同事账号 {colleague.login}"
              f"{'' if active else '，其登录已全部失效'}。", "success")
    return redirect_after_post(url_for(".detail", colleague_id=colleague.id))


@bp.post("/<int:colleague_id>/hand-over")
@applicant_only
def hand_over(colleague_id):
    colleague = _colleague_or_404(colleague_id)
    form = HandOverForm()
    member = membership(colleague)
    if not form.validate():
        rights = RightsForm(formdata=None, data={"access": member.access.value, "sections": list(member.sections)})
        return render_template("accounts/colleague.html", colleague=colleague, member=member, form=rights,
                               confirm=ConfirmForm(), handover=form)
    try:
        ops.hand_over(current_user, colleague)
    except ops.ColleagueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect_after_post(url_for(".detail", colleague_id=colleague.id))
    db.session.commit()
    flash(f"已将企业管理员移交给 {colleague.display_name}（{colleague.login}）。您仍可编辑申报书的全部内容。", "success")
    return redirect_after_post(url_for("main.home"))
