"""Eight withdrawals at once never lose an update (row locks on PostgreSQL, BEGIN IMMEDIATE on
SQLite)."""

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.sites.models import FIRST_SITE_ID
from inventory.models import Lot, LotOrigin, MovementKind, Product, StockMovement, StockUnit
from inventory.services.ledger import (
    MovementContext,
    ledger_discrepancies,
    stock_on_hand,
    withdraw,
)
from inventory.services.products import ProductData, create_product, get_or_create_category
from inventory.services.receptions import LotData, ReceptionData, receive_line, start_reception

THREADS = 8
WITHDRAWALS_PER_THREAD = 25
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def _setup(app) -> int:
    from app.users.accounts import NewUser, create_user
    from app.users.roles import Role

    with app.app_context(), Session(db.engine) as session:
        user = create_user(
            session,
            None,
            NOW,
            NewUser("K", Role.ENCADRANT, username="k", password="motdepasse-sur"),
        )
        category = get_or_create_category(session, "Épicerie")
        product = create_product(
            session,
            None,
            NOW,
            ProductData("Pâtes", category.id, StockUnit.PIECE, 100),
            ["3700000000013"],
        )
        for days, quantity in ((5, 60), (40, 60), (90, 400)):
            reception = start_reception(
                session, user.id, NOW, ReceptionData(origin=LotOrigin.PURCHASE)
            )
            receive_line(
                session,
                user.id,
                NOW,
                reception,
                product,
                LotData(quantity, best_before=TODAY + timedelta(days=days)),
            )
        session.commit()
        return product.id


def test_eight_threads_withdrawing_the_same_product(committed):
    app = committed
    product_id = _setup(app)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def till(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for index in range(WITHDRAWALS_PER_THREAD):
                    with Session(db.engine) as session:
                        product = session.get(Product, product_id)
                        kind = MovementKind.SALE if index % 2 else MovementKind.LOSS
                        withdraw(
                            session,
                            product,
                            1 + index % 3,
                            kind,
                            MovementContext(
                                None, NOW, f"till-{number}-{index}", site_id=FIRST_SITE_ID
                            ),
                            TODAY,
                        )
                        session.commit()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=till, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []

    withdrawn_per_thread = sum(1 + index % 3 for index in range(WITHDRAWALS_PER_THREAD))
    with app.app_context(), Session(db.engine) as session:
        outgoing = session.scalar(
            select(func.count(StockMovement.id)).where(StockMovement.quantity < 0)
        )
        assert outgoing >= THREADS * WITHDRAWALS_PER_THREAD  # one or more per withdrawal
        assert (
            stock_on_hand(session, product_id, FIRST_SITE_ID)
            == 520 - THREADS * withdrawn_per_thread
        )
        assert ledger_discrepancies(session) == []
        assert session.scalar(select(func.min(Lot.remaining_quantity))) >= 0
