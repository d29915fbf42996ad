"""Colleagues of an enterprise: the administrator adds them with their own login and rights; rights are enforced on
the server per section; only the administrator submits, withdraws, uploads the stamped scan and manages colleagues;
the role can be handed over."""
import io
import re

from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, AuditRecord, EnterpriseMember, MemberAccess, Notice, User,
)

from tests.colleagues import colleague_client, make_colleague
from tests.conftest import login, text
from tests.factories import make_application, stamp
from tests.form_data import SECTION_POSTS, save_section, start_application

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def started(login_as):
    admin = login_as("applicant")
    return admin, start_application(admin)


def user_of(login_name: str) -> User:
    return db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one()


def test_the_administrator_adds_a_colleague_who_must_change_the_one_time_password(app, login_as):
    admin, _application_id = started(login_as)
    assert "同事账号" in text(admin.get("/home"))
    form = admin.get("/enterprise/colleagues/new")
    assert form.status_code == 200 and "仅编辑指定部分" in text(form)
    refused = admin.post("/enterprise/colleagues/new", data={"name": "张三", "mobile": "139", "access": "sections"})
    assert "请输入11位手机号码" in text(refused) and "请至少勾选一个可以编辑的部分" in text(refused)
    created = admin.post("/enterprise/colleagues/new", data={
        "name": "张三", "mobile": "13900000001", "access": "sections", "sections": ["implementation", "integration"]})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and "同事账号已创建" in page
    login_name = re.search(r"<dd><code>([^<]+)</code></dd>", page).group(1)
    password = re.search(r'adm-otp__password"><code>([^<]+)</code>', page).group(1)
    assert login_name == f"{admin.login_name}-02"
    with app.app_context():
        member = db.session.get(EnterpriseMember, user_of(login_name).id)
        assert (member.is_admin, member.access, member.sections) == \
            (False, MemberAccess.SECTIONS, ["implementation", "integration"])
        assert db.session.execute(db.select(AuditRecord).filter_by(action="colleague.create")).scalar_one()
    colleague = app.test_client()
    typed = f"{login_name[:18].lower()} {login_name[18:]}".replace("-", "－")     # as typed on a Chinese keyboard
    first = login(colleague, typed, password)
    assert first.status_code == 302 and first.location.endswith("/password")
    assert colleague.get("/home").status_code == 302
    changed = colleague.post("/password", data={"current_password": password, "new_password": "Colleague#2024",
                                                "new_password2": "Colleague#2024"})
    assert changed.status_code == 302
    listing = text(admin.get("/enterprise/colleagues/"))
    assert login_name in listing and "三、 智能制造实施内容" in listing


def test_a_colleague_limited_to_section_three(app, login_as):
    admin, application_id = started(login_as)
    colleague = colleague_client(app, admin.login_name, access=MemberAccess.SECTIONS,
                                 sections=("implementation", "integration"))
    base = f"/applications/{application_id}"
    economics = colleague.get(f"{base}/sections/economics")
    assert economics.status_code == 403 and "没有编辑此部分的权限" in text(economics)
    before = save_section(admin, application_id, "profile").status_code
    assert before == 303
    posted = colleague.post(f"{base}/sections/profile", data={**SECTION_POSTS["profile"], "version": "1",
                                                             "profile": "同事改写的简介"})
    assert posted.status_code == 403
    with app.app_context():
        assert "同事改写" not in db.session.get(Application, application_id).profile
    assert colleague.get(f"{base}/edit").location.endswith(f"{base}/sections/implementation")
    section = colleague.get(f"{base}/sections/implementation")
    assert section.status_code == 200
    page = text(section)
    assert "只读" in page and f'href="{base}#economics"' in section.get_data(as_text=True)
    added = colleague.post(f"{base}/links", data={"version": "0", "add-link-link": "1"})
    assert added.status_code in (200, 303)
    assert save_section(colleague, application_id, "integration").status_code == 303
    upload = colleague.post(f"{base}/attachments", data={"category": "license", "file": (io.BytesIO(PDF), "执照.pdf")})
    assert upload.status_code == 403
    assert colleague.post(f"{base}/submit").status_code == 403
    assert colleague.get("/enterprise/colleagues/").status_code == 403
    assert colleague.get(f"{base}/checklist").status_code == 200


