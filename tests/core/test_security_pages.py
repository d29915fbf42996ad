"""What a user sees when something goes wrong, and what the system keeps: no text lost to an expired page, Chinese
error pages without stack traces, escaped output, uploads outside the web root, logs that rotate, and an audit
record for every event 安全审计 asks for."""
import io
import logging
import multiprocessing
import re
from pathlib import Path

import pytest

from webapp import create_app
from webapp.core.extensions import db
from webapp.models import Application, AuditRecord, User
from webapp.ops.demo_files import minimal_pdf

from tests.conftest import PASSWORD, login, text
from tests.form_data import SECTION_POSTS, save_section, start_application

HTMX = {"HX-Request": "true"}
HOSTILE = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"


# ---- long sessions at a form: nothing typed is lost ------------------------------------------------------------

def test_an_expired_page_on_an_htmx_save_keeps_the_form_and_says_so(app, login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/applications/{application_id}/sections/profile",
                           data={"profile": "正在输入的企业简介", "version": "0"},
                           headers={**HTMX, "X-CSRFToken": "expired-token"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#session-alert" and response.headers["HX-Reswap"] == "innerHTML"
    assert "安全校验未通过" in body and "仍保留在页面上" in body
    assert "<form" not in body and "<html" not in body          # never the error page swapped into the form


def test_an_expired_page_on_a_plain_post_shows_the_text_to_copy(app, login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    app.config["WTF_CSRF_ENABLED"] = True
    typed = "我们公司的简介写了很久。" * 20 + HOSTILE
    response = client.post(f"/applications/{application_id}/sections/profile",
                           data={"profile": typed, "version": "3", "csrf_token": "old"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "您填写的内容如下，请复制保存" in body
    assert "我们公司的简介写了很久。" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    # Tokens, passwords and bookkeeping fields are never echoed.
    response = client.post("/password", data={"current_password": "Secret-123", "new_password": "N3w-Secret!",
                                              "new_password2": "N3w-Secret!", "csrf_token": "old"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Secret-123" not in body and "N3w-Secret!" not in body


def test_a_ten_thousand_character_section_saves(login_as, app):
    client = login_as("applicant")
    application_id = start_application(client)
    long = ("公司围绕智能制造持续投入，建成数字化车间。" * 500)[:10000]
    assert len(long) == 10000
    response = save_section(client, application_id, "influence",
                            {"influence": long, "advancement": long, "demonstration": long}, htmx=True)
    assert response.status_code == 200 and "已保存" in response.get_data(as_text=True)
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.influence == application.advancement == long


def test_a_three_megabyte_form_gets_a_chinese_413(login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    huge = "字" * (3 * 1024 * 1024 // 9 + 1000)        # each character is 9 bytes url-encoded: over 3 MB
    response = client.post(f"/applications/{application_id}/sections/profile", data={"profile": huge, "version": "0"})
    page = text(response)
    assert response.status_code == 413 and "内容过大" in page and "没有保存" in page
    response = client.post(f"/applications/{application_id}/sections/profile",
                           data={"profile": huge, "version": "0"}, headers=HTMX)
    assert response.status_code == 413 and response.headers["HX-Retarget"] == "#session-alert"
    assert "仍保留在页面上" in response.get_data(as_text=True)


# ---- output is escaped ------------------------------------------------------------------------------------------

def test_fragments_and_pages_escape_what_users_typed(app, login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    response = save_section(client, application_id, "profile", {"profile": HOSTILE}, htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment and "<script>alert(1)" not in fragment
    assert "<img src=x" not in fragment
    cover = dict(SECTION_POSTS["cover"], project_name=HOSTILE[:50])
    save_section(client, application_id, "cover", cover)
    for page in (client.get(f"/applications/{application_id}"),
                 client.get(f"/applications/{application_id}/checklist")):
        body = page.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<img src=x" not in body


def test_a_scenario_fragment_escapes_what_users_typed(app, login_as):
    from tests.applications.test_implementation import Editor, start
    client = login_as("applicant")
    editor = Editor(app, client, start(client))
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    with app.app_context():
        from webapp.models import ApplicationScenario
        block = db.session.execute(db.select(ApplicationScenario.id)).scalar_one()
    response = editor.post(f"/scenarios/{block}", {f"scenario-{block}-description": HOSTILE[:140]}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body


# ---- uploads live outside the web root -------------------------------------------------------------------------

def test_uploads_are_outside_the_static_folder_and_served_only_by_the_checked_download(app, login_as, tmp_path,
                                                                                          monkeypatch):
    from webapp.core.config import load_config
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    defaults = load_config()
    static = Path(app.static_folder).resolve()
    for config in (defaults, app.config):
        for key in ("UPLOAD_FOLDER", "DOCUMENT_FOLDER", "LOG_FOLDER"):
            folder = Path(config[key]).resolve()
            assert static not in folder.parents and folder != static, key
            assert Path(config["INSTANCE_PATH"]).resolve() in folder.parents
    # The only rule that takes a path is the static folder's; files are reached through their permission check.
    assert [rule.endpoint for rule in app.url_map.iter_rules() if "path" in str(rule._converters)] in ([], ["static"])
    client = login_as("applicant")
    application_id = start_application(client)
    client.post(f"/applications/{application_id}/attachments",
                data={"category": "license", "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "执照.pdf")})
    stored = next(p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file())
    relative = stored.relative_to(app.config["UPLOAD_FOLDER"]).as_posix()
    for probe in (f"/static/{relative}", f"/static/../uploads/{relative}", f"/uploads/{relative}",
                  f"/static/%2e%2e/uploads/{relative}"):
        assert client.get(probe).status_code == 404, probe
    with app.app_context():
        attachment_id = db.session.execute(db.select(db.func.max(Application.id))).scalar()
    assert app.test_client().get(f"/attachments/{attachment_id}").status_code == 302     # anonymous: log in


# ---- error pages ------------------------------------------------------------------------------------------------

def test_error_pages_are_chinese_and_never_show_a_stack_trace(app, login_as, caplog):
    def boom():
        raise RuntimeError("internal detail: password=hunter2 at /srv/secret/path.py")

    app.add_url_rule("/test-only-boom", "test_only_boom", boom)
    app.view_functions["test_only_boom"].public = True
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    app.logger.disabled = False     # Alembic's fileConfig (a migration test in this process) disables old loggers
    with caplog.at_level(logging.ERROR):
        response = client.get("/test-only-boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "系统错误" in page
    assert "Traceback" not in page and "hunter2" not in page and "RuntimeError" not in page
    assert "hunter2" in caplog.text                     # … but the log has it, for the administrator
    htmx = client.get("/test-only-boom", headers=HTMX)
    assert htmx.status_code == 500 and htmx.headers["HX-Retarget"] == "#session-alert"
    assert "系统错误" in htmx.get_data(as_text=True) and "Traceback" not in htmx.get_data(as_text=True)

    applicant = login_as("applicant")
    expected = {404: ("/no-such-page", "页面不存在"), 403: ("/admin/campaigns", "无权访问"),
                405: ("/logout", "请求方式不允许")}
    for code, (path, title) in expected.items():
        response = applicant.get(path)
        assert response.status_code == code and title in response.get_data(as_text=True), code
    response = applicant.get("/options/counties?prefecture=4301\x0000")
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)


def _log_lines(folder: str, worker: int, count: int) -> None:
    app = create_app({"INSTANCE_PATH": folder, "LOG_FOLDER": folder + "/logs", "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/unused.db", "UPLOAD_FOLDER": folder + "/u",
                      "DOCUMENT_FOLDER": folder + "/d"})
    handler = next(h for h in app.logger.handlers if hasattr(h, "maxBytes"))
    handler.maxBytes = 20_000
    handler.backupCount = 100
    for number in range(count):
        app.logger.info("worker %d line %05d %s", worker, number, "x" * 60)


def test_the_log_rotates_under_the_instance_folder_with_several_workers(tmp_path):
    """Three processes (as three gunicorn workers) write to the one log: it rotates by size and no line is lost."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_log_lines, args=(str(tmp_path), n, 600)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    files = sorted((tmp_path / "logs").glob("app.log*"))
    logs = [f for f in files if not f.name.endswith(".lock")]
    assert len(logs) > 3 and (tmp_path / "logs" / "app.log") in logs
    lines = [line for f in logs for line in f.read_text(encoding="utf-8").splitlines() if " worker " in line]
    found = {re.search(r"worker (\d) line (\d+)", line).groups() for line in lines}
    assert len(lines) == len(found) == 3 * 600
    assert all(f.stat().st_size <= 20_000 + 200 for f in logs)


# ---- 安全审计: every event with who, when, where, what, on what, and whether it worked --------------------------

def test_the_audit_trail_covers_what_the_standard_asks(app, login_as, accounts):
    from tests.review.test_recommender import make_submitted
    security = login_as("security")
    unit = login_as("recommender")
    admin = login_as("admin")
    code = accounts.enterprise(county="430104")
    client = app.test_client()
    login(client, code, "wrong")                                           # a failed login
    login(client, code)                                                    # a login
    client.post("/password", data={"current_password": PASSWORD, "new_password": "N3w-Passw0rd",
                                   "new_password2": "N3w-Passw0rd"})       # an account change by its user
    client.post("/logout")
    created = security.post("/admin/accounts/new", data={"role": "admin", "login": "new_admin",
                                                         "display_name": "新管理员", "unit_id": "0"})
    assert created.status_code == 200
    with app.app_context():
        target = db.session.execute(db.select(User).filter_by(login="new_admin")).scalar_one().id
    security.post(f"/admin/accounts/{target}/reset-password")
    security.post(f"/admin/accounts/{target}/deactivate")
    security.post(f"/admin/accounts/{target}/activate")
    first, second = make_submitted(app, "湖南审计甲有限公司"), make_submitted(app, "湖南审计乙有限公司")
    unit.post(f"/review/{first}/recommend", data={"recommend-comment": "推荐。"})  # decisions
    unit.post(f"/review/{second}/return", data={"return-comment": "请补充审计报告。"})
    unit.get(f"/applications/{first}/document.docx")                      # a document download
    unit.get("/review/summary/export.xlsx")                                # an export
    unit.post("/review/summary/letter-scan", content_type="multipart/form-data",  # the stamped 推荐函
              data={"file": (io.BytesIO(minimal_pdf("推荐函")), "推荐函.pdf")})
    unit.post("/review/summary/report", data={"confirm_undecided": "y", "confirmed": "1"})  # a report
    with app.app_context():
        unit_id = db.session.get(Application, first).unit_id
    admin.post(f"/admin/reports/{unit_id}/return", data={"comment": "请重新排序后报送。"})
    admin.get("/review/")                                                  # a refused request
    login_as("auditor").get("/admin/audit/export.xlsx")                    # the audit log's own export

    with app.app_context():
        records = db.session.execute(db.select(AuditRecord).order_by(AuditRecord.id)).scalars().all()
    def find(action, success=True, **where):
        for record in records:
            if record.action == action and record.success is success and all(
                    getattr(record, k) == v for k, v in where.items()):
                return record
        pytest.fail(f"no audit record {action} (success={success}) {where}")

    expected = [
        find("auth.login", False, actor_login=code), find("auth.login", True, actor_login=code),
        find("account.password_change", actor_login=code), find("auth.logout", actor_login=code),
        find("account.create", actor_login="security_user"),
        find("account.reset_password", actor_login="security_user", object_id=str(target)),
        find("account.deactivate", actor_login="security_user"), find("account.activate", actor_login="security_user"),
        find("application.recommend", object_id=str(first), actor_login="cs_reviewer"),
        find("application.return", object_id=str(second)),
        find("document.download", object_id=str(first)), find("report.export"), find("report.submit"),
        find("report.return", actor_login="admin_user"), find("access.denied", False, actor_login="admin_user"),
        find("audit.export", actor_login="auditor_user"), find("application.submit", object_id=str(first)),
    ]
    for record in expected:
        assert record.created_at is not None and record.action
        assert record.object_type, record.action
        if record.action != "application.submit":                           # made directly, not through a request
            assert record.ip == "127.0.0.1", record.action
            assert record.actor_login and record.actor_role, record.action
