"""The ressourcerie: tare, states, repair log rules, a sale once, returns, the tonnage report."""

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import shop_date, utcnow
from app.extensions import db
from app.users.roles import Role
from inventory.errors import InvalidData
from inventory.models import (
    DataErasure,
    IntakeSource,
    ItemCategory,
    ItemState,
    OutflowChannel,
    RessourcerieItem,
)
from inventory.services.ressourcerie import (
    IntakeData,
    OutflowData,
    RepairData,
    change_state,
    log_repair,
    percent,
    record_intake,
    record_outflow,
    set_price,
    tonnage,
    tonnage_csv,
)
from pos.models import PaymentMethod

TODAY = date(2026, 11, 23)


@pytest.fixture
def categories(session):
    return {c.name: c for c in session.scalars(select(ItemCategory))}


def intake(
    session, staff, now, category, gross, tare=0, keep=False, description="", day=TODAY, serial=""
):
    return record_intake(
        session,
        staff.id,
        now,
        TODAY,
        IntakeData(
            category.id, IntakeSource.DECHETERIE, day, gross, tare, description, keep, serial
        ),
    )


def test_default_categories_are_editable_records(categories):
    assert {
        "Vélos",
        "Gros électroménager",
        "Petit électroménager",
        "Mobilier",
        "Textiles",
        "Livres",
        "Jouets",
        "Autres",
    } <= set(categories)
    assert categories["Gros électroménager"].electrical
    assert not categories["Vélos"].electrical


def test_tare_is_taken_off(session, staff, now, categories):
    batch, item = intake(session, staff, now, categories["Textiles"], 18_400, 4_200)
    assert (batch.net_grams, item) == (14_200, None)
    with pytest.raises(InvalidData, match="La tare .* doit peser moins que le poids brut"):
        intake(session, staff, now, categories["Textiles"], 4_000, 4_200)
    with pytest.raises(InvalidData, match="Poids brut entre 1 g et 2 t"):
        intake(session, staff, now, categories["Textiles"], 0)


def test_kept_object_becomes_a_numbered_item(session, staff, now, categories):
    _, first = intake(
        session, staff, now, categories["Vélos"], 15_000, keep=True, description="VTC 28 pouces"
    )
    _, second = intake(
        session, staff, now, categories["Mobilier"], 9_000, keep=True, description="Chaise"
    )
    assert first.state == ItemState.COLLECTED and first.weight_grams == 15_000
    assert int(second.number[1:]) == int(first.number[1:]) + 1
    with pytest.raises(InvalidData, match="Décrivez l'objet gardé"):
        intake(session, staff, now, categories["Vélos"], 15_000, keep=True)


def test_state_machine(session, staff, now, categories):
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
    with pytest.raises(InvalidData, match="Fixez d'abord le prix"):
        change_state(session, staff.id, now, washer, ItemState.READY)
    set_price(session, staff.id, now, washer, 12_000)
    log_repair(session, staff.id, now, washer, RepairData(TODAY, 90, parts="Courroie"))
    assert washer.state == ItemState.IN_REPAIR  # the first repair log starts the repair
    with pytest.raises(InvalidData, match="appareil électrique"):
        change_state(session, staff.id, now, washer, ItemState.READY)
    log_repair(
        session,
        staff.id,
        now,
        washer,
        RepairData(
            TODAY,
            60,
            tests="Essorage, chauffe, vidange, portillon",
            all_functions_tested=True,
            data_erasure=DataErasure.NOT_APPLICABLE,
        ),
    )
    change_state(session, staff.id, now, washer, ItemState.READY)
    with pytest.raises(InvalidData, match="« Prêt à la vente » → « Collecté » impossible"):
        change_state(session, staff.id, now, washer, ItemState.COLLECTED)
    # A bike needs no electrical tests.
    _, bike = intake(session, staff, now, categories["Vélos"], 15_000, keep=True, description="VTC")
    set_price(session, staff.id, now, bike, 3_500)
    change_state(session, staff.id, now, bike, ItemState.READY)
    change_state(session, staff.id, now, bike, ItemState.GIVEN)
    with pytest.raises(InvalidData, match="plus de réparation"):
        log_repair(session, staff.id, now, bike, RepairData(TODAY, 10))


