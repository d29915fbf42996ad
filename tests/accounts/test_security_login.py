"""身份鉴别 and 访问控制 beyond the basics: cookie flags, a new session at login, throttling per client address
(shared by all workers through the database), the TOTP second factor of staff accounts, and 三员分立."""
import re
import time
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest

from webapp import create_app
from webapp.core.extensions import db
from webapp.models import AuditRecord, LoginCounter, Role, SecondFactor, User

from tests.conftest import login, text

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OFFICE = {"REMOTE_ADDR": "198.51.100.20"}
WEBAPP = Path(__file__).resolve().parents[2] / "webapp"


def user(login_name) -> User:
    return db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one()


def actions(app, action) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(action=action)
                                       .order_by(AuditRecord.id)).scalars())


# ---- cookies and sessions --------------------------------------------------------------------------------------

def test_session_cookie_flags_on_the_wire(app, accounts):
    code = accounts.enterprise()
    app.config["SESSION_COOKIE_SECURE"] = True        # as SESSION_COOKIE_SECURE=1 sets it behind HTTPS
    cookie = login(app.test_client(), code).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    app.config["SESSION_COOKIE_SECURE"] = False
    cookie = login(app.test_client(), code).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_login_issues_a_new_session_and_logout_ends_it(app, accounts):
    code = accounts.enterprise()
    client = app.test_client()
    client.get("/login")
    planted = client.get_cookie("session").value          # e.g. set by an attacker before the login (fixation)
    login(client, code)
    signed_in = client.get_cookie("session").value
    assert signed_in != planted
    fixated = app.test_client()
    fixated.set_cookie("session", planted)
    assert fixated.get("/home").status_code == 302       # the pre-login cookie never becomes a login
    copied = app.test_client()
    copied.set_cookie("session", signed_in)
    assert copied.get("/home").status_code == 200         # (a copy works while the session lives …)
    client.post("/logout")
    assert client.get_cookie("session").value != signed_in
    assert copied.get("/home").status_code == 302         # … and not after logout
    assert [r.success for r in actions(app, "auth.logout")] == [True]


# ---- throttling per client address -----------------------------------------------------------------------------

def test_twenty_failures_from_one_address_block_it_for_every_account(app, accounts):
    code = accounts.enterprise()
    attacker = app.test_client()
    for number in range(20):
        # Guessing across many accounts (answering the captcha each time) never pauses one of them: the address
        # is what gets throttled.
        response = login(attacker, f"guess{number}", "x", environ_base=ATTACKER)
        assert "网络地址" not in text(response)
    response = login(attacker, code, environ_base=ATTACKER)
    page = text(response)
    assert response.status_code == 200 and "该网络地址登录失败次数过多" in page and "北京时间" in page
    assert not [r for r in actions(app, "auth.login") if r.actor_login == code]     # no password was checked
    # Another address is not affected; the block ends with its window.
    office = app.test_client()
    assert login(office, code, environ_base=OFFICE).status_code == 302
    with app.app_context():
        row = db.session.get(LoginCounter, ("", ATTACKER["REMOTE_ADDR"]))
        assert row.failures == 21           # 20 failures and the refused try
        row.window_start -= timedelta(minutes=16)
        db.session.commit()
    response = login(attacker, code, environ_base=ATTACKER)
    assert response.status_code == 302
    refused = actions(app, "auth.throttled")
    assert len(refused) == 1 and refused[0].ip == ATTACKER["REMOTE_ADDR"] and not refused[0].success
    assert '"address"' in refused[0].detail


def test_the_address_counter_is_shared_by_all_workers(app, accounts, tmp_path):
    code = accounts.enterprise()
    other_worker = create_app({**{k: app.config[k] for k in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER", "DOCUMENT_FOLDER", "LOG_FOLDER", "SECRET_KEY",
        "WTF_CSRF_ENABLED", "PASSWORD_HASH_METHOD")}, "INSTANCE_PATH": str(tmp_path / "worker2")})
    first, second = app.test_client(), other_worker.test_client()
    for number in range(20):
        client = first if number % 2 else second
        login(client, f"guess{number}", f"wrong{number}", environ_base=ATTACKER)
    for client in (first, second):
        response = login(client, code, environ_base=ATTACKER)
        assert "该网络地址登录失败次数过多" in text(response)
    with other_worker.app_context():
        db.engine.dispose()


# ---- the second factor -----------------------------------------------------------------------------------------

