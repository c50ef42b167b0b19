"""Suppliers and purchase orders: an order's lines, sent, received against (received vs
ordered, with the lots' dates), closed; purchase prices over time; the stock's value at a date."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.sites.models import FIRST_SITE_ID
from inventory.errors import InvalidData
from inventory.models import (
    LotOrigin,
    MovementKind,
    OrderStatus,
    PurchaseOrder,
    StockUnit,
    Supplier,
    SupplierKind,
)
from inventory.purchasing.services import (
    SupplierData,
    change_status,
    create_order,
    price_history,
    progress,
    receive_against,
    save_supplier,
    set_line,
    stock_value_at,
)
from inventory.services.ledger import MovementContext, withdraw
from inventory.services.receptions import LotData, receive_line
from tests.conftest import csrf_token_from, page_text


@pytest.fixture
def shop(session, staff, now):
    return save_supplier(session, staff.id, now, None, SupplierData("Metro", SupplierKind.SHOP))


def test_a_supplier_name_is_unique(session, staff, now, shop):
    with pytest.raises(InvalidData, match="déjà ce nom"):
        save_supplier(session, staff.id, now, None, SupplierData("metro", SupplierKind.SHOP))
    with pytest.raises(InvalidData, match="Nom du fournisseur"):
        save_supplier(session, staff.id, now, None, SupplierData("  ", SupplierKind.SHOP))


def test_an_order_received_in_part_shows_what_is_missing(session, staff, now, shop, make_product):
    oil = make_product("Huile 1 l", 350)
    apples = make_product("Pommes", 250, StockUnit.KILOGRAM)
    sugar = make_product("Sucre", 120)
    order = create_order(session, staff.id, now, shop, date(2026, 12, 4))
    set_line(session, order, oil, 24, 289)
    set_line(session, order, apples, 10_000, 180)
    set_line(session, order, apples, 12_000, 175)  # changed: one line per product
    with pytest.raises(InvalidData, match="Seule une commande envoyée se réceptionne"):
        receive_against(session, staff.id, now, order)
    change_status(session, staff.id, now, order, OrderStatus.SENT)
    with pytest.raises(InvalidData, match="ne changent plus"):
        set_line(session, order, sugar, 5, 100)
    reception = receive_against(session, staff.id, now, order, "BL-77")
    assert (reception.origin, reception.supplier) == (LotOrigin.PURCHASE, "Metro")
    receive_line(session, staff.id, now, reception, oil, LotData(20, best_before=date(2027, 9, 1)))
    receive_line(session, staff.id, now, reception, apples, LotData(12_000))
    receive_line(session, staff.id, now, reception, sugar, LotData(5))  # not ordered
    rows = {row.product.name: row for row in progress(session, order)}
    assert (rows["Huile 1 l"].ordered, rows["Huile 1 l"].received, rows["Huile 1 l"].missing) == (
        24,
        20,
        4,
    )
    assert rows["Huile 1 l"].lots[0].best_before == date(2027, 9, 1)
    assert rows["Pommes"].missing == 0 and rows["Pommes"].amount_cents == 2100  # 12 kg × 1,75
    assert (rows["Sucre"].ordered, rows["Sucre"].received) == (0, 5)
    with pytest.raises(InvalidData, match="clôturez"):
        change_status(session, staff.id, now, order, OrderStatus.CANCELLED)
    change_status(session, staff.id, now, order, OrderStatus.CLOSED)
    with pytest.raises(InvalidData, match="Seule une commande envoyée se réceptionne"):
        receive_against(session, staff.id, now, order)


def test_prices_paid_over_time_newest_first(session, staff, now, shop, make_product):
    oil = make_product("Huile 1 l", 350)
    other = save_supplier(
        session, staff.id, now, None, SupplierData("Promocash", SupplierKind.SHOP)
    )
    for supplier, price, when in ((shop, 289, now - timedelta(days=40)), (other, 305, now)):
        order = create_order(session, staff.id, when, supplier, None)
        set_line(session, order, oil, 12, price)
        change_status(session, staff.id, when, order, OrderStatus.SENT)
    draft = create_order(session, staff.id, now, shop, None)
    set_line(session, draft, oil, 12, 999)  # never sent: not a price paid
    assert [(p.supplier, p.unit_price_cents) for p in price_history(session, oil.id)] == [
        ("Promocash", 305),
        ("Metro", 289),
    ]


def test_the_stock_value_at_a_date_follows_the_ledger(session, staff, now, make_product, receive):
    rice = make_product("Riz", 200, category="Épicerie salée")
    receive(rice, 10, reference_value_cents=1500, at=now - timedelta(days=3))  # 1,50 € each
    withdraw(
        session,
        rice,
        4,
        MovementKind.SALE,
        MovementContext(None, now, site_id=FIRST_SITE_ID),
        now.date(),
    )
    before = stock_value_at(session, now - timedelta(days=1))
    after = stock_value_at(session, now + timedelta(seconds=1))
    assert before == [("Épicerie salée", 10, 1500)]
    assert after == [("Épicerie salée", 6, 900)]


def test_the_purchasing_pages_from_supplier_to_reception(
    client, session, staff, login, make_product
):
    oil = make_product("Huile 1 l", 350, barcodes=["3017620422003"])
    login("karim")

    def post(url, **data):
        token = csrf_token_from(client.get(url).get_data(as_text=True))
        return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)

    bad = post("/stock/fournisseurs", name="Metro", kind="shop", email="pas-une-adresse")
    assert "E-mail : adresse invalide." in page_text(bad)
    assert session.scalar(select(Supplier.id)) is None
    post("/stock/fournisseurs", name="Metro", kind="shop", email="achats@metro.example")
    supplier = session.scalar(select(Supplier))
    made = post("/stock/commandes", supplier_id=str(supplier.id))
    assert "Commande n°" in page_text(made)
    order = session.scalar(select(PurchaseOrder))
    url = f"/stock/commandes/{order.id}"
    line = post(url, action="ligne", product="3017620422003", quantity="24", unit_price="2,89")
    assert "« Huile 1 l » : ligne enregistrée." in page_text(line)
    unknown = post(url, action="ligne", product="introuvable", quantity="1", unit_price="1")
    assert "Aucun produit pour « introuvable »." in page_text(unknown)
    post(url, action="envoyer")
    reception = post(url, action="recevoir", document_ref="BL-12")
    text = page_text(reception)
    assert f"Commande n° {order.id} : reçu / commandé" in text and "Huile 1 l" in text
    assert session.get(PurchaseOrder, order.id).status == OrderStatus.SENT
    assert "2,89" in page_text(client.get(f"/stock/products/{oil.id}"))  # the price paid
    assert client.get("/stock/valeur?date=2026-11-30").status_code == 200
