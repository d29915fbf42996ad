"""Blueprints, one per area."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .application import bp as application_bp
    from .auth import bp as auth_bp
    from .main import bp as main_bp
    from .options import bp as options_bp

    for bp in (main_bp, auth_bp, options_bp, application_bp):
        app.register_blueprint(bp)