def test_recycling_needs_a_channel_and_weighs_the_item_out(session, staff, now, categories):
    _, fridge = intake(
        session,
        staff,
        now,
        categories["Gros électroménager"],
        32_000,
        keep=True,
        description="Réfrigérateur",
    )
    with pytest.raises(InvalidData, match="filière de recyclage"):
        change_state(session, staff.id, now, fridge, ItemState.RECYCLED)
    change_state(session, staff.id, now, fridge, ItemState.RECYCLED, OutflowChannel.RECYCLING_DEEE)
    total = tonnage(session, TODAY, TODAY)[-1]
    assert (total.collected, total.recycled) == (32_000, 32_000)


def test_tonnage_report_on_a_known_data_set(session, staff, now, categories):
    """Collected 100 kg of appliances and 50 kg of textiles; reused 30 kg + 5 kg (partner),
    recycled 40 kg, discarded 10 kg."""
    appliances, textiles = categories["Gros électroménager"], categories["Textiles"]
    intake(session, staff, now, appliances, 40_000)
    _, washer = intake(session, staff, now, appliances, 30_000, keep=True, description="Lave-linge")
    intake(session, staff, now, appliances, 30_000)
    intake(session, staff, now, textiles, 54_200, 4_200)  # net 50 kg
    intake(session, staff, now, textiles, 9_000, day=date(2026, 10, 31))  # another month
    set_price(session, staff.id, now, washer, 9_000)
    log_repair(
        session,
        staff.id,
        now,
        washer,
        RepairData(TODAY, 60, all_functions_tested=True, data_erasure=DataErasure.NOT_APPLICABLE),
    )
    change_state(session, staff.id, now, washer, ItemState.READY)
    change_state(session, staff.id, now, washer, ItemState.GIVEN)
    for channel, category, grams, partner in (
        (OutflowChannel.RECYCLING_DEEE, appliances, 25_000, ""),
        (OutflowChannel.RECYCLING_TEXTILE, textiles, 15_000, ""),
        (OutflowChannel.DECHETERIE, appliances, 10_000, ""),
        (OutflowChannel.PARTNER, textiles, 5_000, "Emmaüs"),
    ):
        record_outflow(
            session,
            staff.id,
            now,
            TODAY,
            OutflowData(category.id, channel, TODAY, grams, 0, partner),
        )
    rows = {row.category: row for row in tonnage(session, date(2026, 11, 1), TODAY)}
    assert (
        rows["Gros électroménager"].collected,
        rows["Gros électroménager"].reused,
        rows["Gros électroménager"].recycled,
        rows["Gros électroménager"].discarded,
    ) == (100_000, 30_000, 25_000, 10_000)
    assert (rows["Textiles"].collected, rows["Textiles"].reused, rows["Textiles"].recycled) == (
        50_000,
        5_000,
        15_000,
    )
    total = rows["Total"]
    assert (total.collected, total.reused, total.recycled, total.discarded) == (
        150_000,
        35_000,
        40_000,
        10_000,
    )
    assert percent(total.reuse_rate_tenths) == "23,3 %"  # 35 / 150
    csv_text = tonnage_csv(list(rows.values()))
    assert "Total;150,000;35,000;40,000;10,000;23,3 %" in csv_text
    with pytest.raises(InvalidData, match="Nommez l'association partenaire"):
        record_outflow(
            session,
            staff.id,
            now,
            TODAY,
            OutflowData(textiles.id, OutflowChannel.PARTNER, TODAY, 1000),
        )


# ---- at the till ---------------------------------------------------------------------------


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
    from pos.services.sales import PaymentRequest, SaleRequest, record_sale

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
    from app.users.services import NewUser, create_user
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
            IntakeData(category.id, IntakeSource.DONATION, shop_date(now), 15_000, 0, "VTC", True),
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
        from pos.services.sales import PaymentRequest, SaleRequest, record_sale

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
