"""Accounts (安全管理员): one-time passwords shown once, resets that end sessions, unlock, deactivate, audit."""
import re
from datetime import timedelta

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import ApplicationStatus, AuditRecord, Enterprise, RecommendingUnit, Role, User
from webapp.core.timeutil import utcnow

from tests.conftest import PASSWORD, login, text
from tests.factories import make_complete_application, make_enterprise


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


def test_create_other_staff_accounts(app, login_as):
    security = login_as("security")
    for role in ("admin", "security", "auditor"):
        response = security.post("/admin/accounts/new", data={"role": role, "unit_id": "0", "login": f"new_{role}",
                                                               "display_name": "新同事"})
        one_time_password(response)
        with app.app_context():
            user = user_by_login(f"new_{role}")
            assert user.role is Role(role) and user.unit_id is None and user.must_change_password


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


def test_unlock(app, login_as, accounts):
    accounts.staff(Role.RECOMMENDER, "cs_reviewer", "长沙市")
    with app.app_context():
        user = user_by_login("cs_reviewer")
        user.locked_until, user.failed_logins = utcnow() + timedelta(minutes=20), 4
        db.session.commit()
        target = user.id
    assert login(app.test_client(), "cs_reviewer").status_code == 200          # locked: the login page again
    security = login_as("security")
    assert "已锁定" in text(security.get(f"/admin/accounts/{target}"))
    assert security.post(f"/admin/accounts/{target}/unlock").status_code == 303
    with app.app_context():
        user = user_by_login("cs_reviewer")
        assert user.locked_until is None and user.failed_logins == 0
        assert audits("account.unlock")
    assert login(app.test_client(), "cs_reviewer").status_code == 302


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


def test_cannot_deactivate_oneself(app, login_as):
    security = login_as("security")
    me = user_id(app, "security_user")
    response = security.post(f"/admin/accounts/{me}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号" in text(response)
    assert security.get("/admin/accounts/").status_code == 200
    with app.app_context():
        assert user_by_login("security_user").active
        assert audits("account.deactivate")[-1].success is False
    response = security.post(f"/admin/accounts/{me}/reset-password", follow_redirects=True)
    assert "adm-otp__password" not in response.get_data(as_text=True)


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
