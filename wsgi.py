"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask CLI (`flask --app wsgi ...`)."""
import os

from webapp import create_app
from webapp.ops.readiness import refuse_unless_ready

app = create_app()
if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
    # Serving (not a console command): a host without the shared SECRET_KEY on PostgreSQL, or a production
    # database with demo accounts, refuses to start (webapp/ops/readiness.py).
    refuse_unless_ready(app)
