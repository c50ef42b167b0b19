"""A ressourcerie item at the till: sold once with its guarantee, refused when not ready, never
sold twice by two tills at once."""

import threading
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import shop_date, utcnow
from app.extensions import db
from app.users.roles import Role
from inventory.models import (
    DataErasure,
    ItemCategory,
    ItemState,
    RessourcerieItem,
)
from inventory.ressourcerie.items import (
    IntakeData,
    RepairData,
    change_state,
    log_repair,
    record_intake,
    set_price,
)
from pos.models import PaymentMethod
from tests.inventory.ressourcerie.conftest import TODAY, collection_type, intake


@pytest.fixture
def ready_washer(session, staff, now, categories):
    _, washer = intake(
        session,
        staff,
        now,
        categories["Gros électroménager"],
        62_000,
        keep=True,
        description="Lave-linge 7 kg",
        serial="WM7-88213",
    )
    set_price(session, staff.id, now, washer, 12_000)
    log_repair(
        session,
        staff.id,
        now,
        washer,
        RepairData(TODAY, 60, all_functions_tested=True, data_erasure=DataErasure.NOT_APPLICABLE),
    )
    change_state(session, staff.id, now, washer, ItemState.READY)
    return washer


def _sell(session, cashier, now, numbers, total):
    from pos.models import PaymentMethod
    from pos.services.basket import PaymentRequest, SaleRequest
    from pos.services.sales import record_sale

    return record_sale(
        session,
        cashier,
        now,
        shop_date(now),
        SaleRequest(
            str(uuid.uuid4()),
            "C1",
            (),
            (PaymentRequest(PaymentMethod.CARD, total),),
            total,
            items=tuple(numbers),
        ),
    )[0]


def test_sold_once_with_the_guarantee_on_the_receipt(
    session, ready_washer, make_user, now, supervisor_badge, approve
):
    from hardware.models import MODELS
    from hardware.receipt import render_receipt
    from pos.errors import InvalidRequest
    from pos.services.printing import receipt_document
    from pos.services.refunds import RefundRequest, record_refund
    from tests.hardware.escpos_decoder import decode

    cashier, till_now = supervisor_badge
    sale = _sell(session, cashier, till_now, [ready_washer.number], 12_000)
    assert ready_washer.state == ItemState.SOLD
    assert ready_washer.sold_ticket == f"C1-{sale.number:06d}"
    assert sale.receipt_requested  # a guarantee applies: the receipt prints
    text = decode(render_receipt(receipt_document(session, sale), MODELS["epson-tm-t20ii"])).text
    assert "Garantie légale de conformité : 2 ans" in text
    assert f"Objet {ready_washer.number}, n° de série WM7-88213" in text
    with pytest.raises(InvalidRequest, match="n'est pas en vente \\(vendu\\)"):
        _sell(session, cashier, till_now, [ready_washer.number], 12_000)
    # A return under warranty sends it back to the workshop, with a note in its log.
    record_refund(
        session,
        cashier,
        till_now,
        shop_date(till_now),
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            ready_washer.sold_ticket,
            ((sale.lines[0].id, 1),),
            False,
            approve(cashier, "refund", at=till_now, ticket=ready_washer.sold_ticket),
            PaymentMethod.CARD,
        ),
    )
    assert ready_washer.state == ItemState.IN_REPAIR
    assert "Retour sous garantie" in ready_washer.repairs[-1].notes


@pytest.fixture
def supervisor_badge(session, make_user):
    """An encadrant at the till (approves the refund) with today's open session on C1."""
    from pos.models import Till
    from pos.services.sessions import open_session

    encadrant = make_user(Role.ENCADRANT, username="karim3", badge_code="0410000000038", pin="2468")
    till = Till(code="C1", name="Caisse 1", is_active=True)
    session.add(till)
    session.flush()
    moment = utcnow()
    open_session(session, till, encadrant, moment, {})
    return encadrant, moment


def test_an_item_not_ready_is_refused_at_the_till(
    session, staff, now, categories, supervisor_badge
):
    from pos.errors import InvalidRequest

    cashier, till_now = supervisor_badge
    _, chair = intake(
        session, staff, now, categories["Mobilier"], 4_000, keep=True, description="Chaise"
    )
    with pytest.raises(InvalidRequest, match="n'est pas en vente \\(collecté\\)"):
        _sell(session, cashier, till_now, [chair.number], 0)


def test_two_tills_scan_the_same_item_at_once(committed):
    """Committed data, two threads with their own sessions, on SQLite and PostgreSQL: one sale,
    one refusal."""
    from app.users.accounts import NewUser, create_user
    from pos.models import Sale, Till
    from pos.services.sessions import open_session

    app = committed
    now = utcnow()
    with app.app_context(), Session(db.engine) as session:
        staff = create_user(
            session,
            None,
            now,
            NewUser("Atelier", Role.ENCADRANT, username="atelier", password="motdepasse-sur"),
        )
        category = session.scalar(select(ItemCategory).where(ItemCategory.name == "Vélos"))
        _, bike = record_intake(
            session,
            staff.id,
            now,
            shop_date(now),
            IntakeData(
                category.id,
                collection_type(session, "Apport volontaire"),
                shop_date(now),
                15_000,
                0,
                "VTC",
                True,
            ),
        )
        set_price(session, staff.id, now, bike, 3_500)
        change_state(session, staff.id, now, bike, ItemState.READY)
        cashiers = []
        for code in ("T1", "T2"):
            till = Till(code=code, name=code, is_active=True)
            session.add(till)
            cashier = create_user(
                session,
                None,
                now,
                NewUser(
                    f"Caisse {code}", Role.ENCADRANT, username=f"c{code}", password="motdepasse-sur"
                ),
            )
            session.flush()
            open_session(session, till, cashier, now, {})
            cashiers.append((code, cashier.id))
        session.commit()
        number = bike.number
    results: list[str] = []
    barrier = threading.Barrier(2)

    def sell(code: str, cashier_id: int) -> None:
        from app.users.models import User
        from pos.errors import TillError
        from pos.models import PaymentMethod
        from pos.services.basket import PaymentRequest, SaleRequest
        from pos.services.sales import record_sale

        with app.app_context(), Session(db.engine) as session:
            cashier = session.get(User, cashier_id)
            barrier.wait()
            try:
                record_sale(
                    session,
                    cashier,
                    utcnow(),
                    shop_date(utcnow()),
                    SaleRequest(
                        str(uuid.uuid4()),
                        code,
                        (),
                        (PaymentRequest(PaymentMethod.CASH, 3_500),),
                        3_500,
                        items=(number,),
                    ),
                )
                session.commit()
                results.append("sold")
            except TillError as error:
                session.rollback()
                results.append(error.message)

    threads = [threading.Thread(target=sell, args=pair) for pair in cashiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == sorted(["sold", f"L'objet {number} n'est pas en vente (vendu)."])
    with app.app_context(), Session(db.engine) as session:
        assert (
            session.scalar(select(RessourcerieItem.state).where(RessourcerieItem.number == number))
            == ItemState.SOLD
        )
        assert len(session.scalars(select(Sale)).all()) == 1
