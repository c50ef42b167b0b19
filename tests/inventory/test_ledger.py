"""The stock ledger: append-only movements, stock derived from them, FEFO, DLC never sold."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.settings.services import set_setting
from app.sites.models import FIRST_SITE_ID
from inventory.errors import InsufficientStock, InvalidData, NotSellable
from inventory.models import MovementKind, StockMovement
from inventory.services.ledger import (
    MovementContext,
    ledger_discrepancies,
    stock_on_hand,
    withdraw,
)

TODAY = date(2026, 11, 23)


def _sell(session, product, quantity, now, kind=MovementKind.SALE):
    return withdraw(
        session,
        product,
        quantity,
        kind,
        MovementContext(None, now, "sale:test", site_id=FIRST_SITE_ID),
        TODAY,
    )


def test_reception_adds_stock_through_a_movement(session, make_product, receive):
    pasta = make_product()
    lot = receive(pasta, 24, best_before=TODAY + timedelta(days=200))
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 24
    assert lot.remaining_quantity == 24
    movement = session.scalar(sa.select(StockMovement).where(StockMovement.lot_id == lot.id))
    assert (movement.kind, movement.quantity) == (MovementKind.RECEIVE, 24)
    assert movement.reference == f"reception:{lot.reception_id}"


def test_sales_consume_first_expired_first_out(session, make_product, receive, now):
    yogurt = make_product("Yaourts")
    later = receive(yogurt, 5, use_by=TODAY + timedelta(days=9))
    sooner = receive(yogurt, 3, use_by=TODAY + timedelta(days=2))
    undated = receive(yogurt, 4)
    movements = _sell(session, yogurt, 6, now)
    assert [(m.lot_id, m.quantity) for m in movements] == [(sooner.id, -3), (later.id, -3)]
    assert (sooner.remaining_quantity, later.remaining_quantity) == (0, 2)
    assert undated.remaining_quantity == 4
    assert stock_on_hand(session, yogurt.id, FIRST_SITE_ID) == 6


def test_a_lot_past_its_dlc_is_never_sold(session, make_product, receive, now):
    ham = make_product("Jambon")
    lot = receive(ham, 2, use_by=TODAY + timedelta(days=1))
    with pytest.raises(NotSellable, match="dépassé sa date limite"):
        withdraw(
            session,
            ham,
            1,
            MovementKind.SALE,
            MovementContext(None, now, site_id=FIRST_SITE_ID),
            TODAY + timedelta(days=2),
        )
    assert lot.remaining_quantity == 2
    fresh = receive(ham, 1, use_by=TODAY + timedelta(days=5))
    moves = withdraw(
        session,
        ham,
        1,
        MovementKind.SALE,
        MovementContext(None, now, site_id=FIRST_SITE_ID),
        TODAY + timedelta(days=2),
    )
    assert [m.lot_id for m in moves] == [fresh.id]


def test_past_ddm_is_sellable_unless_the_setting_blocks_it(session, make_product, receive, now):
    rice = make_product("Riz")
    receive(rice, 3, best_before=TODAY - timedelta(days=10))
    assert _sell(session, rice, 1, now)
    set_setting(session, "stock.sell_past_ddm", False, now)
    with pytest.raises(NotSellable):
        _sell(session, rice, 1, now)


def test_no_stock_at_all_refuses_the_sale(session, make_product, now):
    with pytest.raises(NotSellable, match="aucun lot"):
        _sell(session, make_product("Inconnu en stock"), 1, now)


def test_selling_more_than_the_books_goes_negative_on_the_last_lot(
    session, make_product, receive, now
):
    oil = make_product("Huile")
    first = receive(oil, 2, best_before=TODAY + timedelta(days=100))
    last = receive(oil, 1, best_before=TODAY + timedelta(days=300))
    _sell(session, oil, 5, now)
    assert (first.remaining_quantity, last.remaining_quantity) == (0, -2)
    assert stock_on_hand(session, oil.id, FIRST_SITE_ID) == -2


def test_losses_never_exceed_the_stock(session, make_product, receive, now):
    eggs = make_product("Œufs")
    receive(eggs, 2)
    with pytest.raises(InsufficientStock, match="2 en stock"):
        _sell(session, eggs, 3, now, MovementKind.LOSS)
    _sell(session, eggs, 2, now, MovementKind.LOSS)
    assert stock_on_hand(session, eggs.id, FIRST_SITE_ID) == 0


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001])
def test_absurd_quantities_are_refused(session, make_product, receive, now, quantity):
    sugar = make_product("Sucre")
    receive(sugar, 5)
    with pytest.raises(InvalidData):
        _sell(session, sugar, quantity, now)


def test_movements_cannot_be_changed_or_deleted(session, make_product, receive):
    lot = receive(make_product("Café"), 4)
    movement_id = session.scalar(sa.select(StockMovement.id).where(StockMovement.lot_id == lot.id))
    for statement in (
        sa.update(StockMovement).where(StockMovement.id == movement_id).values(quantity=400),
        sa.delete(StockMovement).where(StockMovement.id == movement_id),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with session.begin_nested():
                session.execute(statement)
    assert stock_on_hand(session, lot.product_id, FIRST_SITE_ID) == 4


def test_cached_remaining_quantities_agree_with_the_ledger(session, make_product, receive, now):
    flour = make_product("Farine")
    receive(flour, 10, best_before=TODAY + timedelta(days=30))
    receive(flour, 10, best_before=TODAY + timedelta(days=60))
    _sell(session, flour, 13, now)
    _sell(session, flour, 2, now, MovementKind.GIVEN_AWAY)
    assert ledger_discrepancies(session) == []
    assert stock_on_hand(session, flour.id, FIRST_SITE_ID) == 5


def test_stock_verify_command(app, session, make_product, receive):
    receive(make_product("Thé"), 3)
    result = app.test_cli_runner().invoke(args=["stock", "verify"])
    assert result.exit_code == 0
    assert "Stock cohérent" in result.output
