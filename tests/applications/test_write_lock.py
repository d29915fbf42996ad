"""SQLite's one write lock is held only while a request writes (webapp/core/extensions.py): a POST's checks, form
validation, password hash, Word rendering or upload hashing run before it (@reads_first, begin_writes), and its
answer is read and rendered after it (finish_writes). Statements are recorded per transaction to show it."""
import io

import pytest
from flask import g
from sqlalchemy import event

from webapp.campaigns.lookup import current_campaign
from webapp.ops.demo_files import minimal_pdf
from webapp.core.extensions import db, finish_writes
from webapp.models import Application, User
from webapp.applications.uploads import receive_upload

from tests.conftest import PASSWORD
from tests.factories import make_complete_application
from tests.form_data import SECTION_POSTS


@pytest.fixture
def statements(app):
    seen = []
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")

    def record(_conn, _cursor, statement, *_args):
        first = statement.split()[0].upper()
        seen.append(statement if first == "BEGIN" else first if first in ("UPDATE", "INSERT", "DELETE") else "other")

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def transactions(seen):
    """The statements grouped by transaction: [(BEGIN statement, [kinds...])]."""
    groups = []
    for statement in seen:
        if statement.startswith("BEGIN"):
            groups.append((statement, []))
        elif groups:
            groups[-1][1].append(statement)
    return groups


def user_named(login_name):
    return db.session.execute(db.select(User).filter_by(login=login_name)).scalar_one()


@pytest.fixture
def applicant(app, login_as):
    """A logged-in enterprise with a complete draft (8 环节 × 2 场景): client.application_id."""
    client = login_as("applicant")
    with app.app_context():
        user = user_named(client.login_name)
        application = make_complete_application(db.session, enterprise=user.enterprise, campaign=current_campaign())
        db.session.commit()
        client.application_id = application.id
    return client


def assert_lock_only_while_writing(groups):
    """Deferred reads (the checks, the form's validation), one locked transaction that writes, deferred reads (the
    answer)."""
    assert [begin for begin, _kinds in groups].count("BEGIN IMMEDIATE") == 1
    locked = next(i for i, (begin, _kinds) in enumerate(groups) if begin == "BEGIN IMMEDIATE")
    assert {"UPDATE", "INSERT"} & set(groups[locked][1])
    assert locked > 0, "the checks before the write run without the lock"
    assert all(begin == "BEGIN" and not {"UPDATE", "INSERT"} & set(kinds)
               for begin, kinds in groups[:locked] + groups[locked + 1:])
    return groups[:locked]


def test_a_section_save_writes_under_the_lock_and_renders_without_it(applicant, statements):
    statements.clear()
    response = applicant.post(f"/applications/{applicant.application_id}/sections/profile",
                              data={**SECTION_POSTS["profile"], "version": "0", "confirm_restamp": "1"},
                              headers={"HX-Request": "true"})
    assert response.status_code == 200 and "已保存" in response.get_data(as_text=True)
    assert_lock_only_while_writing(transactions(statements))


def test_the_password_hash_is_checked_outside_the_write_lock(app, accounts, statements):
    """A login writes twice, briefly: it counts the attempt (before the hash, so that parallel guesses cannot check
    more passwords than allowed), and records the outcome. The slow hash runs between them, without the lock."""
    login_name = accounts.enterprise()
    statements.clear()
    assert app.test_client().post("/login", data={"login": login_name, "password": PASSWORD}).status_code == 302
    groups = transactions(statements)
    locked = [i for i, (begin, _kinds) in enumerate(groups) if begin == "BEGIN IMMEDIATE"]
    assert len(locked) == 2 and all({"UPDATE", "INSERT"} & set(groups[i][1]) for i in locked)
    between = groups[locked[0] + 1:locked[1]]
    assert between and all(begin == "BEGIN" and not {"UPDATE", "INSERT"} & set(kinds) for begin, kinds in between)
    # The account is read (and its scrypt hash checked) in the deferred transaction between the two.
    assert any("other" in kinds for _begin, kinds in between)


def test_a_write_after_finish_writes_is_refused(app, accounts):
    login_name = accounts.enterprise()
    with app.test_request_context("/", method="POST"):
        user = user_named(login_name)
        finish_writes()
        assert g.writes_finished
        user.display_name = "李四"
        with pytest.raises(RuntimeError, match="deferred SQLite"):
            db.session.flush()
        db.session.rollback()


def test_a_submission_checks_before_it_takes_the_lock(applicant, statements):
    statements.clear()
    assert applicant.post(f"/applications/{applicant.application_id}/submit").status_code == 303
    before = assert_lock_only_while_writing(transactions(statements))
    # The checks read the whole application (its 环节, 场景 and pictures) before the lock.
    assert sum(len(kinds) for _begin, kinds in before) >= 5


def test_a_final_print_renders_its_word_file_before_it_takes_the_lock(app, applicant, statements):
    with app.app_context():
        application = db.session.get(Application, applicant.application_id)
        application.profile = "生成盖章版后又修改了简介。"          # the 盖章版 is stale: a new one can be made
        db.session.commit()
    statements.clear()
    assert applicant.post(f"/applications/{applicant.application_id}/final").status_code == 303
    before = assert_lock_only_while_writing(transactions(statements))
    assert sum(len(kinds) for _begin, kinds in before) >= 5
    with app.app_context():
        assert len(db.session.get(Application, applicant.application_id).final_prints) == 2


def test_an_upload_is_received_and_hashed_before_it_takes_the_lock(applicant, statements, monkeypatch):
    received_after = []
    monkeypatch.setattr("webapp.applications.views.attachments.receive_upload",
                        lambda *args: (received_after.append(len(statements)), receive_upload(*args))[1])
    statements.clear()
    response = applicant.post(f"/applications/{applicant.application_id}/attachments", data={
        "category": "license", "file": (io.BytesIO(minimal_pdf("营业执照")), "营业执照.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert_lock_only_while_writing(transactions(statements))
    assert "BEGIN IMMEDIATE" not in statements[:received_after[0]]     # received before the lock was taken
