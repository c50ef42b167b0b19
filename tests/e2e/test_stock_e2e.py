"""Shelving staff receive a delivery with a keyboard-wedge scanner and see the stock change."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _scan(page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("data-scanner", "ready")
    # A scanner types the digits a few milliseconds apart, then Enter.
    page.keyboard.type(code, delay=1)
    page.keyboard.press("Enter")


def test_receive_a_delivery_by_scanning(page):
    page.goto("/login")
    page.get_by_label("Identifiant").fill("karim")
    page.get_by_label("Mot de passe").fill("encadrant-e2e")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Stock"
    ).click()
    page.get_by_role("navigation", name="Stock").get_by_role("link", name="Réceptions").click()

    page.get_by_label("Provenance").select_option(label="Achat")
    page.get_by_label("Fournisseur ou donateur").fill("Grossiste Solidaire")
    page.get_by_role("button", name="Commencer la réception").click()
    expect(page.get_by_role("heading", name=re.compile("Réception du .* — Achat"))).to_be_visible()

    expect(page.get_by_label(re.compile("1. Scannez le produit"))).to_be_focused()
    _scan(page, "3017620422003")
    expect(page.get_by_role("heading", name="2. Pâtes coquillettes 500 g")).to_be_visible()
    quantity = page.get_by_label("Quantité")
    expect(quantity).to_be_focused()
    quantity.fill("24")
    page.get_by_label("Date", exact=True).select_option(label="DDM (de préférence avant)")
    page.get_by_label("Date limite").fill("2027-06-30")
    page.get_by_role("button", name="Ajouter ce lot").click()
    expect(page.get_by_text("Pâtes coquillettes 500 g : lot enregistré.")).to_be_visible()
    expect(page.get_by_role("cell", name="DDM 30/06/2027")).to_be_visible()

    # Focus away from the scan field: the scanner's burst is still caught and looked up.
    page.get_by_role("heading", name=re.compile("Réception du")).click()
    _scan(page, "3017620422003")
    expect(page.get_by_text("En stock : 64")).to_be_visible()  # 40 seeded + 24
    page.get_by_label("Quantité").fill("6")
    page.get_by_label("Date", exact=True).select_option(label="Sans date")
    page.get_by_label("Quantité").press("Enter")
    expect(page.get_by_text("Pâtes coquillettes 500 g : lot enregistré.")).to_be_visible()

    page.get_by_role("navigation", name="Stock").get_by_role("link", name="Produits").click()
    row = page.get_by_role("row", name=re.compile("Pâtes coquillettes 500 g"))
    expect(row.get_by_role("cell").nth(4)).to_have_text("70")


def test_a_wrong_scan_is_explained(page):
    page.goto("/login")
    page.get_by_label("Identifiant").fill("karim")
    page.get_by_label("Mot de passe").fill("encadrant-e2e")
    page.get_by_role("button", name="Se connecter").click()
    page.goto("/stock/receptions")
    page.get_by_label("Provenance").select_option(label="Don")
    page.get_by_role("button", name="Commencer la réception").click()
    expect(page.get_by_label(re.compile("1. Scannez le produit"))).to_be_focused()
    _scan(page, "3017620422004")
    expect(page.get_by_role("alert")).to_contain_text("chiffre de contrôle faux")
    expect(page.get_by_label(re.compile("1. Scannez le produit"))).to_be_focused()
    _scan(page, "4006381333931")
    expect(page.get_by_text("Le code 4006381333931 n'est pas au catalogue.")).to_be_visible()
    expect(page.get_by_role("link", name="Créer ce produit")).to_be_visible()
