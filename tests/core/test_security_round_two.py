"""Round two of the hostile test campaign: history restores, request body caps, headers, refused object access in the
audit log, and invisible direction characters."""
import io
import re

import pytest

from webapp.core.downloads import content_disposition
from webapp.core.extensions import db
from webapp.documents.docx_builder import clean_text
from webapp.models import Application, AuditRecord, User

from tests.conftest import text
from tests.factories import make_application
from tests.form_data import SECTION_POSTS, start_application

RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
RLO = "\u202e"


# ---- 5. pages stay out of the browser's storage, and back-button restores get whole pages -----------------------

def test_htmx_keeps_no_history_cache_and_reloads_on_a_miss(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    assert '"historyCacheSize": 0' in config and '"refreshOnHistoryMiss": true' in config


@pytest.mark.parametrize("role, path", [("auditor", "/admin/audit/"), ("security", "/admin/accounts/enterprises"),
                                        ("admin", "/admin/overview"), ("recommender", "/review/")])
def test_a_history_restore_gets_the_whole_page(login_as, role, path):
    client = login_as(role)
    fragment = client.get(path, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    restored = client.get(path, headers=RESTORE)
    assert restored.status_code == 200 and "<html" in restored.get_data(as_text=True)
    assert "HX-History-Restore-Request" in restored.headers["Vary"]


def test_after_logout_a_restore_shows_nothing_of_the_user(login_as):
    client = login_as("auditor")
    client.post("/logout")
    response = client.get("/admin/audit/", headers=RESTORE)
    assert response.status_code in (200, 302) and "审计记录" not in text(response)


# ---- 14. request bodies are capped per endpoint -------------------------------------------------------------------

def test_a_large_multipart_post_to_login_is_refused_before_it_is_read(app):
    body = {"login": "x", "password": "y", "file": (io.BytesIO(b"\0" * (30 * 1024 * 1024)), "big.bin")}
    response = app.test_client().post("/login", data=body, content_type="multipart/form-data")
    assert response.status_code == 413 and "内容过大" in text(response)


def test_uploads_keep_their_large_limit(app, login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    pdf = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"        # 3 MB: over the form limit
    response = client.post(f"/applications/{application_id}/attachments?category=license",
                           data={"category": "license", "file": (io.BytesIO(pdf), "营业执照.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303


# ---- 15. headers -------------------------------------------------------------------------------------------------

def test_permissions_policy_and_no_store_on_the_audit_export(login_as):
    client = login_as("auditor")
    export = client.get("/admin/audit/export.xlsx")
    assert export.status_code == 200 and "no-store" in export.headers["Cache-Control"]
    assert "camera=()" in export.headers["Permissions-Policy"]
    assert "geolocation=()" in client.get("/home").headers["Permissions-Policy"]


# ---- 6. probes leave a trace ---------------------------------------------------------------------------------------

def test_refused_object_access_is_recorded_and_rate_limited(app, login_as):
    with app.app_context():
        other = make_application(db.session, name="湖南被探测有限公司")
        db.session.commit()
        target = other.id
    competitor = login_as("applicant", county="430104")
    for path in (f"/applications/{target}", f"/applications/{target}/document.docx", "/attachments/999999"):
        assert competitor.get(path).status_code == 404
    assert competitor.post(f"/applications/{target}/sections/profile", data=SECTION_POSTS["profile"]).status_code == 404
    with app.app_context():
        probes = list(db.session.execute(db.select(AuditRecord).filter_by(action="access.probe")).scalars())
    assert [(p.object_type, p.object_id) for p in probes] == [
        ("application", str(target)), ("application", str(target)), ("attachment", "999999"),
        ("application", str(target))]
    assert all(p.actor_login == competitor.login_name and not p.success for p in probes)
    for number in range(40):                                       # walking through ids
        competitor.get(f"/applications/{target + 1000 + number}")
    with app.app_context():
        count = db.session.execute(db.select(db.func.count()).select_from(AuditRecord).filter_by(
            action="access.probe")).scalar_one()
    assert count == 20                                             # at most 20 per user in ten minutes
    auditor = login_as("auditor")
    page = text(auditor.get("/admin/audit/?action=access.probe"))
    assert "访问他人资料被拒绝" in page and "共 20 条" in page


def test_the_audit_log_filters_by_role_e_g_the_security_admin(app, login_as, runner):
    security = login_as("security")
    security.get("/admin/accounts/")
    runner.invoke(args=["create-user", "--role", "admin", "--username", "sheng_new"])
    auditor = login_as("auditor")
    page = text(auditor.get("/admin/audit/?role=console"))
    assert "sheng_new" in page or "创建账号" in page
    assert "服务器控制台" in text(auditor.get("/admin/audit/"))


# ---- 7. invisible direction characters --------------------------------------------------------------------------

def test_names_with_direction_marks_are_refused_and_free_text_is_cleaned(app, login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    data = dict(SECTION_POSTS["basic"], version="0", company_name=f"湖南星沙{RLO}xcod.exe有限公司")
    page = text(client.post(f"/applications/{application_id}/sections/basic", data=data))
    assert "不可见的控制字符" in page
    data = dict(SECTION_POSTS["profile"], version="0")
    data["profile"] = "公司\u200b简介\u2066正文\u2069。" + data["profile"][10:]
    client.post(f"/applications/{application_id}/sections/profile", data=data)
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert RLO not in (application.company_name or "")
        assert application.profile.startswith("公司简介正文。")       # saved, the invisible characters removed


def test_registration_refuses_a_disguised_company_name(app):
    response = app.test_client().post("/register", data={"company_name": f"湖南{RLO}fdp.exe公司"})
    assert "不可见的控制字符" in text(response)


def test_a_colleague_name_with_a_direction_mark_is_refused(app, login_as):
    admin = login_as("applicant")
    response = admin.post("/enterprise/colleagues/new", data={"name": f"张三{RLO}fdp.exe", "mobile": "13900000001",
                                                              "access": "all"})
    assert "不可见的控制字符" in text(response)
    with app.app_context():
        assert db.session.execute(db.select(User).where(User.login.like("%-02"))).first() is None


def test_direction_marks_never_reach_a_file_name_or_a_document():
    header = content_disposition(f"申报书{RLO}xcod.exe")
    assert RLO not in header and "%E2%80%AE" not in header
    assert clean_text(f"湖南{RLO}某公司\ufeff") == "湖南某公司"
