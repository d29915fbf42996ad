"""Login (with the second step for a staff account's TOTP code), logout, enterprise registration, password change."""
import time
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from webapp.accounts import authentication, captcha, devices
from webapp.accounts import operations as accounts
from webapp.accounts.authentication import Attempt
from webapp.accounts.enterprise_accounts import registration_refusal
from webapp.accounts.sessions import load_user, restart_session, start_session
from webapp.accounts.throttles import login_key
from webapp.audit import trail as audit
from webapp.core.extensions import begin_writes, db, finish_writes, pause_writes, reads_first
from webapp.forms.accounts import ChangePasswordForm, LoginForm, RegistrationForm, SecondFactorForm
from webapp.forms.fields import options
from webapp.models import Role, User
from webapp.permissions import any_user, public
from webapp.reference.choices import county_choices, prefecture_choices, prefecture_of

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a relative path on this site after login."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


def _attempt(login: str | None) -> Attempt:
    key = login_key(login)
    return Attempt(key, audit.client_ip() or "", known_device=bool(key) and key in devices.known_logins())


def _authenticate(form: LoginForm) -> authentication.LoginResult:
    """The three steps of authentication.py: count (writes), the slow hash (reads only), the outcome (writes)."""
    attempt = _attempt(form.login.data)
    begin_writes()
    result = authentication.open_attempt(attempt, form.captcha_token.data, form.captcha.data)
    if result is None:
        pause_writes()
        checked = authentication.check_password(attempt.login, form.password.data)
        begin_writes()
        result = authentication.close_attempt(attempt, form.password.data, checked)
    finish_writes()
    return result


@bp.route("/login", methods=["GET", "POST"])
@reads_first
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    show_captcha = authentication.captcha_due(_attempt(""))
    if form.validate_on_submit():
        result = _authenticate(form)
        if result.user is not None and result.second_factor:
            restart_session()
            session[PENDING] = {"user": result.user.get_id(), "since": time.time(),
                                "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("auth.second_factor"))
        if result.user is not None:
            return _logged_in(result.user, _safe_next(request.args.get("next")))
        flash(result.message, "error")
        show_captcha = show_captcha or result.captcha
    elif request.method == "GET" and request.args.get("login"):
        form.login.data = request.args["login"][:200]
    form.captcha.data = ""
    form.captcha_token.data = captcha.new_token() if show_captcha else ""
    return render_template("accounts/login.html", form=form, show_captcha=show_captcha,
                           security_contact=accounts.security_contact())


@bp.get("/login/captcha/<token>.png")
@public
def captcha_image(token):
    """The picture of a captcha challenge (stateless: any host draws the same picture for the same token)."""
    data = captcha.image_png(token)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


PENDING = "second_factor_pending"
PENDING_SECONDS = 300


def _logged_in(user: User, next_url: str):
    start_session(user)  # a fresh session at login, with a new CSRF secret (unless resuming one's own)
    login_user(user)
    if user.must_change_password:
        flash("首次登录、密码已被重置或密码不符合现行规则，请先修改密码。", "info")
        next_url = url_for("auth.change_password")
    return devices.remember(redirect(next_url), user.login)


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
        result = authentication.verify_second_factor(user, form.code.data, _attempt(user.login),
                                                     lambda code: accounts.accept_code(user, code))
        db.session.commit()
        if result.user is not None:
            return _logged_in(result.user, session.get(PENDING, {}).get("next") or url_for("main.index"))
        if result.locked:
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
    restart_session()       # everything goes, the CSRF secret too
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
        refusal = registration_refusal(audit.client_ip())
        db.session.commit()         # the attempt counts whatever happens next
        if refusal:
            flash(refusal, "error")
            return render_template("accounts/register.html", form=form), 429
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
            start_session(user)
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
    form.staff_policy = current_user.role is not Role.APPLICANT
    form.names_for_policy = [current_user.enterprise.name] if current_user.enterprise else []
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
