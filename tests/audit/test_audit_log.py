"""The audit log: only the auditor reads it (三员分立); filters; Excel export of text cells; no way to change it."""
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from webapp.audit import chain
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import AuditRecord
from webapp.core.timeutil import from_local

from tests.conftest import text


def add_records(app):
    """Records at known Beijing times: three days of logins, a reset, a lockout and a hostile detail."""
    with app.app_context():
        def add(action, when, **kwargs):
            audit.record(action, **kwargs)
            values = db.session.info[chain.PENDING][-1]         # written (and hashed) by the commit below
            login = {"auth.login": "cs_liu", "auth.lockout": "zz_wang"}.get(action, "sec_zhao")
            values.update(created_at=from_local(when), actor_login=login,
                          actor_role="security" if login == "sec_zhao" else "recommender")

        add("auth.login", datetime(2024, 3, 1, 9, 0), object_type="user_account", object_id=7,
            detail={"login": "cs_liu"})
        add("auth.login", datetime(2024, 3, 2, 23, 59), object_type="user_account", object_id=8, success=False,
            detail={"reason": "password"})
        add("auth.lockout", datetime(2024, 3, 3, 0, 1), object_type="user_account", object_id=8, success=False)
        add("account.reset_password", datetime(2024, 3, 3, 10, 0), object_type="user_account", object_id=8,
            detail="=HYPERLINK(\"http://evil\",\"x\")")
        db.session.commit()


@pytest.mark.parametrize("role", ["admin", "security", "recommender", "applicant"])
def test_only_the_auditor_reads_the_log(app, login_as, role):
    client = login_as(role)
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/export.xlsx").status_code == 403


def test_auditor_sees_records_newest_first(app, login_as):
    add_records(app)
    page = text(login_as("auditor").get("/admin/audit/"))
    assert "重置密码" in page and "账号锁定" in page
    # Newest first (the auditor's own login comes last in time, so first in the list).
    assert page.index("2024-03-03 10:00:00") < page.index("2024-03-03 00:01:00") < page.index("2024-03-01 09:00:00")


def test_the_log_cannot_be_changed_from_the_app(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert rules and all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)


@pytest.mark.parametrize("query, present, absent", [
    ("action=auth.lockout", ["2024-03-03 00:01:00"], ["2024-03-03 10:00:00", "2024-03-01 09:00:00"]),
    ("actor=sec_", ["2024-03-03 10:00:00"], ["2024-03-01 09:00:00", "2024-03-03 00:01:00"]),
    ("success=0", ["2024-03-02 23:59:00", "2024-03-03 00:01:00"], ["2024-03-01 09:00:00", "2024-03-03 10:00:00"]),
    # Dates are Beijing dates: 23:59 on 2 March belongs to 2 March, 00:01 on 3 March does not.
    ("start=2024-03-02&end=2024-03-02", ["2024-03-02 23:59:00"], ["2024-03-03 00:01:00", "2024-03-01 09:00:00"]),
    ("start=2024-03-03", ["2024-03-03 00:01:00", "2024-03-03 10:00:00"], ["2024-03-02 23:59:00"]),
    ("object_type=user_account&object_id=7", ["2024-03-01 09:00:00"], ["2024-03-02 23:59:00"]),
])
def test_filters(app, login_as, query, present, absent):
    add_records(app)
    page = text(login_as("auditor").get(f"/admin/audit/?{query}"))
    for value in present:
        assert value in page, (query, value)
    for value in absent:
        assert value not in page, (query, value)


def test_invalid_filters_do_not_break_the_page(app, login_as):
    response = login_as("auditor").get("/admin/audit/?start=2024-13-01&end=x&success=maybe&page=-3&action=nope")
    assert response.status_code == 200


def test_pages(app, login_as):
    with app.app_context():
        for index in range(120):
            audit.record("auth.login", object_type="user_account", object_id=index, detail={"n": index})
        db.session.commit()
    auditor = login_as("auditor")
    page = text(auditor.get("/admin/audit/?action=auth.login"))
    assert "第 1/3 页" in page and page.count('<tr class="adm-row--failed">') + page.count("<tr>") >= 50
    last = text(auditor.get("/admin/audit/?action=auth.login&page=3"))
    assert "第 3/3 页" in last
    fragment = auditor.get("/admin/audit/?action=auth.login&page=2", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "第 2/3 页" in text(fragment)


def test_export_opens_and_every_value_is_text(app, login_as):
    add_records(app)
    auditor = login_as("auditor")
    response = auditor.get("/admin/audit/export.xlsx?start=2024-03-01&end=2024-03-03")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=4))
    assert len(rows) == 4
    assert [cell.value for cell in sheet[3]][:5] == ["时间（北京时间）", "操作人", "角色", "IP地址", "操作"]
    assert [row[0].value for row in rows] == ["2024-03-03 10:00:00", "2024-03-03 00:01:00", "2024-03-02 23:59:00",
                                              "2024-03-01 09:00:00"]
    for row in rows:
        for cell in row:
            assert cell.value is None or cell.data_type == "s", (cell.coordinate, cell.value)
    hostile = rows[0][9]
    assert hostile.value.startswith("=HYPERLINK") and hostile.data_type == "s" and hostile.quotePrefix
    assert rows[1][8].value == "失败" and rows[0][5].value == "account.reset_password"
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(action="audit.export")).scalar_one()
        assert record.actor_login == "auditor_user" and '"rows": 4' in record.detail


def test_every_recorded_action_and_object_type_has_a_chinese_label():
    """The auditor reads labels, not codes: every action the code records is named in the log's Chinese."""
    import re
    from pathlib import Path

    from webapp.status import TRANSITIONS
    from webapp.audit.views import ACTION_LABELS, OBJECT_LABELS

    webapp = Path(__file__).resolve().parents[2] / "webapp"
    source = "\n".join(p.read_text(encoding="utf-8") for p in webapp.rglob("*.py"))
    actions = set(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', source))
    actions |= {f"application.{name}" for name in TRANSITIONS}
    assert len(actions) > 30 and actions - ACTION_LABELS.keys() == set()
    types = set(re.findall(r'object_type="([a-z_]+)"', source))
    types |= {"user_account", "application", "campaign", "attachment", "deadline_extension", "enterprise"}
    assert types - OBJECT_LABELS.keys() == set()
