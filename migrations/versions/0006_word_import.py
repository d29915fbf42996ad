"""word import: the history of imports of a Word 申报书 into an application

Revision ID: 0006_word_import
Revises: 0005_notices
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_word_import'
down_revision = '0005_notices'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'word_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('file_size', sa.BigInteger(), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'],
                                name=op.f('fk_word_import_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_word_import_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_word_import')),
    )
    with op.batch_alter_table('word_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_word_import_application_id'), ['application_id'], unique=False)


def downgrade():
    with op.batch_alter_table('word_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_word_import_application_id'))
    op.drop_table('word_import')
