"""A database of several sites (PostgreSQL), backed up and restored by the account the
application runs as — its owner, not a superuser, so row-level security holds it too: the copy
holds every site, each site's chain gets the restore, and every chain verifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, make_url, select, text

from app import MIGRATIONS_DIRECTORY, create_app
from app.clock import utcnow
from app.extensions import db
from app.sites.models import FIRST_SITE_ID
from app.sites.services import create_site
from pos.journal.chain import append_entry
from pos.journal.events import record_software_version
from pos.journal.head import check_head, configure_head_marker, configured_marker
from pos.journal.verify import verify_journal
from pos.models import JournalEntry

OWNER = "caisse_backup_owner"
DATABASE = "caisse_backup_owner_test"


@pytest.fixture
def owned_app(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("Plusieurs sites demandent PostgreSQL (une base SQLite sert un seul site).")
    server = create_engine(
        make_url(database_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )

    def drop() -> None:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            connection.execute(text(f"DROP ROLE IF EXISTS {OWNER}"))

    drop()
    with server.connect() as connection:
        connection.execute(text(f"CREATE ROLE {OWNER} LOGIN"))
        connection.execute(text(f"CREATE DATABASE {DATABASE} OWNER {OWNER}"))
    url = make_url(database_url).set(username=OWNER, password=None, database=DATABASE)
    previous_marker = configured_marker()
    flask_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "JOURNAL_HEAD_FILE": str(tmp_path / "journal-head.json"),
            "PRINTER_FILE_FOLDER": str(tmp_path),
        }
    )
    with flask_app.app_context():
        upgrade(directory=MIGRATIONS_DIRECTORY)
    try:
        yield flask_app
    finally:
        configure_head_marker(previous_marker)  # the other tests' marker, as it was
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()
        server.dispose()


def _kinds(site_id: int) -> list[str]:
    return db.session.scalars(
        select(JournalEntry.kind)
        .where(JournalEntry.site_id == site_id)
        .order_by(JournalEntry.sequence)
    ).all()


def test_the_owner_backs_up_every_site_and_the_restore_is_journaled_in_each(owned_app, tmp_path):
    now = utcnow()
    with owned_app.app_context():
        assert not db.session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = user"))
        north = create_site(db.session, None, now, "NORD", "Antenne Nord").id
        # The antenna's chain starts (its first entry); then an entry in each chain.
        append_entry(db.session, "software_version", now, {"version": "0.9"}, site_id=north)
        record_software_version(db.session, "1.0-copie", now)
        db.session.commit()
    runner = owned_app.test_cli_runner()
    made = runner.invoke(args=["backup", "--output", str(tmp_path / "copies")])
    assert made.exit_code == 0, made.output
    path = made.output.split("Sauvegarde : ")[1].split(" (")[0]
    manifest = json.loads(Path(path + ".json").read_text())
    assert set(manifest["journals"]) == {str(FIRST_SITE_ID), str(north)}
    with owned_app.app_context():
        record_software_version(db.session, "2.0-après", now)  # after the copy, in each chain
        db.session.commit()
        after_copy = {site: len(_kinds(site)) for site in (FIRST_SITE_ID, north)}

    restored = runner.invoke(args=["restore", path, "--yes"])
    assert restored.exit_code == 0, restored.output
    with owned_app.app_context():
        for site in (FIRST_SITE_ID, north):
            kinds = _kinds(site)
            # The copy's entries (the later version is gone), then the restore.
            assert len(kinds) == after_copy[site] and kinds[-1] == "restore", kinds
            payload = json.loads(
                db.session.scalar(
                    select(JournalEntry.payload)
                    .where(JournalEntry.site_id == site)
                    .order_by(JournalEntry.sequence.desc())
                    .limit(1)
                )
            )
            assert payload["head_sequence_before_restore"] == after_copy[site]
            assert payload["backup_head_sequence"] == after_copy[site] - 1
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(JournalEntry)
                .where(JournalEntry.payload.contains("2.0-après"))
            )
            == 0
        )
        assert verify_journal(db.session).ok
        assert check_head(db.session, configured_marker(), utcnow()) is None  # said once
