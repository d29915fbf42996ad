"""unit report status: the 推荐汇总表's own state (草稿 / 已报送 / 已退回)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('draft', 'reported', 'returned', name='reportstatus',
                                                        native_enum=False, length=20),
                                      server_default='draft', nullable=False))
    # The state the existing rows were in: reported while reported_at is set, returned once sent back.
    op.execute("UPDATE unit_report SET status = CASE WHEN reported_at IS NOT NULL THEN 'reported' "
               "WHEN returned_at IS NOT NULL THEN 'returned' ELSE 'draft' END")


def downgrade():
    with op.batch_alter_table('unit_report', schema=None) as batch_op:
        batch_op.drop_column('status')
