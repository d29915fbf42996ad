"""Failed logins without a lockout anyone can trigger (captcha, (account, address) pairs, hourly ceiling), no account
oracle, sessions that end, and the CSRF secret rotating at login and logout."""
import re
import time

import pytest

from webapp.accounts import authentication, captcha
from webapp.core.extensions import db
from webapp.models import AuditRecord, LoginCounter, Role, User

from tests.conftest import PASSWORD, captcha_answer, login, text

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OFFICE = {"REMOTE_ADDR": "198.51.100.20"}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"|"X-CSRFToken": "[^"]+"')
CAPTCHA_TOKEN = re.compile(r'captcha_token" type="hidden" value="[^"]+"|/login/captcha/[^"]+\.png'
                           r'|name="login" (?:required )?type="text" value="[^"]*"')


def records(app, action):
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(action=action)).scalars())


def plain(response) -> str:
    """The page without its per-request tokens, to compare two answers."""
    return CAPTCHA_TOKEN.sub("", CSRF.sub("", text(response)))


# ---- nobody can lock an enterprise out ---------------------------------------------------------------------------

def test_five_wrong_passwords_pause_only_that_address(app, accounts):
    code = accounts.enterprise()
    attacker = app.test_client()
    for _ in range(5):
        login(attacker, code, "wrong", environ_base=ATTACKER)
    page = text(login(attacker, code, environ_base=ATTACKER))       # even the right password, from there
    assert "已暂停至" in page and "北京时间" in page
    owner = app.test_client()
    response = login(owner, code, environ_base=OFFICE, solve_captcha=False)
    assert "请输入图中的验证码" in text(response)          # the name had failures: a captcha, not a lockout
    assert login(owner, code, environ_base=OFFICE).status_code == 302


def test_the_hourly_ceiling_spares_a_browser_that_logged_in_before(app, accounts):
    app.config["LOGIN_ACCOUNT_HOURLY_LIMIT"] = 8
    code = accounts.enterprise()
    owner = app.test_client()
    assert login(owner, code, environ_base=OFFICE).status_code == 302     # the owner's browser is now known
    owner.post("/logout")
    for number in range(8):                                               # a botnet: one guess per address
        login(app.test_client(), code, "wrong", environ_base={"REMOTE_ADDR": f"203.0.113.{number + 10}"})
    stranger = login(app.test_client(), code, environ_base={"REMOTE_ADDR": "203.0.113.99"})
    assert "暂停在未登录过的设备上登录" in text(stranger)
    assert login(owner, code, environ_base=OFFICE).status_code == 302
    # An unknown name past the same ceiling answers the same: the ceiling reveals nothing.
    for number in range(8):
        login(app.test_client(), "91430000NOBODY0001", "wrong", environ_base={"REMOTE_ADDR": f"203.0.113.{number + 40}"})
    assert "暂停在未登录过的设备上登录" in text(
        login(app.test_client(), "91430000NOBODY0001", environ_base={"REMOTE_ADDR": "203.0.113.98"}))


def test_parallel_counts_are_atomic_per_pair(app, accounts):
    """The counter is taken before the password is checked: a sixth try from the same address is never checked."""
    code = accounts.enterprise()
    client = app.test_client()
    for _ in range(7):
        login(client, code, "wrong", environ_base=ATTACKER)
    checked = [r for r in records(app, "auth.login") if r.actor_login == code and '"password"' in (r.detail or "")]
    assert len(checked) == 5
    with app.app_context():         # the refused tries are counted too (for the audit's aggregate), not checked
        assert db.session.get(LoginCounter, (code, ATTACKER["REMOTE_ADDR"])).failures == 7


# ---- the captcha -------------------------------------------------------------------------------------------------

def test_a_captcha_after_three_failures_drawn_here_and_used_once(app, accounts):
    code = accounts.enterprise()
    client = app.test_client()
    for _ in range(3):
        login(client, code, "wrong")
    page = client.get("/login").get_data(as_text=True)
    assert 'id="captcha-image"' in page                       # the address had 3 failures: asked at once
    response = client.post("/login", data={"login": code, "password": PASSWORD})
    assert "请输入图中的验证码" in text(response)
    fields = captcha_answer(client, response.get_data(as_text=True))
    image = client.get(re.search(r'src="(/login/captcha/[^"]+\.png)"', response.get_data(as_text=True)).group(1))
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert image.headers["Cache-Control"] == "no-store"
    assert client.get("/login/captcha/forged.png").status_code == 404
    wrong = client.post("/login", data={"login": code, "password": PASSWORD, "captcha_token": fields["captcha_token"],
                                        "captcha": "XXXXX"})
    assert "验证码不正确" in text(wrong)
    # The right answer of a token already used (a replayed page) is refused too.
    replay = client.post("/login", data={"login": code, "password": PASSWORD, **fields})
    assert "验证码不正确" in text(replay)
    fresh = captcha_answer(client, replay.get_data(as_text=True))
    typed = {**fresh, "captcha": " " + fresh["captcha"].lower()}     # any case, spaces ignored
    assert client.post("/login", data={"login": code, "password": PASSWORD, **typed}).status_code == 302


