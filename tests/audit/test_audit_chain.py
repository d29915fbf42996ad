"""A tamper-evident audit trail: a hash chain checked by `verify-audit`, database triggers that refuse UPDATE and
DELETE (SQLite and PostgreSQL), retention by signed archives, section saves recorded, a request id on the 500 page."""
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError, IntegrityError

from webapp.audit import chain, integrity
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import AuditArchive, AuditRecord, LoginCounter

from tests.conftest import text
from tests.core.test_concurrency import run_together
from tests.form_data import SECTION_POSTS, start_application


def add(app, count, *, days_ago=0):
    with app.app_context():
        for number in range(count):
            audit.record("auth.login", object_type="user_account", object_id=number, detail={"n": number})
            db.session.info[chain.PENDING][-1]["created_at"] = utcnow() - timedelta(days=days_ago, seconds=-number)
        db.session.commit()


def verify(runner, *args):
    return runner.invoke(args=["verify-audit", *args])


def without_triggers(app, statement, **params):
    """What a database user with write access could do: switch the protection off, then change the table."""
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(sql("DROP TRIGGER audit_record_no_update"))
            connection.execute(sql("DROP TRIGGER audit_record_no_delete"))
        else:
            connection.execute(sql("ALTER TABLE audit_record DISABLE TRIGGER USER"))
        connection.execute(sql(statement), params)


def test_records_form_a_chain_that_verifies(app, runner, accounts):
    accounts.enterprise()
    add(app, 5)
    with app.app_context():
        records = list(db.session.execute(db.select(AuditRecord).order_by(AuditRecord.seq)).scalars())
        assert [r.seq for r in records] == list(range(1, len(records) + 1))
        assert all(r.prev_hash == p.hash for p, r in zip(records, records[1:]))
    result = verify(runner)
    assert result.exit_code == 0 and "哈希链完整" in result.output, result.output


@pytest.mark.parametrize("statement", ["UPDATE audit_record SET detail = 'x' WHERE seq = 2",
                                       "DELETE FROM audit_record WHERE seq = 2",
                                       "DELETE FROM audit_record"])
def test_the_database_refuses_to_change_or_delete_a_record(app, statement):
    add(app, 3)
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sql(statement))
        assert db.session.execute(db.select(db.func.count()).select_from(AuditRecord)).scalar_one() == 3


def test_truncate_is_refused_on_postgresql(app):
    add(app, 2)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TRUNCATE exists on PostgreSQL only (SQLite's DELETE is covered above)")
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sql("TRUNCATE audit_record"))


@pytest.mark.parametrize("tamper, reason", [
    ("UPDATE audit_record SET detail = '{\"n\": 99}' WHERE seq = 3", "本条记录的内容与其哈希值不符"),
    ("UPDATE audit_record SET actor_login = 'someone' WHERE seq = 3", "本条记录的内容与其哈希值不符"),
    ("DELETE FROM audit_record WHERE seq = 3", "序号应为 3，实为 4"),
    ("DELETE FROM audit_record WHERE seq = 5", "链尾记录为第 5 条"),
])
def test_verify_audit_names_the_first_broken_record(app, runner, tamper, reason):
    add(app, 5)
    without_triggers(app, tamper)
    result = verify(runner)
    assert result.exit_code == 1
    assert "哈希链断开" in result.output and reason in result.output, result.output


def test_a_record_written_around_the_application_is_found(app, runner):
    add(app, 2)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(db.insert(AuditRecord).values(action="auth.login", created_at=utcnow(), success=True))
    result = verify(runner)
    assert result.exit_code == 1 and "不在哈希链中" in result.output


