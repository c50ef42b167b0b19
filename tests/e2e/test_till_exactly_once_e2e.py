"""Exactly once from the browser: a validated basket is one sale, whatever the network, the
cashier's taps, a reload or a session that ends under the till."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from pos.models import CashMovement, Sale
from tests.e2e.test_till_e2e import _at_open_till, _scan

pytestmark = pytest.mark.e2e
RICE, MILK = "3560070048830", "3428272950040"
SALES = "**/api/pos/sales"


def _count(app, model) -> int:
    with app.app_context(), Session(db.engine) as session:
        return session.scalar(select(func.count(model.id)))


def _basket_paid_in_cash(page) -> None:
    page.locator("#till-app h1").click()
    _scan(page, RICE)
    _scan(page, MILK)
    expect(page.locator("#cart-lines li")).to_have_count(2)
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Espèces").click()
    expect(page.get_by_test_id("due")).to_have_text("0,00\u00a0€")


def _answer_lost(route) -> None:
    """The server records the sale, then the network drops its answer."""
    route.fetch()
    route.abort("connectionreset")


def test_an_outage_and_an_impatient_cashier_make_one_sale(page, app):
    _at_open_till(page)
    before = _count(app, Sale)
    _basket_paid_in_cash(page)
    page.route(SALES, _answer_lost)
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    message = page.locator("#till-message")
    expect(message).to_contain_text("Connexion perdue")
    # Every later attempt fails before reaching the server.
    page.unroute(SALES)
    page.route(SALES, lambda route: route.abort("internetdisconnected"))

    # The cashier touches everything: the sale stays frozen on screen.
    page.locator('[data-pad="1"]').click()
    page.locator('[data-pad="back"]').click()
    for name in ("Valider la vente", "Retour au panier", "Espèces", "Carte bancaire"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Payer")).to_be_hidden()
    for selector in (
        "#validate-button",
        "#back-to-sale",
        "#pay-button",
        "#receipt-yes",
        "#cancel-sale",
        "#remove-line",
    ):
        page.locator(selector).dispatch_event("click")  # taps that reach the handlers anyway
    _scan(page, RICE)
    expect(message).to_contain_text("Une vente est en cours d'envoi")
    expect(page.locator("#cart-lines li")).to_have_count(2)
    expect(page.locator("#pending-panel")).to_be_visible()
    assert _count(app, Sale) == before + 1  # the first try did reach the server

    page.unroute(SALES)  # the network is back: the same UUID goes again, answered as known
    expect(message).to_contain_text(re.compile("Vente enregistrée — ticket C1-"), timeout=20_000)
    expect(page.locator("#cart-lines li")).to_have_count(0)
    expect(page.locator("#pending-panel")).to_be_hidden()
    assert _count(app, Sale) == before + 1


def test_a_reload_with_a_pending_sale_sends_it_once_and_empties_the_cart(page, app):
    _at_open_till(page)
    before = _count(app, Sale)
    _basket_paid_in_cash(page)
    page.route(SALES, _answer_lost)
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Oui").click()
    expect(page.locator("#till-message")).to_contain_text("Connexion perdue")
    page.unroute(SALES)
    page.route(SALES, lambda route: route.abort("internetdisconnected"))

    page.reload()  # still no network for sales: the frozen sale is back on screen, frozen
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#cart-lines li")).to_have_count(2)
    expect(page.locator("#pending-panel")).to_be_visible()
    expect(page.get_by_role("button", name="Valider la vente")).to_be_disabled()
    expect(page.get_by_role("button", name="Payer")).to_be_hidden()

    page.unroute(SALES)
    page.reload()
    expect(page.locator("#till-message")).to_contain_text(
        re.compile("Vente enregistrée — ticket C1-"), timeout=20_000
    )
    expect(page.locator("#cart-lines li")).to_have_count(0)
    expect(page.get_by_role("button", name="Payer")).to_be_disabled()
    page.reload()  # nothing left to send
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#cart-lines li")).to_have_count(0)
    assert _count(app, Sale) == before + 1


def test_a_session_ended_under_the_till_keeps_the_sale_and_asks_for_a_badge(page, app):
    _at_open_till(page)
    before = _count(app, Sale)
    _basket_paid_in_cash(page)
    page.context.clear_cookies()  # the session expired (or the account was logged out)
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    relogin = page.get_by_role("alert").filter(has_text="Session terminée")
    expect(relogin).to_be_visible()
    expect(relogin).to_contain_text("Le panier et la vente en attente restent sur cette caisse")
    expect(page.locator("#cart-lines li")).to_have_count(2)
    assert _count(app, Sale) == before

    relogin.get_by_role("link", name="Se reconnecter avec un badge").click()
    expect(page.get_by_role("heading", name="Connexion à la caisse")).to_be_visible()
    expect(page.locator("#badge-form")).to_have_attribute("data-ready", "true")
    _scan(page, "0410000000014")
    for digit in "1234":
        page.get_by_role("button", name=digit, exact=True).click()
    page.get_by_role("button", name="Valider").click()  # back to the till, which sends it
    expect(page).to_have_url(re.compile(r"/pos/till\?till=C1$"))
    expect(page.locator("#till-message")).to_contain_text(
        re.compile("Vente enregistrée — ticket C1-"), timeout=20_000
    )
    expect(page.locator("#cart-lines li")).to_have_count(0)
    assert _count(app, Sale) == before + 1


def test_double_taps_make_one_sale_and_one_cash_movement(page, app):
    _at_open_till(page)
    before = _count(app, Sale)
    _basket_paid_in_cash(page)
    page.get_by_role("button", name="Valider la vente").dblclick()
    page.get_by_role("button", name="Non").dblclick()
    expect(page.locator("#till-message")).to_contain_text(
        re.compile("Vente enregistrée — ticket C1-")
    )
    assert _count(app, Sale) == before + 1

    movements = _count(app, CashMovement)
    page.get_by_text("Autres opérations").click()
    for key in "5":
        page.locator(f'[data-pad="{key}"]').click()
    page.get_by_placeholder("Motif (entrée ou sortie d'espèces)").fill("Monnaie")
    page.get_by_role("button", name="Entrée d'espèces").dblclick()
    expect(page.locator("#till-message")).to_contain_text("Entrée de 5,00\u00a0€ enregistrée")
    page.wait_for_timeout(300)
    assert _count(app, CashMovement) == movements + 1


def test_a_full_disk_keeps_the_sale_and_says_why(page, app):
    import json

    _at_open_till(page)
    before = _count(app, Sale)
    _basket_paid_in_cash(page)
    full = {
        "code": "disk_full",
        "message": "Disque plein sur le serveur : rien n'a été "
        "enregistré. La caisse garde la vente ; prévenez un·e encadrant·e pour libérer "
        "de la place.",
    }
    page.route(
        SALES,
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps(full),
            headers={"Retry-After": "2"},
        ),
    )
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    expect(page.locator("#till-message")).to_contain_text("Disque plein sur le serveur")
    expect(page.locator("#pending-panel")).to_be_visible()
    expect(page.locator("#cart-lines li")).to_have_count(2)
    page.unroute(SALES)  # room was made: the same sale goes through, once
    expect(page.locator("#till-message")).to_contain_text(
        re.compile("Vente enregistrée — ticket C1-"), timeout=20_000
    )
    assert _count(app, Sale) == before + 1
