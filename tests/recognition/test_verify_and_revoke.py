"""The public verification page (no login): the recognition as recorded and its status; one plain 未找到 answer for
unknown and malformed codes; nothing enumerable; throttled per address. Revocation: reason and 文号, the state
table, the audit trail, the notices, and 已撤销 on the page."""
from datetime import timedelta

from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.models import Application, ApplicationStatus as S, AuditRecord, Certificate, Notice
from webapp.recognition.codes import display_code

from tests.conftest import text
from tests.recognition.builders import DOCUMENT_NO, client_of, recognised_world

REVOKE_NO = "湘工信装备〔2026〕200号"


def test_a_visitor_verifies_a_certificate_by_its_code(app, client):
    world = recognised_world(app)
    code = world["codes"][0]
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    body = text(page)
    for shown in ("湖南甲认定智能装备有限公司", "湖南省智能制造标杆企业", DOCUMENT_NO, "有效", display_code(code)):
        assert shown in body
    with app.app_context():
        certificate = db.session.get(Certificate, world["certificates"][0])
        assert certificate.credit_code not in body                  # the page shows the recognition, nothing else
    # Typed as people type it, and through the form.
    assert client.get(f"/verify/{display_code(code).lower()}").status_code == 200
    typed = client.get("/verify", query_string={"code": display_code(code).lower()})
    assert typed.status_code == 303 and typed.location.endswith(f"/verify/{code}")
    assert "证书验证码" in text(client.get("/verify"))


def test_unknown_and_malformed_codes_get_the_same_plain_answer(app, client):
    world = recognised_world(app)
    real = world["codes"][0]
    wrong = ("A" if real[0] != "A" else "B") + real[1:]
    answers = [client.get(f"/verify/{code}") for code in (wrong, "123", "%3Cscript%3E", "0" * 10, str(world["certificates"][0]))]
    assert {a.status_code for a in answers} == {404}
    bodies = {text(a).replace(wrong, "").replace("%3Cscript%3E", "") for a in answers}
    assert all("未找到" in b for b in bodies)
    assert len({b.split("<main", 1)[1] for b in bodies}) == 1        # the same page, whatever was asked
    for answer in answers:
        assert not any(name in text(answer) for name in ("甲认定", "乙认定", "丙认定", "湘智标", DOCUMENT_NO))
    form = client.get("/verify", query_string={"code": "not a code"})
    assert form.status_code == 303 and client.get(form.location).status_code == 404


def test_the_verification_page_is_throttled_per_address(app, client):
    world = recognised_world(app)
    app.config["VERIFY_ADDRESS_LIMIT"] = 3
    for _ in range(3):
        assert client.get("/verify/ABCDEFGHJK").status_code == 404
    paused = client.get(f"/verify/{world['codes'][0]}")
    assert paused.status_code == 429 and "查询过于频繁" in text(paused) and "湖南甲" not in text(paused)
    other = app.test_client()
    assert other.get(f"/verify/{world['codes'][0]}", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_the_admin_revokes_a_recognition(app, login_as, client):
    world = recognised_world(app)
    admin = login_as("admin")
    url = f"/admin/recognition/certificates/{world['certificates'][0]}"
    assert "撤销认定" in text(admin.get(url))
    today = local_today()
    missing = admin.post(f"{url}/revoke", data={"document_no": REVOKE_NO, "revoked_on": today.isoformat(), "reason": ""})
    assert missing.status_code == 200 and "请填写撤销原因" in text(missing)
    early = admin.post(f"{url}/revoke", data={"document_no": REVOKE_NO, "reason": "弄虚作假",
                                              "revoked_on": "2020-01-01"})
    assert early.status_code == 409 and "不能早于认定日期" in text(early)
    done = admin.post(f"{url}/revoke", data={"document_no": REVOKE_NO, "revoked_on": today.isoformat(),
                                             "reason": "申报材料弄虚作假"})
    assert done.status_code == 303
    with app.app_context():
        certificate = db.session.get(Certificate, world["certificates"][0])
        assert not certificate.is_valid and certificate.revoke_document_no == REVOKE_NO
        assert db.session.get(Application, certificate.application_id).status is S.REVOKED
        assert db.session.execute(db.select(AuditRecord).filter_by(action="recognition.revoke")).scalar_one()
        assert db.session.execute(db.select(AuditRecord).filter_by(action="application.revoke")).scalar_one()
        assert "recognition.revoked" in db.session.execute(db.select(Notice.kind)).scalars().all()
    page = text(client.get(f"/verify/{world['codes'][0]}"))
    assert "已撤销" in page and REVOKE_NO in page and f"{today.year}年{today.month:02d}月{today.day:02d}日撤销" in page
    again = admin.post(f"{url}/revoke", data={"document_no": REVOKE_NO, "revoked_on": today.isoformat(),
                                              "reason": "再次撤销"})
    assert again.status_code == 409
    enterprise = client_of(app, world["logins"][0])
    assert "已撤销" in text(enterprise.get("/home"))


def test_a_revocation_date_cannot_be_in_the_future(app, login_as):
    world = recognised_world(app)
    admin = login_as("admin")
    response = admin.post(f"/admin/recognition/certificates/{world['certificates'][1]}/revoke",
                          data={"document_no": REVOKE_NO, "reason": "x",
                                "revoked_on": (local_today() + timedelta(days=2)).isoformat()})
    assert response.status_code == 409 and "不能晚于今天" in text(response)
