"""Untagged ressourcerie objects sold at the till by category: a price from the grid or typed,
a weight from the scale, typed or the category's standard weight, « par lot »; the weight
counts as reused in the tonnage, refunds take it back, the sales point reports it."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from inventory.errors import InvalidData
from inventory.models import ItemCategory, RessourcerieChoice
from inventory.ressourcerie.categories import (
    GridPrice,
    ItemCategoryData,
    parse_price_grid,
    save_item_category,
)
from inventory.ressourcerie.tonnage import tonnage
from pos.errors import InvalidRequest, NotFound
from pos.models import PaymentMethod, Sale, SaleLine
from pos.services.basket import PaymentRequest
from pos.services.refunds import RefundRequest, record_refund
from pos.services.untagged import UntaggedRequest
from reports.others import sold_by_point
from reports.periods import Period
from tests.pos.conftest import TODAY, sell

CASH = PaymentMethod.CASH


@pytest.fixture
def categories(session):
    return {c.name: c for c in session.scalars(select(ItemCategory))}


def _reused(session, name):
    rows = tonnage(session, TODAY, TODAY)
    return next((row.reused for row in rows if row.category == name), 0)


def test_price_grid_is_parsed_line_by_line_with_clear_messages():
    assert parse_price_grid("Poche : 0,50\n\n 2 \nLot ; 1,5") == (
        GridPrice("Poche", 50),
        GridPrice("", 200),
        GridPrice("Lot", 150),
    )
    with pytest.raises(InvalidData, match="ligne 2 : « Roman 2 € 50 »"):
        parse_price_grid("Poche : 0,50\nRoman 2 € 50")
    with pytest.raises(InvalidData, match="ligne 1"):
        parse_price_grid("Cher : 20000")
    with pytest.raises(InvalidData, match="30 prix au plus"):
        parse_price_grid("\n".join(f"P{n} : 1" for n in range(31)))


def test_untagged_objects_count_in_reused_kilos(session, open_till, cashier, now, books):
    before = _reused(session, "Livres")
    sale, created = sell(
        session,
        cashier,
        now,
        [],
        [PaymentRequest(CASH, 1_000)],
        50 * 3 + 200,
        untagged=(
            # three paperbacks from the grid, not weighed: the standard weight each
            UntaggedRequest(category_id=books.id, grid_entry=0, quantity=3),
            # a big book priced from the grid, weighed on the scale
            UntaggedRequest(category_id=books.id, grid_entry=1, weight_grams=1_250),
        ),
    )
    assert created and sale.total_cents == 350 and sale.change_cents == 650
    lines = [
        (line.label, line.quantity, line.amount_cents, line.weight_grams) for line in sale.lines
    ]
    assert lines == [
        ("Livres — Poche", 3, 150, 900),
        ("Livres — Grand format", 1, 200, 1_250),
    ]
    assert all(
        line.item_category_id == books.id and line.vat_rate_bp == 2000 for line in sale.lines
    )
    assert _reused(session, "Livres") == before + 2_150


def test_a_lot_at_a_flat_price_and_a_typed_price(
    session,
    open_till,
    cashier,
    now,
    categories,
    household,
):
    textiles = categories["Textiles"]  # no standard weight: the lot must be weighed
    with pytest.raises(InvalidRequest, match="pesez l'objet ou tapez son poids"):
        sell(
            session,
            cashier,
            now,
            [],
            [PaymentRequest(CASH, 500)],
            500,
            untagged=(UntaggedRequest(category_id=textiles.id, price_cents=500, lot=True),),
        )
    with pytest.raises(InvalidRequest, match="un lot compte pour un"):
        sell(
            session,
            cashier,
            now,
            [],
            [PaymentRequest(CASH, 1_000)],
            1_000,
            untagged=(
                UntaggedRequest(
                    category_id=textiles.id, price_cents=500, lot=True, quantity=2, weight_grams=9
                ),
            ),
        )
    assert session.scalar(select(func.count(Sale.id))) == 0  # nothing written
    # A household's card: the ressourcerie's own price, no participation rate.
    sale, _ = sell(
        session,
        cashier,
        now,
        [],
        [PaymentRequest(CASH, 800)],
        800,
        card_code=household.card_code,
        untagged=(
            UntaggedRequest(category_id=textiles.id, price_cents=500, lot=True, weight_grams=4_200),
            UntaggedRequest(category_id=textiles.id, weight_grams=600),  # the suggested 3 €
        ),
    )
    assert [(line.label, line.amount_cents, line.weight_grams) for line in sale.lines] == [
        ("Textiles (lot)", 500, 4_200),
        ("Textiles", 300, 600),
    ]
    assert _reused(session, "Textiles") == 4_800


def test_refused_without_a_price_or_with_a_category_gone(
    session, open_till, cashier, now, categories
):
    others = categories["Autres"]  # no suggested price, no grid
    with pytest.raises(InvalidRequest, match="tapez le prix"):
        sell(
            session,
            cashier,
            now,
            [],
            [PaymentRequest(CASH, 100)],
            100,
            untagged=(UntaggedRequest(category_id=others.id, weight_grams=100),),
        )
    save_item_category(session, others.id, ItemCategoryData("Autres", is_active=False))
    with pytest.raises(NotFound, match="archivée"):
        sell(
            session,
            cashier,
            now,
            [],
            [PaymentRequest(CASH, 100)],
            100,
            untagged=(UntaggedRequest(category_id=others.id, price_cents=100, weight_grams=1),),
        )


def test_a_refund_takes_its_share_of_the_weight_back(
    session, open_till, cashier, supervisor, now, books, approve
):
    sale, _ = sell(
        session,
        cashier,
        now,
        [],
        [PaymentRequest(CASH, 200)],
        200,
        untagged=(UntaggedRequest(category_id=books.id, grid_entry=0, quantity=4),),
    )
    before = _reused(session, "Livres")
    ticket = f"C1-{sale.number:06d}"
    refund, _ = record_refund(
        session,
        cashier,
        now,
        TODAY,
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            ticket,
            ((sale.lines[0].id, 1),),
            True,  # « remettre en rayon »: nothing to restock, no error
            approve(supervisor, "refund", ticket=ticket),
        ),
    )
    refunded = [(line.quantity, line.amount_cents, line.weight_grams) for line in refund.lines]
    assert refunded == [(-1, -50, -300)]
    assert refund.lines[0].item_category_id == books.id
    assert _reused(session, "Livres") == before - 300


def test_sold_by_point_separates_tagged_and_untagged(session, till, open_till, cashier, now, books):
    shop = session.scalar(select(RessourcerieChoice).where(RessourcerieChoice.name == "Boutique"))
    till.point_id = shop.id
    sell(
        session,
        cashier,
        now,
        [],
        [PaymentRequest(CASH, 500)],
        500,
        untagged=(UntaggedRequest(category_id=books.id, grid_entry=2, weight_grams=2_000),),
    )
    period = Period(date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert sold_by_point(session, period) == [("Boutique", 0, 2_000)]
    assert session.scalar(select(func.sum(SaleLine.weight_grams))) == 2_000


def test_what_became_of_the_objects(session, open_till, cashier, staff, now, books, categories):
    from inventory.models import OutflowChannel
    from inventory.ressourcerie.outflows import OutflowData, record_outflow
    from inventory.ressourcerie.tonnage import outcomes

    sell(
        session,
        cashier,
        now,
        [],
        [PaymentRequest(CASH, 200)],
        200,
        untagged=(UntaggedRequest(category_id=books.id, grid_entry=1, weight_grams=700),),
    )
    appliances = categories["Petit électroménager"]
    for channel, grams in (
        (OutflowChannel.RECYCLING_DEEE, 40_000),
        (OutflowChannel.DECHETERIE, 5_000),
    ):
        record_outflow(
            session, staff.id, now, TODAY, OutflowData(appliances.id, channel, TODAY, grams)
        )
    became = {
        detail: (outcome, grams) for outcome, detail, grams in outcomes(session, TODAY, TODAY)
    }
    assert became["Objets sans étiquette vendus (au poids)"] == ("Réemployé", 700)
    assert became["Filière DEEE"] == ("Recyclé", 40_000)
    assert became["Filière textile"] == ("Recyclé", 0)
    assert became["Déchèterie"] == ("Jeté", 5_000)
