"""Sales the till cannot price alone: prices typed by hand (approved, journaled), weighed labels
read by the server, what a UUID answers, approvals that serve once, and the recall page."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.sites.models import FIRST_SITE_ID
from app.users.errors import ApprovalRefused
from inventory.models import RuleKind, StockUnit
from inventory.nomenclature import compile_rule, embed_value
from inventory.services.ledger import stock_on_hand
from pos.errors import InvalidRequest, NeedsApproval
from pos.models import PaymentMethod
from pos.services.basket import LineRequest, PaymentRequest, SaleRequest
from pos.services.sales import record_sale
from tests.conftest import sale_line
from tests.pos.conftest import TODAY, insider, sell

CASH, CARD, CHEQUE = PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE


def test_a_price_changed_by_hand_needs_a_badge_and_is_journaled(
    session, open_till, cashier, supervisor, now, pasta, tomatoes, approve
):
    import json

    from pos.journal.verify import verify_journal
    from pos.models import JournalEntry

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
    assert stock_on_hand(session, carrots.id, FIRST_SITE_ID) == 8_000
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
