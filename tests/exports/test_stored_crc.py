"""The CRC-32 recorded with every stored file: the archive reads each file once; migration 0015 records it for the
files already stored, and only for those that still match their record."""
import importlib.util
import zlib
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations

from tests.exports.archive_data import count_opens, streamed, verify
from webapp.applications.word import frozen_path
from webapp.core.extensions import db
from webapp.core.storage import attachment_path_for
from webapp.models import Attachment, Snapshot

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0015_stored_crc32.py"


def stored_files(app) -> dict[str, tuple]:
    """Every archived stored file: its path → (table, row id, recorded CRC-32)."""
    with app.app_context():
        files = {str(attachment_path_for(a.stored_name)): ("attachment", a.id, a.crc32)
                 for a in db.session.scalars(db.select(Attachment))}
        files |= {str(frozen_path(s)): ("snapshot", s.id, s.docx_crc32)
                  for s in db.session.scalars(db.select(Snapshot)) if s.docx_stored_name}
    return files


def test_each_stored_file_has_its_crc_and_the_archive_reads_it_once(app, campaign_data, login_as, monkeypatch):
    files = stored_files(app)
    assert files and all(crc == zlib.crc32(Path(path).read_bytes()) for path, (*_, crc) in files.items())
    opened = count_opens(monkeypatch)
    verify(streamed(login_as("admin").get("/admin/archive/2024.zip", buffered=False)))
    assert opened and len(opened) == len(set(opened))           # no file read twice
    assert set(opened) <= set(files)


def run_migration(app) -> None:
    spec = importlib.util.spec_from_file_location("stored_crc32_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.app_context():
        with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            migration.record_existing()


def test_the_migration_records_the_crc_of_the_files_that_match_their_record(app, campaign_data, login_as):
    with app.app_context():
        db.session.execute(db.update(Attachment).values(crc32=None))
        db.session.execute(db.update(Snapshot).values(docx_crc32=None))
        db.session.commit()
        changed, missing = db.session.scalars(db.select(Attachment).where(
            Attachment.application_id == campaign_data["zhuzhou"][0]).order_by(Attachment.id).limit(2)).all()
        changed_path, missing_path = attachment_path_for(changed.stored_name), attachment_path_for(missing.stored_name)
        changed_id, missing_id = changed.id, missing.id
    data = bytearray(changed_path.read_bytes())
    data[-1] ^= 0xFF                                    # same size, another SHA-256
    changed_path.write_bytes(bytes(data))
    missing_path.unlink()

    run_migration(app)

    for path, (table, row_id, crc) in stored_files(app).items():
        if row_id in (changed_id, missing_id) and table == "attachment":
            assert crc is None, path                    # left for the archive to check ahead, and refuse
        else:
            assert crc == zlib.crc32(Path(path).read_bytes()), path
    response = login_as("admin").get("/admin/archive/2024.zip")
    assert response.status_code == 500                 # the missing file, before streaming
