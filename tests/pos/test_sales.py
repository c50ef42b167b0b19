"""Sales: prices recomputed, household rate and allowance, payments, stock, exactly once."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.sites.models import FIRST_SITE_ID
from app.users.errors import ApprovalRefused
from inventory.models import StockUnit
from inventory.services.ledger import stock_on_hand
from pos.errors import InvalidRequest, NeedsApproval, PriceMismatch, SessionProblem
from pos.models import PaymentMethod, Sale
from pos.services.basket import PaymentRequest
from pos.services.pricing import price_line
from pos.services.spending import spent_this_month, visits_by_month
from tests.conftest import sale_line
from tests.pos.conftest import TODAY, sell

CASH, CARD, CHEQUE = PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE


def test_weighed_line_rounding_and_participation_rate(make_product):
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM)
    line = price_line(tomatoes, 1234, None)  # 3,20 €/kg × 1,234 kg = 3,9488 → 3,95 €
    assert (line.reference_amount_cents, line.amount_cents) == (395, 395)
    line = price_line(tomatoes, 1234, 2000)  # 20 % of 3,95 € = 0,79 €
    assert (line.reference_amount_cents, line.amount_cents) == (395, 79)
    assert price_line(tomatoes, 1, None, embedded_price_cents=250).reference_amount_cents == 250


def test_public_sale_with_mixed_payment_and_change(
    session, open_till, cashier, now, pasta, tomatoes
):
    lines = [sale_line(pasta.id, 3), sale_line(tomatoes.id, 1500)]  # 3,27 + 4,80
    sale, created = sell(
        session, cashier, now, lines, [PaymentRequest(CARD, 500), PaymentRequest(CASH, 1000)], 807
    )
    assert created and sale.number == 1 and sale.total_cents == 807
    assert sale.change_cents == 693
    assert [(p.method, p.amount_cents, p.tendered_cents) for p in sale.payments] == [
        (CARD, 500, 500),
        (CASH, 307, 1000),
    ]
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 47
    assert stock_on_hand(session, tomatoes.id, FIRST_SITE_ID) == 18_500


def test_same_uuid_twice_is_one_sale(session, open_till, cashier, now, pasta):
    key = str(uuid.uuid4())
    first, created = sell(
        session, cashier, now, [sale_line(pasta.id, 1)], [PaymentRequest(CASH, 200)], 109, uuid=key
    )
    again, created_again = sell(
        session, cashier, now, [sale_line(pasta.id, 1)], [PaymentRequest(CASH, 200)], 109, uuid=key
    )
    assert created and not created_again and again.id == first.id
    assert session.scalar(select(func.count(Sale.id))) == 1
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 49


def test_ticket_numbers_follow_each_other(session, open_till, cashier, now, pasta):
    numbers = [
        sell(session, cashier, now, [sale_line(pasta.id, 1)], [PaymentRequest(CASH, 109)], 109)[
            0
        ].number
        for _ in range(3)
    ]
    assert numbers == [1, 2, 3]


def test_household_pays_the_rate_within_its_allowance(
    session, open_till, cashier, now, pasta, household
):
    # 20 % of 10 × 1,09 € = 2,18 €; the allowance is 20 € a month.
    sale, _ = sell(
        session,
        cashier,
        now,
        [sale_line(pasta.id, 10)],
        [PaymentRequest(CASH, 300)],
        218,
        card_code=household.card_code,
    )
    assert (sale.reference_total_cents, sale.total_cents) == (1090, 218)
    assert sale.participation_rate_bp == 2000 and sale.card_code == household.card_code
    assert spent_this_month(session, household.card_code, TODAY) == 218
    month = visits_by_month(session, household.card_code)[0]
    assert (month.visits, month.paid_cents, month.reference_cents) == (1, 218, 1090)


def test_allowance_exceeded_needs_a_staff_badge(
    session, open_till, cashier, supervisor, now, make_product, receive, household, approve
):
    coffee = make_product("Café", 5000)
    receive(coffee, 10)
    with pytest.raises(NeedsApproval, match="Montant du mois dépassé : reste 20,00\xa0€"):
        sell(
            session,
            cashier,
            now,
            [sale_line(coffee.id, 3)],
            [PaymentRequest(CASH, 3000)],
            3000,
            card_code=household.card_code,
        )
    with pytest.raises(ApprovalRefused, match="ne permet pas de valider"):
        approve(cashier, pin="1234")  # a participant cannot approve, even with the right PIN
    # An approval of another total (the basket changed after it) does not do.
    with pytest.raises(ApprovalRefused, match="portait sur autre chose"):
        sell(
            session,
            cashier,
            now,
            [sale_line(coffee.id, 3)],
            [PaymentRequest(CASH, 3000)],
            3000,
            card_code=household.card_code,
            approval_token=approve(supervisor, total_cents=2000),
        )
    sale, _ = sell(
        session,
        cashier,
        now,
        [sale_line(coffee.id, 3)],
        [PaymentRequest(CASH, 3000)],
        3000,
        card_code=household.card_code,
        approval_token=approve(supervisor, total_cents=3000),
    )
    assert sale.override_by_id == supervisor.id


def test_per_visit_limit_for_beneficiaries(
    session, open_till, cashier, now, make_product, receive, household
):
    coffee = make_product("Café", 300, per_visit_limit=2)
    receive(coffee, 10)
    with pytest.raises(NeedsApproval, match="2 par passage au plus"):
        sell(
            session,
            cashier,
            now,
            [sale_line(coffee.id, 2), sale_line(coffee.id, 1)],
            [PaymentRequest(CASH, 500)],
            180,
            card_code=household.card_code,
        )
    # The public has no such limit.
    assert sell(session, cashier, now, [sale_line(coffee.id, 3)], [PaymentRequest(CASH, 900)], 900)[
        1
    ]


def test_server_recomputes_and_refuses_a_mismatch(session, open_till, cashier, now, pasta):
    with pytest.raises(PriceMismatch, match="ne correspond pas"):
        sell(session, cashier, now, [sale_line(pasta.id, 2)], [PaymentRequest(CASH, 300)], 200)
    assert session.scalar(select(func.count(Sale.id))) == 0


@pytest.mark.parametrize(
    ("payments", "message"),
    [
        ([PaymentRequest(CASH, 100)], "Il reste 0,09\xa0€"),
        ([PaymentRequest(CARD, 200)], "seules les espèces rendent la monnaie"),
        ([PaymentRequest(CASH, -5)], "montant positif"),
    ],
)
def test_payment_errors(session, open_till, cashier, now, pasta, payments, message):
    with pytest.raises(InvalidRequest, match=message):
        sell(session, cashier, now, [sale_line(pasta.id, 1)], payments, 109)


def test_expired_lot_is_refused_at_the_till(
    session, open_till, cashier, now, make_product, receive
):
    ham = make_product("Jambon", 299)
    receive(ham, 2, use_by=TODAY - timedelta(days=1), at=now - timedelta(days=5))
    with pytest.raises(InvalidRequest, match="dépassé sa date limite"):
        sell(session, cashier, now, [sale_line(ham.id, 1)], [PaymentRequest(CASH, 299)], 299)


def test_mixed_lots_never_go_negative_while_expired_units_are_on_the_books(
    session, open_till, cashier, now, make_product, receive
):
    """Two in date, five past their DLC: three in the basket may be expired ones. The sale is
    refused (saying how many are sellable) and no lot goes negative; the till asked first."""
    from inventory.models import Lot
    from inventory.services.ledger import sellable_stock

    ham = make_product("Jambon", 299)
    receive(ham, 5, use_by=TODAY - timedelta(days=1), at=now - timedelta(days=5))
    receive(ham, 2, use_by=TODAY + timedelta(days=3))
    assert sellable_stock(session, ham.id, TODAY, FIRST_SITE_ID) == (2, 5)
    with pytest.raises(InvalidRequest, match="2 vendable"):
        sell(session, cashier, now, [sale_line(ham.id, 3)], [PaymentRequest(CASH, 897)], 897)
    assert all(lot.remaining_quantity >= 0 for lot in session.scalars(select(Lot)))
    sell(session, cashier, now, [sale_line(ham.id, 2)], [PaymentRequest(CASH, 598)], 598)
    assert sellable_stock(session, ham.id, TODAY, FIRST_SITE_ID) == (0, 5)
    # Without expired units, the shelf is the truth: the sale goes through (stock negative).
    pasta = make_product("Pâtes", 109)
    receive(pasta, 1, best_before=TODAY + timedelta(days=200))
    sell(session, cashier, now, [sale_line(pasta.id, 2)], [PaymentRequest(CASH, 218)], 218)
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == -1


def test_the_till_asks_the_stock_of_a_scanned_product(
    session, client, make_user, now, make_product, receive
):
    from tests.conftest import csrf_token_from

    ham = make_product("Jambon", 299)
    receive(ham, 4, use_by=TODAY - timedelta(days=1), at=now - timedelta(days=5))
    make_user(cashier_role(), badge_code="0410000000014", pin="1234")
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post("/login/badge", data={"badge": "0410000000014", "pin": "1234", "csrf_token": token})
    answer = client.get(f"/api/pos/stock/{ham.id}").get_json()
    assert answer == {"product_id": ham.id, "sellable": 0, "expired": 4}
    # Only products with stock past its date are asked about at the scan (the catalogue says
    # which); the others go straight to the cart.
    fresh = make_product("Riz", 189)
    receive(fresh, 10, best_before=TODAY + timedelta(days=300))
    flags = {
        p["id"]: p["check_stock"] for p in client.get("/api/pos/catalogue").get_json()["products"]
    }
    assert flags[ham.id] is True and flags[fresh.id] is False
    assert client.get("/api/pos/stock/2147483647").get_json()["code"] == "not_found"


def cashier_role():
    from app.users.roles import Role

    return Role.CAISSIER


def test_absurd_quantities_and_unknown_products(session, open_till, cashier, now, pasta):
    with pytest.raises(InvalidRequest, match="quantité invalide"):
        sell(
            session,
            cashier,
            now,
            [sale_line(pasta.id, 1_000_001)],
            [PaymentRequest(CASH, 100)],
            100,
        )
    with pytest.raises(Exception, match="inconnu"):
        sell(session, cashier, now, [sale_line(999_999, 1)], [PaymentRequest(CASH, 100)], 100)


def test_no_sale_without_an_open_session_of_today(session, till, cashier, now, pasta):
    with pytest.raises(SessionProblem, match="n'est pas ouverte"):
        sell(session, cashier, now, [sale_line(pasta.id, 1)], [PaymentRequest(CASH, 109)], 109)
