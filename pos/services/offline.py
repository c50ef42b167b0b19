"""Sales a till made while it could not reach the server, received later, exactly once.

Such a sale happened: the customer paid and left with the goods. The server records it as it
was made — the prices and the participation rate the till applied, the ticket number it gave
(from the till's own offline series, « C1H-000012 », gap-free in its order of arrival) — and
never refuses it for a rule it could not check then. What the rules would have refused (an
allowance or per-visit limit overrun, a card revoked meanwhile, a price the catalogue no longer
has, stock that went negative or was past its date, an item sold twice, a total that does not
add up) is recorded as a flag on the sale for an encadrant·e to review
(*Caisse → Ventes hors ligne à revoir*). Its journal entry carries both times: made at, and
received at (``created_at``, the period it belongs to: a closed day is never reopened).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.domain import DomainError
from app.money import format_cents
from app.orm import lock_key
from app.users.models import User
from inventory.errors import InventoryError
from inventory.models import ItemState, MovementKind, RessourcerieItem
from inventory.ressourcerie.items import sell_item
from inventory.services.ledger import MovementContext, withdraw_many
from participants.errors import CardRefused
from participants.households.appointments import came_with_card
from participants.households.rights import household_for_till
from pos.errors import InvalidRequest
from pos.journal.closures import close_pending_periods
from pos.models import (
    CashSession,
    FlagKind,
    Sale,
    SaleFlag,
    SaleKind,
    Till,
)
from pos.services.basket import SaleRequest, cash_gives_change, limits_exceeded, resolve_line
from pos.services.documents import (
    next_ticket_number,
    offline_series,
    replayed_document,
    ticket_reference,
)
from pos.services.pricing import price_line
from pos.services.printing import queue_sale_printing
from pos.services.sales import Basket, insert_lines_and_payments, journal_rows
from pos.services.sessions import open_session_of, till_by_code
from pos.services.spending import spent_this_month
from pos.services.untagged import untagged_lines


@dataclass(frozen=True, kw_only=True)
class OfflineInfo:
    """What the till knew when it made the sale without the server."""

    made_at: datetime
    number: int | None = None  # the ticket number the till gave (None: it gave none)
    rate_bp: int | None = None  # the participation rate it applied (its cached card answer)
    unit_prices: tuple[int | None, ...] = ()  # its price per line of ``lines`` (None: label)
    printed: bool = False  # the browser printed the receipt
    approved_by_badge: str | None = None  # an encadrant·e's badge, over the offline limit


@dataclass
class _Flags:
    found: list[tuple[FlagKind, str]] = field(default_factory=list)

    def add(self, kind: FlagKind, message: str) -> None:
        self.found.append((kind, message[:300]))


def record_offline_sale(
    session: Session,
    operator: User,
    now: datetime,
    today: date,
    request: SaleRequest,
    offline: OfflineInfo,
) -> tuple[Sale, bool]:
    """Record a sale made offline once (its UUID); never refused for a rule checked too late:
    flagged instead. Returns (sale, created)."""
    lock_key(session, f"sale:{request.uuid}")
    till = till_by_code(session, request.till_code)
    if till.offline_of_id is not None:
        raise InvalidRequest(_("Vente hors ligne invalide : c'est le code d'une série."))
    series = offline_series(session, till)
    # Sent online first (no answer), then again from the offline outbox: the same sale.
    existing = replayed_document(
        session, request.uuid, SaleKind.SALE, request.till_code, series.code
    )
    if existing is not None:
        return existing, False
    flags = _Flags()
    made_at = offline.made_at
    if made_at > now:  # the till's clock ran ahead: the sale happened, before now
        flags.add(
            FlagKind.CLOCK,
            _(
                "Horloge de la caisse en avance (%(m)s) : vente datée de sa réception.",
                m=made_at.isoformat(timespec="minutes"),
            ),
        )
        made_at = now
    cash_session = _session_for(session, till, flags)
    close_pending_periods(session, today, now, till.site_id)
    rate = _rate(session, request.card_code, offline.rate_bp, today, flags, till.site_id)
    basket = _basket(session, request, offline, rate, flags, till.site_id)
    payments, change = _payments(request, basket.total_cents, flags)
    if rate is not None:
        _allowance(session, request.card_code, today, basket, flags, till.site_id)
    # Numbered offline by the till: its offline series. Sent online and never answered (the
    # customer was told no number): the till's own series, as it would have been.
    numbering = series if offline.number is not None else till
    number = next_ticket_number(session, numbering)
    if offline.number is not None and number != offline.number:
        flags.add(
            FlagKind.NUMBER,
            _(
                "Le numéro hors ligne %(a)s était déjà pris : enregistré sous %(b)s.",
                a=ticket_reference(series.code, offline.number),
                b=ticket_reference(series.code, number),
            ),
        )
    if offline.approved_by_badge:
        flags.add(
            FlagKind.APPROVAL,
            _(
                "Caisse hors ligne depuis plus longtemps que permis : vente validée sur place "
                "(badge %(b)s), à vérifier.",
                b=offline.approved_by_badge[:32],
            ),
        )
    sale = Sale(
        uuid=request.uuid,
        kind=SaleKind.SALE,
        till_id=numbering.id,
        site_id=numbering.site_id,
        number=number,
        session_id=cash_session.id,
        operator_id=operator.id,
        created_at=now,
        made_at=made_at,
        card_code=request.card_code or None,
        participation_rate_bp=rate,
        reference_total_cents=basket.reference_total_cents,
        total_cents=basket.total_cents,
        change_cents=change,
        # Printed in the browser at the time, or now with the mention of an offline sale.
        receipt_requested=(request.receipt_requested or bool(basket.items)) and not offline.printed,
    )
    session.add(sale)
    session.flush()
    rows = insert_lines_and_payments(session, sale, basket, payments)
    _effects(session, operator, now, today, request, sale, basket, rows, flags)
    session.add_all(
        SaleFlag(sale_id=sale.id, kind=kind, message=message) for kind, message in flags.found
    )
    record_audit(
        session,
        actor_id=operator.id,
        now=now,
        action="till.offline_sale",
        target=f"sale:{sale.uuid}",
        details={"flags": [kind.value for kind, _message in flags.found]},
        site_id=till.site_id,
    )
    return sale, True


def _session_for(session: Session, till: Till, flags: _Flags) -> CashSession:
    """The till's open session; if it was closed meanwhile, its last one, flagged."""
    current = open_session_of(session, till)
    if current is not None:
        return current
    last = session.scalar(
        select(CashSession).where(CashSession.till_id == till.id).order_by(CashSession.id.desc())
    )
    if last is None:
        raise InvalidRequest(_("Cette caisse n'a jamais été ouverte."))
    flags.add(
        FlagKind.SESSION,
        _(
            "La caisse était déjà clôturée à l'arrivée de la vente : comptée dans sa dernière "
            "session."
        ),
    )
    return last


