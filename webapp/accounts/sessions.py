"""Session rules: who the user is, idle timeout, absolute lifetime, forced password change, and what an expired
HTMX save gets.

The session cookie carries "<user id>:<session generation>"; bumping the generation (logout, password change)
makes every copy of an older cookie worthless. It also carries the login time: after SESSION_LIFETIME_HOURS (12) the
user logs in again however active the session was, so a stolen cookie used now and then does not live forever.
"""
import time

from flask import Flask, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from webapp.accounts.operations import second_factor_missing
from webapp.core.extensions import db, login_manager
from webapp.core.htmx import is_htmx
from webapp.models import STAFF_ROLES, User

# Endpoints reachable while a password change is forced.
PASSWORD_CHANGE_OPEN = {"static", "auth.login", "auth.logout", "auth.change_password", "main.index", "main.healthz"}
# ... and while the enrolment of a second factor that the user's role requires is outstanding.
SECOND_FACTOR_OPEN = PASSWORD_CHANGE_OPEN | {"security_settings.second_factor", "security_settings.start_enrolment",
                                             "security_settings.confirm_enrolment"}
# Requests a page makes by itself (the heartbeat of an open editor): they do not count as activity, so an idle
# session still ends after IDLE_TIMEOUT_MINUTES.
PASSIVE = {"activity.presence"}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    try:
        user_id, generation = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_generation != generation or not user.active:
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


RESUME = "resume_user"


def restart_session(resume_user: int | None = None) -> None:
    """Drop everything in the session, the CSRF secret too, unless the session ended on its own (idle timeout,
    lifetime) for `resume_user`: then the CSRF secret is kept for that user only, so that a form still open in
    another tab can be saved once the same user has logged in again (no text lost). Anyone else who logs in next in
    this browser gets a new secret (start_session)."""
    csrf_secret = session.get("csrf_token")
    session.clear()
    if csrf_secret and resume_user is not None:
        session["csrf_token"], session[RESUME] = csrf_secret, resume_user


def start_session(user: User) -> None:
    """A new session at login (nothing carried over, against fixation): a new CSRF secret unless this user is
    resuming their own expired session; the login time for the absolute lifetime."""
    keep = session.get("csrf_token") if session.get(RESUME) == user.id else None
    session.clear()
    if keep:
        session["csrf_token"] = keep
    session["login_at"] = session["last_seen"] = time.time()


def _ended(message: str, resume_user: int | None):
    logout_user()
    restart_session(resume_user)
    if is_htmx():
        return session_expired_response(message + "本次内容没有保存，但仍保留在页面上。")
    flash(message + "请重新登录。", "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def session_expired_response(message: str) -> Response:
    """For an HTMX save: leave the form (and the typed text) alone and show a notice with a login link."""
    response = Response(render_template("_session_alert.html", message=message), 200)
    response.headers["HX-Retarget"] = "#session-alert"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@login_manager.unauthorized_handler
def unauthorized():
    if is_htmx():
        return session_expired_response("您尚未登录或登录已过期，本次内容没有保存，但仍保留在页面上。")
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def init_session_guards(app: Flask) -> None:
    @app.before_request
    def idle_timeout_and_password_change():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = time.time()
        if now - session.get("last_seen", now) > app.config["IDLE_TIMEOUT_MINUTES"] * 60:
            return _ended("长时间未操作，已自动退出。", current_user.id)
        if now - session.get("login_at", 0) > app.config["SESSION_LIFETIME_HOURS"] * 3600:
            hours = app.config["SESSION_LIFETIME_HOURS"]
            return _ended(f"本次登录已超过{hours:g}小时，为安全起见已自动退出。", current_user.id)
        if request.endpoint not in PASSIVE:
            session["last_seen"] = now
        if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_OPEN:
            flash("首次登录或密码已被重置，请先修改密码。", "info")
            return redirect(url_for("auth.change_password"))
        if current_user.role in STAFF_ROLES and request.endpoint not in SECOND_FACTOR_OPEN \
                and second_factor_missing(current_user):
            flash("按照安全管理员的设置，您的账号须先绑定动态口令（双因素认证）才能继续使用。", "info")
            return redirect(url_for("security_settings.second_factor"))
        return None
