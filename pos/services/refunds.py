"""Refunds: a new document linked to the sale, lines never beyond what was sold."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.money import format_cents, round_half_away
from app.orm import lock_key
from app.users.models import User
from inventory.models import Lot, MovementKind, StockMovement
from inventory.ressourcerie.items import return_under_warranty
from inventory.services.ledger import MovementContext, append_movement
from pos.errors import InvalidRequest, NotFound
from pos.journal.chain import journal_sale
from pos.models import PaymentMethod, Sale, SaleKind, SaleLine, SalePayment, Till
from pos.services.approvals import require_approval
from pos.services.documents import next_ticket_number, replayed_document, ticket_reference
from pos.services.sessions import till_by_code, usable_session

_TICKET = re.compile(r"^\s*([A-Za-z0-9]{1,20})-0*(\d{1,9})\s*$")


def find_ticket(session: Session, reference: str) -> Sale:
    """``C1-000042`` (printed and in the receipt's barcode) → the sale."""
    match = _TICKET.match(reference)
    if not match:
        raise InvalidRequest(_("Numéro de ticket illisible (exemple : C1-000042)."))
    sale = session.scalar(
        select(Sale)
        .join(Till, Till.id == Sale.till_id)
        .where(Till.code == match[1], Sale.number == int(match[2]), Sale.kind == SaleKind.SALE)
    )
    if sale is None:
        raise NotFound(_("Ticket %(t)s introuvable.", t=reference.strip()))
    return sale


def refunded_quantities(session: Session, sale: Sale) -> dict[int, int]:
    rows = session.execute(
        select(SaleLine.refund_of_line_id, func.sum(SaleLine.quantity))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.refund_of_id == sale.id)
        .group_by(SaleLine.refund_of_line_id)
    )
    return {line_id: -int(total) for line_id, total in rows}


def refundable_by_method(session: Session, sale: Sale) -> dict[PaymentMethod, int]:
    """What can still go back to the customer each way: what the sale took that way (cash net
    of change) less what refunds of it already gave back that way."""
    left = dict.fromkeys(PaymentMethod, 0)
    for payment in sale.payments:
        left[payment.method] += payment.amount_cents
    refunded = session.execute(
        select(SalePayment.method, func.sum(SalePayment.amount_cents))
        .join(Sale, Sale.id == SalePayment.sale_id)
        .where(Sale.refund_of_id == sale.id)
        .group_by(SalePayment.method)
    )
    for method, total in refunded:
        left[method] += int(total)  # refund payments are negative
    return {method: max(0, amount) for method, amount in left.items()}


METHOD_NAMES = {
    PaymentMethod.CASH: "en espèces",
    PaymentMethod.CARD: "par carte",
    PaymentMethod.CHEQUE: "par chèque",
}


@dataclass(frozen=True)
class RefundRequest:
    uuid: str
    till_code: str
    ticket: str
    lines: tuple[tuple[int, int], ...]  # (original line id, quantity to refund)
    restock: bool
    approval_token: str | None
    method: PaymentMethod = PaymentMethod.CASH


def _restock(
    session: Session, original: Sale, line: SaleLine, quantity: int, context: MovementContext
) -> None:
    """Put the goods back into the lots the sale took them from, latest first."""
    moves = session.scalars(
        select(StockMovement)
        .where(
            StockMovement.reference == f"sale:{original.uuid}",
            StockMovement.product_id == line.product_id,
        )
        .order_by(StockMovement.id.desc())
    ).all()
    left = quantity
    for move in moves:
        back = min(left, -move.quantity)
        if back > 0:
            append_movement(
                session, session.get(Lot, move.lot_id), MovementKind.REFUND, back, context
            )
            left -= back
        if left == 0:
            return


