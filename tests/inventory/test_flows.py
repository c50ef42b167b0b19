"""Receptions, jardin harvests, expiry control, stocktakes and recalls."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.sites.models import FIRST_SITE_ID
from inventory.errors import InvalidData, StocktakeClosed
from inventory.models import LotOrigin, MovementKind, StockUnit
from inventory.services.expiry import dispose_lots, expiry_report
from inventory.services.ledger import MovementContext, stock_on_hand, withdraw
from inventory.services.recall import recall_report
from inventory.services.receptions import (
    HarvestData,
    LotData,
    ReceptionData,
    harvest_table,
    receive_line,
    record_harvest,
    start_reception,
)
from inventory.services.stocktakes import (
    add_count,
    set_count,
    start_stocktake,
    validate_stocktake,
    variance_report,
)

TODAY = date(2026, 11, 23)  # the ``now`` fixture is 23/11/2026 09:30 UTC


def test_banque_alimentaire_pickup_records_its_total_weight(session, staff, now):
    with pytest.raises(InvalidData, match="poids total"):
        start_reception(session, staff.id, now, ReceptionData(LotOrigin.BANQUE_ALIMENTAIRE))
    reception = start_reception(
        session,
        staff.id,
        now,
        ReceptionData(
            LotOrigin.BANQUE_ALIMENTAIRE, declared_weight_grams=182_500, supplier="BA 33"
        ),
    )
    assert reception.declared_weight_grams == 182_500


def test_reception_line_checks(session, staff, now, make_product):
    milk = make_product("Lait")
    reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.DONATION))
    with pytest.raises(InvalidData, match="48 h"):
        receive_line(
            session, staff.id, now, reception, milk, LotData(6, use_by=TODAY + timedelta(days=1))
        )
    with pytest.raises(InvalidData, match="DLC déjà dépassée"):
        receive_line(
            session, staff.id, now, reception, milk, LotData(6, use_by=TODAY - timedelta(days=1))
        )
    with pytest.raises(InvalidData, match="pas les deux"):
        receive_line(
            session,
            staff.id,
            now,
            reception,
            milk,
            LotData(6, use_by=TODAY + timedelta(days=5), best_before=TODAY),
        )
    with pytest.raises(InvalidData, match="Quantité"):
        receive_line(session, staff.id, now, reception, milk, LotData(0))
    lot = receive_line(
        session, staff.id, now, reception, milk, LotData(6, use_by=TODAY + timedelta(days=2))
    )
    assert lot.origin == LotOrigin.DONATION and lot.reference_value_cents == 6 * 120
    assert stock_on_hand(session, milk.id, FIRST_SITE_ID) == 6


def test_jardin_harvest_becomes_a_lot_and_a_yearly_table(
    session, staff, now, make_product, parcels
):
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM, category="Fruits et légumes")
    courgettes = make_product("Courgettes", 250, StockUnit.KILOGRAM, category="Fruits et légumes")
    for parcel, product, grams in ((1, tomatoes, 4200), (1, tomatoes, 800), (3, courgettes, 2500)):
        harvest = record_harvest(
            session,
            staff.id,
            now,
            HarvestData(parcel, product.id, grams, TODAY, participant_ids=(4, 7)),
        )
    assert harvest.participant_ids == [4, 7]
    assert stock_on_hand(session, tomatoes.id, FIRST_SITE_ID) == 5000
    assert harvest.product.name == "Courgettes"
    names, table = harvest_table(session, 2026)
    assert names == ["Courgettes", "Tomates"]
    assert table == {"Tomates": {1: 5000}, "Courgettes": {3: 2500}}
    assert harvest_table(session, 2025) == ([], {})
    with pytest.raises(InvalidData, match="parcelle cultivée"):
        record_harvest(session, staff.id, now, HarvestData(7, tomatoes.id, 100, TODAY))
    parcels[2].is_active = False  # parcel 3, no longer grown: refused, its harvest stays
    with pytest.raises(InvalidData, match="parcelle cultivée"):
        record_harvest(session, staff.id, now, HarvestData(3, tomatoes.id, 100, TODAY))
    assert harvest_table(session, 2026)[1]["Courgettes"] == {3: 2500}
    with pytest.raises(InvalidData, match="au poids"):
        record_harvest(session, staff.id, now, HarvestData(1, make_product("Boîte").id, 100, TODAY))


def test_expiry_report_and_disposal(session, staff, make_product, receive):
    yesterday = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    ham = make_product("Jambon")
    past = receive(ham, 3, use_by=TODAY + timedelta(days=2), at=yesterday)
    soon = receive(ham, 2, use_by=TODAY + timedelta(days=3))
    later = receive(ham, 2, use_by=TODAY + timedelta(days=4))
    rice = make_product("Riz")
    old_rice = receive(rice, 5, best_before=TODAY + timedelta(days=1))
    report = expiry_report(session, TODAY + timedelta(days=3))
    assert [lot.id for lot in report.past_use_by] == [past.id]
    assert [lot.id for lot in report.use_by_soon] == [soon.id, later.id]
    assert [lot.id for lot in report.past_best_before] == [old_rice.id]
    assert report.past_use_by[0].product_name == "Jambon"
    then = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    with pytest.raises(InvalidData, match="doit être détruit"):
        dispose_lots(session, staff.id, then, [past.id], MovementKind.GIVEN_AWAY)
    assert dispose_lots(session, staff.id, then, [past.id], MovementKind.EXPIRED_DESTROYED) == 1
    assert dispose_lots(session, staff.id, then, [old_rice.id], MovementKind.GIVEN_AWAY) == 1
    assert past.remaining_quantity == 0 and old_rice.remaining_quantity == 0
    assert expiry_report(session, TODAY + timedelta(days=3)).past_use_by == []


def test_stocktake_changes_nothing_until_validated(session, staff, now, make_product, receive):
    pasta, rice, oil = make_product("Pâtes"), make_product("Riz"), make_product("Huile")
    receive(pasta, 10, best_before=TODAY + timedelta(days=90))
    receive(rice, 4)
    lot = receive(oil, 3)
    withdraw(
        session, oil, 5, MovementKind.SALE, MovementContext(None, now, site_id=FIRST_SITE_ID), TODAY
    )  # −2
    stocktake = start_stocktake(session, staff.id, now, "Rayon épicerie", FIRST_SITE_ID)
    for _ in range(8):
        add_count(session, stocktake, pasta, 1)
    set_count(session, stocktake, rice, 6)
    add_count(session, stocktake, oil, 1)
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 10  # nothing moved yet
    variances = {
        v.product.name: (v.expected, v.counted, v.variance)
        for v in variance_report(session, stocktake)
    }
    assert variances == {"Pâtes": (10, 8, -2), "Riz": (4, 6, 2), "Huile": (-2, 1, 3)}
    assert validate_stocktake(session, staff.id, now, stocktake, TODAY) == 3
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 8
    assert stock_on_hand(session, rice.id, FIRST_SITE_ID) == 6
    assert stock_on_hand(session, oil.id, FIRST_SITE_ID) == 1
    assert lot.remaining_quantity == 0  # the negative lot is set right first
    with pytest.raises(StocktakeClosed):
        add_count(session, stocktake, pasta, 1)
    assert [v.variance for v in variance_report(session, stocktake)] == [-2, 2, 3]


def test_recall_finds_lots_receptions_and_sales(session, staff, now, make_product, receive):
    cheese = make_product("Camembert")
    first = receive(cheese, 4, use_by=TODAY + timedelta(days=10))
    second = receive(
        cheese, 4, use_by=TODAY + timedelta(days=20), origin=LotOrigin.BANQUE_ALIMENTAIRE
    )
    withdraw(
        session,
        cheese,
        5,
        MovementKind.SALE,
        MovementContext(None, now, "sale:abc", site_id=FIRST_SITE_ID),
        TODAY,
    )
    report = recall_report(session, cheese)
    assert report.lots == [first, second]
    assert {r.id for r in report.receptions} == {first.reception_id, second.reception_id}
    assert [(m.lot_id, m.quantity, m.reference) for m in report.outgoing] == [
        (first.id, -4, "sale:abc"),
        (second.id, -1, "sale:abc"),
    ]
    assert report.quantity_still_in_stock == 3
    only_second = recall_report(session, cheese, second)
    assert only_second.lots == [second] and len(only_second.outgoing) == 1
