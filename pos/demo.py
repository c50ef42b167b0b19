"""Demo tills: the two tills of the épicerie, and two weeks of real sales through the till's
own services (households with their rate, the public, cash and card), so the journal, its
closures, the dashboard and the reports have figures."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from app.clock import SHOP_TIMEZONE, shop_date
from app.users.models import User
from app.users.roles import Role
from inventory.models import ChoiceKind, Product, RessourcerieChoice, StockUnit
from participants.households.rights import household_for_till
from participants.models import Household
from pos.errors import TillError
from pos.models import JobStatus, PaymentMethod, PrintJob, Till
from pos.services.basket import LineRequest, PaymentRequest, SaleRequest
from pos.services.pricing import price_line
from pos.services.sales import record_sale
from pos.services.sessions import close_session, open_session, x_report
from pos.services.spending import spent_this_month

DAYS = 14
SALES_PER_DAY = 12


def load_demo(session, context) -> list[str]:
    # Both print to the simulated printer that scripts/demo.sh starts (caisse printer-sim), on
    # whatever port CAISSE_PRINTER_SIM_PORT gives it.
    tills = [
        Till(
            code=code,
            name=name,
            is_active=True,
            printer_kind="simulator",
            printer_target="",
            printer_model="epson-tm-t20ii",
        )
        for code, name in (("C1", "Caisse 1 — entrée"), ("C2", "Caisse 2 — ressourcerie"))
    ]
    # Caisse 2 stands at the ressourcerie's shop: it sells untagged objects by category.
    tills[1].point_id = session.scalar(
        select(RessourcerieChoice.id).where(
            RessourcerieChoice.kind == ChoiceKind.POINT, RessourcerieChoice.name == "Boutique"
        )
    )
    session.add_all(tills)
    session.flush()
    sales = _history(session, context, tills[0])
    # The past days' drawer kicks are history, not work for the print worker.
    session.execute(
        update(PrintJob)
        .where(PrintJob.status == JobStatus.PENDING)
        .values(status=JobStatus.DONE, sent_at=context.now)
    )
    return [
        "Caisses : Caisse 1 — entrée, Caisse 2 — ressourcerie (imprimante simulée "
        "sur le port CAISSE_PRINTER_SIM_PORT, 9100 par défaut, tickets dans "
        "instance/tickets/).",
        f"Ventes : {sales} tickets sur les {DAYS} derniers jours (journal et clôtures).",
    ]


def _history(session, context, till: Till) -> int:
    rng, now = context.rng, context.now
    cashier = session.scalar(select(User).where(User.role == Role.CAISSIER).limit(1))
    if cashier is None:
        return 0
    products = list(
        session.scalars(select(Product).where(Product.is_active).order_by(Product.id).limit(120))
    )
    cards = list(session.scalars(select(Household.card_code).order_by(Household.id)))
    count = 0
    for offset in range(DAYS, 0, -1):
        day = shop_date(now) - timedelta(days=offset)
        if day.weekday() > 4:  # the épicerie opens Monday to Friday
            continue
        opened = datetime.combine(day, time(9, 0), tzinfo=SHOP_TIMEZONE)
        cash_session = open_session(session, till, cashier, opened, {"2000": 2, "1000": 2})
        for number in range(SALES_PER_DAY):
            moment = opened + timedelta(minutes=20 * number + 5)
            card = rng.choice(cards) if cards and number % 3 else None
            rate = None
            if card:
                answer = household_for_till(session, card, day, spent=spent_this_month)
                rate = answer.participation_rate_bp if answer.right_valid else None
            lines = []
            for product in rng.sample(products, rng.randint(2, 6)):
                quantity = (
                    rng.randint(300, 1500)
                    if product.unit == StockUnit.KILOGRAM
                    else rng.randint(1, 2)
                )
                lines.append((product, quantity))
            total = sum(price_line(p, q, rate).amount_cents for p, q in lines)
            method = PaymentMethod.CARD if number % 4 == 0 else PaymentMethod.CASH
            tendered = total if method == PaymentMethod.CARD else -(-total // 500) * 500 or 500
            try:
                with session.begin_nested():  # a refused basket (allowance, stock) is skipped
                    record_sale(
                        session,
                        cashier,
                        moment,
                        day,
                        SaleRequest(
                            str(uuid.UUID(int=rng.getrandbits(128))),
                            till.code,
                            tuple(LineRequest(product_id=p.id, quantity=q) for p, q in lines),
                            (PaymentRequest(method, tendered),),
                            total,
                            card_code=card,
                        ),
                    )
                count += 1
            except TillError:
                continue
        expected = x_report(session, cash_session).expected
        close_session(
            session, cash_session, cashier, opened + timedelta(hours=8), dict(expected), None
        )
    return count
