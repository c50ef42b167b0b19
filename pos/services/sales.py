"""Recording a sale exactly once: recompute, check the household's allowance, take the
payments, move the stock first-expired-first-out, all in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.money import format_cents
from app.orm import lock_key
from app.users.models import User
from app.users.roles import Permission
from inventory.errors import InventoryError
from inventory.models import ItemState, MovementKind, Product, RessourcerieItem, StockUnit
from inventory.nomenclature import VALUE_KINDS, load_rules, parse_scan
from inventory.services.ledger import MovementContext, withdraw_many
from inventory.services.ressourcerie import STATE_LABELS, sell_item
from participants.errors import CardRefused
from participants.services.rights import household_for_till
from pos.errors import InvalidRequest, NotFound, PriceMismatch, UuidConflict
from pos.models import AbandonedSale, PaymentMethod, Sale, SaleKind, SaleLine, SalePayment, Till
from pos.services.approvals import require_approval
from pos.services.journal import append_entry, close_pending_periods, journal_sale
from pos.services.pricing import PricedLine, price_line
from pos.services.printing import queue_sale_printing
from pos.services.sessions import till_by_code, usable_session
from pos.services.spending import spent_this_month

MAX_QUANTITY = 1_000_000


@dataclass(frozen=True, kw_only=True)
class LineRequest:
    """What the till scanned (``code``, read here with the nomenclature: a weighed label
    carries its weight or price) or a product and a quantity. Never a price, except a manual
    one, which an encadrant·e approves and the journal records."""

    code: str | None = None
    product_id: int | None = None
    quantity: int | None = None  # pieces, or grams for products sold by weight
    manual_unit_price_cents: int | None = None
    price_reason: str | None = None
    approval_token: str | None = None  # for a manual price: approved for this very price


@dataclass(frozen=True)
class PaymentRequest:
    method: PaymentMethod
    amount_cents: int  # for cash: what the customer handed over


@dataclass(frozen=True)
class SaleRequest:
    uuid: str
    till_code: str
    lines: tuple[LineRequest, ...]
    payments: tuple[PaymentRequest, ...]
    expected_total_cents: int
    card_code: str | None = None
    receipt_requested: bool = False
    approval_token: str | None = None  # overrides (allowance, limits): approved for the total
    items: tuple[str, ...] = ()  # ressourcerie item numbers (unique objects)


def find_sale(session: Session, uuid: str) -> Sale | None:
    return session.scalar(select(Sale).where(Sale.uuid == uuid))


def replayed_document(session: Session, uuid: str, kind: SaleKind, till_code: str) -> Sale | None:
    """The document already recorded under ``uuid``, if it is the same kind on the same till;
    a UUID never answers for another kind, another till, or a sale given up."""
    existing = find_sale(session, uuid)
    if existing is not None:
        till = session.get(Till, existing.till_id)
        if existing.kind != kind or till.code != till_code:
            raise UuidConflict(
                _("Cet identifiant a déjà servi pour un autre document : rien n'a été enregistré.")
            )
        return existing
    if session.scalar(select(AbandonedSale.id).where(AbandonedSale.uuid == uuid)):
        raise UuidConflict(
            _(
                "Cette vente a été abandonnée par un·e encadrant·e : elle ne "
                "peut plus être enregistrée."
            ),
            code="sale_abandoned",
        )
    return None


def next_ticket_number(session: Session, till: Till) -> int:
    """Atomic in the database (the row stays locked until commit, so numbers never repeat)."""
    return session.execute(
        update(Till)
        .where(Till.id == till.id)
        .values(last_ticket_number=Till.last_ticket_number + 1)
        .returning(Till.last_ticket_number)
    ).scalar_one()


def ticket_reference(till_code: str, number: int) -> str:
    return f"{till_code}-{number:06d}"


def tickets_by_uuid(session: Session, uuids) -> dict[str, str]:
    """Sale UUIDs (the stock ledger's ``sale:<uuid>`` references) → their ticket numbers."""
    rows = session.execute(
        select(Sale.uuid, Till.code, Sale.number)
        .join(Till, Till.id == Sale.till_id)
        .where(Sale.uuid.in_(list(uuids)))
    )
    return {uuid: ticket_reference(code, number) for uuid, code, number in rows}


ITEM_VAT_BP = 2000  # second-hand goods: standard rate when VAT applies


def _items_for_sale(session: Session, numbers: tuple[str, ...]) -> list[RessourcerieItem]:
    """The ressourcerie items scanned, each ready for sale and in the basket once."""
    if len(set(numbers)) != len(numbers):
        raise InvalidRequest(
            _("Un objet de la ressourcerie est unique : il est déjà dans le panier.")
        )
    items = []
    for number in numbers:
        item = session.scalar(
            select(RessourcerieItem).where(RessourcerieItem.number == number.strip().upper())
        )
        if item is None:
            raise NotFound(_("Objet %(n)s inconnu.", n=number))
        if item.state != ItemState.READY or item.price_cents is None:
            raise InvalidRequest(
                _(
                    "L'objet %(n)s n'est pas en vente (%(s)s).",
                    n=item.number,
                    s=STATE_LABELS[item.state].lower(),
                )
            )
        items.append(item)
    return items


@dataclass(frozen=True)
class _ResolvedLine:
    product: Product
    quantity: int
    embedded_price_cents: int | None  # read from the label by the server
    manual_unit_price_cents: int | None


def _resolve_line(session: Session, line: LineRequest, rules) -> _ResolvedLine:
    """The product and quantity of a line, and a price only when the label carries one."""
    if (line.code is None) == (line.product_id is None):
        raise InvalidRequest(_("Chaque ligne donne soit le code scanné, soit le produit."))
    embedded = None
    if line.code is not None:
        try:
            scan = parse_scan(session, line.code, rules)
        except InventoryError as error:
            raise InvalidRequest(error.message) from None
        if scan.product is None:
            raise InvalidRequest(_("Le code %(c)s n'est pas un article.", c=scan.code))
        product = scan.product
        if scan.kind in VALUE_KINDS:  # the label says how much, the server reads it
            if line.quantity is not None and line.quantity != scan.quantity:
                raise InvalidRequest(
                    _("« %(p)s » : la quantité vient de l'étiquette pesée.", p=product.name)
                )
            quantity, embedded = scan.quantity, scan.price_cents
        else:
            quantity = (
                line.quantity
                if line.quantity is not None
                else (None if product.unit == StockUnit.KILOGRAM else 1)
            )
    else:
        product = session.get(Product, line.product_id)
        quantity = line.quantity
    if product is None or not product.is_active:
        raise NotFound(_("Produit n° %(n)d inconnu ou retiré de la vente.", n=line.product_id or 0))
    if quantity is None or not 0 < quantity <= MAX_QUANTITY:
        raise InvalidRequest(
            _(
                "« %(p)s » : quantité invalide (pièces, ou grammes pour un produit pesé).",
                p=product.name,
            )
        )
    if line.manual_unit_price_cents is not None and (
        embedded is not None or not 0 <= line.manual_unit_price_cents <= 10_000_000
    ):
        raise InvalidRequest(
            _("« %(p)s » : ce prix ne peut pas être changé à la main.", p=product.name)
        )
    return _ResolvedLine(product, quantity, embedded, line.manual_unit_price_cents)


def _priced_lines(session: Session, lines: tuple[LineRequest, ...], rate_bp: int | None):
    if len(lines) > 500:
        raise InvalidRequest(_("Trop de lignes dans un seul ticket (500 au plus)."))
    rules = load_rules(session) if any(line.code for line in lines) else []
    resolved = [_resolve_line(session, line, rules) for line in lines]
    return [
        price_line(
            line.product,
            line.quantity,
            rate_bp,
            line.embedded_price_cents,
            line.manual_unit_price_cents,
        )
        for line in resolved
    ]


def _limits_exceeded(priced: list[PricedLine]) -> list[str]:
    pieces = Counter()
    for line in priced:
        if line.product.unit != StockUnit.KILOGRAM:
            pieces[line.product] += line.quantity
    return [
        _("« %(p)s » : %(n)d par passage au plus.", p=product.name, n=product.per_visit_limit)
        for product, count in pieces.items()
        if product.per_visit_limit and count > product.per_visit_limit
    ]


def _payments(requests: tuple[PaymentRequest, ...], total: int):
    """Return (payments as (method, applied, tendered), change); change comes from cash only."""
    if any(p.amount_cents <= 0 or p.amount_cents > 10_000_000 for p in requests):
        raise InvalidRequest(_("Chaque paiement est un montant positif."))
    paid = sum(p.amount_cents for p in requests)
    if paid < total:
        raise InvalidRequest(_("Il reste %(d)s à payer.", d=format_cents(total - paid)))
    non_cash = sum(p.amount_cents for p in requests if p.method != PaymentMethod.CASH)
    if non_cash > total:
        raise InvalidRequest(
            _(
                "La carte et les chèques ne peuvent pas dépasser le total : "
                "seules les espèces rendent la monnaie."
            )
        )
    change = paid - total
    result = []
    change_left = change
    for payment in requests:
        applied = payment.amount_cents
        if payment.method == PaymentMethod.CASH and change_left:
            taken = min(change_left, applied)
            applied -= taken
            change_left -= taken
        result.append((payment.method, applied, payment.amount_cents))
    return result, change


def _approve_manual_prices(
    session: Session, operator: User, now: datetime, request: SaleRequest, priced: list[PricedLine]
) -> dict[int, User]:
    """Each price changed by hand is approved for that product at that price (an encadrant·e
    at the till approves by selling); {line index: approver}."""
    approvers = {}
    for index, line in enumerate(request.lines):
        if line.manual_unit_price_cents is None:
            continue
        if operator.can(Permission.TILL_SUPERVISE):
            approvers[index] = operator
            continue
        product = priced[index].product
        approvers[index] = require_approval(
            session,
            line.approval_token,
            action="price",
            till_code=request.till_code,
            subject={"product_id": product.id, "unit_price_cents": line.manual_unit_price_cents},
            used_for=f"sale:{request.uuid}:line:{index + 1}",
            now=now,
            message=_(
                "« %(p)s » à %(c)s : un prix changé à la main est validé par un·e "
                "encadrant·e (badge et code PIN).",
                p=product.name,
                c=format_cents(line.manual_unit_price_cents),
            ),
            line=index + 1,
        )
    return approvers


def record_sale(
    session: Session, operator: User, now: datetime, today: date, request: SaleRequest
) -> tuple[Sale, bool]:
    """Record the sale once; return (sale, created). The same UUID again returns the first."""
    existing = replayed_document(session, request.uuid, SaleKind.SALE, request.till_code)
    if existing is not None:
        return existing, False
    lock_key(session, f"sale:{request.uuid}")  # against a twin request or an abandon
    existing = replayed_document(session, request.uuid, SaleKind.SALE, request.till_code)
    if existing is not None:
        return existing, False
    till = till_by_code(session, request.till_code)
    cash_session = usable_session(session, till, today)
    close_pending_periods(session, today, now)  # the first sale of a day closes the days before

    rate_bp = remaining = None
    if request.card_code:
        try:
            answer = household_for_till(session, request.card_code, today, spent=spent_this_month)
        except CardRefused as error:
            raise InvalidRequest(error.message) from None
        if answer.right_valid:
            rate_bp, remaining = answer.participation_rate_bp, answer.remaining_this_month_cents
    if not request.lines and not request.items:
        raise InvalidRequest(_("Le panier est vide."))
    priced = _priced_lines(session, request.lines, rate_bp)
    # Ressourcerie items: their own price, no participation rate (the épicerie's rule).
    items = _items_for_sale(session, request.items)
    total = sum(line.amount_cents for line in priced) + sum(i.price_cents for i in items)
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

    reasons = []
    if rate_bp is not None:
        reasons = _limits_exceeded(priced)
        if remaining is not None and total > remaining:
            reasons.append(
                _(
                    "Montant du mois dépassé : reste %(r)s, panier %(t)s.",
                    r=format_cents(max(remaining, 0)),
                    t=format_cents(total),
                )
            )
    payments, change = _payments(request.payments, total)
    price_approvers = _approve_manual_prices(session, operator, now, request, priced)
    approver = None
    if reasons:  # the encadrant·e approves this total, for this household
        approver = require_approval(
            session,
            request.approval_token,
            action="sale",
            till_code=request.till_code,
            subject={"total_cents": total},
            used_for=f"sale:{request.uuid}",
            now=now,
            message=" ".join(reasons)
            + " "
            + _("Un·e encadrant·e doit valider avec son badge et son code PIN."),
            reasons=reasons,
        )

    sale = Sale(
        uuid=request.uuid,
        kind=SaleKind.SALE,
        till_id=till.id,
        number=next_ticket_number(session, till),
        session_id=cash_session.id,
        operator_id=operator.id,
        created_at=now,
        card_code=request.card_code or None,
        participation_rate_bp=rate_bp,
        reference_total_cents=sum(line.reference_amount_cents for line in priced)
        + sum(item.price_cents for item in items),
        total_cents=total,
        change_cents=change,
        override_by_id=approver.id if approver else None,
        override_reason=" ".join(reasons)[:200] or None,
        # A guarantee applies to ressourcerie items: their receipt always prints.
        receipt_requested=request.receipt_requested or bool(items),
    )
    sale.lines.extend(
        SaleLine(
            product_id=line.product.id,
            label=line.product.name,
            quantity=line.quantity,
            unit_price_cents=line.unit_price_cents,
            reference_amount_cents=line.reference_amount_cents,
            amount_cents=line.amount_cents,
            vat_rate_bp=line.product.vat_rate_bp,
        )
        for line in priced
    )
    sale.lines.extend(
        SaleLine(
            item_id=item.id,
            label=f"{item.description} (n° {item.number})",
            quantity=1,
            unit_price_cents=item.price_cents,
            reference_amount_cents=item.price_cents,
            amount_cents=item.price_cents,
            vat_rate_bp=ITEM_VAT_BP,
        )
        for item in items
    )
    sale.payments.extend(
        SalePayment(method=method, amount_cents=applied, tendered_cents=tendered)
        for method, applied, tendered in payments
    )
    session.add(sale)
    session.flush()
    context = MovementContext(operator.id, now, f"sale:{sale.uuid}")
    ticket = ticket_reference(till.code, sale.number)
    try:
        withdraw_many(
            session,
            [(line.product, line.quantity) for line in priced],
            MovementKind.SALE,
            context,
            today,
        )
        for item in items:  # ready → sold, atomically: a second till is refused here
            sell_item(session, item.number, ticket, now)
    except InventoryError as error:
        raise InvalidRequest(error.message) from None
    journal_sale(session, sale)
    for index, price_approver in price_approvers.items():  # old and new price, in the journal
        line = request.lines[index]
        append_entry(
            session,
            "price_change",
            now,
            {
                "ticket": ticket,
                "line": index + 1,
                "label": priced[index].product.name,
                "old_unit_price_cents": priced[index].product.reference_price_cents,
                "new_unit_price_cents": line.manual_unit_price_cents,
                "reason": (line.price_reason or "").strip() or None,
                "operator": operator.display_name,
                "approved_by": price_approver.display_name,
            },
            ticket,
        )
    queue_sale_printing(session, sale, now)
    if approver is not None:
        record_audit(
            session,
            actor_id=approver.id,
            now=now,
            action="till.override",
            target=f"sale:{sale.uuid}",
            details={"limits": len(reasons), "operator_id": operator.id},
        )
    return sale, True


@dataclass(frozen=True, kw_only=True)
class AbandonRequest:
    uuid: str
    till_code: str
    reason: str
    approval_token: str


def abandon_sale(
    session: Session, operator: User, now: datetime, request: AbandonRequest
) -> tuple[AbandonedSale | None, Sale | None]:
    """Give up a sale the till never saw acknowledged: (tombstone, None), or (None, sale)
    when it had in fact been recorded (the till then shows it as done)."""
    lock_key(session, f"sale:{request.uuid}")
    till = till_by_code(session, request.till_code)
    existing = (
        replayed_document(session, request.uuid, SaleKind.SALE, request.till_code)
        if not session.scalar(select(AbandonedSale.id).where(AbandonedSale.uuid == request.uuid))
        else None
    )
    if existing is not None:
        return None, existing
    tombstone = session.scalar(select(AbandonedSale).where(AbandonedSale.uuid == request.uuid))
    if tombstone is not None:
        return tombstone, None
    if len(request.reason.strip()) < 3:
        raise InvalidRequest(_("Donnez la raison de l'abandon."))
    approver = require_approval(
        session,
        request.approval_token,
        action="abandon",
        till_code=till.code,
        subject={"sale_uuid": request.uuid},
        used_for=f"abandon:{request.uuid}",
        now=now,
        message=_("Abandonner une vente est validé par un·e encadrant·e."),
    )
    tombstone = AbandonedSale(
        uuid=request.uuid,
        till_id=till.id,
        abandoned_at=now,
        operator_id=operator.id,
        approved_by_id=approver.id,
        reason=request.reason.strip()[:200],
    )
    session.add(tombstone)
    session.flush()
    record_audit(
        session,
        actor_id=approver.id,
        now=now,
        action="till.sale_abandoned",
        target=f"sale:{request.uuid}",
        details={"till": till.code, "operator_id": operator.id, "reason": tombstone.reason},
    )
    return tombstone, None
