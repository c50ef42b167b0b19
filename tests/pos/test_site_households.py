"""Households are shared by the sites: one monthly allowance wherever the household shops, and,
when the setting says so, served at its home site only."""

from __future__ import annotations

import uuid

import pytest

from app.sites.models import FIRST_SITE_ID
from app.sites.services import give_sites
from app.users.models import User
from app.users.roles import Role
from participants.settings import ONE_SITE_PER_HOUSEHOLD
from pos.errors import InvalidRequest
from pos.models import PaymentMethod
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.sales import record_sale
from tests.conftest import csrf_token_from, page_text, sale_line
from tests.pos.conftest import TODAY


def _ten_pasta_with_card(session, cashier, now, pasta, till_code, card_code):
    """10 pasta at the household's 20 %: 2,18 €."""
    return record_sale(
        session,
        cashier,
        now,
        TODAY,
        SaleRequest(
            str(uuid.uuid4()),
            till_code,
            (sale_line(pasta.id, 10),),
            (PaymentRequest(PaymentMethod.CASH, 218),),
            218,
            card_code=card_code,
        ),
    )[0]


def test_a_household_is_served_at_its_home_site_only_when_the_setting_says_so(
    session, household, open_till, north_till, cashier, now, pasta
):
    household.home_site_id = FIRST_SITE_ID
    sale = _ten_pasta_with_card(session, cashier, now, pasta, "NORD-C1", household.card_code)
    assert sale.participation_rate_bp == 2000  # setting off: served at every site
    ONE_SITE_PER_HOUSEHOLD.set(session, True, now)
    with pytest.raises(InvalidRequest, match="Ce foyer est servi à son site"):
        _ten_pasta_with_card(session, cashier, now, pasta, "NORD-C1", household.card_code)
    here = _ten_pasta_with_card(session, cashier, now, pasta, "C1", household.card_code)
    assert here.participation_rate_bp == 2000  # its own site serves it
    household.home_site_id = None  # « Tous les sites »
    anywhere = _ten_pasta_with_card(session, cashier, now, pasta, "NORD-C1", household.card_code)
    assert anywhere.card_code == household.card_code


def test_the_allowance_is_one_wherever_the_household_shops(
    client, login, session, household, open_till, north_till, cashier, now, pasta, make_user
):
    """2,18 € spent at the antenna: the first site's till sees 20 € − 2,18 € left, and the
    household's page counts the visit, though neither shows the antenna's sales."""
    _ten_pasta_with_card(session, cashier, now, pasta, "NORD-C1", household.card_code)
    make_user(Role.ENCADRANT, username="lea", display_name="Léa")  # the first site only
    session.commit()
    login("lea")
    card = client.get(f"/api/caisse/carte/{household.card_code}").get_json()
    assert (card["spent_this_month_cents"], card["remaining_this_month_cents"]) == (218, 1782)
    cached = client.get("/api/caisse/cartes").get_json()["cards"]
    assert [c["remaining_this_month_cents"] for c in cached] == [1782]
    sales = page_text(client.get(f"/rapports/ventes?periode=mois&date={TODAY.isoformat()}"))
    assert "2,18" not in sales  # the antenna's sale stays the antenna's
    client.get("/logout")
    login("sophie")  # the household's referent, at the first site
    page = page_text(client.get(f"/foyers/{household.id}"))
    assert "2,18" in page  # its visits, at every site


def test_the_home_site_is_chosen_on_the_households_page(client, login, session, household, north):
    referent = session.get(User, household.referent_user_id)
    give_sites(session, referent.id, [FIRST_SITE_ID, north.id])
    household.home_site_id = FIRST_SITE_ID
    session.commit()
    login("sophie")
    page = client.get(f"/foyers/{household.id}")
    assert "Site de rattachement" in page_text(page)
    token = csrf_token_from(page.get_data(as_text=True))
    url = f"/foyers/{household.id}/site"
    client.post(url, data={"csrf_token": token, "site": str(north.id)})
    session.refresh(household)
    assert household.home_site_id == north.id
    for forged in ("999", "abc", "²", "-1"):
        answer = client.post(url, data={"csrf_token": token, "site": forged})
        assert answer.status_code == 302
        session.refresh(household)
        assert household.home_site_id == north.id  # refused, nothing changed
    refused = client.post(url, data={"csrf_token": token, "site": "999"}, follow_redirects=True)
    assert "Choisissez un site de la liste." in page_text(refused)
    client.post(url, data={"csrf_token": token, "site": ""})
    session.refresh(household)
    assert household.home_site_id is None  # « Tous les sites »


def test_a_new_household_belongs_to_the_site_of_the_person_registering_it(
    client, login, session, north, make_user
):
    worker = make_user(Role.REFERENT, username="nadia", display_name="Nadia")
    give_sites(session, worker.id, [north.id])
    session.commit()
    login("nadia")
    page = client.get("/foyers/nouveau")
    token = csrf_token_from(page.get_data(as_text=True))
    data = {
        "csrf_token": token,
        "display_name": "Foyer Nord",
        "referring_body": "ccas",
        "referrer_name": "Mme Roy",
        "resources": "900",
        "charges": "600",
        "members-0-first_name": "Jo",
        "members-0-birth_year": "1980",
        "members-0-sex": "F",
        "members-0-kinship": "reference",
    }
    for index in range(1, 6):
        data.update({f"members-{index}-sex": "X", f"members-{index}-kinship": "child"})
    answer = client.post("/foyers/nouveau", data=data)
    assert answer.status_code == 302, page_text(answer)
    from sqlalchemy import select

    from participants.models import Household

    made = session.scalar(select(Household).where(Household.display_name == "Foyer Nord"))
    assert made is not None and made.home_site_id == north.id
