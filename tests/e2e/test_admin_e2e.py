"""Administration in a real Chromium: the settings page (a refused value named next to its field,
nothing saved; then saved and audited) and the users pages (an account made with a PIN gets a
badge number, its badge is printed, replaced when lost, and opens the till)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations

pytestmark = pytest.mark.e2e


def _as_admin(page):
    page.goto("/login")
    page.get_by_label("Identifiant").fill("claire")
    page.get_by_label("Mot de passe").fill("admin-e2e-secret")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Claire Directrice")).to_be_visible()


def test_the_settings_page_refuses_a_value_aloud_then_saves(page, app):
    _as_admin(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Administration"
    ).click()
    page.get_by_role("link", name="Paramètres").click()
    expect(page.get_by_role("heading", name="Paramètres", exact=True)).to_be_visible()
    for heading in ("Stock", "Caisses", "Épicerie : droits d'accès", "Ateliers d'insertion"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert serious_violations(page) == []

    days = page.get_by_label("Alerte avant la DLC")
    expect(days).to_have_value("3")
    days.fill("40")
    page.get_by_label("Écart de caisse à la clôture demandant un badge").fill("25,50")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    alert = page.get_by_role("alert").filter(has_text="Rien n'a été enregistré")
    expect(alert).to_be_visible()
    expect(page.locator("#stock\\.expiry_warning_days-error")).to_have_text(
        "Alerte avant la DLC : entre 0 et 30."
    )
    expect(page.locator("#stock\\.expiry_warning_days-error")).to_be_visible()
    expect(days).to_have_value("40")  # what was typed stays, to be corrected
    expect(days).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []

    days.fill("5")
    ddm = page.get_by_label("Vendre après la DDM")
    expect(ddm).to_be_checked()
    ddm.uncheck()
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    expect(page.get_by_role("status").filter(has_text="3 paramètre(s) modifié(s).")).to_be_visible()
    expect(page.get_by_label("Alerte avant la DLC")).to_have_value("5")
    expect(page.get_by_label("Écart de caisse à la clôture demandant un badge")).to_have_value(
        "25,50"
    )
    expect(page.get_by_label("Vendre après la DDM")).not_to_be_checked()

    from sqlalchemy.orm import Session

    from app.extensions import db
    from app.settings.services import get_setting

    with app.app_context(), Session(db.engine) as session:
        assert get_setting(session, "stock.expiry_warning_days") == 5
        assert get_setting(session, "till.difference_badge_threshold_cents") == 2550
        assert get_setting(session, "stock.sell_past_ddm") is False
    page.set_viewport_size({"width": 360, "height": 740})  # a phone: nothing runs off the side
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/admin/audit?action=setting")
    expect(page.get_by_text("setting:stock.expiry_warning_days")).to_be_visible()


def test_an_account_with_a_pin_gets_a_badge_printed_and_replaced_that_opens_the_till(
    page, browser, live_server
):
    _as_admin(page)
    page.goto("/admin/users")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Nom affiché").fill("Awa Diallo")
    page.get_by_label("Rôle").select_option(label="Caissier·ère (atelier)")
    page.get_by_label("Code PIN (4 à 6 chiffres)").fill("2580")
    page.get_by_role("button", name="Créer le compte").click()
    expect(
        page.get_by_role("status").filter(has_text="Compte créé pour Awa Diallo.")
    ).to_be_visible()
    heading = page.get_by_role("heading", name=re.compile(r"^Badge n° 041\d{10}$"))
    expect(heading).to_be_visible()
    first = heading.inner_text().removeprefix("Badge n° ")

    page.get_by_role("link", name="Imprimer le badge").click()
    badge = page.get_by_test_id("badge")
    expect(badge).to_contain_text("Awa Diallo")
    barcode = badge.get_by_role("img", name=f"Code-barres du badge {first}")
    expect(barcode).to_be_visible()
    assert barcode.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    page.get_by_role("link", name="Retour à la fiche").click()

    page.get_by_role("button", name="Badge perdu : nouveau numéro").click()
    expect(page.get_by_role("status").filter(has_text="l'ancien ne marche plus")).to_be_visible()
    second = (
        page.get_by_role("heading", name=re.compile(r"^Badge n° "))
        .inner_text()
        .removeprefix("Badge n° ")
    )
    assert second != first

    context = browser.new_context(locale="fr-FR", base_url=live_server, service_workers="block")
    till = context.new_page()
    try:
        for code, opens in ((first, False), (second, True)):
            till.goto("/login/badge")
            expect(till.locator("#badge-form")).to_have_attribute("data-ready", "true")
            field = till.get_by_label("1. Scannez votre badge")
            field.press_sequentially(code, delay=5)
            field.press("Enter")
            for digit in "2580":
                till.get_by_role("button", name=digit, exact=True).click()
            till.get_by_role("button", name="Valider").click()
            if opens:
                expect(till).to_have_url(re.compile(r"/pos/till$"))
                expect(
                    till.get_by_role("heading", name="Caisse — bonjour Awa Diallo")
                ).to_be_visible()
            else:
                expect(till.get_by_role("alert")).to_have_text("Badge ou code PIN incorrect.")
    finally:
        context.close()
