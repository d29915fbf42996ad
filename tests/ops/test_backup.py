"""Backup while the app is being written to, verified restore into a fresh instance (等保 数据备份恢复).

`flask backup --out DIR` and `flask restore DIR` (webapp/ops/cli.py → webapp/ops/backup.py), on SQLite (the online backup
API) and on PostgreSQL when TEST_DATABASE_URL is set (pg_dump / pg_restore).
"""
import hashlib
import io
import json
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect

from webapp import create_app
from webapp.ops import backup as backups
from webapp.core.extensions import db
from webapp.models import Application, Attachment, AuditRecord, SectionVersion
from webapp.applications.snapshot import serialize

from tests.conftest import login
from tests.dbsetup import empty_database
from tests.form_data import SECTION_POSTS, start_application

pytestmark = pytest.mark.slow

HTMX = {"HX-Request": "true"}
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >>"
       b" endobj\n%{}\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def pdf(number: int) -> bytes:
    return PDF.replace(b"{}", f"file {number}".encode())


@contextmanager
def fresh_instance(tmp_path: Path, name: str):
    """A new app with an empty database and empty folders, as on a replacement server."""
    folder = tmp_path / name
    folder.mkdir()
    with empty_database(folder) as uri:
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": uri,
                          "UPLOAD_FOLDER": str(folder / "uploads"), "DOCUMENT_FOLDER": str(folder / "documents"),
                          "LOG_FOLDER": str(folder / "logs"), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def table_counts(app, skip=("audit_record",)) -> dict:
    with app.app_context():
        names = sa_inspect(db.engine).get_table_names()
        return {name: db.session.execute(db.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in sorted(names) if name not in skip and name != "alembic_version"}


def folder_hashes(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts}


def run_cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result


def test_backup_while_writing_restores_a_consistent_copy(app, accounts, tmp_path):
    code = accounts.enterprise()
    owner = app.test_client()
    login(owner, code)
    application_id = start_application(owner)
    posted = {}                       # (section, version) → the text saved as that version
    lock, stop, started = threading.Lock(), threading.Event(), threading.Event()
    errors = []

    def writer(key, field, number):
        client = app.test_client()
        login(client, code)
        round_ = 0
        try:
            while not stop.is_set() and round_ < 60:
                round_ += 1
                page = client.get(f"/applications/{application_id}/sections/{key}").get_data(as_text=True)
                value = f"写入者{number}第{round_}次保存的内容。" + SECTION_POSTS[key][field][:200]
                data = dict(SECTION_POSTS[key], version=VERSION.search(page).group(1), **{field: value})
                response = client.post(f"/applications/{application_id}/sections/{key}", data=data, headers=HTMX)
                assert response.status_code in (200, 409), response.status_code
                if response.status_code == 200:
                    version = int(VERSION.search(response.get_data(as_text=True)).group(1))
                    with lock:
                        posted[(key, version)] = value
                upload = client.post(f"/applications/{application_id}/attachments",
                                     data={"category": "other", "file": (io.BytesIO(pdf(number * 1000 + round_)),
                                                                         f"材料{number}-{round_}.pdf")})
                assert upload.status_code == 303, upload.get_data(as_text=True)[:500]
                started.set()
        except BaseException as exc:     # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(key, field, n), daemon=True) for n, (key, field) in enumerate(
        [("profile", "profile"), ("integration", "integration"), ("plan", "next_steps"), ("profile", "profile")])]
    for thread in threads:
        thread.start()
    assert started.wait(60)
    during = tmp_path / "backup-during"
    result = run_cli(app, "backup", "--out", str(during))
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output

    manifest = json.loads((during / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["missing"] == []
    assert all(re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]) for entry in manifest["files"].values())

    # The copy taken mid-write is a consistent snapshot: each section's text is the one saved as its version,
    # and every attachment row has its file, with its hash.
    with fresh_instance(tmp_path, "restored-during") as restored:
        result = run_cli(restored, "restore", str(during), "--yes")
        assert result.exit_code == 0, result.output
        with restored.app_context():
            application = db.session.get(Application, application_id)
            for row in db.session.execute(db.select(SectionVersion).filter_by(application_id=application_id)).scalars():
                if row.version and row.section in ("profile", "integration", "plan"):
                    field = {"profile": "profile", "integration": "integration", "plan": "next_steps"}[row.section]
                    assert getattr(application, field) == posted[(row.section, row.version)], row.section
            attachments = db.session.execute(db.select(Attachment)).scalars().all()
            assert attachments
            for attachment in attachments:
                path = Path(restored.config["UPLOAD_FOLDER"]) / attachment.stored_name[:2] / attachment.stored_name
                assert hashlib.sha256(path.read_bytes()).hexdigest() == attachment.sha256
            restored_ids = {a.id: a.sha256 for a in attachments}
        with app.app_context():
            live = {a.id: a.sha256 for a in db.session.execute(db.select(Attachment)).scalars()}
        assert set(restored_ids) <= set(live) and all(live[i] == h for i, h in restored_ids.items())

    # Once the writers have stopped, a backup restores to exactly the live data.
    quiet = tmp_path / "backup-quiet"
    assert run_cli(app, "backup", "--out", str(quiet)).exit_code == 0
    with fresh_instance(tmp_path, "restored-quiet") as restored:
        assert run_cli(restored, "restore", str(quiet), "--yes").exit_code == 0
        assert table_counts(restored) == table_counts(app)
        with app.app_context():
            expected = serialize(db.session.get(Application, application_id))
            audit_before = db.session.execute(db.select(db.func.count()).select_from(AuditRecord)).scalar_one()
        with restored.app_context():
            assert serialize(db.session.get(Application, application_id)) == expected
            restored_audit = db.session.execute(db.select(AuditRecord.action).order_by(AuditRecord.id)).scalars().all()
            # The restored trail is the live one up to the backup, then the restore itself.
            assert len(restored_audit) == audit_before and restored_audit[-1] == "system.restore"
        for key in ("UPLOAD_FOLDER", "DOCUMENT_FOLDER"):
            assert folder_hashes(Path(restored.config[key])) == folder_hashes(Path(app.config[key]))
        client = restored.test_client()
        assert login(client, code).status_code == 302
        assert client.get(f"/applications/{application_id}").status_code == 200


