"""Receipts into the durable print queue, and the worker that sends them.

A job is written in the same transaction as the sale it prints; the worker sends it after
commit with a timeout, retries with backoff, and only one worker (or process) sends a given
job: it claims it first (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer).
A printer failure never touches the sale.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import format_datetime
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.money import round_half_away
from app.settings.core import SHOP_ADDRESS, SHOP_NAME, SHOP_SIRET, SHOP_VAT_EXEMPT
from app.settings.services import receipt_footer
from app.users.models import User
from hardware.models import DEFAULT_MODEL, MODELS
from hardware.receipt import (
    ReceiptDocument,
    ReceiptLine,
    drawer_kick,
    render_receipt,
    render_session_report,
    render_test_page,
)
from inventory.models import Product, RessourcerieItem, StockUnit
from inventory.ressourcerie.items import WARRANTY_MENTION
from pos.journal.chain import append_entry
from pos.models import (
    JobKind,
    JobStatus,
    JournalEntry,
    PaymentMethod,
    PrintJob,
    Sale,
    SaleKind,
    Till,
)

logger = logging.getLogger(__name__)


def _quantity(quantity: int, unit: StockUnit) -> str:
    if unit == StockUnit.KILOGRAM:
        whole, grams = divmod(abs(quantity), 1000)
        return f"{'-' if quantity < 0 else ''}{whole},{grams:03d} kg"
    return str(quantity)


def _ticket_of(session: Session, sale_id: int | None) -> str | None:
    if sale_id is None:
        return None
    original = session.get(Sale, sale_id)
    return f"{session.get(Till, original.till_id).code}-{original.number:06d}"


def receipt_document(session: Session, sale: Sale, duplicate_number: int | None = None):
    till = session.get(Till, sale.till_id)
    operator = session.get(User, sale.operator_id)
    units = dict(
        session.execute(
            select(Product.id, Product.unit).where(
                Product.id.in_({line.product_id for line in sale.lines})
            )
        ).all()
    )
    beneficiary = sale.participation_rate_bp is not None
    vat_exempt = SHOP_VAT_EXEMPT.get(session)
    breakdown: dict[int, list[int]] = {}
    for line in sale.lines:
        base = round_half_away(line.amount_cents * 10_000, 10_000 + line.vat_rate_bp)
        figures = breakdown.setdefault(line.vat_rate_bp, [0, 0])
        figures[0] += base
        figures[1] += line.amount_cents - base
    return ReceiptDocument(
        shop_name=SHOP_NAME.get(session),
        shop_address=SHOP_ADDRESS.get(session),
        shop_siret=SHOP_SIRET.get(session),
        ticket=f"{till.code}-{sale.number:06d}",
        printed_at=format_datetime(sale.created_at.astimezone(SHOP_TIMEZONE), "dd/MM/yyyy HH:mm"),
        till_name=till.name,
        operator=operator.display_name,
        lines=tuple(
            ReceiptLine(
                label=line.label,
                quantity=_quantity(line.quantity, units.get(line.product_id)),
                unit_price_cents=line.unit_price_cents,
                amount_cents=line.amount_cents,
                vat_rate_bp=line.vat_rate_bp,
                reference_amount_cents=line.reference_amount_cents if beneficiary else None,
            )
            for line in sale.lines
        ),
        total_cents=sale.total_cents,
        payments=tuple((PaymentMethod(p.method).label, p.tendered_cents) for p in sale.payments),
        change_cents=sale.change_cents,
        reference_total_cents=sale.reference_total_cents if beneficiary else None,
        vat_exempt=vat_exempt,
        vat_breakdown=tuple((rate, base, vat) for rate, (base, vat) in sorted(breakdown.items())),
        duplicate_number=duplicate_number,
        is_refund=sale.kind == SaleKind.REFUND,
        refund_of=_ticket_of(session, sale.refund_of_id),
        hash_start=_hash_start(session, f"{till.code}-{sale.number:06d}"),
        footer=receipt_footer(session),
        warranty_mentions=_offline_mention(sale) + _warranty_mentions(session, sale),
    )


def _offline_mention(sale: Sale) -> tuple[str, ...]:
    """A sale made while the till had no server, its receipt printed when it arrived."""
    if sale.made_at is None:
        return ()
    made = sale.made_at.astimezone(SHOP_TIMEZONE)
    received = sale.created_at.astimezone(SHOP_TIMEZONE)
    return (
        f"Vente faite hors ligne le {format_datetime(made, 'dd/MM/yyyy à HH:mm')}, "
        f"enregistrée le {format_datetime(received, 'dd/MM/yyyy à HH:mm')}.",
    )


def _warranty_mentions(session: Session, sale: Sale) -> tuple[str, ...]:
    """Each ressourcerie item: the legal guarantee, its number and serial number."""
    ids = [line.item_id for line in sale.lines if line.item_id]
    if not ids:
        return ()
    mentions = [WARRANTY_MENTION + "."]
    for item in session.scalars(
        select(RessourcerieItem)
        .where(RessourcerieItem.id.in_(ids))
        .order_by(RessourcerieItem.number)
    ):
        serial = f", n° de série {item.serial_number}" if item.serial_number else ""
        until = (
            f", garantie jusqu'au {item.warranty_until.strftime('%d/%m/%Y')}"
            if item.warranty_until
            else ""
        )
        mentions.append(f"Objet {item.number}{serial}{until}.")
    return tuple(mentions)


def _hash_start(session: Session, ticket: str) -> str | None:
    digest = session.scalar(
        select(JournalEntry.hash).where(
            JournalEntry.reference == ticket, JournalEntry.kind.in_(("sale", "refund"))
        )
    )
    return digest[:8] if digest else None


def _model(till: Till):
    return MODELS.get(till.printer_model) or MODELS[DEFAULT_MODEL]


def _enqueue(
    session: Session,
    till: Till,
    kind: JobKind,
    data: bytes,
    now: datetime,
    sale: Sale | None = None,
) -> PrintJob:
    job = PrintJob(
        till_id=till.id,
        site_id=till.site_id,
        kind=kind,
        sale_id=sale.id if sale else None,
        data=data,
        status=JobStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def printer_till(session: Session, till: Till) -> Till:
    """The till whose printer prints: a ticket of an offline series prints at its till."""
    return session.get(Till, till.offline_of_id) if till.offline_of_id else till


def queue_sale_printing(session: Session, sale: Sale, now: datetime) -> None:
    """In the sale's transaction: the receipt if asked for, the drawer if cash was taken (not
    for a sale made offline, received later: its customer has gone)."""
    till = printer_till(session, session.get(Till, sale.till_id))
    if till.printer_kind == "none":
        return
    if sale.made_at is None and any(p.method == PaymentMethod.CASH for p in sale.payments):
        _enqueue(session, till, JobKind.DRAWER, drawer_kick(_model(till)), now, sale)
    if sale.receipt_requested:
        _enqueue(
            session,
            till,
            JobKind.RECEIPT,
            render_receipt(receipt_document(session, sale), _model(till)),
            now,
            sale,
        )


def queue_duplicate(session: Session, sale: Sale, now: datetime) -> PrintJob:
    till = printer_till(session, session.get(Till, sale.till_id))
    count = (
        session.scalar(
            select(func.count(PrintJob.id)).where(
                PrintJob.sale_id == sale.id, PrintJob.kind == JobKind.DUPLICATE
            )
        )
        + 1
    )
    document = receipt_document(session, sale, duplicate_number=count)
    append_entry(
        session,
        "duplicate",
        now,
        {"ticket": document.ticket, "duplicate": count},
        document.ticket,
        site_id=session.get(Till, sale.till_id).site_id,
    )
    return _enqueue(
        session, till, JobKind.DUPLICATE, render_receipt(document, _model(till)), now, sale
    )


def queue_test_page(session: Session, till: Till, now: datetime) -> PrintJob:
    return _enqueue(
        session,
        till,
        JobKind.TEST,
        render_test_page(_model(till), f"Test d'impression — {till.name}"),
        now,
    )


def queue_session_report(session: Session, cash_session, now: datetime, operator: str) -> PrintJob:
    """The X report of an open session, or the Z report of a closed one, on its till's printer."""
    from pos.models import SessionStatus
    from pos.services.sessions import x_report

    till = session.get(Till, cash_session.till_id)
    report = x_report(session, cash_session)
    closed = cash_session.status != SessionStatus.OPEN
    rows = [
        ("Ventes", report.total_cents),
        ("Espèces", report.by_method["cash"]),
        ("Carte bancaire", report.by_method["card"]),
        ("Chèques", report.by_method["cheque"]),
        ("Fond de caisse", report.float_cents),
        ("Entrées/sorties d'espèces", report.cash_movements_cents),
        ("Espèces attendues", report.expected["cash"]),
    ]
    notes = [f"{report.sales_count} vente(s), {report.refunds_count} remboursement(s)"]
    if closed and cash_session.counted is not None:
        rows += [
            (f"Compté - {label}", cash_session.counted.get(key, 0))
            for key, label in (("cash", "espèces"), ("card", "carte"), ("cheque", "chèques"))
        ]
        rows.append(("Écart", cash_session.difference_cents or 0))
    moment = format_datetime(now.astimezone(SHOP_TIMEZONE), "dd/MM/yyyy HH:mm")
    data = render_session_report(
        _model(till),
        "RAPPORT Z (clôture)" if closed else "RAPPORT X",
        (
            SHOP_NAME.get(session),
            f"{till.name} - {operator}",
            f"Journée du {cash_session.business_date:%d/%m/%Y}, imprimé le {moment}",
        ),
        tuple(rows),
        tuple(notes),
    )
    return _enqueue(session, till, JobKind.REPORT, data, now)


def queue_drawer(session: Session, till: Till, now: datetime) -> PrintJob:
    return _enqueue(session, till, JobKind.DRAWER, drawer_kick(_model(till)), now)