def _rate(
    session: Session,
    card_code: str | None,
    till_rate: int | None,
    today: date,
    flags: _Flags,
    site_id: int,
) -> int | None:
    """The rate the customer paid at (the till's), flagged when the server disagrees now."""
    if not card_code:
        return None
    try:
        answer = household_for_till(
            session, card_code, today, spent=spent_this_month, site_id=site_id
        )
        server_rate = answer.participation_rate_bp if answer.right_valid else None
        problem = None if answer.right_valid or till_rate is None else answer.message
    except CardRefused as refusal:
        server_rate, problem = None, refusal.message
    if problem:
        flags.add(FlagKind.CARD, _("Carte %(c)s : %(m)s", c=card_code, m=problem))
    elif till_rate != server_rate:
        flags.add(
            FlagKind.CARD,
            _(
                "Carte %(c)s : taux appliqué hors ligne %(a)s, taux du dossier %(b)s.",
                c=card_code,
                a=_("prix public") if till_rate is None else f"{till_rate / 100:g} %",
                b=_("prix public") if server_rate is None else f"{server_rate / 100:g} %",
            ),
        )
    return till_rate


def _basket(
    session: Session,
    request: SaleRequest,
    offline: OfflineInfo,
    rate: int | None,
    flags: _Flags,
    site_id: int,
) -> Basket:
    """Each line at the till's price (what the customer paid), flagged where the catalogue
    says otherwise; items and untagged objects as online."""
    from inventory.nomenclature import load_rules

    rules = load_rules(session) if any(line.code for line in request.lines) else []
    products = _products(session, request)
    priced = []
    for index, line in enumerate(request.lines):
        resolved = resolve_line(session, line, rules, products, allow_retired=True)
        till_price = offline.unit_prices[index] if index < len(offline.unit_prices) else None
        manual = None
        product = resolved.product
        if resolved.embedded_price_cents is None and till_price is not None:
            if not 0 <= till_price <= 10_000_000:
                raise InvalidRequest(_("« %(p)s » : prix invalide.", p=product.name))
            if till_price != product.reference_price_cents:
                manual = till_price
                flags.add(
                    FlagKind.PRICE,
                    _(
                        "« %(p)s » vendu %(a)s hors ligne, %(b)s au catalogue.",
                        p=product.name,
                        a=format_cents(till_price),
                        b=format_cents(product.reference_price_cents),
                    ),
                )
        priced.append(
            price_line(product, resolved.quantity, rate, resolved.embedded_price_cents, manual)
        )
    items = _items(session, request.items, flags, site_id)
    untagged = untagged_lines(session, request.untagged)
    ressourcerie = sum(i.price_cents or 0 for i in items) + sum(u.amount_cents for u in untagged)
    total = sum(p.amount_cents for p in priced) + ressourcerie
    if total != request.expected_total_cents:
        flags.add(
            FlagKind.TOTAL,
            _(
                "Total de la caisse hors ligne %(a)s, total recalculé %(b)s.",
                a=format_cents(request.expected_total_cents),
                b=format_cents(total),
            ),
        )
    return Basket(
        priced=priced,
        items=items,
        untagged=untagged,
        total_cents=total,
        reference_total_cents=sum(p.reference_amount_cents for p in priced) + ressourcerie,
    )


