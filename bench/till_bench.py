"""Till benchmark: server time to validate a 30-line sale, scan-to-line in Chromium with a
20,000-product catalogue, and sales per second with 8 tills at once.

Usage: ``.venv/bin/python bench/till_bench.py`` (SQLite in a temporary folder), or with
``BENCH_DATABASE_URL=postgresql://…`` (that database is emptied first). Needs Chromium
(``/usr/bin/chromium``). Prints one line per figure: ``name: value unit (target …)``. SQLite
commits with ``synchronous=FULL``; ``CAISSE_SQLITE_SYNCHRONOUS=NORMAL`` measures what it costs.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import MIGRATIONS_DIRECTORY, create_app
from app.barcodes import complete_ean13
from app.clock import shop_date, utcnow
from app.extensions import db
from app.orm import drop_all_tables
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from inventory.models import Category, Lot, Product, ProductBarcode, StockMovement
from pos.models import PaymentMethod, Till
from pos.services.sessions import open_session
from tests.pos.http_till import HttpTill

PRODUCTS = 20_000
TILLS = 8
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _p(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] * 1000


def _build(flask_app) -> list[str]:
    now = utcnow()
    with flask_app.app_context():
        drop_all_tables(db.engine)
        upgrade(directory=MIGRATIONS_DIRECTORY)
        session = db.session
        connection = session.connection()
        connection.execute(sa.insert(Category), [{"id": 1, "name": "Épicerie"}])
        codes = [complete_ean13(f"3{pid:011d}") for pid in range(1, PRODUCTS + 1)]
        connection.execute(
            sa.insert(Product),
            [
                {
                    "id": pid,
                    "name": f"Produit {pid}",
                    "search_name": f"produit {pid}",
                    "category_id": 1,
                    "unit": "piece",
                    "reference_price_cents": 100 + pid % 900,
                    "vat_rate_bp": 550,
                    "is_active": True,
                    "created_at": now,
                }
                for pid in range(1, PRODUCTS + 1)
            ],
        )
        connection.execute(
            sa.insert(ProductBarcode),
            [{"product_id": pid, "code": codes[pid - 1]} for pid in range(1, PRODUCTS + 1)],
        )
        best_before = shop_date(now) + timedelta(days=300)
        connection.execute(
            sa.insert(Lot),
            [
                {
                    "id": pid,
                    "product_id": pid,
                    "quantity": 100_000,
                    "origin": "purchase",
                    "reference_value_cents": 0,
                    "received_at": now,
                    "best_before": best_before,
                }
                for pid in range(1, PRODUCTS + 1)
            ],
        )
        connection.execute(
            sa.insert(StockMovement),
            [
                {
                    "product_id": pid,
                    "lot_id": pid,
                    "kind": "receive",
                    "quantity": 100_000,
                    "at": now,
                }
                for pid in range(1, PRODUCTS + 1)
            ],
        )
        for number in range(1, TILLS + 1):
            till = Till(code=f"T{number}", name=f"Caisse {number}", is_active=True)
            session.add(till)
            cashier = create_user(
                session,
                None,
                now,
                NewUser(
                    f"Caissier {number}",
                    Role.CAISSIER,
                    badge_code=complete_ean13(f"04100000{number:04d}"),
                    pin="1234",
                ),
            )
            session.flush()
            open_session(session, till, cashier, now, {"2000": 5})
        session.commit()
    return codes


def _sale(till_code: str, rng: random.Random, lines: int) -> dict:
    chosen = rng.sample(range(1, PRODUCTS + 1), lines)
    total = sum(100 + pid % 900 for pid in chosen)
    return {
        "uuid": str(uuid.uuid4()),
        "till": till_code,
        "lines": [{"product_id": pid, "quantity": 1} for pid in chosen],
        "payments": [{"method": "card", "amount_cents": total}],
        "expected_total_cents": total,
    }


def measure_validation(base_url: str, rng: random.Random) -> list[float]:
    till = HttpTill(base_url, "T1")
    till.login(complete_ean13("041000000001"), "1234")
    timings = []
    for _ in range(200):
        body = _sale("T1", rng, 30)
        started = time.perf_counter()
        status, answer = till.call("POST", "/api/pos/sales", body)
        timings.append(time.perf_counter() - started)
        assert status == 201, answer
    return timings


def measure_record_sale(flask_app, rng: random.Random) -> tuple[list[float], list[float]]:
    """In-process: ``record_sale`` for a 30-line basket (the service's own time, up to the
    flush), and the same followed by the commit (what a till waits for, minus HTTP)."""
    from app.users.models import User
    from pos.services.basket import LineRequest, PaymentRequest, SaleRequest
    from pos.services.sales import record_sale

    service, committed = [], []
    with flask_app.app_context():
        operator_id = db.session.scalar(sa.select(User.id).where(User.display_name == "Caissier 1"))
        db.session.commit()  # each sale then begins its own transaction, as a request does
        for _ in range(200):
            body = _sale("T1", rng, 30)
            request = SaleRequest(
                uuid=body["uuid"],
                till_code="T1",
                lines=tuple(
                    LineRequest(product_id=line["product_id"], quantity=1) for line in body["lines"]
                ),
                payments=(
                    PaymentRequest(
                        method=PaymentMethod.CARD, amount_cents=body["expected_total_cents"]
                    ),
                ),
                expected_total_cents=body["expected_total_cents"],
            )
            now = utcnow()
            # As in a request: a POST on SQLite begins with the write lock (app/__init__.py),
            # then the login check loads the user, then the view runs.
            if db.engine.dialect.name == "sqlite":
                db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            operator = db.session.get(User, operator_id)
            started = time.perf_counter()
            record_sale(db.session, operator, now, shop_date(now), request)
            db.session.flush()
            flushed = time.perf_counter()
            db.session.commit()
            service.append(flushed - started)
            committed.append(time.perf_counter() - started)
        db.session.remove()
    return service, committed


SCAN_SCRIPT = """async (codes) => {
  const timings = [];
  const lines = document.querySelector('#cart-lines');
  for (const [index, code] of codes.entries()) {
    if (index % 30 === 0) document.querySelector('#cancel-sale').click();
    const before = lines.children.length;
    const start = performance.now();
    for (const key of code) document.dispatchEvent(new KeyboardEvent('keydown', {key}));
    document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));
    await Promise.resolve();
    const added = lines.querySelectorAll('li').length;
    timings.push(performance.now() - start);
    if (added === before && index % 30 !== 0) throw new Error('scan did not add a line');
  }
  return timings;
}"""


def measure_scan(base_url: str, codes: list[str], rng: random.Random) -> list[float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base_url + "/login/badge")
        page.wait_for_selector("#badge-form[data-ready]")
        page.fill("#badge", complete_ean13("041000000002"))
        page.fill("#pin", "1234")
        page.click("button.key-ok")
        page.goto(base_url + "/pos/till?till=T2")
        page.wait_for_selector("#till-app[data-ready]")
        sample = [rng.choice(codes) for _ in range(300)]
        timings = page.evaluate(SCAN_SCRIPT, sample)
        browser.close()
    return [t / 1000 for t in timings]


def measure_throughput(base_url: str, seconds: float = 10.0) -> float:
    done = [0] * TILLS
    stop = time.monotonic() + seconds

    def run(number: int) -> None:
        rng = random.Random(number)
        till = HttpTill(base_url, f"T{number}")
        till.login(complete_ean13(f"04100000{number:04d}"), "1234")
        while time.monotonic() < stop:
            status, answer = till.call("POST", "/api/pos/sales", _sale(f"T{number}", rng, 5))
            assert status == 201, answer
            done[number - 1] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(1, TILLS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="caisse-till-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "JOURNAL_HEAD_FILE": "off"}
    )
    codes = _build(flask_app)
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    rng = random.Random(3)
    with flask_app.app_context():
        mode = (
            f" (synchronous={flask_app.config['SQLITE_SYNCHRONOUS']})"
            if db.engine.dialect.name == "sqlite"
            else ""
        )
        print(f"database: {db.engine.dialect.name}{mode}")
    service, committed = measure_record_sale(flask_app, rng)
    print(
        f"record_sale_30_lines_p50: {_p(service, 50):.1f} ms (target <= 5 ms on SQLite, in process)"
    )
    print(
        f"record_sale_30_lines_committed_p50: {_p(committed, 50):.1f} ms "
        "(no target, with the commit)"
    )
    validation = measure_validation(base_url, rng)
    print(f"validate_30_line_sale_p50: {_p(validation, 50):.1f} ms (no target)")
    print(f"validate_30_line_sale_p95: {_p(validation, 95):.1f} ms (target < 50 ms on SQLite)")
    scans = measure_scan(base_url, codes, rng)
    print(
        f"scan_to_line_p95_{PRODUCTS}_products: {_p(scans, 95):.2f} ms (target < 16 ms, "
        "measured in Chromium)"
    )
    rate = measure_throughput(base_url)
    print(f"sales_per_second_{TILLS}_tills: {rate:.1f} sales/s (5-line sales, no target)")
    server.shutdown()
    re.purge()


if __name__ == "__main__":
    main()
