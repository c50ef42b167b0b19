"""A product recall reaches the households: the référent·e sees, on the recall page, who bought
the recalled lot with a card (and their tickets), the read is logged; stock staff see tickets
only, never a household."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.users.roles import Role
from participants.households.records import HouseholdData, MemberData, create_household
from participants.households.rights import RightRequest, decide_right, request_right
from participants.models import Kinship, ReferringBody, Sex
from pos.services.basket import PaymentRequest
from pos.services.pricing import price_line
from tests.conftest import page_text, sale_line
from tests.pos.conftest import TODAY, sell

CASH = __import__("pos.models", fromlist=["PaymentMethod"]).PaymentMethod.CASH


def _household(session, referent, now, name):
    made = create_household(
        session,
        referent.id,
        now,
        HouseholdData(
            name,
            ReferringBody.CCAS,
            "M. Colin",
            100_000,
            70_000,
            members=(MemberData("A", 1985, Sex.UNSPECIFIED, Kinship.REFERENCE),),
        ),
    )
    right = request_right(
        session,
        referent.id,
        now,
        made,
        RightRequest(TODAY - timedelta(days=10), 3, 2000, 20_000, "P"),
    )
    decide_right(session, referent.id, now, right, grant=True)
    return made


def _buy(session, cashier, now, product, quantity, card=None):
    """A sale at the household's 20 % rate (or the public price), its total as the till shows."""
    total = price_line(product, quantity, 2000 if card else None, None, None).amount_cents
    lines = [sale_line(product.id, quantity)]
    return sell(session, cashier, now, lines, [PaymentRequest(CASH, total)], total, card_code=card)


@pytest.fixture
def recalled(session, open_till, cashier, now, make_product, receive, make_user):
    """Ham: lot A bought by Benali (twice) and Diallo, lot B by Faure; a public sale of A."""
    referent = make_user(Role.REFERENT, username="sophie", display_name="Sophie")
    benali, diallo, faure = (
        _household(session, referent, now, name)
        for name in ("Foyer Benali", "Foyer Diallo", "Foyer Faure")
    )
    ham = make_product("Jambon", 299)
    lot_a = receive(ham, 20, use_by=TODAY + timedelta(days=3))
    _buy(session, cashier, now, ham, 2, benali.card_code)
    _buy(session, cashier, now, ham, 1, benali.card_code)
    _buy(session, cashier, now, ham, 1, diallo.card_code)
    _buy(session, cashier, now, ham, 1)  # a public sale: nobody to call
    marc = make_user(Role.REFERENT, username="marc", display_name="Marc")
    _buy(session, cashier, now, ham, 1, _household(session, marc, now, "Foyer Caché").card_code)
    lot_b = receive(ham, 5, use_by=TODAY + timedelta(days=9))
    session.flush()
    return ham, lot_a, lot_b, faure


def test_the_referent_sees_who_bought_the_recalled_lot(session, client, login, recalled, now):
    ham, lot_a, _lot_b, _faure = recalled
    login("sophie")
    page = client.get(f"/stock/rappel/{ham.id}?lot={lot_a.id}")
    assert page.status_code == 200
    text = page_text(page)
    section = text[text.index("Foyers à prévenir") :]
    assert "Foyer Benali" in section and "Foyer Diallo" in section
    assert "Foyer Faure" not in section  # bought nothing of lot A
    benali = section[section.index("Foyer Benali") : section.index("Foyer Diallo")]
    assert benali.count("C1-") == 2  # its two tickets
    read = session.scalar(select(AuditEntry).where(AuditEntry.action == "household.recall_listed"))
    assert read is not None and read.target == f"product:{ham.id}:lot:{lot_a.id}"


def test_stock_staff_see_tickets_and_no_household(session, client, login, recalled, make_user):
    ham, lot_a, _lot_b, _faure = recalled
    make_user(Role.ENCADRANT, username="karim3")
    make_user(Role.ADMIN, username="claire")
    for username in ("karim3", "claire"):
        login(username)
        text = page_text(client.get(f"/stock/rappel/{ham.id}?lot={lot_a.id}"))
        assert "ticket C1-" in text
        assert "Benali" not in text and "Diallo" not in text
        assert "Seul·e un·e référent·e voit les foyers" in text
        client.get("/logout")


@pytest.mark.parametrize("role", [Role.CAISSIER, Role.JARDIN])
def test_other_roles_get_nothing_of_a_recall(session, client, login, recalled, make_user, role):
    ham, lot_a, _lot_b, _faure = recalled
    make_user(role, username="someone")
    login("someone")
    answer = client.get(f"/stock/rappel/{ham.id}?lot={lot_a.id}", follow_redirects=True)
    assert "Foyers à prévenir" not in page_text(answer) and "Benali" not in page_text(answer)
    assert answer.status_code in (200, 403)  # a till account is sent back to its login page


def test_a_referent_sees_only_the_households_they_follow_and_who_follows_the_others(
    session, client, login, recalled
):
    ham, lot_a, _lot_b, _faure = recalled
    login("sophie")
    text = page_text(client.get(f"/stock/rappel/{ham.id}?lot={lot_a.id}"))
    assert "Foyer Caché" not in text
    assert "1 suivi(s) par Marc" in text
    client.get("/logout")
    login("marc")
    text = page_text(client.get(f"/stock/rappel/{ham.id}?lot={lot_a.id}"))
    assert "Foyer Caché" in text and "Benali" not in text and "2 suivi(s) par Sophie" in text
