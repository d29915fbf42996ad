"""Whether this host may serve: checked when gunicorn (or any WSGI server) loads wsgi.py, and by /healthz.

- Several hosts on PostgreSQL must share one SECRET_KEY (sessions are signed with it): a host whose key was generated
  into its own instance folder would log everyone out whenever the balancer sends them to it. With a PostgreSQL
  DATABASE_URL the key must come from the environment.
- In production no demo account may exist: their passwords were printed by `flask bootstrap` or are published.
"""
import hashlib

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from webapp.core.extensions import db
from webapp.models import User


class NotReady(SystemExit):
    """Refuse to serve; the message says why and what to do."""


def problems(app: Flask) -> list[str]:
    """What stops this host from serving (in an app context)."""
    found = []
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not app.config["SECRET_KEY_FROM_ENV"]:
        found.append("使用 PostgreSQL（多台服务器）时必须在环境变量 SECRET_KEY 中设置各服务器相同的密钥；"
                     "本机使用的是自动生成在实例目录中的密钥，用户切换到其他服务器时会话将失效。")
    if app.config["PRODUCTION"]:
        try:
            demo = db.session.execute(db.select(User.login).where(User.demo.is_(True)).limit(5)).scalars().all()
        except SQLAlchemyError:         # not migrated yet: `flask db upgrade` comes first
            db.session.rollback()
            demo = []
        if demo:
            found.append(f"生产环境中存在演示账号（{'、'.join(demo)} 等），其密码已公开。请先停用并删除演示数据，"
                         "或使用新的数据库；账号请用 flask --app wsgi create-user 创建。")
    return found


def refuse_unless_ready(app: Flask) -> None:
    with app.app_context():
        found = problems(app)
        db.session.remove()
    if found:
        raise NotReady("本服务器不能启动：\n- " + "\n- ".join(found))


def key_id(app: Flask) -> str:
    """A short fingerprint of SECRET_KEY, for comparing hosts behind a balancer (the key itself stays secret)."""
    return hashlib.sha256(b"key-id:" + app.secret_key.encode()).hexdigest()[:8]
