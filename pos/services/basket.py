"""Pricing a basket on the server, whatever the till sent: each line resolved from its scanned
code or product (a weighed label's price is read here), priced for the household, the
ressourcerie's items checked ready, the per-visit limits, the payments and their change, and
the prices changed by hand with their approvals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.money import format_cents
from app.users.models import User
from app.users.roles import Permission
from inventory.errors import InventoryError
from inventory.models import ItemState, Product, RessourcerieItem, StockUnit
from inventory.nomenclature import VALUE_KINDS, load_rules, parse_scan
from inventory.ressourcerie.items import STATE_LABELS
from pos.errors import InvalidRequest, NotFound
from pos.models import PaymentMethod
from pos.services.approvals import require_approval
from pos.services.pricing import PricedLine, price_line
from pos.services.untagged import UntaggedRequest

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
    untagged: tuple[UntaggedRequest, ...] = ()  # ressourcerie objects sold by category


ITEM_VAT_BP = 2000  # second-hand goods: standard rate when VAT applies


def items_for_sale(
    session: Session, numbers: tuple[str, ...], site_id: int
) -> list[RessourcerieItem]:
    """The ressourcerie items scanned, each ready for sale and in the basket once — at the
    till's site (an item of another site is unknown here)."""
    if len(set(numbers)) != len(numbers):
        raise InvalidRequest(
            _("Un objet de la ressourcerie est unique : il est déjà dans le panier.")
        )
    items = []
    for number in numbers:
        item = session.scalar(
            select(RessourcerieItem).where(
                RessourcerieItem.number == number.strip().upper(),
                RessourcerieItem.site_id == site_id,
            )
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
class ResolvedLine:
    product: Product
    quantity: int
    embedded_price_cents: int | None  # read from the label by the server
    manual_unit_price_cents: int | None


def resolve_line(
    session: Session,
    line: LineRequest,
    rules,
    products: dict[int, Product],
    allow_retired: bool = False,
) -> ResolvedLine:
    """The product and quantity of a line, and a price only when the label carries one
    (``allow_retired``: a sale made offline, before the product was retired)."""
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
        product = products.get(line.product_id)
        quantity = line.quantity
    if product is None or not (product.is_active or allow_retired):
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
    return ResolvedLine(product, quantity, embedded, line.manual_unit_price_cents)


# Built once: a statement built at each sale costs more than its SQL (30 bound values, then
# its cache key); the expanding parameter takes the basket's ids.
_PRODUCTS_BY_ID = select(Product).where(Product.id.in_(bindparam("ids", expanding=True)))


def priced_lines(session: Session, lines: tuple[LineRequest, ...], rate_bp: int | None):
    if len(lines) > 500:
        raise InvalidRequest(_("Trop de lignes dans un seul ticket (500 au plus)."))
    rules = load_rules(session) if any(line.code for line in lines) else []
    # One query for the basket's products (the lines then find them in the session), not one
    # per line.
    wanted = {line.product_id for line in lines if line.product_id is not None}
    products = (
        {p.id: p for p in session.scalars(_PRODUCTS_BY_ID, {"ids": list(wanted)})} if wanted else {}
    )
    resolved = [resolve_line(session, line, rules, products) for line in lines]
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


def limits_exceeded(priced: list[PricedLine]) -> list[str]:
    pieces = Counter()
    for line in priced:
        if line.product.unit != StockUnit.KILOGRAM:
            pieces[line.product] += line.quantity
    return [
        _("« %(p)s » : %(n)d par passage au plus.", p=product.name, n=product.per_visit_limit)
        for product, count in pieces.items()
        if product.per_visit_limit and count > product.per_visit_limit
    ]


def split_payments(requests: tuple[PaymentRequest, ...], total: int):
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
    return cash_gives_change(requests, change), change


def cash_gives_change(requests: tuple[PaymentRequest, ...], change: int):
    """(method, applied, tendered) per payment: the change comes out of the cash handed over;
    ``InvalidRequest`` if the cash cannot give it (change asked of a card or a cheque)."""
    result = []
    change_left = change
    for payment in requests:
        applied = payment.amount_cents
        if payment.method == PaymentMethod.CASH and change_left:
            taken = min(change_left, applied)
            applied -= taken
            change_left -= taken
        result.append((payment.method, applied, payment.amount_cents))
    if change_left:
        raise InvalidRequest(_("Seules les espèces rendent la monnaie."))
    return result


def approve_manual_prices(
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