def test_records_are_archived_to_a_signed_file_after_six_months(app, runner, tmp_path):
    add(app, 4, days_ago=200)
    add(app, 3)
    folder = tmp_path / "archive"
    too_recent = runner.invoke(args=["audit-archive", "--before", f"{utcnow() - timedelta(days=30):%Y-%m-%d}",
                                     "--out", str(folder)])
    assert too_recent.exit_code != 0 and "至少保存六个月" in too_recent.output
    result = runner.invoke(args=["audit-archive", "--before", f"{utcnow() - timedelta(days=190):%Y-%m-%d}",
                                 "--out", str(folder)])
    assert result.exit_code == 0 and "已归档 4 条" in result.output, result.output
    [archive_file] = folder.glob("*.jsonl")
    assert (folder / (archive_file.name + ".sig")).exists()
    with app.app_context():
        remaining = list(db.session.execute(db.select(AuditRecord).order_by(AuditRecord.seq)).scalars())
        assert [r.action for r in remaining][-1] == "audit.archive" and remaining[0].seq == 5
        assert db.session.execute(db.select(AuditArchive)).scalar_one().records == 4
    result = verify(runner, "--archive", str(archive_file))
    assert result.exit_code == 0 and "签名和哈希链完整" in result.output, result.output
    archive_file.write_text(archive_file.read_text().replace('"auth.login"', '"auth.logout"', 1))
    assert "签名不符" in verify(runner, "--archive", str(archive_file)).output
    # Only archived records may be deleted: the others are still protected.
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sql("DELETE FROM audit_record WHERE seq = 6"))


def test_a_forged_archive_registration_is_found(app, runner, tmp_path):
    add(app, 3, days_ago=200)
    with app.app_context():
        db.session.add(AuditArchive(up_to_seq=2, last_hash="0" * 64, before=utcnow(), file_name="x.jsonl",
                                    file_sha256="0" * 64, records=2, signature="f" * 64))
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and "签名不符" in result.output


def test_section_saves_are_recorded_without_their_content(app, login_as):
    client = login_as("applicant")
    application_id = start_application(client)
    data = dict(SECTION_POSTS["profile"], version="0")
    assert client.post(f"/applications/{application_id}/sections/profile", data=data).status_code in (200, 303)
    with app.app_context():
        [record] = db.session.execute(db.select(AuditRecord).filter_by(action="application.section_save")).scalars()
        assert record.object_id == str(application_id) and '"section": "profile"' in record.detail
        assert SECTION_POSTS["profile"]["profile"][:20] not in record.detail


def test_the_500_page_shows_the_request_id_that_the_log_carries(app, caplog):
    def boom():
        raise RuntimeError("broken on purpose")

    app.add_url_rule("/test-only-boom", "test_only_boom", boom)
    app.view_functions["test_only_boom"].public = True
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = False
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/test-only-boom")
    request_id = re.search(r'<code id="request-id">([0-9a-f]{12})</code>', response.get_data(as_text=True)).group(1)
    assert response.headers["X-Request-ID"] == request_id
    assert any(getattr(r, "request_id", None) == request_id and "broken on purpose" in r.getMessage() + str(r.exc_info)
               for r in caplog.records)
    assert "错误编号" in text(response)


def test_the_chain_survives_concurrent_writers(app, runner):
    """Records written at the same moment by several threads (own sessions) still form one gapless chain."""
    def write(number):
        with app.app_context():
            for step in range(5):
                audit.record("auth.login", detail={"thread": number, "step": step})
                db.session.commit()

    run_together([lambda n=n: write(n) for n in range(6)])
    assert verify(runner).exit_code == 0


def test_a_savepoint_rolled_back_keeps_the_transactions_records(app):
    """A unique key lost to another writer (a savepoint rolled back, as the login counters do) must not take the
    transaction's audit records with it; a real rollback does."""
    with app.app_context():
        db.session.add(LoginCounter(login="x", ip="", window_start=utcnow(), failures=1))
        db.session.commit()
        audit.record("auth.login", success=False, detail={"reason": "password"})
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(LoginCounter(login="x", ip="", window_start=utcnow(), failures=1))
        db.session.commit()
        audit.record("auth.logout")
        db.session.rollback()
        db.session.commit()
        actions = db.session.execute(db.select(AuditRecord.action)).scalars().all()
        assert actions == ["auth.login"]


def test_integrity_helpers_agree_with_the_command(app):
    add(app, 3)
    with app.app_context():
        report = integrity.verify_chain()
        assert report.broken is None and report.last_seq == 3 and report.checked == 3
