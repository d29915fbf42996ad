"""the CRC-32 of every stored file, recorded beside its SHA-256

Revision ID: 0015_stored_crc32
Revises: 0014_scenario_counts

An archive's ZIP headers carry each entry's CRC-32 before its content. Recorded when a file is stored, it lets the
archive read each file once (checking its SHA-256 as it is sent) instead of once ahead and once to send.

The upgrade works it out for the files already stored, reading each one: a file whose size and SHA-256 still agree
with its row gets its CRC-32; one missing or different keeps none (the archive then checks it ahead as before, and
refuses it). Without an application (plain alembic) the files are not read and every row keeps none.
"""
import hashlib
import logging
import os
import zlib

from alembic import op
import sqlalchemy as sa


revision = '0015_stored_crc32'
down_revision = '0014_scenario_counts'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# table → (CRC column, stored name, size, SHA-256, folder setting)
STORED = {
    "attachment": ("crc32", "stored_name", "size", "sha256", "UPLOAD_FOLDER"),
    "letter_scan": ("crc32", "stored_name", "size", "sha256", "UPLOAD_FOLDER"),
    "site_visit_file": ("crc32", "stored_name", "size", "sha256", "UPLOAD_FOLDER"),
    "objection_file": ("crc32", "stored_name", "size", "sha256", "UPLOAD_FOLDER"),
    "recheck_file": ("crc32", "stored_name", "size", "sha256", "UPLOAD_FOLDER"),
    "snapshot": ("docx_crc32", "docx_stored_name", "docx_size", "docx_sha256", "DOCUMENT_FOLDER"),
    "final_print": ("docx_crc32", "docx_stored_name", "docx_size", "docx_sha256", "DOCUMENT_FOLDER"),
}
CHUNK = 1024 * 1024


def upgrade():
    for table, (column, *_rest) in STORED.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.BigInteger(), nullable=True))
    record_existing()


def downgrade():
    for table, (column, *_rest) in STORED.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)


def record_existing():
    """The CRC-32 of each stored file whose size and SHA-256 agree with its row."""
    folders = _folders()
    if folders is None:
        log.warning("0015_stored_crc32: no application, stored files not read; archives check them ahead")
        return
    bind = op.get_bind()
    skipped = 0
    buffer = bytearray(CHUNK)
    for table, (column, name_column, size_column, sha_column, setting) in STORED.items():
        rows = bind.execute(sa.text(f"SELECT id, {name_column}, {size_column}, {sha_column} FROM {table} "
                                    f"WHERE {name_column} IS NOT NULL")).all()
        for row_id, stored_name, size, sha256 in rows:
            crc = _crc_if_intact(os.path.join(folders[setting], stored_name[:2], stored_name), size, sha256, buffer)
            if crc is None:
                skipped += 1
                continue
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :crc WHERE id = :id"), {"crc": crc, "id": row_id})
    if skipped:
        log.warning("0015_stored_crc32: %d stored file(s) missing or unlike their record keep no CRC-32", skipped)


def _folders() -> dict | None:
    try:
        from flask import current_app
        return {setting: current_app.config[setting] for setting in ("UPLOAD_FOLDER", "DOCUMENT_FOLDER")}
    except (ImportError, RuntimeError, KeyError):
        return None


def _crc_if_intact(path: str, size: int, sha256: str, buffer: bytearray) -> int | None:
    digest, crc, read = hashlib.sha256(), 0, 0
    view = memoryview(buffer)
    try:
        with open(path, "rb") as handle:
            while count := handle.readinto(buffer):
                read += count
                digest.update(view[:count])
                crc = zlib.crc32(view[:count], crc)
    except OSError:
        return None
    return crc if read == size and digest.hexdigest() == sha256 else None
