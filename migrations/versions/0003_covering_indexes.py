"""covering indexes for the queue, quota and overview counts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_application_scope', 'application',
                    ['campaign_id', 'unit_id', 'status', 'app_type', 'industry_division_code'], unique=False)
    op.create_index('ix_application_scenario_scope', 'application_scenario', ['app_link_id', 'scenario_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_application_scenario_scope', table_name='application_scenario')
    op.drop_index('ix_application_scope', table_name='application')
