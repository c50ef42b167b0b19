"""Races on the journal, with real commits and threads (on SQLite and PostgreSQL): two tills
opening at the same moment on a new day close the day before once."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import pos.journal.closures as journal_closures
from app.clock import shop_date, utcnow
from app.extensions import db
from app.users.accounts import NewUser, create_user
from app.users.models import User
from app.users.roles import Role
from inventory.models import LotOrigin, StockUnit
from inventory.services.products import ProductData, create_product, get_or_create_category
from inventory.services.receptions import LotData, ReceptionData, receive_line, start_reception
from pos.journal.verify import verify_journal
from pos.models import JournalEntry, PaymentMethod, Till
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.sales import record_sale
from pos.services.sessions import close_session, open_session, x_report
from tests.conftest import sale_line


def _writer(engine) -> Session:
    """A transaction as a request makes one (SQLite: BEGIN IMMEDIATE, as before_request)."""
    session = Session(engine)
    if engine.dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    return session


def _yesterday_with_a_sale(app) -> None:
    now = utcnow()
    yesterday = now - timedelta(days=1)
    with app.app_context(), Session(db.engine) as session:
        staff = create_user(
            session,
            None,
            yesterday,
            NewUser("Karim", Role.ENCADRANT, username="karim", password="motdepasse-sur"),
        )
        category = get_or_create_category(session, "Épicerie")
        pasta = create_product(
            session,
            None,
            yesterday,
            ProductData("Pâtes", category.id, StockUnit.PIECE, 109),
            ["3017620422003"],
        )
        reception = start_reception(session, staff.id, yesterday, ReceptionData(LotOrigin.PURCHASE))
        receive_line(
            session,
            staff.id,
            yesterday,
            reception,
            pasta,
            LotData(50, best_before=shop_date(now) + timedelta(days=300)),
        )
        for code in ("T1", "T2"):
            session.add(Till(code=code, name=f"Caisse {code}", is_active=True))
            create_user(
                session,
                None,
                yesterday,
                NewUser(
                    f"Caissier {code}",
                    Role.CAISSIER,
                    badge_code=f"041000000{code[1]}009",
                    pin="1234",
                ),
            )
        session.flush()
        till = session.scalar(select(Till).where(Till.code == "T1"))
        cash_session = open_session(session, till, staff, yesterday, {})
        record_sale(
            session,
            staff,
            yesterday,
            shop_date(yesterday),
            SaleRequest(
                uuid=str(uuid.uuid4()),
                till_code="T1",
                lines=(sale_line(pasta.id, 2),),
                payments=(PaymentRequest(PaymentMethod.CASH, 218),),
                expected_total_cents=218,
            ),
        )
        close_session(
            session,
            cash_session,
            staff,
            yesterday,
            dict(x_report(session, cash_session).expected),
            None,
        )
        session.commit()


def test_two_tills_opening_at_once_close_the_day_before_once(committed, monkeypatch):
    _yesterday_with_a_sale(committed)
    # Both tills have read "yesterday is not closed" before either closes it: the widest race.
    both_read = threading.Barrier(2)
    original = journal_closures.close_day

    def close_day_after_both_read(*args, **kwargs):
        try:
            both_read.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the other till waits on the journal's lock: it has read nothing yet
        return original(*args, **kwargs)

    monkeypatch.setattr(journal_closures, "close_day", close_day_after_both_read)
    errors = []

    def open_till(code: str) -> None:
        with committed.app_context():
            session = _writer(db.engine)
            try:
                till = session.scalar(select(Till).where(Till.code == code))
                cashier = session.scalar(
                    select(User).where(User.display_name == f"Caissier {code}")
                )
                open_session(session, till, cashier, utcnow(), {})
                session.commit()
            except Exception as error:  # noqa: BLE001 — reported below
                errors.append(repr(error))
            finally:
                session.close()

    threads = [threading.Thread(target=open_till, args=(code,)) for code in ("T1", "T2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with committed.app_context(), Session(db.engine) as session:
        closures = [
            json.loads(p)["period"]
            for p in session.scalars(
                select(JournalEntry.payload).where(JournalEntry.kind == "closure_daily")
            )
        ]
        assert closures == [shop_date(utcnow() - timedelta(days=1)).isoformat()]
        assert verify_journal(session).ok
