"""湖南省智能制造标杆申报系统: the application factory."""
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

import webapp.models  # noqa: F401  (every table on the one metadata)
import webapp.campaigns.kept_counts  # noqa: F401  (the overview's 场景 counts follow every writer)
from webapp.accounts.sessions import init_session_guards
from webapp.blueprints import register_blueprints
from webapp.core.config import load_config
from webapp.core.errors import register_error_handlers
from webapp.core.extensions import csrf, db, login_manager, migrate
from webapp.core.htmx import init_htmx
from webapp.core.input_guard import init_input_guard
from webapp.core.logs import RequestIdFilter, SharedRotatingFileHandler, init_request_ids
from webapp.core.security_headers import init_request_limits, init_security_headers
from webapp.core.templating import init_templating
from webapp.documents.content_cache import code_version
from webapp.documents.docx_builder import word_template
from webapp.ops.cli import register_cli

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides what the environment gives (tests pass their own database and folders)."""
    settings = load_config()
    settings.update(config or {})
    if "SECRET_KEY" in (config or {}):
        settings["SECRET_KEY_FROM_ENV"] = True      # given by the caller (tests, tools): chosen, not generated
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(settings)
    for key in ("INSTANCE_PATH", "UPLOAD_FOLDER", "DOCUMENT_FOLDER", "LOG_FOLDER"):
        Path(app.config[key]).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    # Relationships are resolved on the first query otherwise: 0.3 s inside the first request of every worker.
    configure_mappers()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    login_manager.init_app(app)

    init_request_ids(app)
    app.logger.addFilter(RequestIdFilter())     # every record of the app's log carries its request id
    init_session_guards(app)
    init_htmx(app)
    init_input_guard(app)
    init_security_headers(app)
    init_request_limits(app)
    init_templating(app)
    register_error_handlers(app)
    register_blueprints(app)
    register_cli(app)
    _init_logging(app)
    # What documents are made from is read now, with the code this process imported. A worker that read it later,
    # after an upgrade's `git pull` but before its restart, would fill the new Word template from the old code, or
    # keep what its old code builds under the new code's key (the code version of the kept documents).
    code_version()
    word_template()
    return app


def _init_logging(app: Flask) -> None:
    if app.testing or any(isinstance(h, RotatingFileHandler) for h in app.logger.handlers):
        return
    # Several gunicorn workers write to the one file.
    handler = SharedRotatingFileHandler(os.path.join(app.config["LOG_FOLDER"], "app.log"),
                                        maxBytes=5 * 1024 * 1024, backupCount=10, encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s [%(process)d] [request %(request_id)s] %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
