"""Login (with the second step for a staff account's TOTP code), logout, enterprise registration, password change."""
import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from webapp.accounts import operations as accounts
from webapp.audit import trail as audit
from webapp.core.extensions import begin_writes, db, finish_writes, reads_first
from webapp.accounts.sessions import load_user, restart_session
from webapp.forms.accounts import ChangePasswordForm, LoginForm, RegistrationForm, SecondFactorForm
from webapp.forms.fields import options
from webapp.models import User
from webapp.permissions import any_user, public
from webapp.reference.choices import county_choices, prefecture_choices, prefecture_of

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a relative path on this site after login."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@reads_first
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        checked = accounts.check_password_ahead(form.login.data, form.password.data)
        begin_writes()
        result = accounts.authenticate(form.login.data, form.password.data, checked=checked)
        finish_writes()
        if result.user is not None and result.second_factor:
            restart_session()
            session[PENDING] = {"user": result.user.get_id(), "since": time.time(),
                                "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("auth.second_factor"))
        if result.user is not None:
            return _logged_in(result.user, _safe_next(request.args.get("next")))
        flash(result.message, "error")
    return render_template("accounts/login.html", form=form)


PENDING = "second_factor_pending"
PENDING_SECONDS = 300


def _logged_in(user: User, next_url: str):
    restart_session()  # a fresh session at login: nothing carried over but the CSRF secret
    login_user(user)
    if user.must_change_password:
        flash("首次登录或密码已被重置，请先修改密码。", "info")
        return redirect(url_for("auth.change_password"))
    return redirect(next_url)


def _pending_user() -> User | None:
    """The account whose password was just given, while its second step is open (5 minutes, same generation)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        return None
    return load_user(str(pending.get("user", "")))     # the same checks as a session's user


@bp.route("/login/second-factor", methods=["GET", "POST"])
@public
def second_factor():
    """The second step of a staff login: the 6-digit code of the authenticator app."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("请重新输入用户名和密码登录（动态口令须在5分钟内输入）。", "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        result = accounts.verify_second_factor(user, form.code.data)
        db.session.commit()
        if result.user is not None:
            return _logged_in(result.user, session.get(PENDING, {}).get("next") or url_for("main.index"))
        if user.is_locked():
            session.pop(PENDING, None)
            flash(result.message, "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(result.message)
    return render_template("accounts/second_factor.html", form=form, user=user)


@bp.route("/logout", methods=["POST"])
@any_user
def logout():
    audit.record("auth.logout", obj=current_user._get_current_object())
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    restart_session()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    selected_prefecture = form.prefecture.data or prefecture_of(form.county.data)
    form.prefecture.choices = options([("", "请选择市州")] + prefecture_choices())
    form.prefecture.data = selected_prefecture
    form.county.choices = options([("", "请选择县市区")] + county_choices(selected_prefecture))
    refreshing_counties = request.method == "POST" and request.form.get("refresh")
    if not refreshing_counties and form.validate_on_submit():
        try:
            user = accounts.register_enterprise(
                name=form.company_name.data, credit_code=form.credit_code.data, county_adcode=form.county.data,
                contact_name=form.contact_name.data, mobile=form.mobile.data, password=form.password.data,
                check_char_confirmed=form.check_char_confirmed)
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            restart_session()
            login_user(user)
            flash(f"注册成功。您的推荐单位是{user.enterprise.unit.name}。", "success")
            if user.enterprise.outside_hunan:
                flash("提示：您的统一社会信用代码登记机关不在湖南省，推荐单位将核实您的申报资格。", "warning")
            return redirect(url_for("main.index"))
    return render_template("accounts/register.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@any_user
def change_password():
    form = ChangePasswordForm()
    form.login_for_policy = current_user.login
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("当前密码不正确。")
        else:
            accounts.change_password(current_user, form.new_password.data)
            db.session.commit()
            login_user(current_user)  # re-issue the session with the new generation
            flash("密码已修改，其他设备上的登录已失效。", "success")
            return redirect(url_for("main.index"))
    return render_template("accounts/change_password.html", form=form)
