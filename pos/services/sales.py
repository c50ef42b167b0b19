"""Recording a sale exactly once: recompute, check the household's allowance, take the
payments, move the stock first-expired-first-out, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.money import format_cents
from app.orm import lock_key
from app.users.models import User
from inventory.errors import InventoryError
from inventory.models import MovementKind, RessourcerieItem
from inventory.ressourcerie.items import sell_item
from inventory.services.ledger import MovementContext, withdraw_many
from participants.households.appointments import came_with_card
from pos.errors import InvalidRequest, PriceMismatch
from pos.journal.chain import append_entry, journal_sale
from pos.journal.closures import close_pending_periods
from pos.models import PaymentMethod, Sale, SaleKind, SaleLine, SalePayment, Till
from pos.services.approvals import require_approval
from pos.services.basket import (
    ITEM_VAT_BP,
    SaleRequest,
    approve_manual_prices,
    items_for_sale,
    limits_exceeded,
    priced_lines,
    split_payments,
)
from pos.services.documents import (
    OFFLINE_SUFFIX,
    next_ticket_number,
    replayed_document,
    ticket_reference,
)
from pos.services.pricing import PricedLine
from pos.services.printing import queue_sale_printing
from pos.services.sessions import till_by_code, usable_session
from pos.services.spending import Household, card_terms
from pos.services.untagged import UntaggedLine, untagged_lines

_INSERT_LINES = insert(SaleLine.__table__)  # built once: on every ticket's path
_INSERT_PAYMENTS = insert(SalePayment.__table__)


@dataclass(frozen=True, kw_only=True)
class Basket:
    priced: list[PricedLine]
    items: list[RessourcerieItem]
    untagged: list[UntaggedLine]
    total_cents: int
    reference_total_cents: int


@dataclass(frozen=True, kw_only=True)
class Approvals:
    reasons: list[str]  # the household's limits this sale goes past
    approver: User | None  # who approved them
    price_approvers: dict[int, User]  # line index → who approved its price typed by hand


def record_sale(
    session: Session, operator: User, now: datetime, today: date, request: SaleRequest
) -> tuple[Sale, bool]:
    """Record the sale once; return (sale, created). The same UUID again returns the first.
    The steps, in order: replay, the till and its session, the household, the basket priced on
    the server, the approvals it needs, the documents, then their effects (stock, items,
    journal, printing)."""
    existing = _replay(session, request)
    if existing is not None:
        return existing, False
    till = till_by_code(session, request.till_code)
    cash_session = usable_session(session, till, today)
    # The first sale of a day closes the days before (in the till's site's chain).
    close_pending_periods(session, today, now, till.site_id)
    household = card_terms(session, request.card_code, today, till.site_id)
    basket = _price_basket(session, request, household, till.site_id)
    payments, change = split_payments(request.payments, basket.total_cents)
    approvals = _approvals(session, operator, now, request, household, basket)
    sale = _build_sale(
        request,
        till,
        cash_session.id,
        operator,
        now,
        household,
        basket,
        approvals,
        payments,
        change,
        number=next_ticket_number(session, till),
    )
    session.add(sale)
    session.flush()
    rows = insert_lines_and_payments(session, sale, basket, payments)
    _apply_effects(session, operator, now, today, request, till, sale, basket, approvals, rows)
    return sale, True


def _replay(session: Session, request: SaleRequest) -> Sale | None:
    """The sale already recorded under this UUID (a retry, a double click), if any: checked
    once the UUID's lock is held, so a twin request waits and then finds the first (on
    SQLite the lock is the write lock the sale needs anyway)."""
    lock_key(session, f"sale:{request.uuid}")
    return replayed_document(
        session,
        request.uuid,
        SaleKind.SALE,
        request.till_code,
        f"{request.till_code}{OFFLINE_SUFFIX}",
    )


def _price_basket(
    session: Session, request: SaleRequest, household: Household, site_id: int
) -> Basket:
    """Every price from the catalogue (or a weighed label, or a price typed and approved); the
    till's total must be the same, or nothing is recorded and the till reloads its prices."""
    if not request.lines and not request.items and not request.untagged:
        raise InvalidRequest(_("Le panier est vide."))
    priced = priced_lines(session, request.lines, household.rate_bp)
    # Ressourcerie objects, tagged or sold by category: their own price, no participation
    # rate (the épicerie's rule).
    items = items_for_sale(session, request.items, site_id)
    untagged = untagged_lines(session, request.untagged)
    ressourcerie = sum(i.price_cents for i in items) + sum(u.amount_cents for u in untagged)
    total = sum(line.amount_cents for line in priced) + ressourcerie
    if total != request.expected_total_cents:
        raise PriceMismatch(
            _(
                "Le total affiché (%(a)s) ne correspond pas au calcul de la caisse (%(b)s) : "
                "les prix ont changé. Rechargez la page, le panier est conservé.",
                a=format_cents(request.expected_total_cents),
                b=format_cents(total),
            ),
            server_total_cents=total,
        )
    reference = sum(line.reference_amount_cents for line in priced) + ressourcerie
    return Basket(
        priced=priced,
        items=items,
        untagged=untagged,
        total_cents=total,
        reference_total_cents=reference,
    )


