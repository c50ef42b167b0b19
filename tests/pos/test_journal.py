"""The inalterable journal: a continuous chain, every tampering found and named."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from app.sites.models import FIRST_SITE_ID
from pos.journal.chain import GENESIS_HASH, JournaledRecordChanged, chain_hash
from pos.journal.verify import verify_journal
from pos.models import JournalEntry, PaymentMethod, Sale, SaleLine, SalePayment
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.printing import queue_duplicate
from pos.services.refunds import RefundRequest, record_refund
from pos.services.sales import record_sale
from pos.services.sessions import close_session, record_cash_movement
from tests.conftest import sale_line
from tests.pos.conftest import TODAY, insider

CASH = PaymentMethod.CASH


@pytest.fixture
def activity(session, open_till, cashier, supervisor, now, make_product, receive, approve):
    rice = make_product("Riz", 250)
    receive(rice, 50, best_before=TODAY + timedelta(days=100))
    sales = [
        record_sale(
            session,
            cashier,
            now,
            TODAY,
            SaleRequest(
                str(uuid.uuid4()),
                "C1",
                (sale_line(rice.id, n),),
                (PaymentRequest(CASH, 250 * n),),
                250 * n,
            ),
        )[0]
        for n in (1, 2, 3)
    ]
    record_refund(
        session,
        cashier,
        now,
        TODAY,
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            "C1-000002",
            ((sales[1].lines[0].id, 1),),
            True,
            approve(supervisor, "refund", ticket="C1-000002"),
        ),
    )
    queue_duplicate(session, sales[0], now)
    record_cash_movement(session, open_till, cashier, now, -500, "Dépôt")
    close_session(session, open_till, cashier, now, {"cash": 6750, "card": 0, "cheque": 0}, None)
    session.flush()
    return sales


def test_chain_across_sales_refunds_sessions(session, activity):
    entries = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence)).all()
    assert [e.kind for e in entries] == [
        "session_opened",
        "sale",
        "sale",
        "sale",
        "refund",
        "duplicate",
        "cash_movement",
        "session_closed",
    ]
    assert [e.sequence for e in entries] == list(range(1, 9))
    assert entries[0].previous_hash == GENESIS_HASH
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.hash
        assert after.hash == chain_hash(before.hash, after.payload)
    result = verify_journal(session)
    assert result.ok and result.count == 8
    assert result.message == "Journal intègre : 8 écriture(s) vérifiée(s)."


def test_grand_total_is_sales_minus_refunds(session, activity):
    # 2,50 + 5,00 + 7,50 − 2,50 refunded
    assert session.scalar(select(func.sum(Sale.total_cents))) == 1250


@pytest.mark.parametrize(
    ("statement", "field"),
    [
        ("UPDATE sales SET total_cents = total_cents + 1 WHERE number = 2", "total_cents"),
        ("UPDATE sales SET created_at = '2026-01-01 10:00:00' WHERE number = 2", "created_at"),
        ("UPDATE sale_lines SET quantity = 9 WHERE id = (SELECT MIN(id) FROM sale_lines)", "lines"),
        (
            "UPDATE sale_payments SET method = 'card' "
            "WHERE id = (SELECT MIN(id) FROM sale_payments)",
            "payments",
        ),
    ],
)
def test_a_changed_field_is_found_and_named(session, activity, statement, field):
    with insider(session):  # behind the application's back, the database's guards off
        session.execute(text(statement))
    result = verify_journal(session)
    assert not result.ok
    assert f"« {field} » ne correspond plus" in result.message


def test_a_changed_or_deleted_entry_is_found(session, activity):
    with insider(session):
        session.execute(
            update(JournalEntry)
            .where(JournalEntry.sequence == 3)
            .values(payload=JournalEntry.payload + " ")
        )
    assert "n° 3 (sale, C1-000002) : contenu modifié" in verify_journal(session).message


def test_a_deleted_entry_is_found(session, activity):
    with insider(session):
        session.execute(text("DELETE FROM journal_entries WHERE sequence = 4"))
    assert verify_journal(session).message == (
        "Écriture n° 4 manquante (supprimée ?) avant la n° 5."
    )


def test_the_application_refuses_to_edit_a_ticket(session, activity):
    with pytest.raises(JournaledRecordChanged, match="ni modifié ni supprimé"):
        with session.begin_nested():
            activity[0].total_cents = 1
            session.flush()
    with pytest.raises(JournaledRecordChanged):
        with session.begin_nested():
            session.delete(session.scalar(select(SalePayment).limit(1)))
            session.flush()
    assert session.scalar(select(func.count(SaleLine.id))) == 4


def test_receipts_print_the_hash_start(session, activity):
    from pos.services.printing import receipt_document

    document = receipt_document(session, activity[0])
    entry = session.scalar(
        select(JournalEntry).where(
            JournalEntry.reference == "C1-000001", JournalEntry.kind == "sale"
        )
    )
    assert document.hash_start == entry.hash[:8]


def test_journal_verify_command(app, session, activity):
    result = app.test_cli_runner().invoke(args=["journal", "verify"])
    assert result.exit_code == 0
    assert "Journal intègre : 8 écriture(s) vérifiée(s)." in result.output


def test_daily_closures_at_the_first_sale_of_a_new_day(
    session, till, cashier, now, make_product, receive
):
    import json
    from datetime import date, datetime

    from app.clock import SHOP_TIMEZONE
    from pos.journal.closures import close_pending_periods
    from pos.services.sessions import open_session

    rice = make_product("Riz", 250)
    receive(rice, 500, best_before=date(2028, 1, 1))

    def day_of_sales(day: date, count: int) -> None:
        moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHOP_TIMEZONE)
        cash_session = open_session(session, till, cashier, moment, {})
        for _ in range(count):
            record_sale(
                session,
                cashier,
                moment,
                day,
                SaleRequest(
                    str(uuid.uuid4()),
                    "C1",
                    (sale_line(rice.id, 1),),
                    (PaymentRequest(PaymentMethod.CARD, 250),),
                    250,
                ),
            )
        close_session(
            session,
            cash_session,
            cashier,
            moment,
            {"cash": 0, "card": 250 * count, "cheque": 0},
            None,
        )

    day_of_sales(date(2026, 11, 29), 2)
    day_of_sales(date(2026, 11, 30), 1)  # its first sale closes 29/11
    day_of_sales(date(2026, 12, 1), 3)  # closes 30/11, then November
    closures = [
        json.loads(e.payload)
        for e in session.scalars(
            select(JournalEntry)
            .where(JournalEntry.kind.like("closure%"))
            .order_by(JournalEntry.sequence)
        )
    ]
    assert [(c["kind"], c["period"]) for c in closures] == [
        ("closure_daily", "2026-11-29"),
        ("closure_daily", "2026-11-30"),
        ("closure_monthly", "2026-11"),
    ]
    assert [c["grand_total_cents"] for c in closures] == [500, 750, 750]
    assert closures[0]["by_method_cents"] == {"card": 500}
    assert closures[2]["sales"] == 3 and closures[2]["by_vat_rate_cents"] == {"550": 750}
    # On demand, the next day: 01/12 is closed, grand total = every sale since the start.
    moment = datetime(2026, 12, 2, 8, 0, tzinfo=SHOP_TIMEZONE)
    assert close_pending_periods(session, date(2026, 12, 2), moment, FIRST_SITE_ID) == 1
    assert verify_journal(session).ok
    last = json.loads(
        session.scalars(select(JournalEntry).order_by(JournalEntry.sequence.desc())).first().payload
    )
    assert last["grand_total_cents"] == session.scalar(select(func.sum(Sale.total_cents)))
    # A closed day's ticket changed behind the application's back is caught.
    with insider(session):
        session.execute(
            text(
                "UPDATE sale_payments SET amount_cents = 1 WHERE id = "
                "(SELECT MIN(id) FROM sale_payments)"
            )
        )
    assert not verify_journal(session).ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE sales SET total_cents = 0",
        "DELETE FROM sale_payments",
        "UPDATE sale_lines SET amount_cents = 0",
        "DELETE FROM journal_entries WHERE sequence = 8",
        "UPDATE journal_entries SET payload = '{}' WHERE sequence = 1",
        "DELETE FROM cash_movements",
    ],
)
def test_the_database_itself_refuses_to_change_validated_records(session, activity, statement):
    """Not only the application: plain SQL on the journal, a ticket, its lines, payments, the
    closures or the cash movements is refused by the database (triggers on both)."""
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="ni modifié ni supprimé"), session.begin_nested():
        session.execute(text(statement))
    assert verify_journal(session).ok


def test_verify_sees_what_the_chain_alone_cannot(session, activity, open_till, cashier, now):
    """The last entry cut off (with the head moved back or not), a ticket or a cash movement
    slipped into the database without its entry: each is named, not "Journal intègre"."""
    from pos.models import CashMovement, JournalHead

    with insider(session), session.begin_nested() as cut:
        session.execute(text("DELETE FROM journal_entries WHERE sequence = 8"))
        assert "La tête du journal (n° 8) ne correspond pas à sa dernière écriture (n° 7)" in (
            verify_journal(session).message
        )
        session.execute(
            update(JournalHead).values(
                last_sequence=7,
                last_hash=select(JournalEntry.hash)
                .where(JournalEntry.sequence == 7)
                .scalar_subquery(),
            )
        )
        assert not verify_journal(session).ok  # the closing of the session has no entry now
        cut.rollback()
    assert verify_journal(session).ok
    with session.begin_nested() as forged:
        session.execute(
            text(
                "INSERT INTO sales (uuid, kind, till_id, number, session_id, operator_id, "
                "created_at, reference_total_cents, total_cents, change_cents, receipt_requested) "
                "SELECT 'forged', 'sale', till_id, 9, session_id, operator_id, created_at, 100, "
                "100, 0, false FROM sales WHERE number = 1"
            )
        )
        assert verify_journal(session).message == (
            "Caisse C1 : compteur à 4, 5 ticket(s) en base, 4 au journal (dernier n° 4) ; "
            "sans écriture : C1-000009."
        )
        forged.rollback()
    with session.begin_nested() as slipped:
        session.add(
            CashMovement(
                session_id=open_till.id,
                amount_cents=-500,
                reason="Poche",
                at=now,
                actor_id=cashier.id,
            )
        )
        session.flush()
        assert verify_journal(session).message.startswith(
            "2 mouvement(s) d'espèces en base, 1 au journal"
        )
        slipped.rollback()
