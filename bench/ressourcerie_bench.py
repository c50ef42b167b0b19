"""Ressourcerie benchmark: an intake recorded through the page, and a one-item sale through the
till's API, each over HTTP by a serial client (as ORessource was measured side by side): the
shop's server (waitress, as ``caisse serve``) and a client behaving as the browser (one kept-alive
connection, its cookies).

Usage: ``.venv/bin/python bench/ressourcerie_bench.py`` (SQLite in a temporary folder), or with
``BENCH_DATABASE_URL=postgresql://…`` (that database is emptied first). Prints one line per
figure: ``name: value unit (target …)``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from app import MIGRATIONS_DIRECTORY, create_app
from app.barcodes import complete_ean13
from app.clock import shop_date, utcnow
from app.extensions import db
from app.orm import drop_all_tables
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from bench.browser import Browser, serve_in_background
from inventory.models import ItemCategory, ItemState
from inventory.ressourcerie.items import IntakeData, change_state, record_intake, set_price
from pos.models import Till
from pos.services.sessions import open_session
from tests.inventory.ressourcerie.conftest import collection_type

RUNS = 200
PASSWORD = "banc-d-essai-ressourcerie"  # a throwaway account of the bench


def _p50(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _build(flask_app) -> tuple[list[str], int, int]:
    """A staff account, a cashier on an open till, and RUNS items ready for sale."""
    now = utcnow()
    with flask_app.app_context():
        drop_all_tables(db.engine)
        upgrade(directory=MIGRATIONS_DIRECTORY)
        session = db.session
        staff = create_user(
            session,
            None,
            now,
            NewUser("Karim", Role.ENCADRANT, username="karim", password=PASSWORD),
        )
        cashier = create_user(
            session,
            None,
            now,
            NewUser("Nadia", Role.CAISSIER, badge_code=complete_ean13("041000000001"), pin="1234"),
        )
        till = Till(code="C1", name="Caisse 1", is_active=True)
        session.add(till)
        session.flush()
        open_session(session, till, cashier, now, {"2000": 5})
        furniture = session.scalar(sa.select(ItemCategory).where(ItemCategory.name == "Mobilier"))
        numbers = []
        for index in range(RUNS):
            _intake, item = record_intake(
                session,
                staff.id,
                now,
                shop_date(now),
                IntakeData(
                    furniture.id,
                    collection_type(session, "Apport volontaire"),
                    shop_date(now),
                    12_000,
                    0,
                    f"Chaise {index}",
                    True,
                ),
            )
            set_price(session, staff.id, now, item, 500)
            change_state(session, staff.id, now, item, ItemState.READY)
            numbers.append(item.number)
        session.commit()
        return numbers, furniture.id, collection_type(session, "Apport volontaire")


def measure_intakes(base_url: str, category_id: int, type_id: int) -> list[float]:
    """The intake form posted as the page does (a weighed bag of textiles, 8,5 kg gross), then
    the page the browser shows after the redirect (not timed)."""
    browser = Browser(base_url)
    browser.get("/login")
    browser.post_form(
        "/login", {"username": "karim", "password": PASSWORD, "csrf_token": browser.token}
    )
    browser.get("/stock/ressourcerie/")
    fields = {
        "csrf_token": browser.token,
        "category_id": str(category_id),
        "collection_type_id": str(type_id),
        "collected_on": shop_date(utcnow()).isoformat(),
        "gross_kg": "8,5",
        "container": "caisse",
    }
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        status, _page = browser.post_form("/stock/ressourcerie/", fields)
        timings.append(time.perf_counter() - started)
        assert status == 302, status
        browser.get("/stock/ressourcerie/")
    return timings


def measure_sales(base_url: str, numbers: list[str]) -> list[float]:
    """One ready item sold in cash, through the till's API (ticket, journal, stock, audit)."""
    till = Browser(base_url)
    till.get("/login/badge")
    till.post_form(
        "/login/badge",
        {"badge": complete_ean13("041000000001"), "pin": "1234", "csrf_token": till.token},
    )
    till.get("/pos/till?till=C1")
    timings = []
    for number in numbers:
        body = {
            "uuid": str(uuid.uuid4()),
            "till": "C1",
            "lines": [],
            "items": [number],
            "payments": [{"method": "cash", "amount_cents": 500}],
            "expected_total_cents": 500,
        }
        started = time.perf_counter()
        status, answer = till.post_json("/api/pos/sales", body)
        timings.append(time.perf_counter() - started)
        assert status == 201, answer
    return timings


def main() -> None:
    folder = tempfile.mkdtemp(prefix="caisse-ressourcerie-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "JOURNAL_HEAD_FILE": "off"}
    )
    numbers, category_id, type_id = _build(flask_app)
    base_url, server = serve_in_background(flask_app)
    with flask_app.app_context():
        print(f"database: {db.engine.dialect.name}")
    floor = Browser(base_url)
    floor_timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        floor.request("GET", "/healthz")
        floor_timings.append(time.perf_counter() - started)
    # The machine's own speed: the lightest request there is, through the same server and
    # client (the targets were set on a machine where this is about 0,5 ms).
    print(f"http_floor_healthz_p50: {_p50(floor_timings):.2f} ms (reference, no target)")
    intakes = measure_intakes(base_url, category_id, type_id)
    print(
        f"ressourcerie_intake_http_p50: {_p50(intakes):.2f} ms "
        "(target <= 4 ms on SQLite; ORessource 2.95 ms)"
    )
    print(
        f"ressourcerie_one_item_sale_http_p50: {_p50(measure_sales(base_url, numbers)):.2f} ms "
        "(target <= 8 ms on SQLite; ORessource 3.05 ms)"
    )
    server.close()


if __name__ == "__main__":
    main()