def test_the_stamped_scan_is_the_administrators_alone(app, login_as):
    admin, application_id = started(login_as)
    colleague = colleague_client(app, admin.login_name)             # may edit every section
    base = f"/applications/{application_id}"
    scan = {"category": "stamped_scan", "file": (io.BytesIO(PDF), "盖章版.pdf")}
    assert colleague.post(f"{base}/attachments", data=scan).status_code == 403
    page = text(colleague.get(f"{base}/sections/attachments"))
    assert "盖章申报书扫描件只能由企业管理员上传或删除" in page
    licence = colleague.post(f"{base}/attachments", data={"category": "license",
                                                        "file": (io.BytesIO(PDF), "执照.pdf")})
    assert licence.status_code == 303
    scan = {"category": "stamped_scan", "file": (io.BytesIO(PDF), "盖章版.pdf")}
    answer = admin.post(f"{base}/attachments", data=scan)     # reaches the upload: refused only for want of a 盖章版
    assert answer.status_code == 200 and "请先生成盖章版（定稿）" in text(answer)


def test_a_colleague_who_may_only_view(app, login_as):
    admin, application_id = started(login_as)
    viewer = colleague_client(app, admin.login_name, access=MemberAccess.VIEW)
    base = f"/applications/{application_id}"
    assert viewer.get(f"{base}/edit").location.endswith(base)
    assert viewer.get(base).status_code == 200
    assert viewer.get(f"{base}/sections/cover").status_code == 403
    assert save_section(viewer, application_id, "cover", version="0").status_code == 403


def test_the_administrator_resets_deactivates_and_hands_over(app, login_as):
    admin, _application_id = started(login_as)
    colleague = colleague_client(app, admin.login_name, name="李四")
    with app.app_context():
        colleague_id = user_of(colleague.login_name).id
    reset = admin.post(f"/enterprise/colleagues/{colleague_id}/reset-password")
    password = re.search(r'adm-otp__password"><code>([^<]+)</code>', reset.get_data(as_text=True)).group(1)
    assert colleague.get("/home").status_code == 302                      # its session ended
    assert login(app.test_client(), colleague.login_name, password).location.endswith("/password")
    with app.app_context():
        assert [n.kind for n in db.session.execute(db.select(Notice).filter_by(user_id=colleague_id)).scalars()] \
            == ["account.password_reset"]
    assert admin.post(f"/enterprise/colleagues/{colleague_id}/deactivate").status_code == 303
    refused = app.test_client().post("/login", data={"login": colleague.login_name, "password": password})
    assert "该账号已停用" in text(refused)
    assert admin.post(f"/enterprise/colleagues/{colleague_id}/activate").status_code == 303
    refused = admin.post(f"/enterprise/colleagues/{colleague_id}/hand-over", data={})
    assert refused.status_code == 200 and "请勾选确认" in text(refused)
    handed = admin.post(f"/enterprise/colleagues/{colleague_id}/hand-over", data={"confirm": "y"})
    assert handed.status_code == 303
    with app.app_context():
        assert db.session.get(EnterpriseMember, colleague_id).is_admin
        assert not db.session.get(EnterpriseMember, user_of(admin.login_name).id).is_admin
        assert db.session.execute(db.select(AuditRecord).filter_by(action="enterprise.admin_handover")).scalar_one()
    assert admin.get("/enterprise/colleagues/").status_code == 403
    new_admin = app.test_client()
    login(new_admin, colleague.login_name, password)
    new_admin.post("/password", data={"current_password": password, "new_password": "NewAdmin#2024",
                                      "new_password2": "NewAdmin#2024"})
    assert new_admin.get("/enterprise/colleagues/").status_code == 200


