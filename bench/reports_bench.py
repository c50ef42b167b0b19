"""Reports benchmark: three years of one site (1,000,000+ sale lines, 200,000 stock movements,
500 households, the ressourcerie and the ateliers), then each report for the last year (target
< 2 s) and for its last month.

Usage: ``.venv/bin/python bench/reports_bench.py`` (SQLite in a temporary folder; set
``BENCH_DATABASE_URL`` for PostgreSQL, which is emptied first). Prints ``name: value unit
(target …)``. Data go in with bulk inserts (the services would take hours for a million lines);
the reports then read them exactly as in production.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import insert, text

from app import MIGRATIONS_DIRECTORY, create_app
from app.extensions import db
from app.orm import drop_all_tables
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from inventory.models import (
    Category,
    Intake,
    ItemCategory,
    Lot,
    LotOrigin,
    MovementKind,
    Product,
    StockMovement,
    StockUnit,
)
from participants.models import Household, HouseholdCard, Person
from pos.models import CashSession, Sale, SaleLine, SalePayment, Till
from reports.food_aid import food_aid_report
from reports.others import ateliers_report, ressourcerie_report
from reports.periods import period_of
from reports.sales import sales_report

LAST_DAY = date(2026, 10, 31)
FIRST_DAY = date(2023, 11, 1)
SALE_LINES = int(os.environ.get("BENCH_SALE_LINES", "1000000"))
MOVEMENTS = 200_000
HOUSEHOLDS = 500
CHUNK = 20_000


def _bulk(table, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])
    db.session.commit()


def build(rng: random.Random) -> None:
    now = datetime.now(UTC)
    user = create_user(
        db.session,
        None,
        now,
        NewUser("Bench", Role.ENCADRANT, username="bench", password="motdepasse-sur"),
    )
    db.session.commit()
    categories = [Category(name=f"Catégorie {n}") for n in range(10)]
    db.session.add_all(categories)
    db.session.flush()
    products = [
        {
            "id": n + 1,
            "name": f"Produit {n}",
            "search_name": f"produit {n}",
            "category_id": categories[n % 10].id,
            "unit": StockUnit.KILOGRAM if n % 10 == 0 else StockUnit.PIECE,
            "reference_price_cents": 50 + n * 7 % 600,
            "vat_rate_bp": 550,
            "net_content": None if n % 10 == 0 else 250 + n % 4 * 250,
            "is_active": True,
            "created_at": now,
        }
        for n in range(300)
    ]
    _bulk(Product.__table__, products)
    origins = list(LotOrigin)
    days = (LAST_DAY - FIRST_DAY).days + 1
    lots = [
        {
            "id": n + 1,
            "product_id": n % 300 + 1,
            "quantity": 10_000,
            "reference_value_cents": 100_000,
            "origin": origins[n % len(origins)],
            "best_before": LAST_DAY + timedelta(days=400),
            "received_at": datetime.combine(
                FIRST_DAY + timedelta(days=n * days // 5000), datetime.min.time(), UTC
            ),
        }
        for n in range(5000)
    ]
    _bulk(Lot.__table__, lots)
    movements = [
        {
            "product_id": lot["product_id"],
            "lot_id": lot["id"],
            "kind": MovementKind.RECEIVE,
            "quantity": 10_000,
            "at": lot["received_at"],
            "actor_id": user.id,
        }
        for lot in lots
    ]
    kinds = [MovementKind.SALE] * 18 + [MovementKind.EXPIRED_DESTROYED, MovementKind.LOSS]
    for n in range(MOVEMENTS - len(lots)):
        lot = lots[n % len(lots)]
        moment = lot["received_at"] + timedelta(hours=rng.randint(1, 24 * 30))
        movements.append(
            {
                "product_id": lot["product_id"],
                "lot_id": lot["id"],
                "kind": kinds[n % 20],
                "quantity": -rng.randint(1, 5),
                "at": moment,
                "actor_id": user.id,
                "reference": "bench",
            }
        )
    _bulk(StockMovement.__table__, movements)
    households, cards, persons = [], [], []
    for n in range(HOUSEHOLDS):
        code = f"042{n:010d}"
        households.append(
            {
                "id": n + 1,
                "card_code": code,
                "display_name": f"Foyer {n}",
                "referring_body": "ccas",
                "referrer_name": "CCAS",
                "created_at": now,
            }
        )
        cards.append({"household_id": n + 1, "code": code, "issued_at": now})
        for m in range(1 + n % 5):
            persons.append(
                {
                    "household_id": n + 1,
                    "first_name": "P",
                    "birth_year": 1940 + (n * 7 + m * 13) % 85,
                    "sex": "FMX"[m % 3],
                    "kinship": "reference" if m == 0 else "child",
                }
            )
    _bulk(Household.__table__, households)
    _bulk(HouseholdCard.__table__, cards)
    _bulk(Person.__table__, persons)
    db.session.add_all([Till(code="C1", name="Caisse 1"), Till(code="C2", name="Caisse 2")])
    db.session.commit()
    sessions, sales, lines, payments = [], [], [], []
    sales_count = -(-SALE_LINES // 3)  # three lines a ticket: at least SALE_LINES lines
    per_day = 2 * (sales_count // (2 * days) + 1)
    sale_id = line_id = 0
    for day_index in range(days):
        day = FIRST_DAY + timedelta(days=day_index)
        for till in (1, 2):
            session_id = len(sessions) + 1
            opened = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8)
            sessions.append(
                {
                    "id": session_id,
                    "till_id": till,
                    "status": "closed",
                    "business_date": day,
                    "opened_at": opened,
                    "opened_by_id": user.id,
                    "float_cents": 5000,
                    "float_detail": {},
                    "closed_at": opened + timedelta(hours=9),
                    "closed_by_id": user.id,
                    "difference_cents": rng.choice((0, 0, 0, -50, 120)),
                }
            )
            for k in range(per_day // 2):
                if sale_id >= sales_count:
                    break
                sale_id += 1
                card = f"042{rng.randrange(HOUSEHOLDS):010d}" if k % 4 else None
                total = 0
                for _ in range(3):
                    line_id += 1
                    product = products[rng.randrange(300)]
                    amount = product["reference_price_cents"]
                    total += amount // 5 if card else amount
                    lines.append(
                        {
                            "id": line_id,
                            "sale_id": sale_id,
                            "product_id": product["id"],
                            "label": product["name"],
                            "quantity": 1,
                            "unit_price_cents": amount,
                            "reference_amount_cents": amount,
                            "amount_cents": amount // 5 if card else amount,
                            "vat_rate_bp": 550,
                        }
                    )
                sales.append(
                    {
                        "id": sale_id,
                        "uuid": str(uuid.UUID(int=sale_id)),
                        "kind": "sale",
                        "till_id": till,
                        "number": sale_id,
                        "session_id": session_id,
                        "operator_id": user.id,
                        "created_at": opened + timedelta(seconds=k * 60),
                        "card_code": card,
                        "participation_rate_bp": 2000 if card else None,
                        "reference_total_cents": total,
                        "total_cents": total,
                        "change_cents": 0,
                    }
                )
                payments.append(
                    {
                        "sale_id": sale_id,
                        "method": "cash" if k % 3 else "card",
                        "amount_cents": total,
                        "tendered_cents": total,
                    }
                )
    _bulk(CashSession.__table__, sessions)
    _bulk(Sale.__table__, sales)
    _bulk(SaleLine.__table__, lines)
    _bulk(SalePayment.__table__, payments)
    category = db.session.query(ItemCategory).first()
    _bulk(
        Intake.__table__,
        [
            {
                "category_id": category.id,
                "source": "donation",
                "collected_on": FIRST_DAY + timedelta(days=n % days),
                "gross_grams": 10_000,
                "tare_grams": 0,
                "net_grams": 10_000,
                "recorded_by_id": user.id,
                "recorded_at": now,
            }
            for n in range(10_000)
        ],
    )
    _ateliers(user.id, now, days)
    print(
        f"data: {len(lines)} sale lines, {len(sales)} tickets, {len(movements)} movements, "
        f"{HOUSEHOLDS} households"
    )


def _ateliers(user_id: int, now: datetime, days: int) -> None:
    """100 participants, a 9 h contract each (Mon, Wed, Fri mornings), a roll call a week."""
    from participants.models import (
        Atelier,
        Attendance,
        Contract,
        ContractSlot,
        Participant,
    )

    db.session.add(Atelier(code="jardinage", name="Jardinage", capacity=200))
    db.session.commit()
    participants, contracts, slots, calls = [], [], [], []
    for n in range(100):
        start = FIRST_DAY + timedelta(days=n * 7)
        participants.append(
            {
                "id": n + 1,
                "first_name": "P",
                "last_name": str(n),
                "status": "rsa",
                "referring_body": "ccas",
                "referrer_name": "X",
                "entry_date": start,
            }
        )
        contracts.append(
            {
                "id": n + 1,
                "participant_id": n + 1,
                "referent_name": "X",
                "start_date": start,
                "end_date": LAST_DAY,
                "min_weekly_minutes": 540,
                "created_by_id": user_id,
                "created_at": now,
            }
        )
        slots += [
            {
                "contract_id": n + 1,
                "atelier_id": 1,
                "weekday": d,
                "start_minute": 540,
                "end_minute": 720,
            }
            for d in (0, 2, 4)
        ]
        calls += [
            {
                "participant_id": n + 1,
                "atelier_id": 1,
                "day": start + timedelta(weeks=w),
                "status": "present",
                "minutes": 180,
                "recorded_by_id": user_id,
                "recorded_at": now,
            }
            for w in range((LAST_DAY - start).days // 7)
        ]
    _bulk(Participant.__table__, participants)
    _bulk(Contract.__table__, contracts)
    _bulk(ContractSlot.__table__, slots)
    _bulk(Attendance.__table__, calls)


def main() -> None:
    url = (
        os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    )
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "JOURNAL_HEAD_FILE": "off"}
    )
    with flask_app.app_context():
        drop_all_tables(db.engine)
        upgrade(directory=MIGRATIONS_DIRECTORY)
        print(f"database: {db.engine.dialect.name}")
        started = time.perf_counter()
        build(random.Random(2026))
        # A database in service has statistics (autovacuum on PostgreSQL); fresh bulk data
        # has none until analysed.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"build: {time.perf_counter() - started:.0f} s (no target)")
        for label, period in (
            ("year", period_of("annee", date(2025, 6, 1))),
            ("month", period_of("mois", LAST_DAY)),
        ):
            for name, report in (
                ("food_aid", food_aid_report),
                ("sales", sales_report),
                ("ressourcerie", ressourcerie_report),
                ("ateliers", ateliers_report),
            ):
                db.session.expire_all()
                started = time.perf_counter()
                report(db.session, period)
                elapsed = time.perf_counter() - started
                target = " (target < 2 s)" if label == "year" else ""
                print(f"report_{name}_{label}: {elapsed:.2f} s{target}")


if __name__ == "__main__":
    main()
