"""Landing page and the home page of each role."""
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.ops import readiness
from webapp.models import Application, ApplicationStatus, Role, UnitReport
from webapp.permissions import any_user, public
from webapp.recognition.listing import enterprise_certificates, unit_certificates

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("main/landing.html", campaign=current_campaign())
    return redirect(url_for("main.home"))


@bp.get("/healthz")
@public
def healthz():
    """For the balancer: the database answers and this host may serve (ops/readiness.py); the key's fingerprint lets
    an operator see that every host has the same SECRET_KEY."""
    db.session.execute(db.select(1))
    found = readiness.problems(current_app)
    if found:
        return {"status": "error", "problems": found, "key_id": readiness.key_id(current_app)}, 503
    return {"status": "ok", "key_id": readiness.key_id(current_app)}


@bp.get("/home")
@any_user
def home():
    campaign = current_campaign()
    role = current_user.role
    if role is Role.APPLICANT:
        application = None
        if campaign:
            application = db.session.execute(db.select(Application).filter_by(
                campaign_id=campaign.id, enterprise_id=current_user.enterprise_id)).scalar_one_or_none()
        return render_template("main/home_applicant.html", campaign=campaign, application=application,
                               certificates=enterprise_certificates(current_user.enterprise_id))
    if role is Role.RECOMMENDER:
        counts, report = {}, None
        if campaign:
            counts = _status_counts(campaign.id, Application.unit_id == current_user.unit_id)
            report = db.session.execute(db.select(UnitReport).filter_by(
                campaign_id=campaign.id, unit_id=current_user.unit_id)).scalar_one_or_none()
        return render_template("main/home_recommender.html", campaign=campaign, counts=counts, report=report,
                               certificates=unit_certificates(current_user.unit_id))
    if role is Role.SECURITY:
        return render_template("main/home_security.html", campaign=campaign)
    if role is Role.AUDITOR:
        return render_template("main/home_auditor.html", campaign=campaign)
    if role is Role.EXPERT:
        return redirect(url_for("expert.assignments"))
    counts = _status_counts(campaign.id) if campaign else {}
    return render_template("main/home_admin.html", campaign=campaign, counts=counts)


def _status_counts(campaign_id: int, *where) -> dict[ApplicationStatus, int]:
    rows = db.session.execute(db.select(Application.status, func.count()).where(
        Application.campaign_id == campaign_id, *where).group_by(Application.status)).all()
    counts = {status: 0 for status in ApplicationStatus}
    counts.update(dict(rows))
    return counts
