"""Every request, from the URL map: CSRF on every POST, GET never changes data, security headers on every answer.

The world (enterprise A's submitted application and a client per kind of caller) is the access test's.
"""
import re

from webapp.core.extensions import db
from webapp.models import AuditRecord

from tests.form_data import SECTION_POSTS
from tests import test_access
from tests.test_access import CALLER_ROLE, CALLERS, mutable_state, ordered_calls, post_body, url_values

# Audit records that a GET may write: downloads and exports are reads worth recording, and so is a refused request.
GET_AUDIT_ACTIONS = re.compile(r"^(document\.download|attachment\.download|access\.denied|access\.probe|audit\.export|"
                               r"report\.export|export\.[a-z_]+)$")

world = test_access.world          # the fixture, shared


def caller_for(view, clients):
    """A client allowed to reach the view (so a refusal is the CSRF check's, not the role's)."""
    if getattr(view, "public", False):
        return "anonymous", clients["anonymous"]
    name = next(c for c in CALLERS if c != "anonymous" and CALLER_ROLE[c] in view.allowed_roles)
    return name, clients[name]


def audit_ids(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.max(AuditRecord.id))).scalar() or 0


def new_audit_actions(app, after: int) -> list[str]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord.action).where(AuditRecord.id > after)).scalars())


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, world):
    clients, ids = world
    app.config["WTF_CSRF_ENABLED"] = True
    failures = []
    for rule, method in ordered_calls(app):
        if method != "POST":
            continue
        view = app.view_functions[rule.endpoint]
        for name, client in {caller_for(view, clients), ("anonymous", clients["anonymous"])}:
            for values in url_values(rule, ids):
                url = rule.build(values)[1]
                before = mutable_state(app)
                response = client.post(url, data=post_body(rule.endpoint, values))
                if response.status_code != 400:
                    failures.append(f"{name} POST {url}: {response.status_code}, expected 400")
                elif "安全校验未通过" not in response.get_data(as_text=True):
                    failures.append(f"{name} POST {url}: no Chinese explanation")
                if mutable_state(app) != before:
                    failures.append(f"{name} POST {url}: changed data without a CSRF token")
    assert failures == [], "\n".join(failures)


def test_a_wrong_or_foreign_token_is_refused_too(app, login_as):
    first, second = login_as("applicant"), login_as("applicant", county="430203")
    app.config["WTF_CSRF_ENABLED"] = True
    page = second.get("/home").get_data(as_text=True)
    foreign = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert first.post("/applications/start", headers={"X-CSRFToken": foreign}).status_code == 400
    assert first.post("/applications/start", data={"csrf_token": "forged"}).status_code == 400


def test_the_htmx_header_and_the_form_field_carry_the_token(app, login_as):
    client = login_as("applicant")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/home").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/applications/start", headers={"X-CSRFToken": token})
    assert response.status_code == 303
    application_id = int(response.location.split("/applications/")[1].split("/")[0])
    data = dict(SECTION_POSTS["profile"], version="0")
    response = client.post(f"/applications/{application_id}/sections/profile", data=data,
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and "已保存" in response.get_data(as_text=True)
    form_page = client.get(f"/applications/{application_id}/sections/cover").get_data(as_text=True)
    field_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page).group(1)
    response = client.post(f"/applications/{application_id}/sections/cover",
                           data=dict(SECTION_POSTS["cover"], version="0", csrf_token=field_token))
    assert response.status_code == 303


def test_get_never_changes_data_and_every_answer_carries_the_security_headers(app, world):
    clients, ids = world
    failures = []
    for caller in CALLERS:
        for rule, method in ordered_calls(app):
            if method != "GET":
                continue
            for values in url_values(rule, ids):
                url = rule.build(values)[1]
                before, last_audit = mutable_state(app), audit_ids(app)
                response = clients[caller].get(url)
                where = f"{caller} GET {url} → {response.status_code}"
                if mutable_state(app) != before:
                    failures.append(f"{where}: changed data")
                unexpected = [a for a in new_audit_actions(app, last_audit) if not GET_AUDIT_ACTIONS.match(a)]
                if unexpected:
                    failures.append(f"{where}: wrote audit records {unexpected}")
                headers = response.headers
                csp = headers.get("Content-Security-Policy", "")
                # The one exception: a PDF the expert's review page shows in a frame, framed by this site only.
                framed_pdf = (rule.endpoint == "expert.attachment" and response.mimetype == "application/pdf"
                              and csp == "default-src 'none'; frame-ancestors 'self'"
                              and headers.get("X-Frame-Options") == "SAMEORIGIN")
                if "unsafe-inline" in csp or ("frame-ancestors 'none'" not in csp and "sandbox" not in csp
                                              and not framed_pdf):
                    failures.append(f"{where}: Content-Security-Policy {csp!r}")
                if headers.get("X-Content-Type-Options") != "nosniff":
                    failures.append(f"{where}: no nosniff")
                if headers.get("Referrer-Policy") != "same-origin" or (
                        headers.get("X-Frame-Options") != "DENY" and not framed_pdf):
                    failures.append(f"{where}: referrer or frame policy missing")
                if "no-store" not in headers.get("Cache-Control", ""):
                    failures.append(f"{where}: a page or download that caches may keep")
                if "camera=()" not in headers.get("Permissions-Policy", ""):
                    failures.append(f"{where}: no Permissions-Policy")
    assert failures == [], "\n".join(failures)


def test_https_answers_tell_browsers_to_stay_on_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
