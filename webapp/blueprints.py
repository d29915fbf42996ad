"""Blueprints, one per area."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp.accounts.views.admin import bp as accounts_admin_bp
    from webapp.campaigns.views import bp as admin_bp, carry_over as carry_over_bp
    from webapp.applications.views.editor import bp as application_bp
    from webapp.exports.views import bp as archives_bp
    from webapp.applications.views.attachments import bp as attachments_bp
    from webapp.audit.views import bp as audit_log_bp
    from webapp.accounts.views.auth import bp as auth_bp
    from webapp.applications.views.documents import bp as documents_bp
    from webapp.applications.views.implementation import bp as implementation_bp
    from webapp.main.views import bp as main_bp
    from webapp.reference.views import bp as options_bp
    from webapp.review.views import bp as recommender_bp
    from webapp.accounts.views.second_factor import bp as security_settings_bp
    from webapp.review.recommendation_views import bp as recommendation_bp
    from webapp.selection.views import (
        assignments, correction, experts, form_check, hub, plan, portal, results, sheet, site_visits,
    )

    for bp in (main_bp, auth_bp, options_bp, application_bp, attachments_bp, implementation_bp, recommender_bp,
               admin_bp, carry_over_bp, accounts_admin_bp, audit_log_bp, documents_bp, archives_bp,
               security_settings_bp, recommendation_bp):
        app.register_blueprint(bp)
    # The province's selection after 报送, and the experts' portal.
    for module in (hub, form_check, correction, experts, plan, assignments, results, site_visits, portal, sheet):
        app.register_blueprint(module.bp)
