"""Blueprints, one per area."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .accounts_admin import bp as accounts_admin_bp
    from .admin import bp as admin_bp, carry_over as carry_over_bp
    from .application import bp as application_bp
    from .archives import bp as archives_bp
    from .attachments import bp as attachments_bp
    from .audit_log import bp as audit_log_bp
    from .auth import bp as auth_bp
    from .documents import bp as documents_bp
    from .implementation import bp as implementation_bp
    from .main import bp as main_bp
    from .options import bp as options_bp
    from .recommender import bp as recommender_bp
    from .security_settings import bp as security_settings_bp

    for bp in (main_bp, auth_bp, options_bp, application_bp, attachments_bp, implementation_bp, recommender_bp,
               admin_bp, carry_over_bp, accounts_admin_bp, audit_log_bp, documents_bp, archives_bp,
               security_settings_bp):
        app.register_blueprint(bp)
