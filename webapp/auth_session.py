"""Session rules: who the user is, idle timeout, forced password change.

The session cookie carries "<user id>:<session generation>"; bumping the generation (logout, password change)
makes every copy of an older cookie worthless.
"""
import time

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from .extensions import db, login_manager
from .models import User

# Endpoints reachable while a password change is forced or without login.
OPEN_ENDPOINTS = {"static", "auth.login", "auth.logout", "auth.register", "auth.change_password",
                  "main.index", "main.healthz", "options.counties", "options.groups"}


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


def init_session_guards(app: Flask) -> None:
    @app.before_request
    def idle_timeout_and_password_change():
        if request.endpoint == "static":
            return None
        if current_user.is_authenticated:
            now = time.time()
            last_seen = session.get("last_seen", now)
            if now - last_seen > app.config["IDLE_TIMEOUT_MINUTES"] * 60:
                logout_user()
                session.clear()
                flash("长时间未操作，已自动退出，请重新登录。", "info")
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            session["last_seen"] = now
            if current_user.must_change_password and request.endpoint not in OPEN_ENDPOINTS:
                flash("首次登录或密码已被重置，请先修改密码。", "info")
                return redirect(url_for("auth.change_password"))
        return None