def test_the_captcha_answer_is_not_in_the_page_or_the_cookie(app, accounts):
    code = accounts.enterprise()
    client = app.test_client()
    for _ in range(3):
        login(client, code, "wrong")
    response = client.post("/login", data={"login": code, "password": PASSWORD})
    fields = captcha_answer(client, response.get_data(as_text=True))
    assert fields["captcha"] not in response.get_data(as_text=True)
    assert fields["captcha"] not in (client.get_cookie("session").value if client.get_cookie("session") else "")
    with app.app_context():
        assert captcha.nonce_of(fields["captcha_token"]) and len(fields["captcha"]) == 5


# ---- no account oracle -------------------------------------------------------------------------------------------

def test_known_unknown_and_deactivated_logins_answer_alike(app, accounts):
    code = accounts.enterprise()
    accounts.staff(Role.ADMIN, "gone_admin")
    with app.app_context():
        db.session.execute(db.update(User).where(User.login == "gone_admin").values(active=False))
        db.session.commit()
    answers = [plain(login(app.test_client(), name, "wrong-password", environ_base={"REMOTE_ADDR": address}))
               for name, address in ((code, "192.0.2.1"), ("nobody_here", "192.0.2.2"), ("gone_admin", "192.0.2.3"))]
    assert answers[0] == answers[1] == answers[2]
    assert "统一社会信用代码（用户名）或密码错误" in answers[0]
    # What is specific to an account is said only after its right password.
    page = text(login(app.test_client(), "gone_admin"))
    assert "该账号已停用" in page and "安全管理员" in page


def test_every_failure_does_the_same_work_and_a_throttled_address_none(app, accounts, monkeypatch):
    code = accounts.enterprise()
    calls = []
    real = authentication.check_password_hash
    monkeypatch.setattr(authentication, "check_password_hash", lambda *a: calls.append("dummy") or real(*a))
    login(app.test_client(), "nobody_here", "x")
    assert calls == ["dummy"]                          # an unknown name: a dummy hash of the same method
    app.config["LOGIN_ADDRESS_LIMIT"] = 3
    attacker = app.test_client()
    for number in range(3):
        login(attacker, f"guess{number}", "x", environ_base=ATTACKER)
    calls.clear()
    with app.app_context():
        hashes = []
        monkeypatch.setattr(User, "check_password", lambda self, p: hashes.append(p) or False)
    assert "网络地址登录失败次数过多" in text(login(attacker, code, environ_base=ATTACKER))
    assert calls == [] and hashes == []                # refused before any hash


def test_throttled_attempts_are_audited_once_per_window_not_each(app, accounts):
    app.config["LOGIN_ADDRESS_LIMIT"] = 3
    scanner = app.test_client()
    for number in range(40):
        login(scanner, f"scan{number}", "x", environ_base=ATTACKER)
    throttled = records(app, "auth.throttled")
    assert len(throttled) == 1 and '"refused": 1' in throttled[0].detail
    assert len(records(app, "auth.login")) < 10


# ---- sessions that end -------------------------------------------------------------------------------------------

def test_a_session_ends_after_its_lifetime_however_active(app, accounts):
    code = accounts.enterprise()
    client = app.test_client()
    login(client, code)
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 12 * 3600 - 60
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.location
    assert "已超过12小时" in text(client.get("/login"))
    app.config["SESSION_LIFETIME_HOURS"] = 24
    login(client, code)
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 13 * 3600
    assert client.get("/home").status_code == 200


def csrf_secret(client):
    with client.session_transaction() as session:
        return session.get("csrf_token")


def test_the_csrf_secret_rotates_at_logout_and_at_another_users_login(app, accounts):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = accounts.enterprise(), accounts.enterprise(name="湖南第二测试有限公司")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before = csrf_secret(client)
    client.post("/login", data={"login": first, "password": PASSWORD, "csrf_token": token})
    page = client.get("/home").get_data(as_text=True)
    during = csrf_secret(client)
    assert during and during != before
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    client.post("/logout", data={"csrf_token": token})
    assert csrf_secret(client) in (None, during) and csrf_secret(client) != during
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": second, "password": PASSWORD, "csrf_token": token})
    client.get("/home")
    assert csrf_secret(client) not in (before, during)


@pytest.mark.parametrize("ended", ["idle", "lifetime"])
def test_the_same_user_resuming_an_ended_session_keeps_the_csrf_secret(app, accounts, ended):
    """A form still open in another tab can be saved after the same user logs in again (nothing typed is lost)."""
    code = accounts.enterprise()
    client = app.test_client()
    login(client, code)
    client.get("/home")
    secret = csrf_secret(client)
    with client.session_transaction() as session:
        session["last_seen" if ended == "idle" else "login_at"] = time.time() - 13 * 3600
    client.get("/home")
    login(client, code)
    assert csrf_secret(client) == secret


def test_many_people_logging_in_behind_one_address_are_not_failures(app, accounts):
    """An office (or the deadline rush) behind one address: parallel right passwords are never counted against the
    address or the names (only a (name, address) pair is counted before its check, and given back)."""
    from tests.core.test_concurrency import run_together
    codes = [accounts.enterprise(name=f"湖南同一出口{number}有限公司") for number in range(24)]
    clients = [app.test_client() for _ in codes]
    answers = run_together([lambda c=c, code=code: login(c, code, solve_captcha=False, environ_base=OFFICE).status_code
                            for c, code in zip(clients, codes)])
    assert answers == [302] * len(codes)
    assert 'id="captcha-image"' not in app.test_client().get("/login", environ_base=OFFICE).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(LoginCounter, ("", OFFICE["REMOTE_ADDR"])) is None
