"""Inventory benchmark: 50,000 products and 2,000,000 stock movements, then the lookups a
shop does all day. Usage: ``.venv/bin/python bench/inventory_bench.py`` (SQLite in a temporary
folder) or with ``BENCH_DATABASE_URL=postgresql://…`` (the database is emptied first).
Prints one line per figure: ``name: value unit (target …)``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.sites.models import FIRST_SITE_ID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from app import MIGRATIONS_DIRECTORY, create_app
from app.barcodes import complete_ean13
from app.extensions import db
from app.orm import drop_all_tables
from inventory.models import Category, Lot, Product, ProductBarcode, StockMovement
from inventory.nomenclature import load_rules, parse_scan
from inventory.services.expiry import expiry_report
from inventory.services.ledger import stock_on_hand
from inventory.services.products import search_products

PRODUCTS = 50_000
LOTS_PER_PRODUCT = 3
MOVEMENTS = 2_000_000
SAMPLES = 500
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
WORDS = (
    "pâtes",
    "riz",
    "lait",
    "café",
    "thé",
    "sucre",
    "farine",
    "huile",
    "sauce",
    "tomate",
    "biscuits",
    "confiture",
    "yaourt",
    "fromage",
    "jambon",
    "savon",
    "lessive",
    "couches",
    "compote",
    "céréales",
    "chocolat",
    "jus",
    "eau",
    "sel",
    "poivre",
    "lentilles",
)


def _reset(url: str):
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "JOURNAL_HEAD_FILE": "off"}
    )
    with flask_app.app_context():
        drop_all_tables(db.engine)
        upgrade(directory=MIGRATIONS_DIRECTORY)
    return flask_app


def _build(rng: random.Random) -> list[str]:
    connection = db.session.connection()
    connection.execute(sa.insert(Category), [{"id": i, "name": f"Rayon {i}"} for i in range(1, 41)])
    products, barcodes, codes = [], [], []
    for pid in range(1, PRODUCTS + 1):
        name = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} n°{pid}"
        products.append(
            {
                "id": pid,
                "name": name,
                "search_name": name.lower().replace("â", "a").replace("é", "e"),
                "category_id": pid % 40 + 1,
                "unit": "piece",
                "reference_price_cents": rng.randint(50, 1500),
                "vat_rate_bp": 550,
                "is_active": True,
                "created_at": NOW,
            }
        )
        code = complete_ean13(f"3{pid:011d}")
        barcodes.append({"product_id": pid, "code": code})
        codes.append(code)
    connection.execute(sa.insert(Product), products)
    connection.execute(sa.insert(ProductBarcode), barcodes)
    lots = []
    lot_id = 0
    for pid in range(1, PRODUCTS + 1):
        for _ in range(LOTS_PER_PRODUCT):
            lot_id += 1
            dated = rng.random()
            lots.append(
                {
                    "id": lot_id,
                    "product_id": pid,
                    "quantity": 1000,
                    "origin": "purchase",
                    "reference_value_cents": 1000,
                    "received_at": NOW,
                    "use_by": TODAY + timedelta(days=rng.randint(-10, 60)) if dated < 0.3 else None,
                    "best_before": TODAY + timedelta(days=rng.randint(-30, 400))
                    if dated >= 0.3
                    else None,
                }
            )
    connection.execute(sa.insert(Lot), lots)
    movements = [
        {
            "product_id": lot["product_id"],
            "lot_id": lot["id"],
            "kind": "receive",
            "quantity": 1000,
            "at": NOW - timedelta(days=30),
        }
        for lot in lots
    ]
    connection.execute(sa.insert(StockMovement), movements)
    sales = MOVEMENTS - len(movements)
    for start in range(0, sales, 50_000):
        batch = []
        for index in range(start, min(start + 50_000, sales)):
            lot = lots[rng.randrange(len(lots))]
            batch.append(
                {
                    "product_id": lot["product_id"],
                    "lot_id": lot["id"],
                    "kind": "sale",
                    "quantity": -1,
                    "at": NOW - timedelta(minutes=index % 40_000),
                }
            )
        connection.execute(sa.insert(StockMovement), batch)
    db.session.commit()
    with db.engine.begin() as fresh:
        fresh.exec_driver_sql("ANALYZE")
    return codes


def _p95_ms(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100)[94] * 1000


def _time(function, arguments) -> list[float]:
    timings = []
    for argument in arguments:
        start = time.perf_counter()
        function(argument)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="caisse-bench-")
    url = url or f"sqlite:///{folder}/bench.sqlite3"
    flask_app = _reset(url)
    rng = random.Random(7)
    with flask_app.app_context():
        if db.engine.dialect.name == "sqlite":
            # Bulk load without waiting for the disk; the measures below use normal settings.
            def _fast(dbapi_connection, record):
                dbapi_connection.execute("PRAGMA synchronous=OFF")

            sa.event.listen(db.engine, "connect", _fast)
            db.engine.dispose()
        started = time.perf_counter()
        codes = _build(rng)
        if db.engine.dialect.name == "sqlite":
            sa.event.remove(db.engine, "connect", _fast)
            db.engine.dispose()
        print(f"database: {db.engine.dialect.name}")
        print(
            f"build_{PRODUCTS}_products_{MOVEMENTS}_movements: "
            f"{time.perf_counter() - started:.1f} s (no target)"
        )
        session = db.session
        rules = load_rules(session)
        sample_codes = [rng.choice(codes) for _ in range(SAMPLES)]
        lookups = _time(lambda code: parse_scan(session, code, rules), sample_codes)
        print(f"barcode_lookup_p95: {_p95_ms(lookups):.2f} ms (target < 5 ms)")
        sample_ids = [rng.randint(1, PRODUCTS) for _ in range(SAMPLES)]
        stock = _time(lambda pid: stock_on_hand(session, pid, FIRST_SITE_ID), sample_ids)
        print(f"stock_on_hand_p95: {_p95_ms(stock):.2f} ms (target < 5 ms)")
        terms = [
            rng.choice(WORDS) + (" " + rng.choice(WORDS) if rng.random() < 0.5 else "")
            for _ in range(200)
        ]
        searches = _time(lambda term: search_products(session, term), terms)
        print(f"name_search_p95: {_p95_ms(searches):.2f} ms (target < 30 ms)")
        session.expunge_all()
        start = time.perf_counter()
        report = expiry_report(session, TODAY)
        elapsed = (time.perf_counter() - start) * 1000
        lots = len(report.past_use_by) + len(report.use_by_soon) + len(report.past_best_before)
        print(f"expiry_report: {elapsed:.0f} ms for {lots} lots (target < 500 ms)")
        db.engine.dispose()


if __name__ == "__main__":
    main()
