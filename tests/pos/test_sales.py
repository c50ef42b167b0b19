"""Sales: prices recomputed, household rate and allowance, payments, stock, exactly once."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.users.errors import ApprovalRefused
from inventory.models import RuleKind, StockUnit
from inventory.nomenclature import compile_rule, embed_value
from inventory.services.ledger import stock_on_hand
from pos.errors import InvalidRequest, NeedsApproval, PriceMismatch, SessionProblem
from pos.models import PaymentMethod, Sale
from pos.services.pricing import price_line
from pos.services.sales import LineRequest, PaymentRequest, SaleRequest, record_sale
from pos.services.spending import spent_this_month, visits_by_month
from tests.conftest import sale_line
from tests.pos.conftest import TODAY, insider

CASH, CARD, CHEQUE = PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE


def sell(session, cashier, now, lines, payments, total, **fields):
    request = SaleRequest(
        uuid=fields.pop("uuid", str(uuid.uuid4())),
        till_code="C1",
        lines=tuple(lines),
        payments=tuple(payments),
        expected_total_cents=total,
        **fields,
    )
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
    assert stock_on_hand(session, pasta.id) == 47
    assert stock_on_hand(session, tomatoes.id) == 18_500


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
    assert stock_on_hand(session, pasta.id) == 49


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
    assert sellable_stock(session, ham.id, TODAY) == (2, 5)
    with pytest.raises(InvalidRequest, match="2 vendable"):
        sell(session, cashier, now, [sale_line(ham.id, 3)], [PaymentRequest(CASH, 897)], 897)
    assert all(lot.remaining_quantity >= 0 for lot in session.scalars(select(Lot)))
    sell(session, cashier, now, [sale_line(ham.id, 2)], [PaymentRequest(CASH, 598)], 598)
    assert sellable_stock(session, ham.id, TODAY) == (0, 5)
    # Without expired units, the shelf is the truth: the sale goes through (stock negative).
    pasta = make_product("Pâtes", 109)
    receive(pasta, 1, best_before=TODAY + timedelta(days=200))
    sell(session, cashier, now, [sale_line(pasta.id, 2)], [PaymentRequest(CASH, 218)], 218)
    assert stock_on_hand(session, pasta.id) == -1


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


def test_a_price_changed_by_hand_needs_a_badge_and_is_journaled(
    session, open_till, cashier, supervisor, now, pasta, tomatoes, approve
):
    import json

    from pos.models import JournalEntry
    from pos.services.journal import verify_journal

    def lines(pasta_token=None, tomatoes_token=None):
        return [
            sale_line(
                pasta.id,
                2,
                manual_unit_price_cents=50,
                price_reason="Boîte abîmée",
                approval_token=pasta_token,
            ),
            sale_line(
                tomatoes.id, 1500, manual_unit_price_cents=199, approval_token=tomatoes_token
            ),
        ]

    total = 2 * 50 + 299  # 1,99 €/kg × 1,5 kg = 2,985 → 2,99
    with pytest.raises(
        NeedsApproval, match="« Pâtes » à 0,50\xa0€ : un prix changé à la main est validé"
    ) as needed:
        sell(session, cashier, now, lines(), [PaymentRequest(CASH, total)], total)
    assert needed.value.details == {
        "action": "price",
        "line": 1,
        "subject": {"product_id": pasta.id, "unit_price_cents": 50},
    }
    # The encadrant·e approved 0,50 € for the pasta: the cashier cannot make it 0,10 € after.
    pasta_ok = approve(supervisor, "price", product_id=pasta.id, unit_price_cents=50)
    cheaper = [sale_line(pasta.id, 2, manual_unit_price_cents=10, approval_token=pasta_ok)]
    # (A refused sale rolls back, and its approvals stay unused, as in the API.)
    with pytest.raises(ApprovalRefused, match="portait sur autre chose"), session.begin_nested():
        sell(session, cashier, now, cheaper, [PaymentRequest(CASH, 20)], 20)
    with pytest.raises(NeedsApproval, match="« Tomates » à 1,99"), session.begin_nested():
        sell(session, cashier, now, lines(pasta_ok), [PaymentRequest(CASH, total)], total)
    sale, _ = sell(
        session,
        cashier,
        now,
        lines(pasta_ok, approve(supervisor, "price", product_id=tomatoes.id, unit_price_cents=199)),
        [PaymentRequest(CASH, total)],
        total,
    )
    assert [line.unit_price_cents for line in sale.lines] == [50, 199]
    changes = [
        json.loads(e.payload)
        for e in session.scalars(
            select(JournalEntry)
            .where(JournalEntry.kind == "price_change")
            .order_by(JournalEntry.sequence)
        )
    ]
    assert [
        (
            c["line"],
            c["old_unit_price_cents"],
            c["new_unit_price_cents"],
            c["reason"],
            c["approved_by"],
        )
        for c in changes
    ] == [(1, 109, 50, "Boîte abîmée", "Karim"), (2, 320, 199, None, "Karim")]
    assert verify_journal(session).ok
    from sqlalchemy import text

    with insider(session):
        session.execute(
            text("UPDATE sale_lines SET unit_price_cents = 60 WHERE id = :i"),
            {"i": sale.lines[0].id},
        )
    assert "(sale, C1-000001) : « lines » ne correspond plus" in verify_journal(session).message


def test_an_encadrant_at_the_till_changes_a_price_without_another_badge(
    session, open_till, supervisor, now, pasta
):
    sale, _ = sell(
        session,
        supervisor,
        now,
        [sale_line(pasta.id, 1, manual_unit_price_cents=0)],
        [PaymentRequest(CASH, 1)],
        0,
    )  # a gift: 0 €, the cash given back
    assert sale.total_cents == 0 and sale.change_cents == 1


def test_a_label_price_cannot_also_be_changed_by_hand(
    session, open_till, cashier, now, make_product, receive
):
    carrots = make_product("Carottes", 180, StockUnit.KILOGRAM, barcodes=["2200007000005"])
    receive(carrots, 5_000)
    label = embed_value(
        compile_rule(RuleKind.PRICE_TO_WEIGHT, "p", "22.....{NNNDD}"), "2200007000005", 160
    )
    with pytest.raises(InvalidRequest, match="ne peut pas être changé à la main"):
        sell(
            session,
            cashier,
            now,
            [LineRequest(code=label, manual_unit_price_cents=100)],
            [PaymentRequest(CASH, 100)],
            100,
        )


def test_weighed_labels_are_read_by_the_server(
    session, open_till, cashier, now, make_product, receive
):
    """The till sends the code it scanned; the weight or the price comes from the label as
    the nomenclature reads it, never from the client."""
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"])
    carrots = make_product("Carottes", 180, StockUnit.KILOGRAM, barcodes=["2200007000005"])
    receive(tomatoes, 10_000)
    receive(carrots, 10_000)
    weight = embed_value(
        compile_rule(RuleKind.WEIGHT, "w", "21.....{NNDDD}"), "2100005000000", 1250
    )  # 1,250 kg × 3,20 € = 4,00 €
    price = embed_value(
        compile_rule(RuleKind.PRICE_TO_WEIGHT, "p", "22.....{NNNDD}"), "2200007000005", 360
    )  # 3,60 € of carrots = 2 kg
    sale, _ = sell(
        session,
        cashier,
        now,
        [LineRequest(code=weight), LineRequest(code=price)],
        [PaymentRequest(CASH, 760)],
        760,
    )
    assert [(line.quantity, line.amount_cents) for line in sale.lines] == [(1250, 400), (2000, 360)]
    assert stock_on_hand(session, carrots.id) == 8_000
    with pytest.raises(InvalidRequest, match="la quantité vient de l'étiquette"):
        sell(
            session,
            cashier,
            now,
            [LineRequest(code=weight, quantity=1)],
            [PaymentRequest(CASH, 400)],
            400,
        )
    with pytest.raises(InvalidRequest, match="soit le code scanné, soit le produit"):
        sell(
            session,
            cashier,
            now,
            [LineRequest(code=weight, product_id=tomatoes.id)],
            [PaymentRequest(CASH, 400)],
            400,
        )
    with pytest.raises(InvalidRequest, match="mal lu"):
        sell(
            session,
            cashier,
            now,
            [LineRequest(code="2100005012501")],
            [PaymentRequest(CASH, 400)],
            400,
        )


def test_a_uuid_answers_only_for_its_own_kind_and_till(
    session, open_till, cashier, now, pasta, supervisor, approve
):
    from pos.errors import UuidConflict
    from pos.models import Till
    from pos.services.refunds import RefundRequest, record_refund

    key = str(uuid.uuid4())
    sale, _ = sell(
        session, cashier, now, [sale_line(pasta.id, 1)], [PaymentRequest(CASH, 109)], 109, uuid=key
    )
    with pytest.raises(UuidConflict, match="déjà servi pour un autre document"):
        record_refund(
            session,
            cashier,
            now,
            TODAY,
            RefundRequest(
                key,
                "C1",
                "C1-000001",
                ((sale.lines[0].id, 1),),
                True,
                approve(supervisor, "refund", ticket="C1-000001"),
            ),
        )
    session.add(Till(code="C2", name="Caisse 2", is_active=True))
    session.flush()
    with pytest.raises(UuidConflict):
        record_sale(
            session,
            cashier,
            now,
            TODAY,
            SaleRequest(
                uuid=key,
                till_code="C2",
                lines=(sale_line(pasta.id, 1),),
                payments=(PaymentRequest(CASH, 109),),
                expected_total_cents=109,
            ),
        )


def test_an_approval_serves_once_on_its_till_for_its_action(
    session, open_till, cashier, supervisor, now, pasta, approve
):
    from app.users.errors import ApprovalRefused

    subject = {"product_id": pasta.id, "unit_price_cents": 50}

    def line(token):
        return [sale_line(pasta.id, 1, manual_unit_price_cents=50, approval_token=token)]

    token = approve(supervisor, "price", **subject)
    sell(session, cashier, now, line(token), [PaymentRequest(CASH, 50)], 50)
    with pytest.raises(ApprovalRefused, match="déjà servi"):
        sell(session, cashier, now, line(token), [PaymentRequest(CASH, 50)], 50)
    with pytest.raises(ApprovalRefused, match="autre opération"):
        sell(
            session,
            cashier,
            now,
            line(approve(supervisor, "refund", **subject)),
            [PaymentRequest(CASH, 50)],
            50,
        )
    with pytest.raises(ApprovalRefused, match="autre opération"):
        sell(
            session,
            cashier,
            now,
            line(approve(supervisor, "price", till="C9", **subject)),
            [PaymentRequest(CASH, 50)],
            50,
        )
    late = approve(supervisor, "price", **subject)
    with pytest.raises(ApprovalRefused, match="expiré"):
        record_sale(
            session,
            cashier,
            now + timedelta(hours=13),
            TODAY,
            SaleRequest(
                uuid=str(uuid.uuid4()),
                till_code="C1",
                lines=tuple(line(late)),
                payments=(PaymentRequest(CASH, 50),),
                expected_total_cents=50,
            ),
        )
    supervisor.is_enabled = False
    with pytest.raises(ApprovalRefused, match="n'en a plus le droit"):
        sell(session, cashier, now, line(late), [PaymentRequest(CASH, 50)], 50)


def test_the_recall_page_names_sales_by_their_ticket_and_links_to_it(
    session, open_till, cashier, now, make_product, receive, client, login, supervisor
):
    from tests.conftest import page_text

    ham = make_product("Jambon", 299)
    lot = receive(ham, 5, use_by=TODAY + timedelta(days=3))
    sale, _ = sell(session, cashier, now, [sale_line(ham.id, 2)], [PaymentRequest(CASH, 598)], 598)
    ticket = f"C1-{sale.number:06d}"
    login("karim2")
    recall = client.get(f"/stock/rappel/{ham.id}?lot={lot.id}")
    assert f"ticket {ticket}" in page_text(recall)
    assert "sale:" not in page_text(recall)
    assert f'href="/pos/tickets/{ticket}"' in recall.get_data(as_text=True)
    page = page_text(client.get(f"/pos/tickets/{ticket}"))
    assert f"Ticket {ticket}" in page and "Jambon" in page and "5,98" in page
    assert client.get("/pos/tickets/C9-999999").status_code == 404
    assert client.get("/pos/tickets/%C2%B2").status_code == 404
