"""kept 场景 counts of the overview

Revision ID: 0014_scenario_counts
Revises: 0013_recognition
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_scenario_counts'
down_revision = '0013_recognition'
branch_labels = None
depends_on = None

STATUS = sa.Enum('draft', 'submitted', 'returned', 'recommended', 'not_recommended', 'correction', 'corrected',
                 'form_passed', 'form_failed', 'under_review', 'proposed', 'incubation', 'not_selected', 'recognised',
                 'revoked', name='applicationstatus', native_enum=False, length=20)


def upgrade():
    op.create_table('scenario_claims',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('scenarios', sa.JSON(), nullable=False),
    sa.Column('own', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_scenario_claims_application_id_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_scenario_claims'))
    )
    op.create_table('scenario_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('applications', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_scenario_count_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_count')),
    sa.UniqueConstraint('campaign_id', 'unit_id', 'status', 'scenario_id', name=op.f('uq_scenario_count_campaign_id'))
    )
    _count_existing()


def _count_existing():
    """The kept 场景 counts of the applications already there."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.campaign_id, a.unit_id, a.status, s.scenario_id FROM application a "
        "LEFT JOIN application_link l ON l.application_id = a.id "
        "LEFT JOIN application_scenario s ON s.app_link_id = l.id")).all()
    claims, counts = {}, {}
    for application_id, campaign_id, unit_id, status, scenario_id in rows:
        claim = claims.setdefault(application_id, {"application_id": application_id, "campaign_id": campaign_id,
                                                   "unit_id": unit_id, "status": status, "scenarios": set(), "own": 0})
        if scenario_id is not None:
            claim["scenarios"].add(scenario_id)
    own = bind.execute(sa.text(
        "SELECT l.application_id, COUNT(*) FROM application_scenario s JOIN application_link l "
        "ON l.id = s.app_link_id WHERE s.scenario_id IS NULL GROUP BY l.application_id")).all()
    for application_id, number in own:
        claims[application_id]["own"] = number
    for claim in claims.values():
        for scenario_id in claim["scenarios"]:
            key = (claim["campaign_id"], claim["unit_id"], claim["status"], scenario_id)
            counts[key] = counts.get(key, 0) + 1
        if claim["own"]:
            key = (claim["campaign_id"], claim["unit_id"], claim["status"], 0)
            counts[key] = counts.get(key, 0) + claim["own"]
        claim["scenarios"] = sorted(claim["scenarios"])
    claims_table = sa.table("scenario_claims", sa.column("application_id"), sa.column("campaign_id"),
                            sa.column("unit_id"), sa.column("status"), sa.column("scenarios", sa.JSON),
                            sa.column("own"))
    counts_table = sa.table("scenario_count", sa.column("campaign_id"), sa.column("unit_id"), sa.column("status"),
                            sa.column("scenario_id"), sa.column("applications"))
    if claims:
        op.bulk_insert(claims_table, list(claims.values()))
    if counts:
        op.bulk_insert(counts_table, [{"campaign_id": c, "unit_id": u, "status": s, "scenario_id": k, "applications": n}
                                      for (c, u, s, k), n in counts.items()])


def downgrade():
    op.drop_table('scenario_count')
    op.drop_table('scenario_claims')
