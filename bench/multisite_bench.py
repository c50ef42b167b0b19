"""Several sites on one PostgreSQL, measured (issue 25): 50 sites × 4 tills.

1. **200 tills selling at once** through the shop's server (waitress in its own process, as
   ``caisse serve``), from a pool of HTTP clients, each sale sent twice (the till's retry):
   every sale recorded once, each till's numbers gap-free; sales/s and p95 printed.
2. **Verify one site's journal**, before and after the other sites' history is loaded: its
   time does not depend on their size.
3. **Three years of history** for the other 49 sites, loaded in bulk (≥ 10 million sale lines,
   as a migration from another software would bring them: without their journal), then the
   **yearly sales report** of one site and of all 50 sites added up (a person given every
   site), through the same code as the report pages.

Usage: ``.venv/bin/python bench/multisite_bench.py`` — it creates (and empties) the database
``caisse_multisite_bench`` on the PostgreSQL of ``BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), owned by the role
``caisse_multisite_bench_owner`` the application connects as (not a superuser: row-level
security applies, as in production; ``--as-superuser`` to measure without it). ``--lines N``
for a smaller history.
Prints one line per figure: ``name: value unit (target …)``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from flask_migrate import upgrade
from sqlalchemy import func, make_url, select, text
from sqlalchemy.orm import Session

from app import MIGRATIONS_DIRECTORY, create_app
from app.barcodes import complete_ean13
from app.clock import shop_date, utcnow
from app.extensions import db
from app.sites.models import FIRST_SITE_ID
from app.sites.scope import across_my_sites, limit_to
from app.sites.services import create_site
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from bench.browser import Browser, serve_in_background
from inventory.models import LotOrigin, StockUnit
from inventory.services.products import ProductData, create_product, get_or_create_category
from inventory.services.receptions import LotData, ReceptionData, receive_line, start_reception
from pos.journal.verify import verify_journal
from pos.models import Sale, Till
from pos.services.sessions import open_session
from reports.periods import period_of
from reports.sales import sales_report

SITES, TILLS_PER_SITE, PRODUCTS = 50, 4, 40
SALES_PER_TILL_LIVE = 6  # the 200 tills at once: 1 200 sales, 2 400 requests
LINES_PER_SALE = 4
PIN = "1234"
DATABASE = "caisse_multisite_bench"
OWNER = "caisse_multisite_bench_owner"  # the application's account: not a superuser


def _database_url(as_superuser: bool = False) -> str:
    """The bench's own database, owned by the account the application runs as — not a
    superuser, as in production: row-level security holds every figure measured here
    (``as_superuser``: the server's own account, which passes it, to measure its cost)."""
    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"DROP ROLE IF EXISTS {OWNER}")
        connection.execute(f"CREATE ROLE {OWNER} LOGIN")
        connection.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
    url = make_url(server).set(database=DATABASE)
    if not as_superuser:
        url = url.set(username=OWNER, password=None)
    return url.render_as_string(hide_password=False)


def _badge(site: int, till: int) -> str:
    return complete_ean13(f"041{site:05d}{till:04d}")


def _seed(flask_app) -> tuple[list[int], list[int]]:
    """50 sites, each with 4 open tills, a cashier per till and stock of every product."""
    now = utcnow()
    with flask_app.app_context():
        upgrade(directory=MIGRATIONS_DIRECTORY)
        session = db.session
        staff = create_user(
            session,
            None,
            now,
            NewUser("Réseau", Role.ENCADRANT, username="reseau", password="banc-multisite"),
        )
        category = get_or_create_category(session, "Épicerie")
        products = [
            create_product(
                session,
                None,
                now,
                ProductData(f"Produit {n}", category.id, StockUnit.PIECE, 100 + n),
                [complete_ean13(f"200{n:09d}")],
            )
            for n in range(PRODUCTS)
        ]
        site_ids = []
        for number in range(1, SITES + 1):
            site_id = (
                FIRST_SITE_ID
                if number == 1
                else create_site(session, None, now, f"S{number:02d}", f"Site {number:02d}").id
            )
            site_ids.append(site_id)
            reception = start_reception(
                session, staff.id, now, ReceptionData(LotOrigin.PURCHASE, site_id=site_id)
            )
            for product in products:
                receive_line(
                    session,
                    staff.id,
                    now,
                    reception,
                    product,
                    LotData(10_000, best_before=shop_date(now) + timedelta(days=600)),
                )
            prefix = "" if number == 1 else f"S{number:02d}-"
            for till_number in range(1, TILLS_PER_SITE + 1):
                till = Till(
                    code=f"{prefix}C{till_number}",
                    name=f"Caisse {till_number}",
                    is_active=True,
                    site_id=site_id,
                )
                session.add(till)
                cashier = create_user(
                    session,
                    None,
                    now,
                    NewUser(
                        f"Caisse {number}-{till_number}",
                        Role.CAISSIER,
                        badge_code=_badge(number, till_number),
                        pin=PIN,
                        site_ids=(site_id,),
                    ),
                )
                session.flush()
                open_session(session, till, cashier, now, {"2000": 5})
            session.commit()
        return site_ids, [p.id for p in products]


