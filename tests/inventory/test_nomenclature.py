"""The worked examples of DOMAIN.md, and the other rules of the barcode nomenclature."""

import pytest

from inventory.errors import InvalidData, UnknownBarcode, UnreadableBarcode
from inventory.models import RuleKind, StockUnit
from inventory.nomenclature import compile_rule, embed_value, load_rules, parse_scan


def test_weight_example_of_the_domain(session, make_product):
    tomatoes = make_product(
        "Tomates du jardin", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"]
    )
    result = parse_scan(session, "2100005080002")
    assert result.kind == RuleKind.WEIGHT
    assert result.product == tomatoes
    assert result.quantity == 8000  # 8.000 kg in grams


def test_price_example_of_the_domain(session, make_product):
    item = make_product("Colis garni", 0, barcodes=["2305000000004"])
    result = parse_scan(session, "2305000123451")
    assert result.kind == RuleKind.PRICE
    assert result.product == item
    assert result.price_cents == 12345 and result.quantity == 1


def test_price_to_weight(session, make_product):
    carrots = make_product("Carottes", 180, StockUnit.KILOGRAM, barcodes=["2200007000005"])
    # 3,60 € of carrots at 1,80 €/kg is 2 kg.
    code = embed_value(
        compile_rule(RuleKind.PRICE_TO_WEIGHT, "p", "22.....{NNNDD}"), "2200007000005", 360
    )
    result = parse_scan(session, code)
    assert (result.product, result.price_cents, result.quantity) == (carrots, 360, 2000)


def test_plain_product_ean13_ean8_upca(session, make_product):
    nutella = make_product(
        "Pâte à tartiner", 399, barcodes=["3017620422003", "96385074", "036000291452"]
    )
    for code in ("3017620422003", "96385074", "036000291452"):
        result = parse_scan(session, code)
        assert result.kind == RuleKind.PRODUCT and result.product == nutella
        assert result.quantity == 1


def test_azerty_shifted_scan_is_repaired(session, make_product):
    nutella = make_product("Pâte à tartiner", 399, barcodes=["3017620422003"])
    qwerty_on_azerty = "3017620422003".translate(str.maketrans("1234567890", "&é\"'(-è_çà"))
    assert qwerty_on_azerty == '"à&è-éà\'ééàà"'
    assert parse_scan(session, qwerty_on_azerty).product == nutella


def test_wrong_check_digit_is_refused(session, make_product):
    make_product("Pâte à tartiner", 399, barcodes=["3017620422003"])
    with pytest.raises(UnreadableBarcode, match="chiffre de contrôle faux"):
        parse_scan(session, "3017620422004")


def test_unknown_code_says_so_in_french(session):
    with pytest.raises(UnknownBarcode, match="inconnu") as error:
        parse_scan(session, "3017620422003")
    assert error.value.barcode == "3017620422003"
    assert error.value.code == "unknown_barcode"


def test_cards_and_badges(session):
    assert parse_scan(session, "0420000000013").kind == RuleKind.BENEFICIARY_CARD
    assert parse_scan(session, "0410000000014").kind == RuleKind.STAFF_BADGE


def test_default_rules_are_in_a_fresh_database(session):
    kinds = [rule.kind for rule in load_rules(session)]
    assert kinds == [
        RuleKind.BENEFICIARY_CARD,
        RuleKind.STAFF_BADGE,
        RuleKind.WEIGHT,
        RuleKind.PRICE_TO_WEIGHT,
        RuleKind.PRICE,
        RuleKind.PRODUCT,
    ]


def test_first_matching_rule_wins(session, make_product):
    make_product("Tomates", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"])
    rules = [compile_rule(RuleKind.PRICE, "prix", "21.....{NNNDD}")] + load_rules(session)
    result = parse_scan(session, "2100005080002", rules)
    assert result.kind == RuleKind.PRICE and result.price_cents == 8000


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        (RuleKind.WEIGHT, "21....."),
        (RuleKind.PRODUCT, "21{NND}"),
        (RuleKind.WEIGHT, "2a{NN}"),
        (RuleKind.WEIGHT, "21{DD}"),
    ],
)
def test_invalid_rules_are_refused(kind, pattern):
    with pytest.raises(InvalidData):
        compile_rule(kind, "x", pattern)


def test_weight_label_round_trip(session, make_product):
    make_product("Courgettes", 250, StockUnit.KILOGRAM, barcodes=["2100002000003"])
    rule = compile_rule(RuleKind.WEIGHT, "poids", "21.....{NNDDD}")
    code = embed_value(rule, "2100002000003", 1234)
    assert code == "2100002012341"
    assert parse_scan(session, code).quantity == 1234


def test_the_weighed_products_own_code_still_needs_weighing(session, make_product):
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"])
    result = parse_scan(session, "2100005000000")
    assert (result.kind, result.product, result.quantity) == (RuleKind.PRODUCT, tomatoes, None)
