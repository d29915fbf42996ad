"""security tables: failed logins per address, security settings, second factor of staff accounts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('ip', name=op.f('pk_login_throttle'))
    )
    op.create_table('security_setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_security_setting'))
    )
    op.create_table('second_factor',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pending_secret', sa.String(length=64), nullable=True),
    sa.Column('pending_since', sa.DateTime(), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(), nullable=True),
    sa.Column('last_step', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_second_factor_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_second_factor'))
    )


def downgrade():
    op.drop_table('second_factor')
    op.drop_table('security_setting')
    op.drop_table('login_throttle')
