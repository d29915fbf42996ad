"""concurrency: 序号 unique within a unit's list

Revision ID: 0007_concurrency
Revises: 0006_word_import
Create Date: 2026-12-06 05:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_concurrency'
down_revision = '0006_word_import'
branch_labels = None
depends_on = None


def upgrade():
    # Duplicates left by the race this constraint closes are renumbered first (in their order, then by id).
    op.execute("""
        UPDATE application SET recommend_order = (
            SELECT COUNT(*) FROM application AS other
            WHERE other.campaign_id = application.campaign_id AND other.unit_id = application.unit_id
              AND other.recommend_order IS NOT NULL
              AND (other.recommend_order < application.recommend_order
                   OR (other.recommend_order = application.recommend_order AND other.id <= application.id)))
        WHERE recommend_order IS NOT NULL""")
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_application_recommend_order',
                                          ['campaign_id', 'unit_id', 'recommend_order'])


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint('uq_application_recommend_order', type_='unique')
