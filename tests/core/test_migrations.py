"""Migrations from an empty database give exactly the schema of the models (on SQLite, and on PostgreSQL
when TEST_DATABASE_URL is set)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from webapp import create_app
from webapp.core.extensions import db

from tests.dbsetup import empty_database


def test_upgrade_from_empty_matches_models(tmp_path):
    with empty_database(tmp_path) as database_uri:
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": database_uri})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            db.engine.dispose()
    assert diff == []
