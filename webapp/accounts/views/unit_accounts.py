"""The 推荐单位's enterprise accounts (own prefecture only): find an account, issue a one-time password after
checking the business licence, release a squatted credit code. Every act audited (accounts/enterprise_accounts.py)."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from webapp.accounts import duties
from webapp.accounts.enterprise_accounts import enterprise_of_unit, issue_one_time_password, release_credit_code
from webapp.accounts.operations import AccountError
from webapp.core.extensions import db
from webapp.core.htmx import redirect_after_post
from webapp.forms.base import BaseForm
from webapp.forms.fields import strip_filter
from webapp.models import Role, User
from webapp.permissions import refuse_object, roles_required

bp = Blueprint("unit_accounts", __name__, url_prefix="/review/enterprises")
unit_only = roles_required(Role.RECOMMENDER)


class LicenceForm(BaseForm):
    licence_checked = BooleanField("我已核对该企业的营业执照（原件或加盖公章的复印件），确认来办理的是该企业")


class ReleaseForm(LicenceForm):
    licence_checked = BooleanField("我已核对真实企业的营业执照（原件或加盖公章的复印件），确认现注册者并非该企业")
    reason = TextAreaField("释放理由", filters=[strip_filter], validators=[Length(max=500, message="不超过500字。")],
                           description="如：经核对营业执照，注册人并非该企业；真实企业将重新注册。")


def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not duties.may_manage(current_user, user):
        refuse_object("user_account", user_id)
    return user


@bp.get("/")
@unit_only
def index():
    query = request.args.get("q", "")
    return render_template("accounts/unit_enterprises.html", users=enterprise_of_unit(current_user, query),
                           query=query[:100])


def _detail(user: User, reset_form=None, release_form=None, status=200):
    return render_template("accounts/unit_enterprise.html", user=user,
                           reset_form=reset_form or LicenceForm(formdata=None, prefix="reset"),
                           release_form=release_form or ReleaseForm(formdata=None, prefix="release")), status


@bp.get("/<int:user_id>")
@unit_only
def detail(user_id):
    return _detail(_account_or_404(user_id))


@bp.post("/<int:user_id>/one-time-password")
@unit_only
def one_time_password(user_id):
    user = _account_or_404(user_id)
    form = LicenceForm(prefix="reset")
    if not form.validate():
        abort(400)
    try:
        password = issue_one_time_password(user, current_user, form.licence_checked.data)
    except AccountError as exc:
        db.session.rollback()
        form.licence_checked.errors = [str(exc)]
        return _detail(user, reset_form=form)
    db.session.commit()
    return render_template("accounts/one_time_password.html", user=user, password=password, created=False,
                           done_url=url_for(".detail", user_id=user.id))


@bp.post("/<int:user_id>/release")
@unit_only
def release(user_id):
    user = _account_or_404(user_id)
    form = ReleaseForm(prefix="release")
    if not form.validate():
        return _detail(user, release_form=form)
    try:
        code = release_credit_code(user, current_user, form.licence_checked.data, form.reason.data)
    except AccountError as exc:
        db.session.rollback()
        form.reason.errors = [str(exc)]
        return _detail(user, release_form=form)
    db.session.commit()
    flash(f"统一社会信用代码 {code} 已释放，原账号已关闭。请告知真实企业重新注册。", "success")
    return redirect_after_post(url_for(".index"))
