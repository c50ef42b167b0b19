"""Losses declared outside a stocktake: out of the very lot, with who and why, counted by the
food-aid report; a wrong quantity or lot is refused and nothing is written."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inventory.models import LotOrigin, MovementKind, StockMovement, StockUnit
from reports.food_aid import food_aid_report
from reports.periods import Period
from tests.conftest import csrf_token_from, page_text
from tests.reports.test_reports import cells


@pytest.fixture
def as_staff(client, staff, login):
    login("karim")
    return client


def _declare(client, product, **values):
    page = client.get(f"/stock/products/{product.id}")
    return client.post(
        f"/stock/products/{product.id}/perte",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), **values},
        follow_redirects=True,
    )


def test_a_broken_jar_leaves_its_own_lot_and_feeds_the_report(
    as_staff, session, make_product, receive, now
):
    jam = make_product("Confiture 370 g", net_content=370)
    older = receive(jam, 6, use_by=now.date() + timedelta(days=30))  # FEFO would take this one
    newer = receive(
        jam, 4, origin=LotOrigin.BANQUE_ALIMENTAIRE, use_by=now.date() + timedelta(days=90)
    )
    page = as_staff.get(f"/stock/products/{jam.id}")
    assert "Déclarer une perte" in page_text(page)
    answer = _declare(
        as_staff, jam, lot_id=str(newer.id), quantity="3", reason="casse", note="tombé du rayon"
    )
    text = page_text(answer)
    assert "Perte enregistrée : 3 de « Confiture 370 g » (Casse)." in text
    assert "Casse — tombé du rayon" in text and "Karim" in text  # who, in the movements
    session.refresh(older)
    session.refresh(newer)
    assert (older.remaining_quantity, newer.remaining_quantity) == (6, 1)
    movement = session.scalar(
        select(StockMovement)
        .where(StockMovement.lot_id == newer.id)
        .where(StockMovement.quantity < 0)
    )
    assert (movement.kind, movement.reference) == (MovementKind.LOSS, "perte:casse")
    from app.clock import shop_date, utcnow

    today = shop_date(utcnow())
    report = food_aid_report(session, Period(date(today.year, 1, 1), today, "année"))
    assert ["Banque Alimentaire", "Casse et pertes", "1,110 kg"] == cells(
        report, "Pertes par origine"
    )[0][:3]


def test_losses_past_date_and_gifts_are_their_own_kinds(
    as_staff, session, make_product, receive, now
):
    apples = make_product("Pommes", unit=StockUnit.KILOGRAM, price_cents=250)
    lot = receive(apples, 10_000)
    _declare(as_staff, apples, lot_id=str(lot.id), quantity="1,5", reason="perime")
    _declare(as_staff, apples, lot_id=str(lot.id), quantity="2", reason="don", note="Resto du cœur")
    kinds = dict(
        session.execute(
            select(StockMovement.kind, StockMovement.quantity).where(StockMovement.quantity < 0)
        ).all()
    )
    assert kinds == {MovementKind.EXPIRED_DESTROYED: -1500, MovementKind.GIVEN_AWAY: -2000}
    session.refresh(lot)
    assert lot.remaining_quantity == 6500


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"quantity": "7", "reason": "vol"}, "Ce lot n'a plus que 5 en stock"),
        ({"quantity": "abc", "reason": "vol"}, "n'est pas un nombre de pièces"),
        ({"quantity": "0", "reason": "vol"}, "La quantité perdue doit être positive."),
        ({"quantity": "1", "reason": "incendie"}, "Choisissez le motif dans la liste."),
        ({"quantity": "1", "reason": ""}, "Choisissez le motif."),
        ({"quantity": "", "reason": "vol"}, "Quantité perdue"),
        ({"quantity": "1", "reason": "vol", "lot_id": "999999"}, "Choisissez le lot dans la liste"),
    ],
)
def test_a_wrong_loss_is_explained_and_nothing_is_written(
    as_staff, session, make_product, receive, values, message
):
    rice = make_product("Riz")
    lot = receive(rice, 5)
    other = receive(make_product("Sucre"), 5)  # another product's lot is not offered here
    answer = _declare(as_staff, rice, **{"lot_id": str(lot.id), **values})
    assert message in page_text(answer)
    answer = _declare(as_staff, rice, lot_id=str(other.id), quantity="1", reason="vol")
    assert "Choisissez le lot dans la liste" in page_text(answer)
    out = session.scalar(select(func.count()).where(StockMovement.quantity < 0))
    assert out == 0
