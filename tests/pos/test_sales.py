"""Sales: prices recomputed, household rate and allowance, payments, stock, exactly once."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inventory.models import StockUnit
from inventory.services.ledger import stock_on_hand
from pos.errors import InvalidRequest, NeedsApproval, PriceMismatch, SessionProblem
from pos.models import PaymentMethod, Sale
from pos.services.pricing import price_line
from pos.services.sales import LineRequest, PaymentRequest, SaleRequest, record_sale
from pos.services.spending import spent_this_month, visits_by_month
from tests.pos.conftest import TODAY

CASH, CARD, CHEQUE = PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE


def sell(session, cashier, now, lines, payments, total, **fields):
    request = SaleRequest(uuid=fields.pop("uuid", str(uuid.uuid4())), till_code="C1",
                          lines=tuple(lines), payments=tuple(payments),
                          expected_total_cents=total, **fields)
    return record_sale(session, cashier, now, TODAY, request)


@pytest.fixture
def pasta(make_product, receive):
    product = make_product("Pâtes", 109)
    receive(product, 50, best_before=TODAY + timedelta(days=200))
    return product


@pytest.fixture
def tomatoes(make_product, receive):
    product = make_product("Tomates", 320, StockUnit.KILOGRAM)
    receive(product, 20_000)
    return product


def test_weighed_line_rounding_and_participation_rate(make_product):
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM)
    line = price_line(tomatoes, 1234, None)  # 3,20 €/kg × 1,234 kg = 3,9488 → 3,95 €
    assert (line.reference_amount_cents, line.amount_cents) == (395, 395)
    line = price_line(tomatoes, 1234, 2000)  # 20 % of 3,95 € = 0,79 €
    assert (line.reference_amount_cents, line.amount_cents) == (395, 79)
    assert price_line(tomatoes, 1, None, embedded_price_cents=250).reference_amount_cents == 250


def test_public_sale_with_mixed_payment_and_change(session, open_till, cashier, now, pasta,
                                                   tomatoes):
    lines = [LineRequest(pasta.id, 3), LineRequest(tomatoes.id, 1500)]  # 3,27 + 4,80
    sale, created = sell(session, cashier, now, lines,
                         [PaymentRequest(CARD, 500), PaymentRequest(CASH, 1000)], 807)
    assert created and sale.number == 1 and sale.total_cents == 807
    assert sale.change_cents == 693
    assert [(p.method, p.amount_cents, p.tendered_cents) for p in sale.payments] == [
        (CARD, 500, 500), (CASH, 307, 1000)]
    assert stock_on_hand(session, pasta.id) == 47
    assert stock_on_hand(session, tomatoes.id) == 18_500


def test_same_uuid_twice_is_one_sale(session, open_till, cashier, now, pasta):
    key = str(uuid.uuid4())
    first, created = sell(session, cashier, now, [LineRequest(pasta.id, 1)],
                          [PaymentRequest(CASH, 200)], 109, uuid=key)
    again, created_again = sell(session, cashier, now, [LineRequest(pasta.id, 1)],
                                [PaymentRequest(CASH, 200)], 109, uuid=key)
    assert created and not created_again and again.id == first.id
    assert session.scalar(select(func.count(Sale.id))) == 1
    assert stock_on_hand(session, pasta.id) == 49


def test_ticket_numbers_follow_each_other(session, open_till, cashier, now, pasta):
    numbers = [sell(session, cashier, now, [LineRequest(pasta.id, 1)],
                    [PaymentRequest(CASH, 109)], 109)[0].number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_household_pays_the_rate_within_its_allowance(session, open_till, cashier, now, pasta,
                                                      household):
    # 20 % of 10 × 1,09 € = 2,18 €; the allowance is 20 € a month.
    sale, _ = sell(session, cashier, now, [LineRequest(pasta.id, 10)],
                   [PaymentRequest(CASH, 300)], 218, card_code=household.card_code)
    assert (sale.reference_total_cents, sale.total_cents) == (1090, 218)
    assert sale.participation_rate_bp == 2000 and sale.card_code == household.card_code
    assert spent_this_month(session, household.card_code, TODAY) == 218
    month = visits_by_month(session, household.card_code)[0]
    assert (month.visits, month.paid_cents, month.reference_cents) == (1, 218, 1090)


def test_allowance_exceeded_needs_a_staff_badge(session, open_till, cashier, supervisor, now,
                                                make_product, receive, household):
    coffee = make_product("Café", 5000)
    receive(coffee, 10)
    with pytest.raises(NeedsApproval, match="Montant du mois dépassé : reste 20,00\xa0€"):
        sell(session, cashier, now, [LineRequest(coffee.id, 3)], [PaymentRequest(CASH, 3000)],
             3000, card_code=household.card_code)
    with pytest.raises(NeedsApproval, match="ne permet pas"):
        sell(session, cashier, now, [LineRequest(coffee.id, 3)], [PaymentRequest(CASH, 3000)],
             3000, card_code=household.card_code, override_badge=cashier.badge_code)
    sale, _ = sell(session, cashier, now, [LineRequest(coffee.id, 3)],
                   [PaymentRequest(CASH, 3000)], 3000, card_code=household.card_code,
                   override_badge=supervisor.badge_code)
    assert sale.override_by_id == supervisor.id


def test_per_visit_limit_for_beneficiaries(session, open_till, cashier, now, make_product,
                                           receive, household):
    coffee = make_product("Café", 300, per_visit_limit=2)
    receive(coffee, 10)
    with pytest.raises(NeedsApproval, match="2 par passage au plus"):
        sell(session, cashier, now, [LineRequest(coffee.id, 2), LineRequest(coffee.id, 1)],
             [PaymentRequest(CASH, 500)], 180, card_code=household.card_code)
    # The public has no such limit.
    assert sell(session, cashier, now, [LineRequest(coffee.id, 3)], [PaymentRequest(CASH, 900)],
                900)[1]


def test_server_recomputes_and_refuses_a_mismatch(session, open_till, cashier, now, pasta):
    with pytest.raises(PriceMismatch, match="ne correspond pas"):
        sell(session, cashier, now, [LineRequest(pasta.id, 2)], [PaymentRequest(CASH, 300)], 200)
    assert session.scalar(select(func.count(Sale.id))) == 0


@pytest.mark.parametrize(
    ("payments", "message"),
    [([PaymentRequest(CASH, 100)], "Il reste 0,09\xa0€"),
     ([PaymentRequest(CARD, 200)], "seules les espèces rendent la monnaie"),
     ([PaymentRequest(CASH, -5)], "montant positif")],
)
def test_payment_errors(session, open_till, cashier, now, pasta, payments, message):
    with pytest.raises(InvalidRequest, match=message):
        sell(session, cashier, now, [LineRequest(pasta.id, 1)], payments, 109)


def test_expired_lot_is_refused_at_the_till(session, open_till, cashier, now, make_product,
                                            receive):
    ham = make_product("Jambon", 299)
    receive(ham, 2, use_by=TODAY - timedelta(days=1), at=now - timedelta(days=5))
    with pytest.raises(InvalidRequest, match="dépassé sa date limite"):
        sell(session, cashier, now, [LineRequest(ham.id, 1)], [PaymentRequest(CASH, 299)], 299)


def test_absurd_quantities_and_unknown_products(session, open_till, cashier, now, pasta):
    with pytest.raises(InvalidRequest, match="quantité invalide"):
        sell(session, cashier, now, [LineRequest(pasta.id, 1_000_001)],
             [PaymentRequest(CASH, 100)], 100)
    with pytest.raises(Exception, match="inconnu"):
        sell(session, cashier, now, [LineRequest(999_999, 1)], [PaymentRequest(CASH, 100)], 100)


def test_no_sale_without_an_open_session_of_today(session, till, cashier, now, pasta):
    with pytest.raises(SessionProblem, match="n'est pas ouverte"):
        sell(session, cashier, now, [LineRequest(pasta.id, 1)], [PaymentRequest(CASH, 109)], 109)


def test_a_price_changed_by_hand_needs_a_badge_and_is_journaled(session, open_till, cashier,
                                                                supervisor, now, pasta,
                                                                tomatoes):
    import json

    from pos.models import JournalEntry
    from pos.services.journal import verify_journal

    lines = [LineRequest(pasta.id, 2, manual_unit_price_cents=50, price_reason="Boîte abîmée"),
             LineRequest(tomatoes.id, 1500, manual_unit_price_cents=199)]
    total = 2 * 50 + 299  # 1,99 €/kg × 1,5 kg = 2,985 → 2,99
    with pytest.raises(NeedsApproval, match="prix changé à la main doit être validé"):
        sell(session, cashier, now, lines, [PaymentRequest(CASH, total)], total)
    sale, _ = sell(session, cashier, now, lines, [PaymentRequest(CASH, total)], total,
                   override_badge=supervisor.badge_code)
    assert [line.unit_price_cents for line in sale.lines] == [50, 199]
    changes = [json.loads(e.payload) for e in session.scalars(
        select(JournalEntry).where(JournalEntry.kind == "price_change")
        .order_by(JournalEntry.sequence))]
    assert [(c["line"], c["old_unit_price_cents"], c["new_unit_price_cents"], c["reason"],
             c["approved_by"]) for c in changes] == [(1, 109, 50, "Boîte abîmée", "Karim"),
                                                     (2, 320, 199, None, "Karim")]
    assert verify_journal(session).ok
    from sqlalchemy import text

    session.execute(text("UPDATE sale_lines SET unit_price_cents = 60 WHERE id = :i"),
                    {"i": sale.lines[0].id})
    assert "(sale, C1-000001) : « lines » ne correspond plus" in verify_journal(session).message


def test_an_encadrant_at_the_till_changes_a_price_without_another_badge(session, open_till,
                                                                       supervisor, now, pasta):
    sale, _ = sell(session, supervisor, now, [LineRequest(pasta.id, 1,
                                                          manual_unit_price_cents=0)],
                   [PaymentRequest(CASH, 1)], 0)  # a gift: 0 €, the cash given back
    assert sale.total_cents == 0 and sale.change_cents == 1


def test_a_label_price_cannot_also_be_changed_by_hand(session, open_till, cashier, now,
                                                      tomatoes):
    with pytest.raises(InvalidRequest, match="ne peut pas être changé à la main"):
        sell(session, cashier, now, [LineRequest(tomatoes.id, 500, embedded_price_cents=160,
                                                 manual_unit_price_cents=100)],
             [PaymentRequest(CASH, 100)], 100)