def enrol(client) -> str:
    """Enrol the client's user (staff) with a TOTP secret; returns the secret."""
    page = client.get("/security/second-factor").get_data(as_text=True)
    assert "开始绑定" in page
    assert client.post("/security/second-factor/start").status_code == 303
    page = client.get("/security/second-factor").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    assert "otpauth://totp/" in page and 'src="data:image/svg+xml' in page
    response = client.post("/security/second-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303, response.get_data(as_text=True)
    return secret


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (clock drift) and not yet used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_staff_enrol_and_then_need_the_code_to_log_in(app, login_as):
    client = login_as("admin")
    elsewhere = app.test_client()
    login(elsewhere, "admin_user")
    page = client.get("/security/second-factor")
    assert page.status_code == 200
    client.post("/security/second-factor/start")
    wrong = client.post("/security/second-factor/confirm", data={"code": "000000"})
    assert "动态口令不正确" in text(wrong)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>',
                       client.get("/security/second-factor").get_data(as_text=True)).group(1)
    assert client.post("/security/second-factor/confirm",
                       data={"code": pyotp.TOTP(secret).now()}).status_code == 303
    assert client.get("/home").status_code == 200         # this session goes on …
    assert elsewhere.get("/home").status_code == 302      # … every other one ended
    with app.app_context():
        assert user("admin_user").totp_secret == secret
    assert [r.success for r in actions(app, "account.second_factor_enrol")] == [False, True]

    fresh = app.test_client()
    response = login(fresh, "admin_user")
    assert response.status_code == 302 and response.location.endswith("/login/second-factor")
    assert fresh.get("/home").status_code == 302           # the password alone is not a login
    page = text(fresh.post("/login/second-factor", data={"code": "123456"}))
    assert "动态口令不正确" in page and "再错4次" in page
    code = next_code(secret)
    assert fresh.post("/login/second-factor", data={"code": " " + code[:3] + " " + code[3:]}).status_code == 302
    assert fresh.get("/home").status_code == 200
    # The same code never works twice.
    again = app.test_client()
    login(again, "admin_user")
    assert "已使用过" in text(again.post("/login/second-factor", data={"code": code}))
    records = [r for r in actions(app, "auth.login") if r.actor_login == "admin_user"]
    assert [(r.success, "second_factor" in (r.detail or "")) for r in records][-3:] == \
        [(False, True), (True, True), (False, True)]
    assert actions(app, "auth.password")


def forget_failures(app):
    with app.app_context():
        db.session.execute(db.delete(LoginCounter))
        db.session.commit()


def test_wrong_codes_pause_the_login_from_that_address_and_the_step_expires(app, login_as):
    client = login_as("recommender")
    secret = enrol(client)
    fresh = app.test_client()
    login(fresh, "cs_reviewer")
    for _ in range(4):
        fresh.post("/login/second-factor", data={"code": "000000"})
    response = fresh.post("/login/second-factor", data={"code": "000000"})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert "暂停登录此账号" in text(fresh.get("/login"))
    assert "已暂停至" in text(login(app.test_client(), "cs_reviewer"))          # the right password: still paused
    elsewhere = app.test_client()                                               # the owner on another network
    assert login(elsewhere, "cs_reviewer", environ_base=OFFICE).location.endswith("/login/second-factor")
    forget_failures(app)
    # The right password does not reset the count of wrong codes: no fresh guesses for who knows the password.
    probe = app.test_client()
    for _ in range(3):
        login(probe, "cs_reviewer")
        probe.post("/login/second-factor", data={"code": "000000"})
    login(probe, "cs_reviewer")
    probe.post("/login/second-factor", data={"code": "000000"})
    login(probe, "cs_reviewer")
    assert "暂停" in text(probe.post("/login/second-factor", data={"code": "000000"})) or \
        "暂停" in text(probe.get("/login"))
    forget_failures(app)
    late = app.test_client()
    login(late, "cs_reviewer")
    with late.session_transaction() as session:
        pending = dict(session["second_factor_pending"])
        session["second_factor_pending"] = dict(pending, since=pending["since"] - 301)   # five minutes later
    response = late.post("/login/second-factor", data={"code": next_code(secret)})
    assert response.status_code == 302 and response.location.endswith("/login")


