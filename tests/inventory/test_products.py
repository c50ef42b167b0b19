"""Catalogue: validation, barcodes, accent-blind search, CSV import (all or nothing) and export."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from inventory.errors import InvalidData
from inventory.models import Product, StockUnit
from inventory.services.product_csv import export_products_csv, import_products_csv
from inventory.services.products import (
    ProductData,
    add_barcode,
    get_or_create_category,
    search_products,
    update_product,
)


def test_search_ignores_accents_and_case(session, make_product):
    pates = make_product("Pâtes coquillettes 500 g")
    make_product("Riz long grain")
    assert search_products(session, "pates") == [pates]
    assert search_products(session, "PÂTES 500") == [pates]
    assert search_products(session, "coquillettes pâtes") == [pates]
    assert search_products(session, "100%") == []


def test_search_finds_oe_ligature(session, make_product):
    eggs = make_product("Œufs frais ×6")
    assert search_products(session, "oeufs") == [eggs]


def test_several_barcodes_and_no_duplicates(session, make_product):
    product = make_product("Lait", barcodes=["3017620422003"])
    add_barcode(session, product, "96385074")
    assert [b.code for b in product.barcodes] == ["3017620422003", "96385074"]
    other = make_product("Autre")
    with pytest.raises(InvalidData, match="déjà celui de « Lait »"):
        add_barcode(session, other, "96385074")
    with pytest.raises(InvalidData, match="chiffre de contrôle faux"):
        add_barcode(session, other, "3017620422004")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "nom"),
        ({"price_cents": -1}, "prix"),
        ({"vat_rate_bp": 700}, "TVA"),
        ({"per_visit_limit": 0}, "limite"),
    ],
)
def test_invalid_products_are_refused(session, make_product, fields, message):
    with pytest.raises(InvalidData, match=message):
        make_product(**{"name": "X", **fields})


def test_price_change_is_audited(session, make_product, now):
    product = make_product("Café", 329)
    data = ProductData(product.name, product.category_id, product.unit, 349)
    update_product(session, None, now, product, data)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "product.price_changed"))
    assert entry.details == {"old_cents": 329, "new_cents": 349}


GOOD_CSV = (
    "codes_barres;nom;categorie;unite;prix_reference;tva;contenu_net;limite_par_passage;actif\n"
    "3017620422003;Pâte à tartiner 400 g;Épicerie sucrée;piece;3,99;5,5;400;2;oui\n"
    "2100005000000;Tomates du jardin;Fruits et légumes;kg;3,20;5,5;;;oui\n"
)


def _categories(session):
    for name in ("Épicerie sucrée", "Fruits et légumes"):
        get_or_create_category(session, name)


def test_csv_import_creates_then_updates(session, now):
    _categories(session)
    errors, result = import_products_csv(session, None, now, GOOD_CSV)
    assert errors == [] and (result.created, result.updated) == (2, 0)
    tomatoes = search_products(session, "tomates")[0]
    assert tomatoes.unit == StockUnit.KILOGRAM and tomatoes.reference_price_cents == 320
    spread = search_products(session, "tartiner")[0]
    assert (spread.vat_rate_bp, spread.net_content, spread.per_visit_limit) == (550, 400, 2)
    errors, result = import_products_csv(session, None, now, GOOD_CSV.replace("3,99", "4,19"))
    assert (result.created, result.updated) == (0, 2)
    assert spread.reference_price_cents == 419


def test_csv_with_bad_rows_imports_nothing_and_names_each_line(session, now):
    _categories(session)
    bad = GOOD_CSV + (
        "3017620422004;Mauvais contrôle;Épicerie sucrée;piece;1,00;5,5;;;oui\n"
        "96385074;Catégorie inconnue;Bricolage;piece;1,00;5,5;;;oui\n"
        "036000291452;Prix négatif;Épicerie sucrée;piece;-2,00;5,5;;;oui\n"
        "40170725;Prix texte;Épicerie sucrée;piece;deux euros;5,5;;;oui\n"
        "3017620422003;Doublon;Épicerie sucrée;piece;1,00;5,5;;;oui\n"
    )
    errors, result = import_products_csv(session, None, now, bad)
    assert result is None
    assert errors == [
        "Ligne 4 : Code-barres « 3017620422004 » : chiffre de contrôle faux.",
        "Ligne 5 : catégorie « Bricolage » inconnue.",
        "Ligne 6 : Le montant ne peut pas être négatif.",
        "Ligne 7 : « deux euros » n'est pas un montant valide (exemple : 12,50).",
        "Ligne 8 : code-barres 3017620422003 déjà présent ligne 2.",
    ]
    assert session.scalar(select(func.count(Product.id))) == 0


def test_csv_export_reads_back(session, make_product, now):
    make_product(
        "Pâtes 500 g", 109, category="Épicerie salée", barcodes=["3017620422003"], net_content=500
    )
    exported = export_products_csv(session)
    assert exported.startswith("\ufeffcodes_barres;nom;categorie")
    assert "3017620422003;Pâtes 500 g;Épicerie salée;piece;1,09;5,5;500;;oui" in exported
    errors, result = import_products_csv(session, None, now, exported)
    assert errors == [] and result.updated == 1