def _log_in(base_url: str, number: int, till_number: int) -> tuple[str, Browser]:
    """A till's page opened by its cashier (badge and PIN), as in the morning."""
    code = ("" if number == 1 else f"S{number:02d}-") + f"C{till_number}"
    till = Browser(base_url, timeout=300)
    till.get("/login/badge")
    till.post_form(
        "/login/badge",
        {"badge": _badge(number, till_number), "pin": PIN, "csrf_token": till.token},
    )
    till.get(f"/pos/till?till={code}")
    return code, till


def _sell_at(code: str, till: Browser, product_ids: list[int]):
    """Each sale is sent, then sent again (the till's retry: answered from the first)."""
    timings, uuids, problems = [], [], []
    for index in range(SALES_PER_TILL_LIVE):
        product_id = product_ids[(sum(map(ord, code)) + index * 7) % len(product_ids)]
        price = 100 + product_ids.index(product_id)
        body = {
            "uuid": str(uuid.uuid4()),
            "till": code,
            "lines": [{"product_id": product_id, "quantity": 1}],
            "payments": [{"method": "cash", "amount_cents": price}],
            "expected_total_cents": price,
        }
        for attempt in (1, 2):
            started = time.perf_counter()
            status, answer = till.post_json("/api/pos/sales", body)
            timings.append(time.perf_counter() - started)
            if status != (201 if attempt == 1 else 200):
                problems.append(f"{code}: {status} {answer[:200]}")
        uuids.append(body["uuid"])
    return code, timings, uuids, problems


def live_selling(flask_app, site_count: int, product_ids: list[int]) -> None:
    # 200 browsers kept alive straight on waitress (a proxy in front would share connections)
    base_url, server = serve_in_background(flask_app, threads=16, connections=400)
    tills = [(n, t) for n in range(1, site_count + 1) for t in range(1, TILLS_PER_SITE + 1)]
    with ThreadPoolExecutor(max_workers=32) as pool:  # the morning: every till opened
        opened = list(pool.map(lambda nt: _log_in(base_url, *nt), tills))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(opened)) as pool:  # then all of them at once
        results = list(pool.map(lambda ct: _sell_at(*ct, product_ids), opened))
    elapsed = time.perf_counter() - started
    server.close()
    timings = sorted(t for _code, ts, _u, _p in results for t in ts)
    problems = [p for *_rest, ps in results for p in ps]
    sold = {code: uuids for code, _t, uuids, _p in results}
    with flask_app.app_context(), Session(db.engine) as session:
        recorded = dict(
            session.execute(
                select(Till.code, func.count(Sale.id)).join(Sale).group_by(Till.code)
            ).all()
        )
        numbers_ok = all(
            session.scalar(select(func.max(Sale.number)).join(Till).where(Till.code == code))
            == recorded.get(code)
            == len(uuids)
            for code, uuids in sold.items()
        )
    assert not problems, problems[:5]
    assert numbers_ok and sum(recorded.values()) == sum(len(u) for u in sold.values())
    total = sum(len(u) for u in sold.values())
    print(f"tills_selling_at_once: {len(opened)} tills (target 200)")
    print(f"sales_recorded_once: {total} of {total} sent twice each (target all, once)")
    print("ticket_numbers_gap_free: yes (target yes, per till and site)")
    print(f"sales_per_second: {total / elapsed:.1f} sales/s (each sent twice; no target)")
    p95 = timings[int(len(timings) * 0.95)] * 1000
    print(f"sale_request_p95: {p95:.0f} ms (no target; {len(timings)} requests, 2 cores)")


def _verify_seconds(flask_app, site_id: int) -> tuple[float, int]:
    with flask_app.app_context(), Session(db.engine) as session:
        started = time.perf_counter()
        result = verify_journal(session, site_id)
        assert result.ok, result.message
        return time.perf_counter() - started, result.count