def test_security_admin_makes_the_second_factor_mandatory(app, login_as):
    security = login_as("security")
    unit = login_as("recommender")
    response = security.post("/security/settings", data={"role_recommender": "y", "role_admin": "y"})
    assert response.status_code == 303
    page = text(security.get("/security/settings"))
    assert "未绑定（必须）" in page
    [record] = actions(app, "security.settings")
    assert '"after": ["admin", "recommender"]' in record.detail and record.actor_login == "security_user"

    # A recommender who has not enrolled is sent to the enrolment first, wherever they go.
    response = unit.get("/review/")
    assert response.status_code == 302 and response.location.endswith("/security/second-factor")
    fresh = app.test_client()
    login(fresh, "cs_reviewer")
    assert fresh.get("/home").location.endswith("/security/second-factor")
    secret = enrol(fresh)
    assert fresh.get("/review/").status_code == 200
    # Required: it cannot be removed by its user …
    page = text(fresh.post("/security/second-factor/remove", data={"code": next_code(secret)}))
    assert "必须使用动态口令" in page
    # … but the security admin resets a lost one, which ends the user's sessions.
    with app.app_context():
        reviewer_id = user("cs_reviewer").id
    assert security.post(f"/security/users/{reviewer_id}/second-factor/reset").status_code == 303
    assert fresh.get("/review/").status_code == 302
    with app.app_context():
        assert user("cs_reviewer").totp_secret is None and db.session.get(SecondFactor, reviewer_id).last_step is None
    assert actions(app, "account.second_factor_remove")[-1].actor_login == "security_user"
    # Applicants are never asked for a second factor.
    applicant = login_as("applicant")
    assert applicant.get("/home").status_code == 200
    assert applicant.get("/security/second-factor").status_code == 403


def test_an_optional_factor_can_be_removed_with_a_valid_code(app, login_as):
    client = login_as("auditor")
    secret = enrol(client)
    assert "动态口令不正确" in text(client.post("/security/second-factor/remove", data={"code": "999999"}))
    assert client.post("/security/second-factor/remove", data={"code": next_code(secret)}).status_code == 303
    with app.app_context():
        assert user("auditor_user").totp_secret is None


# ---- 三员分立: separation of duties ------------------------------------------------------------------------------

SHARED = {"main.home", "auth.logout", "auth.change_password", "security_settings.second_factor",
          "security_settings.start_enrolment", "security_settings.confirm_enrolment", "security_settings.remove",
          # every user's own inbox and notice settings
          "notices.inbox", "notices.open_notice", "notices.read_all", "notices.settings"}


def reachable(app, role: Role) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if role in getattr(app.view_functions[rule.endpoint], "allowed_roles", ())}


def test_separation_of_duties_from_the_url_map(app):
    auditor, security, admin = (reachable(app, r) - SHARED for r in (Role.AUDITOR, Role.SECURITY, Role.ADMIN))
    # Only the auditor reads the audit trail, and reads nothing else.
    assert auditor and all(e.startswith("audit.") for e in auditor)
    assert all(e in auditor for e in reachable(app, Role.AUDITOR) if e.startswith("audit."))
    # Only the security admin manages accounts and the second-factor policy, and does nothing else.
    assert security and all(e.startswith(("accounts_admin.", "security_settings.")) for e in security)
    for endpoint in {r.endpoint for r in app.url_map.iter_rules()}:
        roles = getattr(app.view_functions[endpoint], "allowed_roles", set())
        if endpoint.startswith(("accounts_admin.", "audit.")) or endpoint in (
                "security_settings.settings", "security_settings.reset_user"):
            assert len(roles) == 1, endpoint
    # The province admin runs the campaign and reaches neither.
    assert not admin & (auditor | security)


def test_nothing_in_the_app_edits_or_deletes_audit_records(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]
    assert audit_rules and all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules)
    # No code path updates or deletes a record, and there is no purge (records are kept at least six months).
    # The database refuses it too (triggers: tests/audit/test_audit_chain.py).
    pattern = re.compile(r"(update|delete)\(\s*AuditRecord|AuditRecord\)\.(update|delete)|"
                         r"session\.delete\([^)]*record|(DELETE FROM|UPDATE) +\"?audit_record|def purge",
                         re.IGNORECASE)
    offenders = [str(path.relative_to(WEBAPP)) for path in WEBAPP.rglob("*.py")
                 if pattern.search(path.read_text(encoding="utf-8"))]
    # The one exception: the retention command deletes records only after writing them to a signed archive, and the
    # database triggers allow deleting exactly those (tests/audit/test_audit_chain.py).
    assert offenders == ["audit/integrity.py"]


@pytest.mark.parametrize("role", ["admin", "recommender", "applicant", "auditor"])
def test_only_the_security_admin_changes_security_settings(app, login_as, role):
    client = login_as(role)
    assert client.get("/security/settings").status_code == 403
    assert client.post("/security/settings", data={"role_admin": "y"}).status_code == 403
    assert client.post("/security/users/1/second-factor/reset").status_code == 403
    assert actions(app, "security.settings") == []
