"""Accounts (安全管理员): one-time passwords shown once, resets that end sessions, unlock, deactivate, audit."""
import re

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import ApplicationStatus, AuditRecord, Enterprise, LoginCounter, RecommendingUnit, Role, User

from tests.conftest import PASSWORD, login, text
from tests.factories import make_complete_application, make_enterprise
from tests.selection.builders import expert


def user_by_login(name: str) -> User:
    return db.session.execute(db.select(User).filter_by(login=name)).scalar_one()


def audits(action: str) -> list[AuditRecord]:
    return db.session.execute(db.select(AuditRecord).filter_by(action=action)).scalars().all()


def one_time_password(response) -> str:
    match = re.search(r'<p class="adm-otp__password"><code>([^<]+)</code></p>', response.get_data(as_text=True))
    assert match, text(response)
    return match.group(1)


def user_id(app, name: str) -> int:
    with app.app_context():
        return user_by_login(name).id


def test_units_are_listed_with_their_accounts(app, login_as, accounts):
    accounts.staff(Role.RECOMMENDER, "cs_reviewer", "长沙市")
    page = text(login_as("security").get("/admin/accounts/"))
    with app.app_context():
        names = db.session.execute(db.select(RecommendingUnit.name)).scalars().all()
    assert len(names) == 14 and all(name in page for name in names)
    assert "cs_reviewer" in page and page.count("尚无账号") == 13


def test_create_recommender_shows_the_password_once_and_forces_a_change(app, login_as):
    security = login_as("security")
    with app.app_context():
        unit_id = db.session.execute(db.select(RecommendingUnit.id).filter(
            RecommendingUnit.name.startswith("株洲"))).scalar_one()
    response = security.post("/admin/accounts/new", data={
        "role": "recommender", "unit_id": str(unit_id), "login": "zz_liu", "display_name": "刘敏"})
    assert response.status_code == 200
    password = one_time_password(response)
    assert "只显示这一次" in text(response)
    with app.app_context():
        user = user_by_login("zz_liu")
        assert user.role is Role.RECOMMENDER and user.unit_id == unit_id and user.must_change_password
        record = audits("account.create")[-1]
        assert record.actor_login == "security_user" and record.object_id == str(user.id)
        new_id = user.id
    # Nowhere to be seen again.
    for url in ("/admin/accounts/", f"/admin/accounts/{new_id}"):
        assert password not in security.get(url).get_data(as_text=True)
    with security.session_transaction() as session:
        assert password not in str(dict(session))
    # The new user must change it at first login.
    client = app.test_client()
    response = login(client, "zz_liu", password)
    assert response.status_code == 302 and "/password" in response.location
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"role": "recommender", "unit_id": "0", "login": "nobody", "display_name": "某人"}, "必须选择推荐单位"),
    ({"role": "admin", "unit_id": "0", "login": "x", "display_name": "某人"}, "用户名须为3–32位"),
    ({"role": "admin", "unit_id": "0", "login": "Security_User", "display_name": "某人"}, "已存在"),
    ({"role": "auditor", "unit_id": "0", "login": "aud2", "display_name": ""}, "请填写姓名"),
])
def test_invalid_account_forms_are_shown_in_place(app, login_as, data, message):
    response = login_as("security").post("/admin/accounts/new", data=data)
    assert response.status_code == 200 and message in text(response)
    assert "adm-otp__password" not in response.get_data(as_text=True)


def test_create_a_province_admin_account(app, login_as):
    security = login_as("security")
    response = security.post("/admin/accounts/new", data={"role": "admin", "unit_id": "0", "login": "new_admin",
                                                           "display_name": "新同事"})
    one_time_password(response)
    with app.app_context():
        user = user_by_login("new_admin")
        assert user.role is Role.ADMIN and user.unit_id is None and user.must_change_password


# ---- 三员分立: no web account obtains another 三员 role's powers ---------------------------------------------------

