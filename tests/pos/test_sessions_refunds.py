"""Cash sessions (float, cash in and out, X report, closing) and refunds."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.sites.models import FIRST_SITE_ID
from app.users.errors import ApprovalRefused
from inventory.services.ledger import stock_on_hand
from pos.errors import InvalidRequest, NeedsApproval, SessionProblem
from pos.models import PaymentMethod, SaleKind, SessionStatus
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.refunds import RefundRequest, find_ticket, record_refund
from pos.services.sales import record_sale
from pos.services.sessions import (
    close_session,
    count_total,
    open_session,
    record_cash_movement,
    usable_session,
    x_report,
)
from tests.conftest import sale_line
from tests.pos.conftest import TODAY

CASH, CARD = PaymentMethod.CASH, PaymentMethod.CARD


def _sale(session, cashier, now, product, quantity, payments, total):
    return record_sale(
        session,
        cashier,
        now,
        TODAY,
        SaleRequest(
            str(uuid.uuid4()), "C1", (sale_line(product.id, quantity),), tuple(payments), total
        ),
    )[0]


def test_float_is_counted_by_denomination(session, till, cashier, now):
    assert count_total({"2000": 2, "1000": 1, "200": 5, "5": 3}) == 6015
    with pytest.raises(InvalidRequest, match="inconnue"):
        count_total({"300": 1})
    cash_session = open_session(session, till, cashier, now, {"2000": 2})
    assert cash_session.float_cents == 4000 and cash_session.status == SessionStatus.OPEN
    with pytest.raises(SessionProblem, match="déjà ouverte"):
        open_session(session, till, cashier, now, {"2000": 2})


def test_session_left_open_overnight_must_be_closed(session, open_till, till):
    with pytest.raises(SessionProblem, match="n'a pas été clôturée") as error:
        usable_session(session, till, TODAY + timedelta(days=1))
    assert error.value.details == {"stale": True}


def test_x_report_and_closing_with_a_difference(
    session, open_till, cashier, supervisor, now, make_product, receive
):
    rice = make_product("Riz", 250)
    receive(rice, 20)
    _sale(session, cashier, now, rice, 2, [PaymentRequest(CASH, 1000)], 500)
    _sale(session, cashier, now, rice, 4, [PaymentRequest(CARD, 1000)], 1000)
    record_cash_movement(session, open_till, cashier, now, -2000, "Dépôt en banque")
    report = x_report(session, open_till)
    assert report.sales_count == 2 and report.total_cents == 1500
    assert report.by_method == {"cash": 500, "card": 1000, "cheque": 0}
    # Float 60 € (2×20 + 10 + 5×2) + 5 € cash sales − 20 € deposit = 45 €
    assert report.expected == {"cash": 4500, "card": 1000, "cheque": 0}
    with pytest.raises(InvalidRequest, match="motif"):
        record_cash_movement(session, open_till, cashier, now, 500, " ")
    counted = {"cash": 4450, "card": 1000, "cheque": 0}
    with pytest.raises(InvalidRequest, match="indiquez-en la raison"):
        close_session(session, open_till, cashier, now, counted, None)
    closed = close_session(session, open_till, cashier, now, counted, "Pièce perdue")
    assert closed.status == SessionStatus.CLOSED and closed.difference_cents == -50


def test_large_difference_needs_a_staff_badge(
    session, open_till, cashier, supervisor, now, approve
):
    counted = {"cash": 4000, "card": 0, "cheque": 0}  # 20 € short of the 60 € float
    with pytest.raises(NeedsApproval, match="badge et son code PIN"):
        close_session(session, open_till, cashier, now, counted, "Erreur de rendu")
    with pytest.raises(ApprovalRefused):
        close_session(
            session,
            open_till,
            cashier,
            now,
            counted,
            "Erreur de rendu",
            approve(supervisor, "sale", counted=counted),
        )
    with pytest.raises(ApprovalRefused, match="portait sur autre chose"):
        close_session(
            session,
            open_till,
            cashier,
            now,
            counted,
            "Erreur de rendu",
            approve(supervisor, "close", counted=dict(counted, cash=5000)),
        )
    closed = close_session(
        session,
        open_till,
        cashier,
        now,
        counted,
        "Erreur de rendu",
        approve(supervisor, "close", counted=counted),
    )
    assert closed.approved_by_id == supervisor.id and closed.difference_cents == -2000


def test_refund_of_one_line_restocks_and_links(
    session, open_till, cashier, supervisor, now, make_product, receive, approve
):
    oil = make_product("Huile", 250)
    receive(oil, 10)
    sale = _sale(session, cashier, now, oil, 3, [PaymentRequest(CASH, 750)], 750)
    ticket = f"C1-{sale.number:06d}"
    assert find_ticket(session, ticket) == sale
    request = RefundRequest(
        str(uuid.uuid4()),
        "C1",
        ticket,
        ((sale.lines[0].id, 2),),
        True,
        approve(supervisor, "refund", ticket=ticket),
    )
    refund, created = record_refund(session, cashier, now, TODAY, request)
    assert created and refund.kind == SaleKind.REFUND and refund.refund_of_id == sale.id
    assert refund.total_cents == -500 and refund.lines[0].quantity == -2
    assert stock_on_hand(session, oil.id, FIRST_SITE_ID) == 9
    assert sale.total_cents == 750 and sale.lines[0].quantity == 3  # untouched
    again, created = record_refund(session, cashier, now, TODAY, request)
    assert not created and again.id == refund.id
    with pytest.raises(InvalidRequest, match="1 au plus"):
        record_refund(
            session,
            cashier,
            now,
            TODAY,
            RefundRequest(
                str(uuid.uuid4()),
                "C1",
                ticket,
                ((sale.lines[0].id, 2),),
                False,
                approve(supervisor, "refund", ticket=ticket),
            ),
        )
    with pytest.raises(NeedsApproval):
        record_refund(
            session,
            cashier,
            now,
            TODAY,
            RefundRequest(str(uuid.uuid4()), "C1", ticket, ((sale.lines[0].id, 1),), False, None),
        )
    loss, _ = record_refund(
        session,
        cashier,
        now,
        TODAY,
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            ticket,
            ((sale.lines[0].id, 1),),
            False,
            approve(supervisor, "refund", ticket=ticket),
        ),
    )
    assert loss.total_cents == -250 and stock_on_hand(session, oil.id, FIRST_SITE_ID) == 9
    assert x_report(session, open_till).by_method["cash"] == 0


def test_unreadable_or_unknown_ticket(session, open_till):
    with pytest.raises(InvalidRequest, match="illisible"):
        find_ticket(session, "n'importe quoi")
    with pytest.raises(Exception, match="introuvable"):
        find_ticket(session, "C1-000999")


def test_sessions_are_per_business_day(session, till, cashier):
    evening = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    cash_session = open_session(session, till, cashier, evening, {})
    assert cash_session.business_date == TODAY


def test_cash_movements_have_bounds_an_approval_and_a_drawer(
    session, open_till, cashier, supervisor, now, approve
):
    """The float is 60 €: −99 999,99 € for « x » is refused; beyond 50 € an encadrant·e
    approves; no more cash leaves than the drawer should hold; a resend counts once."""
    with pytest.raises(InvalidRequest, match="invalide"):
        record_cash_movement(session, open_till, cashier, now, -9_999_999, "x")
    with pytest.raises(InvalidRequest, match="motif"):
        record_cash_movement(session, open_till, cashier, now, -500, "x")
    with pytest.raises(InvalidRequest, match="ne devrait contenir que 60,00"):
        record_cash_movement(
            session,
            open_till,
            cashier,
            now,
            -6001,
            "Dépôt en banque",
            approve(supervisor, "cash", amount_cents=-6001),
        )
    with pytest.raises(NeedsApproval, match="Au-delà de 50,00"):
        record_cash_movement(session, open_till, cashier, now, -5001, "Dépôt en banque")
    key = str(uuid.uuid4())
    first = record_cash_movement(
        session,
        open_till,
        cashier,
        now,
        -5500,
        "Dépôt en banque",
        approve(supervisor, "cash", amount_cents=-5500),
        uuid=key,
    )
    again = record_cash_movement(
        session, open_till, cashier, now, -5500, "Dépôt en banque", None, uuid=key
    )
    assert again.id == first.id
    assert x_report(session, open_till).expected["cash"] == 500


def test_a_refund_goes_back_the_way_it_was_paid_and_prints_an_avoir(
    session, open_till, cashier, supervisor, now, make_product, receive, approve
):
    """Paid 5,00 € by card and 2,50 € in cash: at most 5,00 € back by card, 2,50 € in cash.
    The avoir is printed (negative lines, "Rendu - espèces", the original ticket, weighed
    lines in kg) and the drawer opens for cash."""
    from sqlalchemy import select

    from inventory.models import StockUnit
    from pos.models import JobKind, PrintJob
    from pos.services.refunds import refundable_by_method
    from tests.hardware.escpos_decoder import decode

    open_till.till.printer_kind = "simulator"
    oil = make_product("Huile", 250)
    tomatoes = make_product("Tomates", 400, StockUnit.KILOGRAM)
    receive(oil, 10)
    receive(tomatoes, 5000)
    sale, _ = record_sale(
        session,
        cashier,
        now,
        TODAY,
        SaleRequest(
            str(uuid.uuid4()),
            "C1",
            (sale_line(oil.id, 1), sale_line(tomatoes.id, 1250)),
            (PaymentRequest(CARD, 500), PaymentRequest(CASH, 250)),
            750,
        ),
    )
    ticket = f"C1-{sale.number:06d}"
    assert refundable_by_method(session, sale) == {CASH: 250, CARD: 500, PaymentMethod.CHEQUE: 0}
    with pytest.raises(InvalidRequest, match="ne peut plus rendre que 2,50\xa0€ en espèces"):
        record_refund(
            session,
            cashier,
            now,
            TODAY,
            RefundRequest(
                str(uuid.uuid4()),
                "C1",
                ticket,
                ((sale.lines[1].id, 1250),),
                True,
                approve(supervisor, "refund", ticket=ticket),
                CASH,
            ),
        )
    with pytest.raises(InvalidRequest, match="par chèque"):
        record_refund(
            session,
            cashier,
            now,
            TODAY,
            RefundRequest(
                str(uuid.uuid4()),
                "C1",
                ticket,
                ((sale.lines[0].id, 1),),
                True,
                approve(supervisor, "refund", ticket=ticket),
                PaymentMethod.CHEQUE,
            ),
        )
    refund, _ = record_refund(
        session,
        cashier,
        now,
        TODAY,
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            ticket,
            ((sale.lines[1].id, 1250),),
            True,
            approve(supervisor, "refund", ticket=ticket),
            CARD,
        ),
    )
    assert refund.total_cents == -500
    assert refundable_by_method(session, sale)[CARD] == 0
    jobs = session.scalars(select(PrintJob).where(PrintJob.sale_id == refund.id)).all()
    assert [job.kind for job in jobs] == [JobKind.RECEIPT]  # by card: no drawer
    text = decode(jobs[0].data).text
    assert "AVOIR" in text and f"Remboursement du ticket {ticket}" in text
    assert "-1,250 kg x 4,00 € / kg" in text
    assert "Rendu - carte bancaire" in text and "5,00 €" in text
    cash_back, _ = record_refund(
        session,
        cashier,
        now,
        TODAY,
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            ticket,
            ((sale.lines[0].id, 1),),
            True,
            approve(supervisor, "refund", ticket=ticket),
            CASH,
        ),
    )
    kinds = {
        job.kind
        for job in session.scalars(select(PrintJob).where(PrintJob.sale_id == cash_back.id))
    }
    assert kinds == {JobKind.RECEIPT, JobKind.DRAWER}
