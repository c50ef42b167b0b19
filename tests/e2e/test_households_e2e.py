"""A social worker opens a file, the committee grants a right, the card's barcode scans."""

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _login(page, username, password):
    page.goto("/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


@pytest.fixture
def page(browser, live_server):
    # A printer-like resolution, so the card's bars are several pixels wide in the screenshot.
    context = browser.new_context(
        viewport={"width": 1366, "height": 768},
        locale="fr-FR",
        base_url=live_server,
        device_scale_factor=3,
        service_workers="block",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_household_right_and_card(page):
    _login(page, "sophie", "referente-e2e")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Foyers"
    ).click()
    page.get_by_role("link", name="Nouveau dossier").click()
    page.get_by_label("Nom du foyer").fill("Foyer Nguyen")
    page.get_by_label("Organisme prescripteur").select_option(label="Mission Locale")
    page.get_by_label("Prescripteur·rice (nom)").fill("Mme Aubert")
    page.get_by_label("Ressources mensuelles (€)").fill("980")
    page.get_by_label("Charges fixes mensuelles (€)").fill("620,50")
    page.get_by_label("Prénom, personne 1").fill("Linh")
    page.get_by_label("Année de naissance, personne 1").fill("1990")
    page.get_by_label("Sexe, personne 1").select_option(label="Femme")
    page.get_by_label("Lien, personne 1").select_option(label="Personne de référence")
    page.get_by_label("Prénom, personne 2").fill("Minh")
    page.get_by_label("Année de naissance, personne 2").fill("2018")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_text("Dossier créé pour Foyer Nguyen.")).to_be_visible()
    # (980 − 620,50) / 2 / 30 = 5,99 €
    expect(page.get_by_test_id("rav")).to_have_text("5,99\u00a0€")

    page.get_by_label("Projet personnel").fill("Solder une dette de loyer")
    page.get_by_role("button", name="Transmettre à la commission").click()
    expect(page.get_by_text("Demande transmise à la commission d'accès.")).to_be_visible()
    number = re.search(r"Dossier n° (\d+)", page.content()).group(1)
    _logout(page)

    _login(page, "claire", "admin-e2e-secret")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Foyers"
    ).click()
    expect(page.get_by_role("heading", name="Commission d'accès")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(f"n° {number}"))
    expect(row).to_contain_text("1 adulte(s), 1 enfant(s)")
    expect(row).not_to_contain_text("Nguyen")
    row.get_by_role("button", name="Accorder").click()
    expect(page.get_by_text(f"Dossier n° {number} : droit accordé.")).to_be_visible()
    _logout(page)

    _login(page, "sophie", "referente-e2e")
    page.goto(f"/foyers/{number}")
    expect(page.get_by_text(re.compile("Droit en cours jusqu'au"))).to_be_visible()
    page.get_by_role("link", name="Carte").click()
    card = page.get_by_test_id("card")
    expect(card).to_contain_text("Foyer Nguyen")
    expect(card).to_contain_text("Valable jusqu'au")
    code = page.get_by_role("img").get_attribute("alt").removeprefix("Code-barres ")
    image = Image.open(io.BytesIO(card.screenshot(scale="device")))
    decoded = [result.text for result in zxingcpp.read_barcodes(image, try_downscale=False)]
    assert decoded == [code]
    assert code.startswith("042") and len(code) == 13
