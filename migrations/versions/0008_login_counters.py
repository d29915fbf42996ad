"""login counters: failed logins per login name, per address and per pair; answered captchas; no account lockout;
demo accounts marked

Revision ID: 0008_login_counters
Revises: 0007_concurrency
Create Date: 2026-12-06 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_login_counters'
down_revision = '0007_concurrency'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_counter',
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('login', 'ip', name=op.f('pk_login_counter'))
    )
    op.create_table('captcha_use',
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_captcha_use'))
    )
    op.drop_table('login_throttle')
    # The lockout of a whole account (anyone could lock any enterprise out) is replaced by the counters above.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The accounts `flask bootstrap` made before this revision (their passwords were printed).
    op.execute("UPDATE user_account SET demo = TRUE WHERE login IN ('admin', 'changsha', '91430104MA4L0DEM1F')"
               " OR login LIKE 'demo-reviewer-%'")


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('demo')
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
    op.create_table('login_throttle',
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('ip', name=op.f('pk_login_throttle'))
    )
    op.drop_table('captcha_use')
    op.drop_table('login_counter')
