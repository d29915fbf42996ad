"""The way back for an enterprise: its 推荐单位 issues a one-time password or releases a squatted credit code after
checking the business licence; registration throttled per address; the login page says whom to ask."""
from webapp.core.extensions import db
from webapp.models import AuditRecord, Enterprise, Role, User

from tests.conftest import PASSWORD, login, make_credit_code, text

NEW = "Qiye#2025mima"


def account(app, login_name) -> User:
    with app.app_context():
        return db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one()


def records(app, action):
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(action=action)).scalars())


def test_the_unit_issues_a_one_time_password_after_checking_the_licence(app, accounts, login_as):
    code = accounts.enterprise()                                   # 岳麓区, 长沙市
    unit = login_as("recommender")
    target = account(app, code).id
    page = text(unit.get(f"/review/enterprises/?q={code[-6:]}"))
    assert code in page and "湖南测试智能装备有限公司" in page
    refused = unit.post(f"/review/enterprises/{target}/one-time-password", data={})
    assert "请先核对营业执照" in text(refused) and "adm-otp__password" not in refused.get_data(as_text=True)
    response = unit.post(f"/review/enterprises/{target}/one-time-password", data={"reset-licence_checked": "y"})
    password = response.get_data(as_text=True).split('<p class="adm-otp__password"><code>')[1].split("<")[0]
    assert login(app.test_client(), code).status_code == 200          # the old password is gone
    first = app.test_client()
    response = login(first, code, password)
    assert response.status_code == 302 and response.location.endswith("/password")
    [record] = records(app, "account.reset_password")
    assert record.actor_login == "cs_reviewer" and '"licence_checked": true' in record.detail


def test_another_prefecture_and_staff_accounts_are_out_of_reach(app, accounts, login_as):
    code = accounts.enterprise()
    other = login_as("other_recommender")                          # 株洲市
    target = account(app, code).id
    assert other.get(f"/review/enterprises/{target}").status_code == 404
    assert other.post(f"/review/enterprises/{target}/one-time-password",
                      data={"reset-licence_checked": "y"}).status_code == 404
    assert code not in text(other.get("/review/enterprises/"))
    unit = login_as("recommender")
    admin_id = account(app, login_as("admin").login_name).id
    assert unit.post(f"/review/enterprises/{admin_id}/one-time-password",
                     data={"reset-licence_checked": "y"}).status_code == 404
    assert records(app, "access.probe")


def test_a_squatted_code_is_released_and_the_real_enterprise_registers(app, accounts, login_as):
    code = accounts.enterprise(name="抢注者贸易有限公司")
    squatter = app.test_client()
    login(squatter, code)
    unit = login_as("recommender")
    target = account(app, code).id
    page = text(unit.post(f"/review/enterprises/{target}/release", data={"release-licence_checked": "y", "release-reason": ""}))
    assert "请写明释放的理由" in page
    response = unit.post(f"/review/enterprises/{target}/release",
                         data={"release-licence_checked": "y", "release-reason": "经核对营业执照，注册人并非该企业。"})
    assert response.status_code == 303
    assert squatter.get("/home").status_code == 302                   # the squatter's session ended
    with app.app_context():
        assert db.session.execute(db.select(Enterprise).filter_by(credit_code=code)).first() is None
    real = app.test_client()
    response = real.post("/register", data={
        "company_name": "湖南真实智能装备有限公司", "credit_code": code, "prefecture": "430100", "county": "430104",
        "contact_name": "王五", "mobile": "13900000000", "password": NEW, "password2": NEW})
    assert response.status_code == 302, text(response)
    [record] = records(app, "account.release_code")
    assert code in record.detail and record.actor_login == "cs_reviewer"


def test_registration_is_throttled_per_address(app):
    app.config["REGISTRATION_ADDRESS_LIMIT"] = 3
    client = app.test_client()
    for serial in range(4):
        response = client.post("/register", data={
            "company_name": f"湖南批量注册{serial}有限公司", "credit_code": make_credit_code("430104", 500 + serial),
            "prefecture": "430100", "county": "430104", "contact_name": "赵六", "mobile": "13900000001",
            "password": NEW, "password2": NEW}, environ_base={"REMOTE_ADDR": "203.0.113.50"})
        client.post("/logout")
        client = app.test_client()
    assert response.status_code == 429 and "该网络地址注册次数过多" in text(response)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Enterprise)).scalar_one() == 3
    assert len(records(app, "registration.throttled")) == 1


def test_the_login_page_explains_the_way_back(app, login_as):
    page = text(app.test_client().get("/login"))
    assert "推荐单位" in page and "营业执照" in page and "安全管理员" in page and "企业管理员" in page
    security = login_as("security")
    assert security.post("/security/contact", data={"contact": "0731-8888 8888（信息中心）"}).status_code == 303
    assert "0731-8888 8888（信息中心）" in text(app.test_client().get("/login"))
    assert records(app, "security.settings")


def test_passwords_common_or_with_the_name_are_refused(app):
    client = app.test_client()
    base = {"company_name": "湖南星沙智能装备有限公司", "credit_code": make_credit_code("430104", 700),
            "prefecture": "430100", "county": "430104", "contact_name": "钱七", "mobile": "13900000002"}
    for password, message in (("Aa123456", "过于常见"), ("P@ssw0rd", "过于常见"), ("Admin@123", "过于常见"),
                              ("湖南星沙智能装备有限公司A1!", "不能包含企业名称")):
        page = text(client.post("/register", data={**base, "password": password, "password2": password}))
        assert message in page, password


def test_staff_need_twelve_characters_and_weak_old_passwords_are_changed_at_next_login(app, accounts):
    accounts.staff(Role.ADMIN, "sheng_weak")
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login="sheng_weak")).scalar_one()
        user.set_password("Weak#pass1")            # 10 characters: allowed before, not for staff now
        db.session.commit()
    client = app.test_client()
    response = login(client, "sheng_weak", "Weak#pass1")
    assert response.status_code == 302 and response.location.endswith("/password")
    page = text(client.post("/password", data={"current_password": "Weak#pass1", "new_password": "Short#1a",
                                               "new_password2": "Short#1a"}))
    assert "至少12位" in page
    assert PASSWORD                                  # (the suite's own passwords meet the staff rule)