def test_colleagues_of_another_enterprise_are_not_found(app, login_as):
    admin, _application_id = started(login_as)
    colleague_login = make_colleague(app, admin.login_name)
    with app.app_context():
        colleague_id = user_of(colleague_login).id
    stranger = login_as("applicant", county="430105")
    assert stranger.get(f"/enterprise/colleagues/{colleague_id}").status_code == 404
    assert stranger.post(f"/enterprise/colleagues/{colleague_id}/deactivate").status_code == 404
    with app.app_context():
        assert user_of(colleague_login).active


def test_every_save_records_who_and_the_history_names_them(app, login_as):
    admin, application_id = started(login_as)
    colleague = colleague_client(app, admin.login_name, name="王工程师")
    assert save_section(admin, application_id, "profile").status_code == 303
    assert save_section(colleague, application_id, "integration").status_code == 303
    history = text(admin.get(f"/applications/{application_id}/history")).split("<tbody>")[1]
    assert "王工程师" in history and "张三" in history and "协同集成情况" in history and "保存表单" in history
    assert history.index("王工程师") < history.index("张三")          # newest first


def test_the_second_editor_sees_who_is_editing_the_section(app, login_as):
    admin, application_id = started(login_as)
    colleague = colleague_client(app, admin.login_name, name="李四")
    section = f"/applications/{application_id}/sections/profile"
    assert "正在编辑此部分" not in text(colleague.get(section))          # opens it first: nobody else there
    page = text(admin.get(section))
    assert "李四 正在编辑此部分（尚未保存）" in page
    assert save_section(colleague, application_id, "profile").status_code == 303
    beat = admin.post(f"{section}/presence", headers={"HX-Request": "true"})
    assert beat.status_code == 200 and "<html" not in beat.get_data(as_text=True)
    assert "李四 正在编辑此部分（刚刚保存）" in text(beat)
    stale = admin.post(section, data={**SECTION_POSTS["profile"], "version": "0"})
    assert stale.status_code == 409 and "李四" in text(stale)            # the version check still guards the save


def test_the_units_what_changed_names_who_saved(app, login_as):
    unit = login_as("recommender")
    with app.app_context():
        application = make_application(db.session, status=S.RETURNED)
        admin_login = application.enterprise.users[0].login
        application_id = application.id
        db.session.commit()
    admin = app.test_client()
    login(admin, admin_login)
    colleague = colleague_client(app, admin_login, name="赵财务")
    assert save_section(colleague, application_id, "profile", {"profile": "赵财务改写的企业简介。" * 5}).status_code \
        == 303
    with app.app_context():                 # the administrator stamps 第2版 again, then resubmits
        stamp(db.session, db.session.get(Application, application_id), write_files=False)
        db.session.commit()
    assert admin.post(f"/applications/{application_id}/submit", data={"explanation": "补充了企业简介。"}).status_code \
        == 303
    review = text(unit.get(f"/review/{application_id}"))
    assert "修改人" in review and "赵财务" in review
    assert "赵财务" in text(unit.get(f"/applications/{application_id}/history"))


def test_the_heartbeat_does_not_keep_an_idle_session_alive(app, login_as):
    import time
    admin, application_id = started(login_as)
    section = f"/applications/{application_id}/sections/profile"
    admin.get(section)
    with admin.session_transaction() as session:
        session["last_seen"] = time.time() - 20 * 60
    assert admin.post(f"{section}/presence", headers={"HX-Request": "true"}).status_code == 200
    with admin.session_transaction() as session:
        assert time.time() - session["last_seen"] > 19 * 60          # not refreshed by the page's own requests
    app.config["IDLE_TIMEOUT_MINUTES"] = 15
    beat = admin.post(f"{section}/presence", headers={"HX-Request": "true"})
    assert "长时间未操作，已自动退出" in text(beat)