def load_history(flask_app, lines: int, first_site: int) -> int:
    """Three years of sales for the tills of sites ``first_site``… in plain SQL (the database
    writes each sale's site, as for any sale)."""
    with flask_app.app_context(), db.engine.begin() as connection:
        tills = connection.execute(
            text(
                "SELECT t.id, s.id, s.opened_by_id, t.last_ticket_number FROM tills t "
                "JOIN cash_sessions s ON s.till_id = t.id WHERE t.site_id >= :first "
                "AND t.offline_of_id IS NULL"
            ),
            {"first": first_site},
        ).all()
        per_till = lines // LINES_PER_SALE // len(tills) + 1
        for till_id, session_id, operator_id, last in tills:
            connection.execute(
                text(
                    "INSERT INTO sales (uuid, kind, till_id, number, session_id, operator_id, "
                    "created_at, reference_total_cents, total_cents, change_cents, "
                    "receipt_requested) SELECT "
                    "md5(CAST(:till AS text) || '-' || CAST(g AS text)), 'sale', "
                    ":till, :last + g, :session, :operator, now() - interval '1095 days' + "
                    "(g * interval '1095 days' / :count), 4 * 150, 4 * 150, 0, false "
                    "FROM generate_series(1, :count) g"
                ),
                {
                    "till": till_id,
                    "last": last,
                    "session": session_id,
                    "operator": operator_id,
                    "count": per_till,
                },
            )
            connection.execute(
                text("UPDATE tills SET last_ticket_number = :n WHERE id = :till"),
                {"n": last + per_till, "till": till_id},
            )
        connection.execute(
            text(
                "INSERT INTO sale_lines (sale_id, product_id, label, quantity, unit_price_cents, "
                "reference_amount_cents, amount_cents, vat_rate_bp) SELECT s.id, p.id, p.name, "
                "1, 150, 150, 150, 550 FROM sales s CROSS JOIN generate_series(1, :n) k "
                "JOIN products p ON p.id = (SELECT min(id) FROM products) + (s.id + k) % :p "
                "WHERE s.till_id IN (SELECT id FROM tills WHERE site_id >= :first) "
                "AND s.created_at < now() - interval '1 hour' ORDER BY s.id, k"
            ),
            {"n": LINES_PER_SALE, "p": PRODUCTS, "first": first_site},
        )
        connection.execute(
            text(
                "INSERT INTO sale_payments (sale_id, method, amount_cents, tendered_cents) "
                "SELECT id, 'cash', total_cents, total_cents FROM sales "
                "WHERE created_at < now() - interval '1 hour' AND till_id IN "
                "(SELECT id FROM tills WHERE site_id >= :first)"
            ),
            {"first": first_site},
        )
    with flask_app.app_context(), db.engine.connect() as connection:
        # The statistics a database keeps after a load (autovacuum would, later).
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        return connection.scalar(text("SELECT count(*) FROM sale_lines"))


def yearly_reports(flask_app, site_ids: list[int]) -> None:
    year = period_of("annee", shop_date(utcnow()) - timedelta(days=400))
    with flask_app.app_context(), Session(db.engine) as session:
        limit_to(session, site_ids[1], [site_ids[1]])
        started = time.perf_counter()
        one = sales_report(session, year)
        one_site = time.perf_counter() - started
        session.rollback()
        limit_to(session, site_ids[1], site_ids)
        with across_my_sites(session):
            started = time.perf_counter()
            every = sales_report(session, year)
            consolidated = time.perf_counter() - started
    first, total = one.tables[0].total, every.tables[0].total
    print(f"yearly_report_one_site: {one_site:.2f} s (target < 2 s; {first[1]} sales)")
    print(
        f"yearly_report_consolidated: {consolidated:.2f} s "
        f"(target < 10 s; {total[1]} sales, {len(site_ids)} sites)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument(
        "--as-superuser",
        action="store_true",
        help="connect as the server's superuser (row-level security passed): its cost, compared",
    )
    arguments = parser.parse_args()
    url = _database_url(arguments.as_superuser)
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "JOURNAL_HEAD_FILE": "off"}
    )
    started = time.perf_counter()
    site_ids, product_ids = _seed(flask_app)
    with flask_app.app_context():
        superuser = db.session.scalar(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        )
        db.session.remove()
    security = "bypassed: superuser" if superuser else "on"
    print(
        f"database: postgresql ({SITES} sites × {TILLS_PER_SITE} tills; "
        f"row-level security {security})"
    )
    print(f"seed_time: {time.perf_counter() - started:.0f} s (no target)")
    live_selling(flask_app, SITES, product_ids)
    before, entries = _verify_seconds(flask_app, FIRST_SITE_ID)
    started = time.perf_counter()
    total_lines = load_history(flask_app, arguments.lines, site_ids[1])
    print(f"history_loaded: {total_lines} sale lines in {time.perf_counter() - started:.0f} s")
    after, _count = _verify_seconds(flask_app, FIRST_SITE_ID)
    print(
        f"verify_one_site_journal: {before * 1000:.0f} ms before, {after * 1000:.0f} ms after "
        f"the others' {total_lines} lines ({entries} entries; target: unaffected)"
    )
    yearly_reports(flask_app, site_ids)
    print(f"total_time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
