"""Headers, CSRF with HTMX, and what an expired session does to an HTMX save."""
import re
import time
from pathlib import Path

from webapp import create_app

from tests.form_data import SECTION_POSTS, start_application

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_templates_have_no_inline_scripts_or_styles():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), path
        assert " style=" not in source and "<style" not in source, path
        assert not re.search(r"\bon(click|change|submit|input|load)=", source), path


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_csrf_required_on_posts_and_accepted_as_htmx_header(tmp_path, template_db):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": template_db.copy(tmp_path)})
    client = app.test_client()
    assert client.post("/login", data={"login": "a", "password": "b"}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": "a", "password": "b"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and "密码错误" in response.get_data(as_text=True)


def test_expired_session_keeps_the_typed_text_on_htmx_save(login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 3600
    response = client.post(f"/applications/{application_id}/sections/profile",
                           data={"profile": "正在输入的简介", "version": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#session-alert" and response.headers["HX-Reswap"] == "innerHTML"
    assert "仍保留在页面上" in response.get_data(as_text=True)


def test_logged_out_htmx_save_gets_a_notice_not_the_login_page(client):
    response = client.post("/applications/1/sections/cover", data=SECTION_POSTS["cover"], headers={"HX-Request": "true"})
    assert response.headers.get("HX-Retarget") == "#session-alert"
    assert "<form" not in response.get_data(as_text=True)


def test_nul_characters_are_refused_with_a_chinese_page(client):
    response = client.post("/login", data={"login": "a\x00b", "password": "x"})
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)
    assert client.get("/options/counties?prefecture=4301\x0000").status_code == 400
