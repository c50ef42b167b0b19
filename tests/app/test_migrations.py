"""The migrations build the schema the models describe, from an empty database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import MIGRATIONS_DIRECTORY, create_app
from app.extensions import db


def _differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_test_database_was_upgraded_to_head_and_matches_the_models(app):
    # The session fixture emptied the test database (SQLite or PostgreSQL) and ran upgrade().
    with app.app_context():
        assert _differences(db.engine) == []


def test_fresh_sqlite_file_upgrades_and_downgrades(tmp_path):
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}", "SECRET_KEY": "k"}
    )
    with flask_app.app_context():
        upgrade(directory=MIGRATIONS_DIRECTORY)
        assert _differences(db.engine) == []
        downgrade(directory=MIGRATIONS_DIRECTORY, revision="base")
        tables = db.inspect(db.engine).get_table_names()
        assert set(tables) <= {"alembic_version"}
        db.engine.dispose()
