"""A référent·e books a household's visit for today; at the till, « Attendus aujourd'hui »
shows the household, and once its card is used for a sale, « venu·e »."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.extensions import db
from app.settings.services import set_setting
from app.users.models import User
from participants.models import Household
from tests.e2e.conftest import E2E_CARD, TILL_PRODUCTS
from tests.e2e.test_till_e2e import _at_open_till, _scan

pytestmark = pytest.mark.e2e


def _login(page, username, password):
    page.goto("/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_a_visit_booked_today_is_expected_at_the_till_then_came(page, app):
    with app.app_context(), Session(db.engine) as session:
        # Open all day (slots every 20 minutes), and Foyer Martin followed by Sophie.
        set_setting(
            session,
            "epicerie.opening_hours",
            " ; ".join(
                f"{day} 0:00-24:00"
                for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
            ),
            utcnow(),
        )
        household = session.scalar(select(Household).where(Household.card_code == E2E_CARD))
        household.referent_user_id = session.scalar(
            select(User.id).where(User.username == "sophie")
        )
        household_id = household.id
        session.commit()

    _login(page, "sophie", "referente-e2e")
    page.goto(f"/foyers/{household_id}")
    page.locator("#contenu").get_by_role("link", name="Rendez-vous", exact=True).click()
    expect(page.get_by_role("heading", name="Prendre rendez-vous")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^23:40 — 2 place")).click()
    expect(
        page.get_by_text(re.compile(r"Rendez-vous de Foyer Martin le .* à 23:40\."))
    ).to_be_visible()
    expect(page.locator("#slip-message")).to_contain_text("Pensez à votre carte")
    page.get_by_role("button", name="Se déconnecter").click()

    _at_open_till(page)
    page.get_by_role("button", name=re.compile("Attendus aujourd'hui")).click()
    expected = page.locator("#expected-list")
    expect(expected).to_contain_text("23:40 — Foyer Martin — attendu·e")
    page.get_by_role("button", name="Fermer").first.click()

    page.locator("#till-app h1").click()
    _scan(page, TILL_PRODUCTS[0][2])
    _scan(page, E2E_CARD)
    expect(page.locator("#household-name")).to_have_text("Foyer Martin")
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Carte bancaire").click()
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    expect(page.locator("#till-message")).to_contain_text("Vente enregistrée")
    page.get_by_role("button", name=re.compile("Attendus aujourd'hui")).click()
    expect(expected).to_contain_text("23:40 — Foyer Martin — venu·e")