def _products(session: Session, request: SaleRequest) -> dict:
    """The basket's products, retired ones included (sold before they were retired)."""
    from inventory.models import Product

    wanted = {line.product_id for line in request.lines if line.product_id is not None}
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(wanted)))}


def _items(
    session: Session, numbers: tuple[str, ...], flags: _Flags, site_id: int
) -> list[RessourcerieItem]:
    items = []
    for number in dict.fromkeys(n.strip().upper() for n in numbers):
        item = session.scalar(
            select(RessourcerieItem).where(
                RessourcerieItem.number == number, RessourcerieItem.site_id == site_id
            )
        )
        if item is None or item.price_cents is None:
            flags.add(FlagKind.ITEM, _("Objet %(n)s inconnu ou sans prix : ligne omise.", n=number))
            continue
        if item.state != ItemState.READY:
            flags.add(
                FlagKind.ITEM,
                _("Objet %(n)s vendu hors ligne alors qu'il n'était plus en vente.", n=number),
            )
        items.append(item)
    return items


def _payments(request: SaleRequest, total: int, flags: _Flags):
    """What the customer handed over; change from cash only, as at the till."""
    paid = sum(p.amount_cents for p in request.payments)
    if paid < total:
        flags.add(
            FlagKind.TOTAL,
            _("Payé %(p)s pour un total de %(t)s.", p=format_cents(paid), t=format_cents(total)),
        )
    change = max(paid - total, 0)
    return cash_gives_change(request.payments, change), change


def _allowance(
    session: Session, card_code: str, today: date, basket: Basket, flags: _Flags, site_id: int
) -> None:
    for reason in limits_exceeded(basket.priced):
        flags.add(FlagKind.LIMITS, reason)
    try:
        answer = household_for_till(
            session, card_code, today, spent=spent_this_month, site_id=site_id
        )
    except CardRefused:
        return  # already flagged
    remaining = answer.remaining_this_month_cents
    if remaining is not None and basket.total_cents > remaining:
        flags.add(
            FlagKind.ALLOWANCE,
            _(
                "Montant du mois dépassé : reste %(r)s, panier %(t)s.",
                r=format_cents(max(remaining, 0)),
                t=format_cents(basket.total_cents),
            ),
        )


def _effects(
    session: Session,
    operator: User,
    now: datetime,
    today: date,
    request: SaleRequest,
    sale: Sale,
    basket: Basket,
    rows,
    flags: _Flags,
) -> None:
    series = session.get(Till, sale.till_id)  # the offline series: at its till's site
    context = MovementContext(operator.id, now, f"sale:{sale.uuid}", site_id=series.site_id)
    ticket = ticket_reference(series.code, sale.number)
    notes: list[str] = []
    withdraw_many(
        session,
        [(line.product, line.quantity) for line in basket.priced],
        MovementKind.SALE,
        context,
        today,
        notes=notes,
    )
    for note in notes:
        flags.add(FlagKind.STOCK, note)
    for item in basket.items:
        try:
            sell_item(session, item.number, ticket, now)
        except (InventoryError, DomainError):
            pass  # flagged above: the item was no longer for sale
    journal_rows(session, sale, rows)
    queue_sale_printing(session, sale, now)
    if request.card_code:
        came_with_card(session, request.card_code, now)
