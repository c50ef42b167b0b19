"""A washing machine's way through the ressourcerie, in Chromium: weighed on the (simulated)
serial scale, repaired and tested, its tag printed, sold at the till by scanning the tag, and
the tonnage report moving."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.extensions import db
from app.settings.services import set_setting
from hardware.scale import ScaleSimulator
from tests.e2e.test_households_e2e import _login
from tests.e2e.test_till_e2e import _at_open_till, _scan
from tests.hardware.escpos_decoder import decode

pytestmark = pytest.mark.e2e
NBSP = "\u00a0"


@pytest.fixture
def devices(app, tmp_path):
    scale = ScaleSimulator()
    scale.next_frame = b"\x02 74.500\r"  # the machine in a 12 kg bin
    tags = tmp_path / "etiquettes.bin"
    with app.app_context(), Session(db.engine) as session:
        for key, value in (
            ("hardware.scale_port", scale.port_name),
            ("labels.printer_kind", "file"),
            ("labels.printer_target", str(tags)),
            ("labels.printer_model", "epson-tm-t20ii"),
        ):
            set_setting(session, key, value, utcnow())
        session.commit()
    yield tags
    with app.app_context(), Session(db.engine) as session:
        set_setting(session, "hardware.scale_port", "", utcnow())
        session.commit()
    scale.close()


def test_washing_machine_from_intake_to_sale(page, devices):
    _login(page, "karim", "encadrant-e2e")
    page.goto("/stock/ressourcerie/tonnage")
    before = page.locator("#tonnage tr", has_text="Gros électroménager")
    expect(before).to_have_count(0)

    # Intake on the scale, in a bin.
    page.goto("/stock/ressourcerie/")
    page.get_by_label("Catégorie").select_option(label="Gros électroménager")
    page.get_by_label("Type de collecte").select_option(label="Déchèterie")
    page.get_by_role("button", name="Lire la balance").click()
    expect(page.get_by_label("Poids brut (kg)")).to_have_value("74,500")
    page.get_by_label("Contenant (tare)").select_option(label="Bac roulant 240 l (12 kg)")
    page.get_by_label(re.compile("Objet gardé pour le réemploi")).check()
    page.get_by_label("Description de l'objet").fill("Lave-linge Bosch 7 kg")
    page.get_by_label("N° de série").fill("WAE-2836")
    page.get_by_role("button", name="Enregistrer la collecte").click()
    expect(page.get_by_text(re.compile(r"Objet R\d{5} créé"))).to_be_visible()
    number = re.search(r"R\d{5}", page.url).group(0)
    expect(page.locator("#item-state")).to_have_text("Collecté")

    # Price, a repair with every function tested, ready for sale.
    page.get_by_label("Prix de vente (€)").fill("120")
    page.get_by_role("button", name="Enregistrer le prix").click()
    repair = page.locator("#repair-form")
    repair.get_by_label("Durée (minutes)").fill("120")
    repair.get_by_label("Pièces", exact=True).fill("Courroie, joint de hublot")
    repair.get_by_label("Tests faits").fill("Essorage, chauffe, vidange, verrouillage")
    repair.get_by_label("Toutes les fonctions testées").check()
    repair.get_by_label("Effacement des données").select_option("not_applicable")
    repair.get_by_role("button", name="Noter la réparation").click()
    expect(page.locator("#repair-log")).to_contain_text("toutes fonctions testées")
    page.get_by_role("button", name="Prêt à la vente").click()
    expect(page.locator("#item-state")).to_have_text("Prêt à la vente")

    # Its tag, on the thermal label printer.
    page.get_by_role("button", name="Étiquette sur l'imprimante thermique").click()
    expect(page.get_by_text("1 étiquette(s) envoyée(s)")).to_be_visible()
    assert decode(devices.read_bytes()).barcodes == ["{B" + number]
    page.get_by_role("button", name="Se déconnecter").click()

    # At the till: the tag scanned, paid by card.
    _at_open_till(page)
    _scan(page, number)
    expect(page.locator("#cart-lines li").first).to_contain_text(
        f"Lave-linge Bosch 7 kg (n° {number})"
    )
    expect(page.get_by_test_id("total")).to_have_text(f"120,00{NBSP}€")
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Carte bancaire").click()
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    expect(page.locator("#till-message")).to_contain_text("Vente enregistrée — ticket C1-")
    ticket = re.search(r"C1-\d{6}", page.locator("#till-message").inner_text()).group(0)
    # A second scan of the same tag is refused.
    page.locator("#till-app h1").click()
    _scan(page, number)
    expect(page.locator("#till-message")).to_have_text(
        f"L'objet {number} n'est pas en vente (vendu)."
    )
    page.get_by_role("button", name="Se déconnecter").click()

    # From the ticket to the item, its serial number and its repair log.
    _login(page, "karim", "encadrant-e2e")
    page.goto(f"/stock/ressourcerie/?q={ticket}")
    expect(page.locator("#item-state")).to_have_text("Vendu")
    expect(page.get_by_text(f"Vendu, ticket {ticket}")).to_be_visible()
    expect(page.locator("#repair-log")).to_contain_text("Courroie, joint de hublot")

    # The report moved: 62,5 kg collected and reused.
    page.goto("/stock/ressourcerie/tonnage")
    row = page.locator("#tonnage tr", has_text="Gros électroménager")
    expect(row.locator("td")).to_have_text(
        ["Gros électroménager", "62,500", "62,500", "0,000", "0,000", "100,0 %"]
    )


@pytest.fixture
def ressourcerie_till(app):
    """Till C1 at the shop (it offers untagged objects), Livres with a grid and a standard
    weight, the simulated scale showing 850 g; all put back afterwards."""
    from sqlalchemy import select

    from inventory.models import ChoiceKind, ItemCategory, RessourcerieChoice
    from inventory.ressourcerie.categories import (
        ItemCategoryData,
        parse_price_grid,
        save_item_category,
    )
    from pos.models import Till

    scale = ScaleSimulator()
    scale.next_frame = b"\x02 0.850\r"
    with app.app_context(), Session(db.engine) as session:
        shop = session.scalar(
            select(RessourcerieChoice.id).where(
                RessourcerieChoice.kind == ChoiceKind.POINT, RessourcerieChoice.name == "Boutique"
            )
        )
        session.scalar(select(Till).where(Till.code == "C1")).point_id = shop
        books = session.scalar(select(ItemCategory).where(ItemCategory.name == "Livres"))
        save_item_category(
            session,
            books.id,
            ItemCategoryData(
                "Livres",
                100,
                price_grid=parse_price_grid("Poche : 0,50\nGrand format : 2"),
                standard_weight_grams=300,
            ),
        )
        set_setting(session, "hardware.scale_port", scale.port_name, utcnow())
        session.commit()
    yield
    with app.app_context(), Session(db.engine) as session:
        session.scalar(select(Till).where(Till.code == "C1")).point_id = None
        set_setting(session, "hardware.scale_port", "", utcnow())
        session.commit()
    scale.close()


def test_untagged_objects_sold_by_category_and_weight(page, app, ressourcerie_till):
    from sqlalchemy import select

    from pos.models import SaleLine

    _at_open_till(page)
    panel = page.locator("#untagged-panel")

    # A big book from the grid, weighed on the scale.
    page.get_by_role("button", name="Ressourcerie sans étiquette").click()
    expect(panel.locator("#untagged-step")).to_have_text("1. Choisissez la catégorie de l'objet.")
    panel.get_by_role("button", name="Livres", exact=True).click()
    panel.get_by_role("button", name=f"Grand format — 2,00{NBSP}€").click()
    panel.get_by_role("button", name="Lire la balance").click()
    expect(panel).to_be_hidden()
    first = page.locator("#cart-lines li").nth(0)
    expect(first).to_contain_text("Livres — Grand format")
    expect(first.locator(".line-qty")).to_have_text("1 · 0,85 kg")

    # A bag of clothes « par lot », its price and weight typed.
    page.keyboard.press("F7")
    panel.get_by_role("button", name="Textiles").click()
    panel.get_by_label(re.compile("Par lot")).check()
    panel.get_by_label("Prix tapé (€)").fill("5")
    panel.get_by_role("button", name="Ce prix").click()
    expect(panel.get_by_role("button", name=re.compile("Poids standard"))).to_be_hidden()
    panel.get_by_label("Poids tapé (kg)").fill("3,2")
    panel.get_by_role("button", name="Ce poids").click()
    expect(page.locator("#cart-lines li").nth(1)).to_contain_text("Textiles (lot)")

    # Three paperbacks, not weighed: the standard weight each.
    page.keyboard.press("F7")
    panel.get_by_role("button", name="Livres", exact=True).click()
    panel.get_by_role("button", name=f"Poche — 0,50{NBSP}€").click()
    panel.get_by_role("button", name="Poids standard : 0,3 kg").click()
    page.locator("#till-app [data-pad='3']").click()
    page.get_by_role("button", name="Quantité").click()
    expect(page.locator("#cart-lines li").nth(2).locator(".line-qty")).to_have_text("3 · 0,9 kg")
    expect(page.get_by_test_id("total")).to_have_text(f"8,50{NBSP}€")

    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Espèces").click()
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    expect(page.locator("#till-message")).to_contain_text("Vente enregistrée — ticket C1-")
    with app.app_context(), Session(db.engine) as session:
        lines = session.scalars(
            select(SaleLine).where(SaleLine.item_category_id.is_not(None)).order_by(SaleLine.id)
        ).all()
        assert [(line.label, line.amount_cents, line.weight_grams) for line in lines[-3:]] == [
            ("Livres — Grand format", 200, 850),
            ("Textiles (lot)", 500, 3_200),
            ("Livres — Poche", 150, 900),
        ]