def test_restore_checks_every_file_before_replacing_anything(app, accounts, tmp_path):
    code = accounts.enterprise()
    client = app.test_client()
    login(client, code)
    application_id = start_application(client)
    client.post(f"/applications/{application_id}/attachments",
                data={"category": "license", "file": (io.BytesIO(pdf(1)), "营业执照.pdf")})
    folder = tmp_path / "backup"
    assert run_cli(app, "backup", "--out", str(folder)).exit_code == 0
    # Changes after the backup: they must survive every refused restore.
    client.post(f"/applications/{application_id}/attachments",
                data={"category": "license", "file": (io.BytesIO(pdf(2)), "营业执照2.pdf")})
    before_counts, before_files = table_counts(app), folder_hashes(Path(app.config["UPLOAD_FOLDER"]))

    stored = next(p for p in (folder / "uploads").rglob("*") if p.is_file())
    original = stored.read_bytes()
    stored.write_bytes(original[:-1] + b"X")
    result = run_cli(app, "restore", str(folder), "--yes")
    assert result.exit_code != 0 and "备份校验未通过" in result.output and "与清单不符" in result.output
    stored.write_bytes(original)

    (folder / "uploads" / "extra.pdf").write_bytes(b"%PDF-1.4 planted")
    result = run_cli(app, "restore", str(folder), "--yes")
    assert result.exit_code != 0 and "清单之外的文件" in result.output
    (folder / "uploads" / "extra.pdf").unlink()

    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tampered = dict(manifest, files={**manifest["files"], "../../escape.txt": {"size": 1, "sha256": "0" * 64}})
    manifest_path.write_text(json.dumps(tampered), encoding="utf-8")
    result = run_cli(app, "restore", str(folder), "--yes")
    assert result.exit_code != 0 and "路径无效" in result.output
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    assert table_counts(app) == before_counts
    assert folder_hashes(Path(app.config["UPLOAD_FOLDER"])) == before_files

    # The intact backup restores, in place, to the state it was taken in.
    assert run_cli(app, "restore", str(folder), "--yes").exit_code == 0
    with app.app_context():
        names = [a.original_name for a in db.session.execute(db.select(Attachment)).scalars()]
    assert names == ["营业执照.pdf"]
    assert len(folder_hashes(Path(app.config["UPLOAD_FOLDER"]))) == 1


def test_backup_never_overwrites_and_audits(app, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "old.txt").write_text("an earlier backup")
    result = run_cli(app, "backup", "--out", str(folder))
    assert result.exit_code != 0 and "已存在" in result.output
    assert (folder / "old.txt").read_text() == "an earlier backup"
    assert run_cli(app, "backup", "--out", str(tmp_path / "new")).exit_code == 0
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    with app.app_context():
        records = db.session.execute(db.select(AuditRecord).filter_by(action="system.backup")
                                     .order_by(AuditRecord.id)).scalars().all()
    assert [r.success for r in records] == [False, True]


def test_postgresql_without_pg_dump_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(backups.BackupError, match="未找到 pg_dump"):
        backups.create_backup("postgresql+psycopg://user:secret@127.0.0.1:1/none", tmp_path / "u", tmp_path / "d",
                              tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_regenerable_caches_are_left_out(tmp_path):
    """The PDFs and the generated workbooks and letters are built again when needed: a backup does not carry them."""
    documents = tmp_path / "documents"
    for relative in ("ab/ab12.docx", "pdf/certificate-1.pdf", "generated/0f.bin", "cd/generated/kept.docx"):
        (documents / relative).parent.mkdir(parents=True, exist_ok=True)
        (documents / relative).write_bytes(b"x")
    assert [p.as_posix() for p in backups._stored_files(documents)] == ["ab/ab12.docx", "cd/generated/kept.docx"]
