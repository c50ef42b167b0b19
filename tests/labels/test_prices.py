"""Unit prices (€/kg, €/l) and weighed labels the till reads back to the same price."""

from datetime import date

import pytest

from inventory.models import StockUnit
from inventory.nomenclature import parse_scan
from inventory.services.products import unit_price_cents
from labels.content import shelf_label
from labels.services import LabelError, WeighedRequest, weighed_labels
from pos.services.pricing import price_line


@pytest.mark.parametrize(
    ("unit", "price", "content", "expected"),
    [
        (StockUnit.PIECE, 109, 500, (218, "kg")),  # 500 g of pasta at 1,09 €
        (StockUnit.PIECE, 109, 45, (2422, "kg")),  # 45 g (under 100 g): 24,222… → 24,22 €/kg
        (StockUnit.PIECE, 99, 400, (248, "kg")),  # 2,475 → 2,48 €/kg (halves away from zero)
        (StockUnit.LITRE, 105, 1500, (70, "l")),  # 1,5 l of milk at 1,05 €
        (StockUnit.LITRE, 249, 250, (996, "l")),  # 25 cl
        (StockUnit.KILOGRAM, 320, None, (320, "kg")),  # sold by weight: the price is per kg
        (StockUnit.PIECE, 150, None, None),  # no content known: no unit price
    ],
)
def test_unit_prices(make_product, unit, price, content, expected):
    product = make_product("Produit", price, unit, net_content=content)
    assert unit_price_cents(product) == expected


def test_shelf_label_texts(make_product):
    pasta = make_product("Pâtes 500 g", 109, net_content=500)
    label = shelf_label(pasta, participation_rate_bp=2000)
    assert (label.price, label.unit_price, label.participation) == (
        "1,09\xa0€",
        "2,18\xa0€ / kg",
        "Adhérent·es (20 %) : 0,22\xa0€",
    )


@pytest.mark.parametrize("grams", [1250, 85, 7, 9_999])
def test_weighed_label_reads_back_at_the_till(session, scale_products, grams):
    tomatoes, herbs = scale_products
    for product in (tomatoes, herbs):
        label = weighed_labels(session, WeighedRequest(product.id, grams, date(2026, 11, 24)))[0]
        scan = parse_scan(session, label.barcode.code)
        assert scan.product.id == product.id
        if product is tomatoes:  # weight embedded: the till prices it the same way
            assert scan.quantity == grams
            till_price = price_line(product, scan.quantity, None).amount_cents
        else:  # price embedded: the till takes the printed price
            till_price = scan.price_cents
        assert till_price == label.price_cents
        assert label.price == f"{label.price_cents // 100},{label.price_cents % 100:02d}\xa0€"
        assert label.unit_price == ("3,20\xa0€ / kg" if product is tomatoes else "12,00\xa0€ / kg")


def test_under_100_g_rounding(session, scale_products):
    _tomatoes, herbs = scale_products  # 12,00 €/kg
    label = weighed_labels(session, WeighedRequest(herbs.id, 37, date(2026, 11, 24)))[0]
    assert (label.net_weight, label.price_cents) == ("37 g", 44)  # 44,4 c → 0,44 €


def test_a_product_without_scale_code_is_explained(session, make_product):
    leeks = make_product("Poireaux", 300, StockUnit.KILOGRAM)
    with pytest.raises(LabelError, match="n'a pas de code balance"):
        weighed_labels(session, WeighedRequest(leeks.id, 500, date(2026, 11, 24)))
