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
