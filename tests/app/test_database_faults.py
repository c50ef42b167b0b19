"""Locks and faults get answers, not 500s: a page that reads then writes its audit line waits
for another writer on SQLite, a busy or full or read-only database is a French 503 with
Retry-After (JSON on the API), and an upload too big is a French 413."""

from __future__ import annotations

import threading
import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.extensions import db
from app.settings.services import set_setting
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from tests.conftest import browser_of, csrf_token_from, seed_household


def test_a_file_read_waits_for_another_writer_instead_of_failing(committed):
    """SQLite: the page reads the household, another till commits a sale meanwhile, then the
    page writes its audit line. It used to fail ("database is locked"); it now waits."""
    with committed.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL has row locks: nothing to wait for here")
    with committed.app_context(), Session(db.engine) as session:
        create_user(
            session,
            None,
            utcnow(),
            NewUser("Sophie", Role.REFERENT, username="sophie", password="motdepasse-sur"),
        )
        household = seed_household(session, "0420000000013", utcnow())
        set_setting(session, "epicerie.referents_see_all", True, utcnow())
        session.commit()
        household_id = household.id
    client, _ = browser_of(committed, "sophie")

    holding = threading.Event()

    def another_writer():
        with committed.app_context(), Session(db.engine) as session:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            session.execute(text("UPDATE settings SET key = key"))  # holds the write lock
            holding.set()
            time.sleep(0.8)
            session.commit()

    writer = threading.Thread(target=another_writer)
    writer.start()
    holding.wait(5)
    page = client.get(f"/foyers/{household_id}")
    writer.join()
    assert page.status_code == 200
    assert "Foyer Martin" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("cause", "code", "words"),
    [
        ("database is locked", "database_busy", "occupée"),
        ("database or disk is full", "disk_full", "Disque plein"),
        ("attempt to write a readonly database", "database_read_only", "lecture seule"),
    ],
)
def test_database_faults_are_a_french_503_with_retry_after(
    client, make_user, login, monkeypatch, cause, code, words
):
    from sqlalchemy.exc import OperationalError

    import app.views

    make_user(Role.ADMIN, username="claire")
    login("claire")

    def fault(*args, **kwargs):
        raise OperationalError("INSERT …", {}, Exception(cause))

    monkeypatch.setattr(app.views, "render_template", fault)
    page = client.get("/accueil")
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert words in page.get_data(as_text=True)
    answer = client.get("/accueil", headers={"Accept": "application/json"})
    assert answer.get_json()["code"] == code


def test_an_upload_too_big_is_a_french_413(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    token = csrf_token_from(client.get("/accueil").get_data(as_text=True))
    answer = client.post(
        "/api/pos/sales",
        data=b"x" * 10_000_001,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 413
    assert answer.get_json() == {
        "code": "too_large",
        "message": "Envoi trop gros : 10 Mo au plus. Découpez le fichier.",
    }


def test_sixteen_people_logging_in_at_once_all_get_in(committed):
    """Sixteen logins at the same second on SQLite (each writes its audit line and its login
    time): none fails, nobody sees an error page."""
    from concurrent.futures import ThreadPoolExecutor

    with committed.app_context(), Session(db.engine) as session:
        for number in range(16):
            create_user(
                session,
                None,
                utcnow(),
                NewUser(
                    f"Personne {number}",
                    Role.REFERENT,
                    username=f"p{number}",
                    password="motdepasse-sur",
                ),
            )
        session.commit()

    def log_in(number: int) -> int:
        return browser_of(committed, f"p{number}")[1]

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(log_in, range(16)))
    assert statuses == [302] * 16


def test_a_write_lock_held_too_long_is_a_503_json_for_the_till(committed):
    """SQLite: another process holds the write lock longer than the wait (5 s): the till's
    call gets 503 database_busy with Retry-After, never a 500, and keeps its request."""
    with committed.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's single writer")
    from tests.pos.api_fuzz import _logged_in_headers, seed_shop

    seed_shop(committed)
    headers, cookies = _logged_in_headers(committed)
    client = FlaskClient(committed, committed.response_class)
    for name, value in cookies.items():
        client.set_cookie(name, value)
    holding = threading.Event()
    release = threading.Event()

    def long_writer():
        with committed.app_context(), Session(db.engine) as session:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            holding.set()
            release.wait(10)
            session.rollback()

    writer = threading.Thread(target=long_writer)
    writer.start()
    holding.wait(5)
    try:
        answer = client.post(
            "/api/pos/session/cash",
            headers=headers,
            json={
                "uuid": "3f1c1f0e-6a59-4a37-9a5e-1d2b7e0c9a11",
                "till": "C1",
                "amount_cents": 500,
                "reason": "Monnaie",
            },
        )
    finally:
        release.set()
        writer.join()
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert answer.get_json()["code"] == "database_busy"


def test_a_server_started_on_a_database_it_cannot_write_says_so(committed, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import pos.journal.events

    def read_only(*args, **kwargs):
        raise OperationalError("INSERT …", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(pos.journal.events, "startup_checks", read_only)
    result = committed.test_cli_runner().invoke(args=["serve", "--port", "5998"])
    assert result.exit_code != 0
    assert "La base ne peut pas être écrite (lecture seule, disque plein" in result.output