def _approvals(
    session: Session,
    operator: User,
    now: datetime,
    request: SaleRequest,
    household: Household,
    basket: Basket,
) -> Approvals:
    """A household past its per-visit limits or its month's amount, and prices typed by hand,
    need an encadrant·e's badge and PIN (a single-use token for this very sale)."""
    reasons: list[str] = []
    if household.rate_bp is not None:
        reasons = limits_exceeded(basket.priced)
        remaining = household.remaining_cents
        if remaining is not None and basket.total_cents > remaining:
            reasons.append(
                _(
                    "Montant du mois dépassé : reste %(r)s, panier %(t)s.",
                    r=format_cents(max(remaining, 0)),
                    t=format_cents(basket.total_cents),
                )
            )
    price_approvers = approve_manual_prices(session, operator, now, request, basket.priced)
    approver = None
    if reasons:  # the encadrant·e approves this total, for this household
        approver = require_approval(
            session,
            request.approval_token,
            action="sale",
            till_code=request.till_code,
            subject={"total_cents": basket.total_cents},
            used_for=f"sale:{request.uuid}",
            now=now,
            message=" ".join(reasons)
            + " "
            + _("Un·e encadrant·e doit valider avec son badge et son code PIN."),
            reasons=reasons,
        )
    return Approvals(reasons=reasons, approver=approver, price_approvers=price_approvers)


def _build_sale(
    request: SaleRequest,
    till: Till,
    session_id: int,
    operator: User,
    now: datetime,
    household: Household,
    basket: Basket,
    approvals: Approvals,
    payments: list[tuple[PaymentMethod, int, int]],
    change: int,
    *,
    number: int,
) -> Sale:
    sale = Sale(
        uuid=request.uuid,
        kind=SaleKind.SALE,
        till_id=till.id,
        site_id=till.site_id,
        number=number,
        session_id=session_id,
        operator_id=operator.id,
        created_at=now,
        card_code=request.card_code or None,
        participation_rate_bp=household.rate_bp,
        reference_total_cents=basket.reference_total_cents,
        total_cents=basket.total_cents,
        change_cents=change,
        override_by_id=approvals.approver.id if approvals.approver else None,
        override_reason=" ".join(approvals.reasons)[:200] or None,
        # A guarantee applies to ressourcerie items: their receipt always prints.
        receipt_requested=request.receipt_requested or bool(basket.items),
    )
    return sale


