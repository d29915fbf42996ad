"""Login, lockout, idle timeout, first-login password change, sessions that really end."""
import time

from webapp.core.extensions import db
from webapp.models import AuditRecord, LoginCounter, Role, User

from tests.conftest import PASSWORD, login, text

NEW_PASSWORD = "N3w-Passw0rd"


def user_by_login(name):
    return db.session.execute(db.select(User).filter_by(login=name)).scalar_one()


def test_enterprise_logs_in_with_credit_code(client, accounts):
    code = accounts.enterprise()
    assert login(client, code).status_code == 302
    assert "湖南测试智能装备有限公司" in text(client.get("/home"))


def test_credit_code_login_is_normalised(client, accounts):
    code = accounts.enterprise()
    assert login(client, " " + code.lower() + " ").status_code == 302


def test_staff_log_in_with_user_name(client, accounts):
    accounts.staff(Role.ADMIN, "sheng_admin")
    assert login(client, "sheng_admin").status_code == 302
    assert "省工业和信息化厅" in text(client.get("/home"))


def test_wrong_password_is_refused_and_audited(client, app, accounts):
    code = accounts.enterprise()
    page = text(login(client, code, "wrong"))
    assert "统一社会信用代码（用户名）或密码错误" in page and "再错" not in page     # no hint that the account exists
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(action="auth.login", success=False)).scalar_one()
        assert record.actor_login == code and '"password"' in record.detail


def test_unknown_account_gets_the_same_message(client):
    assert "统一社会信用代码（用户名）或密码错误" in text(login(client, "nobody"))


def test_successful_login_forgets_the_failures_of_its_address(client, app, accounts):
    code = accounts.enterprise()
    for _ in range(3):
        login(client, code, "wrong")
    assert login(client, code).status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(LoginCounter).filter_by(login=code, ip="127.0.0.1")).first() is None


def test_idle_session_ends(client, app, accounts):
    code = accounts.enterprise()
    login(client, code)
    assert client.get("/home").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 31 * 60
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.location
    assert "长时间未操作" in text(client.get("/login"))
    assert client.get("/home").status_code == 302


def test_active_session_within_timeout_continues(client, accounts):
    login(client, accounts.enterprise())
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 29 * 60
    assert client.get("/home").status_code == 200


def test_logout_invalidates_a_copied_cookie(app, accounts):
    code = accounts.enterprise()
    client = app.test_client()
    login(client, code)
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/home").status_code == 302


def test_password_change_ends_other_sessions(app, accounts):
    code = accounts.enterprise()
    first, second = app.test_client(), app.test_client()
    login(first, code)
    login(second, code)
    response = first.post("/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert first.get("/home").status_code == 200        # the one who changed it stays in
    assert second.get("/home").status_code == 302       # the other session is gone
    assert login(app.test_client(), code, NEW_PASSWORD).status_code == 302


def test_password_change_checks_current_password_and_policy(client, accounts):
    login(client, accounts.enterprise())
    page = text(client.post("/password", data={"current_password": "nope", "new_password": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD}))
    assert "当前密码不正确" in page
    page = text(client.post("/password", data={"current_password": PASSWORD, "new_password": "short",
                                               "new_password2": "short"}))
    assert "至少8位" in page
    page = text(client.post("/password", data={"current_password": PASSWORD, "new_password": PASSWORD,
                                               "new_password2": PASSWORD}))
    assert "不能与当前密码相同" in page


def test_first_login_forces_password_change(app, runner):
    result = runner.invoke(args=["create-user", "--role", "recommender", "--username", "xt_user", "--unit", "湘潭"])
    assert result.exit_code == 0, result.output
    assert "湘潭市工业和信息化局" in result.output
    password = result.output.split("一次性密码：")[1].split()[0]
    client = app.test_client()
    response = login(client, "xt_user", password)
    assert response.status_code == 302 and response.location.endswith("/password")
    # Every other page sends the user back to the password form.
    assert client.get("/home").location.endswith("/password")
    client.post("/password", data={"current_password": password, "new_password": NEW_PASSWORD,
                                   "new_password2": NEW_PASSWORD})
    assert client.get("/home").status_code == 200


def test_login_redirects_only_to_local_paths(client, accounts):
    code = accounts.enterprise()
    response = client.post("/login?next=https://evil.example/", data={"login": code, "password": PASSWORD})
    assert response.location.endswith("/")
    assert "evil" not in response.location


def test_deactivated_account_cannot_log_in(client, app, accounts):
    code = accounts.enterprise()
    with app.app_context():
        user_by_login(code).active = False
        db.session.commit()
    assert "已停用" in text(login(client, code))


def test_logout_requires_post(client, accounts):
    login(client, accounts.enterprise())
    assert client.get("/logout").status_code == 405