def record_refund(
    session: Session, operator: User, now: datetime, today: date, request: RefundRequest
) -> tuple[Sale, bool]:
    existing = replayed_document(session, request.uuid, SaleKind.REFUND, request.till_code)
    if existing is not None:
        return existing, False
    lock_key(session, f"sale:{request.uuid}")
    existing = replayed_document(session, request.uuid, SaleKind.REFUND, request.till_code)
    if existing is not None:
        return existing, False
    till = till_by_code(session, request.till_code)
    cash_session = usable_session(session, till, today)
    original = find_ticket(session, request.ticket)
    reference = ticket_reference(session.get(Till, original.till_id).code, original.number)
    approver = require_approval(
        session,
        request.approval_token,
        action="refund",
        till_code=till.code,
        subject={"ticket": reference},
        used_for=f"refund:{request.uuid}",
        now=now,
        message=_(
            "Un remboursement du ticket %(t)s est validé par un·e encadrant·e (badge et code PIN).",
            t=reference,
        ),
    )
    lines_by_id = {line.id: line for line in original.lines}
    already = refunded_quantities(session, original)
    if not request.lines:
        raise InvalidRequest(_("Choisissez au moins une ligne à rembourser."))
    refund = Sale(
        uuid=request.uuid,
        kind=SaleKind.REFUND,
        till_id=till.id,
        site_id=till.site_id,
        number=next_ticket_number(session, till),
        session_id=cash_session.id,
        operator_id=operator.id,
        created_at=now,
        card_code=original.card_code,
        participation_rate_bp=original.participation_rate_bp,
        reference_total_cents=0,
        total_cents=0,
        change_cents=0,
        override_by_id=approver.id,
        refund_of_id=original.id,
        restocked=request.restock,
    )
    context = MovementContext(
        operator.id,
        now,
        f"sale:{request.uuid}",
        _("retour du ticket %(t)s", t=request.ticket.strip()),
    )
    for line_id, quantity in request.lines:
        line = lines_by_id.get(line_id)
        if line is None:
            raise NotFound(_("Cette ligne n'est pas sur le ticket %(t)s.", t=request.ticket))
        left = line.quantity - already.get(line.id, 0)
        if not 0 < quantity <= left:
            raise InvalidRequest(
                _("« %(p)s » : %(n)d au plus peut encore être remboursé.", p=line.label, n=left)
            )
        amount = round_half_away(line.amount_cents * quantity, line.quantity)
        reference = round_half_away(line.reference_amount_cents * quantity, line.quantity)
        refund.lines.append(
            SaleLine(
                product_id=line.product_id,
                item_id=line.item_id,
                item_category_id=line.item_category_id,
                weight_grams=None
                if line.weight_grams is None
                else -round_half_away(line.weight_grams * quantity, line.quantity),
                label=line.label,
                quantity=-quantity,
                unit_price_cents=line.unit_price_cents,
                reference_amount_cents=-reference,
                amount_cents=-amount,
                vat_rate_bp=line.vat_rate_bp,
                refund_of_line_id=line.id,
                site_id=refund.site_id,
            )
        )
        refund.total_cents -= amount
        refund.reference_total_cents -= reference
        if line.item_id is not None:  # a ressourcerie item comes back to the workshop
            return_under_warranty(session, approver.id, now, line.item_id, request.ticket.strip())
        elif request.restock and line.product_id is not None:
            _restock(session, original, line, quantity, context)
    allowed = refundable_by_method(session, original)[request.method]
    if -refund.total_cents > allowed:
        raise InvalidRequest(
            _(
                "Ce ticket ne peut plus rendre que %(a)s %(m)s : choisissez un autre moyen de "
                "remboursement (la carte ou le chèque ne rendent que ce qu'ils ont payé).",
                a=format_cents(allowed),
                m=METHOD_NAMES[request.method],
            )
        )
    refund.payments.append(
        SalePayment(
            method=request.method,
            amount_cents=refund.total_cents,
            tendered_cents=refund.total_cents,
            site_id=refund.site_id,
        )
    )
    refund.receipt_requested = True  # the avoir is the customer's proof: always printed
    session.add(refund)
    session.flush()
    journal_sale(session, refund)
    from pos.services.printing import queue_sale_printing

    queue_sale_printing(session, refund, now)  # the avoir, and the drawer for cash
    record_audit(
        session,
        actor_id=approver.id,
        now=now,
        action="till.refund",
        target=f"sale:{refund.uuid}",
        details={"ticket": request.ticket.strip(), "total_cents": refund.total_cents},
        site_id=till.site_id,
    )
    return refund, True
