"""stamped paper: the 盖章版 (final print) of an application, stamped scans tied to it and superseded, replies to
the unit's section comments

Revision ID: 0010_stamped_paper
Revises: 0009_audit_chain
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_stamped_paper'
down_revision = '0009_audit_chain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('final_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=16), nullable=False),
    sa.Column('attachments_digest', sa.String(length=64), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('docx_stored_name', sa.String(length=64), nullable=False),
    sa.Column('docx_size', sa.BigInteger(), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_final_print_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['generated_by_id'], ['user_account.id'], name=op.f('fk_final_print_generated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_print'))
    )
    with op.batch_alter_table('final_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_final_print_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_print_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attachment_final_print_id_final_print'), 'final_print',
                                    ['final_print_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('replied_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_review_comment_replied_by_id_user_account'), 'user_account',
                                    ['replied_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_comment_replied_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('replied_by_id')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachment_final_print_id_final_print'), type_='foreignkey')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('final_print_id')

    with op.batch_alter_table('final_print', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_final_print_application_id'))

    op.drop_table('final_print')