def insert_lines_and_payments(
    session: Session,
    sale: Sale,
    basket: Basket,
    payments: list[tuple[PaymentMethod, int, int]],
) -> tuple[list[dict], list[dict]]:
    """The ticket's lines and payments, each in one executemany INSERT (the unit of work would
    write a 30-line sale row by row: ``sale_lines`` refers to itself for refunds). The sale's
    collections load from the database if anything reads them later."""
    line_rows = (
        [
            {
                "sale_id": sale.id,
                "site_id": sale.site_id,
                "product_id": line.product.id,
                "item_id": None,
                "item_category_id": None,
                "weight_grams": None,
                "label": line.product.name,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "reference_amount_cents": line.reference_amount_cents,
                "amount_cents": line.amount_cents,
                "vat_rate_bp": line.product.vat_rate_bp,
            }
            for line in basket.priced
        ]
        + [
            {
                "sale_id": sale.id,
                "site_id": sale.site_id,
                "product_id": None,
                "item_id": item.id,
                "item_category_id": None,
                "weight_grams": None,
                "label": f"{item.description} (n° {item.number})",
                "quantity": 1,
                "unit_price_cents": item.price_cents,
                "reference_amount_cents": item.price_cents,
                "amount_cents": item.price_cents,
                "vat_rate_bp": ITEM_VAT_BP,
            }
            for item in basket.items
        ]
        + [
            {
                "sale_id": sale.id,
                "site_id": sale.site_id,
                "product_id": None,
                "item_id": None,
                "item_category_id": line.category.id,
                "weight_grams": line.weight_grams,
                "label": line.label,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "reference_amount_cents": line.amount_cents,
                "amount_cents": line.amount_cents,
                "vat_rate_bp": ITEM_VAT_BP,
            }
            for line in basket.untagged
        ]
    )
    payment_rows = [
        {
            "sale_id": sale.id,
            "site_id": sale.site_id,
            "method": method,
            "amount_cents": applied,
            "tendered_cents": tendered,
        }
        for method, applied, tendered in payments
    ]
    session.execute(_INSERT_LINES, line_rows)
    if payment_rows:
        session.execute(_INSERT_PAYMENTS, payment_rows)
    session.expire(sale, ["lines", "payments"])
    return line_rows, payment_rows


def _apply_effects(
    session: Session,
    operator: User,
    now: datetime,
    today: date,
    request: SaleRequest,
    till: Till,
    sale: Sale,
    basket: Basket,
    approvals: Approvals,
    rows: tuple[list[dict], list[dict]],
) -> None:
    """In the same transaction as the sale: the stock leaves first-expired-first-out, the
    ressourcerie's items are sold (a second till is refused here), the journal chains the
    ticket and each price typed by hand, the receipt is queued, the approval audited."""
    context = MovementContext(operator.id, now, f"sale:{sale.uuid}", site_id=till.site_id)
    ticket = ticket_reference(till.code, sale.number)
    try:
        withdraw_many(
            session,
            [(line.product, line.quantity) for line in basket.priced],
            MovementKind.SALE,
            context,
            today,
        )
        for item in basket.items:  # ready → sold, atomically
            sell_item(session, item.number, ticket, now)
    except InventoryError as error:
        raise InvalidRequest(error.message) from None
    journal_rows(session, sale, rows)
    for index, price_approver in approvals.price_approvers.items():  # old and new price
        line = request.lines[index]
        priced = basket.priced[index]
        append_entry(
            session,
            "price_change",
            now,
            {
                "ticket": ticket,
                "line": index + 1,
                "label": priced.product.name,
                "old_unit_price_cents": priced.product.reference_price_cents,
                "new_unit_price_cents": line.manual_unit_price_cents,
                "reason": (line.price_reason or "").strip() or None,
                "operator": operator.display_name,
                "approved_by": price_approver.display_name,
            },
            ticket,
            site_id=till.site_id,
        )
    queue_sale_printing(session, sale, now)
    if request.card_code:  # today's appointment of this household: « venu·e »
        came_with_card(session, request.card_code, now)
    if approvals.approver is not None:
        record_audit(
            session,
            actor_id=approvals.approver.id,
            now=now,
            action="till.override",
            target=f"sale:{sale.uuid}",
            site_id=till.site_id,
            details={"limits": len(approvals.reasons), "operator_id": operator.id},
        )


def journal_rows(session: Session, sale: Sale, rows: tuple[list[dict], list[dict]]) -> None:
    """Chain the ticket from the rows just written (not read back from the database)."""
    line_rows, payment_rows = rows
    journal_sale(
        session,
        sale,
        lines=[
            (r["label"], r["quantity"], r["unit_price_cents"], r["amount_cents"], r["vat_rate_bp"])
            for r in line_rows
        ],
        payments=[(r["method"], r["amount_cents"]) for r in payment_rows],
    )