@pytest.mark.parametrize("role", ["security", "auditor"])
def test_the_security_admin_cannot_create_a_security_or_audit_admin(app, login_as, role):
    security = login_as("security")
    assert f'value="{role}"' not in security.get("/admin/accounts/new").get_data(as_text=True)
    response = security.post("/admin/accounts/new", data={"role": role, "unit_id": "0", "login": f"new_{role}",
                                                           "display_name": "新同事"})
    assert "adm-otp__password" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(login=f"new_{role}")).first() is None


def test_the_security_admin_cannot_become_the_auditor(app, login_as, accounts):
    """Resetting the auditor's password (or its second factor, or unlocking or deactivating it) would let the security
    admin log in as the auditor and read the record of their own actions."""
    auditor = login_as("auditor")
    security = login_as("security")
    target = user_id(app, "auditor_user")
    with app.app_context():
        before = user_by_login("auditor_user").password_hash
    page = text(security.get(f"/admin/accounts/{target}"))
    assert "服务器控制台" in page and "重置密码" not in page
    for action in ("reset-password", "unlock", "deactivate", "activate"):
        response = security.post(f"/admin/accounts/{target}/{action}")
        assert response.status_code == 403, action
        assert "adm-otp__password" not in response.get_data(as_text=True)
    assert security.post(f"/security/users/{target}/second-factor/reset").status_code == 403
    with app.app_context():
        user = user_by_login("auditor_user")
        assert user.password_hash == before and user.active and not user.must_change_password
        refused = audits("access.denied")
        assert len(refused) == 5 and {r.actor_login for r in refused} == {"security_user"}
    assert auditor.get("/admin/audit/").status_code == 200          # the auditor's session goes on
    # … nor on another security admin, nor on themselves.
    accounts.staff(Role.SECURITY, "security_two")
    other = user_id(app, "security_two")
    assert security.post(f"/admin/accounts/{other}/reset-password").status_code == 403
    me = user_id(app, "security_user")
    assert security.post(f"/admin/accounts/{me}/deactivate").status_code == 403


