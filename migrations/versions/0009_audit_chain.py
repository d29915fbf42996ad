"""audit chain: every record hashed to the previous one, triggers refuse UPDATE/DELETE, archives of old records

Revision ID: 0009_audit_chain
Revises: 0008_login_counters
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from webapp.audit.chain import FIELDS, digest
from webapp.models.audit import GENESIS, trigger_statements


# revision identifiers, used by Alembic.
revision = '0009_audit_chain'
down_revision = '0008_login_counters'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_record_seq'), ['seq'])
    op.create_table('audit_seal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_seal'))
    )
    op.create_table('audit_archive',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('up_to_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('before', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_archive')),
    sa.UniqueConstraint('up_to_seq', name=op.f('uq_audit_archive_up_to_seq'))
    )
    _chain_existing_records()
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def _chain_existing_records():
    """The records written before this migration join the chain in their order (by id)."""
    bind = op.get_bind()
    table = sa.table('audit_record', sa.column('id'), sa.column('seq'), sa.column('prev_hash'), sa.column('hash'),
                     *(sa.column(name) for name in FIELDS))
    seq, last = 0, GENESIS
    rows = bind.execute(sa.select(table).order_by(table.c.id)).mappings().all()
    for row in rows:
        seq += 1
        last, previous = digest(last, seq, dict(row)), last
        bind.execute(table.update().where(table.c.id == row['id']).values(seq=seq, prev_hash=previous, hash=last))
    bind.execute(sa.table('audit_seal', sa.column('id'), sa.column('seq'), sa.column('hash')).insert()
                 .values(id=1, seq=seq, hash=last))


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for name in ('audit_record_no_update', 'audit_record_no_delete', 'audit_archive_no_update',
                     'audit_archive_no_delete'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    elif dialect == 'postgresql':
        for name, table in (('audit_record_append_only', 'audit_record'), ('audit_record_no_truncate', 'audit_record'),
                            ('audit_archive_append_only', 'audit_archive'),
                            ('audit_archive_no_truncate', 'audit_archive')):
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON {table}')
        op.execute('DROP FUNCTION IF EXISTS audit_append_only()')
    op.drop_table('audit_archive')
    op.drop_table('audit_seal')
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_record_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
