"""One app per test session on a migrated database; each test runs in a rolled-back transaction.

``CAISSE_TEST_DATABASE_URL`` picks the database (PostgreSQL in CI's second pass); the default
is a fresh SQLite file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from app import MIGRATIONS_DIRECTORY, create_app
from app.extensions import db
from app.orm import SQLITE_WRITE_LOCK, drop_all_tables
from app.users.accounts import NewUser, create_user
from app.users.roles import Role

FIXED_NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL (CI's second pass), the tests marked ``database_neutral`` are left out:
    what they check does not depend on the database, and SQLite's pass has run them (the
    same page walk for a sixth role, say, once one role with every page has walked it on
    PostgreSQL)."""
    if not os.environ.get("CAISSE_TEST_DATABASE_URL"):
        return
    kept = [item for item in items if item.get_closest_marker("database_neutral") is None]
    left_out = [item for item in items if item.get_closest_marker("database_neutral")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def reset_database(flask_app) -> None:
    """Empty database brought to head: for tests that must commit (threads, live server)."""
    with flask_app.app_context():
        db.session.remove()
        drop_all_tables(db.engine)
        upgrade(directory=MIGRATIONS_DIRECTORY)
        db.engine.dispose()


@pytest.fixture
def committed(app):
    """For tests that commit for real (several threads): the database is reset afterwards."""
    yield app
    reset_database(app)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("CAISSE_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'caisse-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    flask_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "JOURNAL_HEAD_FILE": str(tmp_path_factory.mktemp("instance") / "journal-head.json"),
            # File printers of the tests write in their tmp_path, all under this folder.
            "PRINTER_FILE_FOLDER": str(tmp_path_factory.getbasetemp()),
        }
    )
    reset_database(flask_app)  # an empty database brought to head by the migrations
    yield flask_app
    with flask_app.app_context():
        db.engine.dispose()


@pytest.fixture
def session(app) -> Iterator:
    """``db.session`` bound to an outer transaction that is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        # One connection for the whole test: it may write without taking turns.
        connection.info[SQLITE_WRITE_LOCK] = True
        test_session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        original = db.session
        db.session = test_session
        try:
            yield test_session
        finally:
            db.session = original
            test_session.remove()
            outer.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """Each request gets an empty ``g``, as in production.

    The test's app context stays pushed (services need it), and Flask reuses it for requests,
    so without this ``g`` would carry the logged-in user and the CSRF token across requests.
    """

    def open(self, *args, **kwargs):
        for key in list(g):
            g.pop(key)
        # What the test set up is committed before the request, as it would be in real life
        # (only up to the outer transaction, which is still rolled back after the test).
        db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, session):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def now() -> datetime:
    return FIXED_NOW


@pytest.fixture
def make_user(session, now):
    counter = {"n": 0}

    def build(role: Role = Role.ENCADRANT, **fields):
        counter["n"] += 1
        n = counter["n"]
        defaults = {"display_name": f"Utilisateur {n}", "role": role}
        if role == Role.CAISSIER:
            defaults.update(badge_code=f"04100000{n:04d}9", pin="1234")
        else:
            defaults.update(username=f"user{n}", password="motdepasse-sur")
        defaults.update(fields)
        return create_user(session, None, now, NewUser(**defaults))

    return build


CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def login(client):
    """Log a user in through the real login form."""

    def do_login(username: str, password: str = "motdepasse-sur"):
        page = client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    return do_login


def page_text(response) -> str:
    """The visible text of a page, blanks collapsed (French spaces included)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", html, flags=re.S)  # not shown
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("&#39;", "'")
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def parcels(session):
    """The jardin's six parcels, as `caisse init` creates them."""
    from inventory.services.parcels import default_parcels

    rows = default_parcels()
    session.add_all(rows)
    session.flush()
    return rows


@pytest.fixture
def staff(make_user):
    """An encadrant who receives goods and validates stocktakes."""
    return make_user(Role.ENCADRANT, username="karim", display_name="Karim")


@pytest.fixture
def make_product(session, now):
    from app.barcodes import complete_ean13
    from inventory.models import StockUnit
    from inventory.services.products import ProductData, create_product, get_or_create_category

    counter = {"n": 0}

    def build(
        name: str = "Pâtes 500 g",
        price_cents: int = 120,
        unit=StockUnit.PIECE,
        category: str = "Épicerie salée",
        barcodes: list[str] | None = None,
        **fields,
    ):
        counter["n"] += 1
        if barcodes is None:
            barcodes = [complete_ean13(f"37{counter['n']:010d}")]
        data = ProductData(
            name=name,
            category_id=get_or_create_category(session, category).id,
            unit=unit,
            reference_price_cents=price_cents,
            **fields,
        )
        return create_product(session, None, now, data, barcodes)

    return build