def test_console_resets_a_security_or_audit_admin_and_the_auditor_sees_it(app, runner, login_as):
    login_as("auditor")
    result = runner.invoke(args=["reset-password", "--username", "auditor_user"])
    assert result.exit_code == 0, result.output
    password = result.output.split("一次性密码：")[1].split()[0]
    response = login(app.test_client(), "auditor_user", password)
    assert response.status_code == 302 and response.location.endswith("/password")
    result = runner.invoke(args=["create-user", "--role", "security", "--username", "sec_two"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        records = audits("account.reset_password") + audits("account.create")
        assert {r.actor_role for r in records} == {"console"}
        assert all(r.actor_login.startswith("console:") for r in records)
    assert runner.invoke(args=["reset-password", "--username", "nobody"]).exit_code != 0


def test_reset_password_ends_the_old_session(app, login_as, accounts):
    victim = login_as("recommender")
    stolen = victim.get_cookie("session").value
    copy = app.test_client()
    copy.set_cookie("session", stolen)
    assert copy.get("/home").status_code == 200                 # the copied cookie works … until the reset
    security = login_as("security")
    target = user_id(app, "cs_reviewer")
    response = security.post(f"/admin/accounts/{target}/reset-password")
    assert response.status_code == 200
    password = one_time_password(response)
    assert copy.get("/home").status_code == 302
    assert victim.get("/home").status_code == 302
    with app.app_context():
        user = user_by_login("cs_reviewer")
        assert user.must_change_password and user.check_password(password) and not user.check_password(PASSWORD)
        assert audits("account.reset_password")[-1].object_id == str(target)
    response = login(app.test_client(), "cs_reviewer", password)
    assert "/password" in response.location


def test_unlock_clears_the_paused_login(app, login_as, accounts):
    accounts.staff(Role.RECOMMENDER, "cs_reviewer", "长沙市")
    client = app.test_client()
    for _ in range(5):
        login(client, "cs_reviewer", "wrong")
    assert "已暂停至" in text(login(client, "cs_reviewer"))
    security = login_as("security")
    target = user_id(app, "cs_reviewer")
    assert "127.0.0.1：6 次" in text(security.get(f"/admin/accounts/{target}"))      # 5 and the refused try
    assert security.post(f"/admin/accounts/{target}/unlock").status_code == 303
    with app.app_context():
        assert audits("account.unlock")
        assert db.session.execute(db.select(LoginCounter).filter_by(login="cs_reviewer")).first() is None
    assert login(client, "cs_reviewer").status_code == 302


def test_deactivate_ends_sessions_and_activate_restores(app, login_as):
    victim = login_as("recommender")
    security = login_as("security")
    target = user_id(app, "cs_reviewer")
    assert security.post(f"/admin/accounts/{target}/deactivate").status_code == 303
    assert victim.get("/home").status_code == 302
    assert login(app.test_client(), "cs_reviewer").status_code == 200
    with app.app_context():
        assert not user_by_login("cs_reviewer").active
        assert audits("account.deactivate")[-1].object_id == str(target)
    assert security.post(f"/admin/accounts/{target}/activate").status_code == 303
    assert login(app.test_client(), "cs_reviewer").status_code == 302
    with app.app_context():
        assert user_by_login("cs_reviewer").active and audits("account.activate")


def test_enterprise_accounts_search_and_pages(app, login_as):
    with app.app_context():
        campaign = current_campaign()
        first = make_enterprise(db.session, name="湖南衡岳重工机械有限公司", county_adcode="430405")
        first.check_char_confirmed = True
        application = make_complete_application(db.session, enterprise=first, campaign=campaign)
        application.status = ApplicationStatus.SUBMITTED
        for index in range(34):
            make_enterprise(db.session, name=f"湖南测试制造有限公司{index:02d}")
        db.session.commit()
        code = first.credit_code
    security = login_as("security")
    page = text(security.get("/admin/accounts/enterprises?q=衡岳"))
    assert "湖南衡岳重工机械有限公司" in page and code in page and "衡阳市工业和信息化局" in page
    assert "已提交" in page and "校验位未通过" in page and "共 1 家企业" in page
    assert "湖南衡岳重工机械有限公司" in text(security.get(f"/admin/accounts/enterprises?q={code.lower()}"))
    page = text(security.get("/admin/accounts/enterprises"))
    assert "共 35 家企业" in page and "第 1 / 2 页" in page
    assert "第 2 / 2 页" in text(security.get("/admin/accounts/enterprises?page=2"))
    with app.app_context():
        unit_id = db.session.execute(db.select(Enterprise.unit_id).filter_by(credit_code=code)).scalar_one()
    assert "共 1 家企业" in text(security.get(f"/admin/accounts/enterprises?unit={unit_id}"))
    fragment = security.get("/admin/accounts/enterprises?q=衡岳", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "衡岳" in text(fragment)


@pytest.mark.parametrize("role", ["admin", "auditor", "recommender", "applicant"])
def test_only_security_manages_accounts(app, login_as, role):
    client = login_as(role)
    assert client.get("/admin/accounts/").status_code == 403
    assert client.post("/admin/accounts/new", data={"role": "admin", "login": "evil", "display_name": "x"}
                       ).status_code == 403
    assert client.post("/admin/accounts/1/reset-password").status_code == 403
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(login="evil")).scalar_one_or_none() is None


def test_the_security_admin_resets_an_experts_password_but_creates_no_bare_expert(app, login_as):
    """An expert's login comes from the 专家库 entry (issue_expert_login); afterwards it is an account like the others."""
    with app.app_context():
        entry = expert("重置专家", "株洲市", login="zj_reset")
        db.session.commit()
        target = entry.user_id
    security = login_as("security")
    password = one_time_password(security.post(f"/admin/accounts/{target}/reset-password"))
    with app.app_context():
        assert user_by_login("zj_reset").check_password(password)
    response = security.post("/admin/accounts/new", data={"role": "expert", "login": "zj_bare", "display_name": "无库专家"})
    assert response.status_code in (200, 403)
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(login="zj_bare")).scalar_one_or_none() is None
