"""Kept counts of the overview's per-场景 chart (webapp/campaigns/kept_counts.py), written in the transaction that
changes a 场景 block or an application's state, so that the overview reads a few hundred rows instead of counting
every 场景 block of the campaign. Tests compare them with a recount."""
from webapp.core.extensions import db
from webapp.models.states import ApplicationStatus
from webapp.models.types import enum_type

OWN_SCENARIO = 0          # ScenarioCount.scenario_id of the applicant's own 场景 (no guide scenario)


class ScenarioClaims(db.Model):
    """An application's contribution to the ScenarioCount rows as last counted: its campaign, unit and state, the
    guide 场景 it claims (each once) and its number of own 场景 blocks."""

    __tablename__ = "scenario_claims"
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True)
    campaign_id = db.Column(db.Integer, nullable=False)
    unit_id = db.Column(db.Integer, nullable=False)
    status = db.Column(enum_type(ApplicationStatus), nullable=False)
    scenarios = db.Column(db.JSON, nullable=False, default=list)
    own = db.Column(db.Integer, nullable=False, default=0)


class ScenarioCount(db.Model):
    """How many applications of a campaign, unit and state claim a guide 场景 (scenario_id OWN_SCENARIO: how many
    own 场景 blocks they have). Changed only by atomic increments (INSERT … ON CONFLICT DO UPDATE)."""

    __tablename__ = "scenario_count"
    __table_args__ = (db.UniqueConstraint("campaign_id", "unit_id", "status", "scenario_id"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)
    unit_id = db.Column(db.Integer, nullable=False)
    status = db.Column(enum_type(ApplicationStatus), nullable=False)
    scenario_id = db.Column(db.Integer, nullable=False)
    applications = db.Column(db.Integer, nullable=False, default=0)
