"""Production refuses demo accounts; a PostgreSQL host without the shared SECRET_KEY refuses to start; the demo shows
a 演示环境 banner."""
import pytest

from webapp.core.config import load_config
from webapp.core.extensions import db
from webapp.models import User
from webapp.ops import readiness

from tests.conftest import text


def test_bootstrap_and_demo_refuse_in_production(app, runner):
    app.config["PRODUCTION"] = True
    for args in (["bootstrap"], ["demo", "--applications", "1"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "生产环境" in result.output, args
    with app.app_context():
        assert db.session.execute(db.select(User.id)).first() is None


def test_production_refuses_to_serve_while_a_demo_account_exists(app, runner):
    assert runner.invoke(args=["bootstrap"]).exit_code == 0
    app.config["PRODUCTION"] = True
    with pytest.raises(readiness.NotReady, match="演示账号"):
        readiness.refuse_unless_ready(app)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and "演示账号" in response.get_json()["problems"][0]
    with app.app_context():
        db.session.execute(db.update(User).values(demo=False))
        db.session.commit()
    readiness.refuse_unless_ready(app)
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"


def test_postgresql_without_a_shared_secret_key_refuses_to_serve(app):
    app.config.update(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u:p@db.example/x", SECRET_KEY_FROM_ENV=False)
    with pytest.raises(readiness.NotReady, match="SECRET_KEY"):
        readiness.refuse_unless_ready(app)
    app.config["SECRET_KEY_FROM_ENV"] = True
    assert "SECRET_KEY" not in " ".join(readiness.problems(app))


def test_healthz_fails_on_a_host_without_the_shared_key(app):
    app.config["SECRET_KEY_FROM_ENV"] = False
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    response = app.test_client().get("/healthz")
    if uri.startswith("postgresql"):
        assert response.status_code == 503 and "SECRET_KEY" in response.get_json()["problems"][0]
    else:
        assert response.status_code == 200 and len(response.get_json()["key_id"]) == 8


def test_the_demo_shows_a_banner_and_production_does_not(app):
    assert "演示环境" in text(app.test_client().get("/login"))
    app.config["PRODUCTION"] = True
    assert "演示环境" not in text(app.test_client().get("/login"))


def test_the_production_switch_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert load_config()["PRODUCTION"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert load_config()["PRODUCTION"] is True
    monkeypatch.delenv("SESSION_COOKIE_SECURE")
    monkeypatch.setenv("APP_ENV", "production")
    assert load_config()["PRODUCTION"] is True
