"""What a staff member and a till participant see when they log in, in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_staff_logs_in_with_a_password(page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Connexion du personnel")).to_be_visible()
    page.get_by_label("Identifiant").fill("claire")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("identifiant ou mot de passe incorrect.")

    page.get_by_label("Mot de passe").fill("admin-e2e-secret")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Claire Directrice")).to_be_visible()
    expect(page.get_by_text("Direction du CCAS")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link", name="Administration")).to_be_visible()
    expect(navigation.get_by_role("link", name="Caisse")).to_have_count(0)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté·e. À bientôt !")).to_be_visible()


def test_participant_logs_in_at_the_till_with_badge_and_pin(page):
    page.goto("/login/badge")
    expect(page.get_by_role("heading", name="Connexion à la caisse")).to_be_visible()
    expect(page.locator("#badge-form")).to_have_attribute("data-ready", "true")
    badge = page.get_by_label("1. Scannez votre badge")
    expect(badge).to_be_focused()
    # A keyboard-wedge scanner types the code fast and ends with Enter: the PIN field is next.
    badge.press_sequentially("0410000000014", delay=5)
    badge.press("Enter")
    expect(page.get_by_label("2. Tapez votre code PIN")).to_be_focused()

    for digit in "9999":
        page.get_by_role("button", name=digit, exact=True).click()
    page.get_by_role("button", name="Valider").click()
    # The same answer as for an unknown badge, and back to step 1: scan again.
    expect(page.get_by_role("alert")).to_have_text("Badge ou code PIN incorrect.")
    expect(badge).to_have_value("")
    expect(badge).to_be_focused()
    badge.press_sequentially("0410000000014", delay=5)
    badge.press("Enter")
    for digit in "1234":
        page.get_by_role("button", name=digit, exact=True).click()
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile(r"/pos/till$"))
    expect(page.get_by_role("heading", name="Caisse — bonjour Nadia Caissière")).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion à la caisse")).to_be_visible()


def test_unknown_badge_gets_the_same_answer_as_a_wrong_pin(page):
    page.goto("/login/badge")
    page.get_by_label("1. Scannez votre badge").fill("0419999999999")
    page.get_by_label("2. Tapez votre code PIN").fill("1234")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_have_text("Badge ou code PIN incorrect.")
    # Back to step 1: the badge field is empty and has the focus for a new scan.
    expect(page.get_by_label("1. Scannez votre badge")).to_have_value("")
    expect(page.get_by_label("1. Scannez votre badge")).to_be_focused()