@pytest.fixture
def receive(session, now, staff):
    """Receive ``quantity`` of a product in a new lot (origin purchase unless told)."""
    from inventory.models import LotOrigin
    from inventory.services.receptions import (
        LotData,
        ReceptionData,
        receive_line,
        start_reception,
    )

    def do_receive(product, quantity, origin=LotOrigin.PURCHASE, at=None, site_id=1, **lot_fields):
        when = at or now
        reception = start_reception(
            session,
            staff.id,
            when,
            ReceptionData(
                origin=origin,
                declared_weight_grams=1000 if origin.value == "banque_alimentaire" else None,
                site_id=site_id,
            ),
        )
        return receive_line(
            session, staff.id, when, reception, product, LotData(quantity=quantity, **lot_fields)
        )

    return do_receive


@pytest.fixture
def approve(session, now):
    """An encadrant·e badges and types the PIN for one action on till C1, approving exactly
    ``subject`` (a total, a product and its price, a ticket…): the token."""
    from app.users.approvals import grant_approval

    def build(
        approver,
        action: str = "sale",
        pin: str = "2468",
        till: str = "C1",
        requested_by=None,
        at=None,
        **subject,
    ) -> str:
        return grant_approval(
            session,
            badge=approver.badge_code or "",
            pin=pin,
            action=action,
            scope=f"till:{till}",
            requested_by=requested_by or approver,
            now=at or now,
            subject=subject or None,
        ).token

    return build


def sale_line(product_id: int, quantity: int, **fields):
    """A till line of a product and a quantity (pieces, or grams)."""
    from pos.services.basket import LineRequest

    return LineRequest(product_id=product_id, quantity=quantity, **fields)


def seed_household(session, card_code: str, now, display_name: str = "Foyer Martin"):
    """A household of one with its card and a right granted five days ago: 20 % of the price,
    20 € a month (the till's tests, e2e and fuzz alike)."""
    from datetime import date, timedelta

    from participants.households.rights import RightRequest, decide_right, request_right
    from participants.models import Household, HouseholdCard, Kinship, Person, ReferringBody, Sex

    household = Household(
        card_code=card_code,
        display_name=display_name,
        referring_body=ReferringBody.CCAS,
        referrer_name="M. Colin",
        created_at=now,
        last_contact_at=now,
    )
    household.members.append(
        Person(first_name="Claire", birth_year=1980, sex=Sex.FEMALE, kinship=Kinship.REFERENCE)
    )
    session.add(household)
    session.flush()
    session.add(HouseholdCard(household_id=household.id, code=card_code, issued_at=now))
    right = request_right(
        session,
        None,
        now,
        household,
        RightRequest(date.today() - timedelta(days=5), 3, 2000, 2000, "Permis"),
    )
    decide_right(session, None, now, right, grant=True)
    return household


def another_till_writes(flask_app) -> bool:
    """A till's write on another connection that waits 0,2 s at most for SQLite's write lock:
    True if it went through (nobody was holding the lock)."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    done = []

    def write():
        with flask_app.app_context(), db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=200")
            try:
                connection.execute(text("UPDATE settings SET key = key"))
                connection.commit()
                done.append(True)
            except OperationalError:
                done.append(False)

    import threading

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    return done == [True]


def browser_of(flask_app, username: str, password: str = "motdepasse-sur"):
    """A browser of its own on a committed database (threads, locks), through the login form:
    (the client, the status of the login answer)."""
    client = FlaskClient(flask_app, flask_app.response_class)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return client, answer.status_code


@pytest.fixture(autouse=True)
def _no_log_files_left_open():
    """A test that starts `caisse serve` (its CLI) gives the logs files: closed after it."""
    yield
    import logging

    for logger in (logging.getLogger(), logging.getLogger("caisse.access")):
        for handler in [h for h in logger.handlers if getattr(h, "caisse_log", False)]:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def north(session):
    """A second site, « Antenne Nord » (code NORD): inserted as is, so the per-site rules are
    tested on SQLite too (where the product itself serves one site)."""
    from app.sites.models import Site

    site = Site(code="NORD", name="Antenne Nord", is_active=True)
    session.add(site)
    session.flush()
    return site
