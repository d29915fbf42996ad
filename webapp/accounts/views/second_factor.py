"""The second factor (TOTP) of staff accounts: each staff user enrols their own authenticator app; the security
administrator (安全管理员) decides which staff roles must use one and resets a lost one (等保三级 身份鉴别: two or more
authentication techniques for administrators).

The secret is shown as text, as an otpauth:// address and as a QR code (an SVG image from segno, as a data: URI
that the Content-Security-Policy allows). It stays pending until a first code from the app confirms it.
"""
import segno
from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user, login_user
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from webapp.accounts import duties
from webapp.accounts import operations as accounts
from webapp.accounts.operations import AccountError
from webapp.core.extensions import db
from webapp.forms.campaigns import ConfirmForm
from webapp.forms.accounts import SecondFactorForm
from webapp.forms.base import BaseForm
from webapp.forms.fields import strip_filter
from webapp.core.htmx import redirect_after_post
from webapp.models import ROLE_LABELS, STAFF_ROLES, Role, SecondFactor, User
from webapp.permissions import roles_required

bp = Blueprint("security_settings", __name__, url_prefix="/security")
staff_only = roles_required(*STAFF_ROLES)
security_only = roles_required(Role.SECURITY)


class SecondFactorRolesForm(BaseForm):
    """One box per staff role: must its accounts use a second factor?"""


for _role in STAFF_ROLES:
    setattr(SecondFactorRolesForm, f"role_{_role.value}", BooleanField(ROLE_LABELS[_role]))


def _qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def _own_page(form=None, status=200):
    user = current_user._get_current_object()
    secret = accounts.pending_secret(user) if not accounts.has_second_factor(user) else None
    uri = accounts.provisioning_uri(user, secret) if secret else None
    row = db.session.get(SecondFactor, user.id)
    return render_template(
        "accounts/second_factor_enrol.html", user=user, secret=secret, uri=uri, qr=_qr_data_uri(uri) if uri else None,
        form=form or SecondFactorForm(formdata=None), enrolled_at=row.enrolled_at if row else None,
        required=user.role in accounts.second_factor_roles(), start_form=ConfirmForm(formdata=None)), status


@bp.get("/second-factor")
@staff_only
def second_factor():
    return _own_page()


@bp.post("/second-factor/start")
@staff_only
def start_enrolment():
    if not ConfirmForm().validate():
        abort(400)
    if accounts.has_second_factor(current_user):
        flash("您已绑定动态口令。如需更换，请先解除绑定。", "info")
    else:
        accounts.start_enrolment(current_user)
        db.session.commit()
    return redirect_after_post(url_for(".second_factor"))


@bp.post("/second-factor/confirm")
@staff_only
def confirm_enrolment():
    form = SecondFactorForm()
    if not form.validate():
        return _own_page(form)
    try:
        accounts.confirm_enrolment(current_user, form.code.data)
    except AccountError as exc:
        db.session.commit()             # keeps the audit record of the failed attempt
        form.code.errors.append(str(exc))
        return _own_page(form)
    db.session.commit()
    login_user(current_user)            # this session goes on with the new generation; all others have ended
    flash("动态口令已绑定。今后登录时，输入密码后还需输入验证器中的6位数字。其他设备上的登录已失效。", "success")
    return redirect_after_post(url_for(".second_factor"))


@bp.post("/second-factor/remove")
@staff_only
def remove():
    form = SecondFactorForm()
    if not form.validate():
        return _own_page(form)
    try:
        accounts.remove_second_factor(current_user, current_user, form.code.data)
    except AccountError as exc:
        db.session.commit()
        form.code.errors.append(str(exc))
        return _own_page(form)
    db.session.commit()
    login_user(current_user)
    flash("已解除动态口令绑定。", "success")
    return redirect_after_post(url_for(".second_factor"))


# ---- the security administrator ----

class ContactForm(BaseForm):
    contact = StringField("安全管理员联系方式", filters=[strip_filter],
                          validators=[Length(max=100, message="联系方式不超过100字。")])


def _settings_page(form, status=200, contact_form=None):
    required = accounts.second_factor_roles()
    contact_form = contact_form or ContactForm(formdata=None, contact=accounts.security_contact())
    staff = list(db.session.execute(db.select(User).where(User.role.in_(STAFF_ROLES))
                                    .order_by(User.role, User.login)).scalars())
    return render_template("accounts/security_settings.html", form=form, staff=staff, required=required,
                           reset_form=ConfirmForm(formdata=None), contact_form=contact_form,
                           managed_roles=duties.managed_roles(current_user), role_fields=[
                               (role, form[f"role_{role.value}"]) for role in STAFF_ROLES]), status


@bp.route("/settings", methods=["GET", "POST"])
@security_only
def settings():
    form = SecondFactorRolesForm()
    if not form.is_submitted():
        for role in accounts.second_factor_roles():
            form[f"role_{role.value}"].data = True
        return _settings_page(form)
    if not form.validate():
        return _settings_page(form)
    roles = {role for role in STAFF_ROLES if form[f"role_{role.value}"].data}
    changed = accounts.set_second_factor_roles(roles, current_user)
    db.session.commit()
    if changed:
        names = "、".join(ROLE_LABELS[r] for r in STAFF_ROLES if r in roles) or "无"
        flash(f"设置已保存。必须使用动态口令的账号：{names}。尚未绑定的人员下次操作时将被引导先行绑定。", "success")
    else:
        flash("设置没有变化。", "info")
    return redirect_after_post(url_for(".settings"))


@bp.post("/contact")
@security_only
def contact():
    form = ContactForm()
    if not form.validate():
        return _settings_page(SecondFactorRolesForm(formdata=None), 200, form)
    changed = accounts.set_security_contact(form.contact.data, current_user)
    db.session.commit()
    flash("联系方式已保存，将显示在登录页。" if changed else "联系方式没有变化。", "success" if changed else "info")
    return redirect_after_post(url_for(".settings"))


@bp.post("/users/<int:user_id>/second-factor/reset")
@security_only
def reset_user(user_id):
    user = db.session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    if user.id == current_user.id:
        flash("不能在这里重置自己的动态口令，请在“动态口令”页面操作。", "error")
        return redirect_after_post(url_for(".settings"))
    if not duties.may_manage(current_user, user):
        abort(403)          # 三员分立: the other administrators' factors are reset on the server console
    accounts.remove_second_factor(user, current_user)
    db.session.commit()
    flash(f"已重置 {user.login} 的动态口令，其现有登录已全部失效。该账号下次登录后需重新绑定。", "success")
    return redirect_after_post(url_for(".settings"))
