"""Suppliers, purchase orders and what came of them.

An order is drafted (lines: product, quantity, expected price per piece or per kg), sent, then
received by one or more receptions made against it (the reception page scans the products as
any other); the order's page compares received with ordered, with the lots' dates. Purchase
prices over time come from the orders sent; the stock's value at a date from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.money import round_half_away
from app.sites.models import FIRST_SITE_ID
from app.values import InvalidValue, parse_text
from inventory.errors import InvalidData
from inventory.models import (
    Category,
    Lot,
    LotOrigin,
    OrderLine,
    OrderStatus,
    Product,
    PurchaseOrder,
    Reception,
    StockMovement,
    StockUnit,
    Supplier,
    SupplierKind,
)
from inventory.services.products import price_for_grams

MAX_QUANTITY = 10_000_000  # pieces, or grams (ten tonnes)


@dataclass(frozen=True)
class SupplierData:
    name: str
    kind: SupplierKind
    contact: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""
    is_active: bool = True


def save_supplier(
    session: Session, actor_id: int, now: datetime, supplier: Supplier | None, data: SupplierData
) -> Supplier:
    try:
        name = parse_text(data.name, _("Nom du fournisseur"), max_length=120, required=True)
    except InvalidValue as error:
        raise InvalidData(error.message) from None
    clash = session.scalar(select(Supplier.id).where(func.lower(Supplier.name) == name.lower()))
    if clash is not None and (supplier is None or clash != supplier.id):
        raise InvalidData(_("Un fournisseur porte déjà ce nom."))
    supplier = supplier or Supplier()
    supplier.name, supplier.kind = name, data.kind
    supplier.contact = data.contact.strip()[:120] or None
    supplier.phone = data.phone.strip()[:40] or None
    supplier.email = data.email.strip()[:120] or None
    supplier.notes = data.notes.strip()[:500] or None
    supplier.is_active = data.is_active
    session.add(supplier)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="supplier.saved",
        target=f"supplier:{supplier.id}",
    )
    return supplier


def create_order(
    session: Session,
    actor_id: int,
    now: datetime,
    supplier: Supplier,
    expected_on: date | None,
    site_id: int = FIRST_SITE_ID,
) -> PurchaseOrder:
    """A draft order, to be delivered to (received at) ``site_id``."""
    if not supplier.is_active:
        raise InvalidData(_("Ce fournisseur est archivé."))
    order = PurchaseOrder(
        supplier_id=supplier.id,
        status=OrderStatus.DRAFT,
        expected_on=expected_on,
        created_at=now,
        created_by_id=actor_id,
        site_id=site_id,
    )
    session.add(order)
    session.flush()
    return order


def set_line(
    session: Session, order: PurchaseOrder, product: Product, quantity: int, unit_price_cents: int
) -> OrderLine:
    """Add a product to a draft order, or change its quantity and price (0 removes it)."""
    if order.status != OrderStatus.DRAFT:
        raise InvalidData(_("Cette commande est envoyée : ses lignes ne changent plus."))
    if not 0 <= quantity <= MAX_QUANTITY:
        raise InvalidData(_("Quantité : dix tonnes ou dix millions de pièces au plus."))
    if not 0 <= unit_price_cents <= 10_000_000:
        raise InvalidData(_("Prix : entre 0 et 100 000 €."))
    line = next((line for line in order.lines if line.product_id == product.id), None)
    if quantity == 0:
        if line is not None:
            order.lines.remove(line)
        session.flush()
        return line
    if line is None:
        line = OrderLine(
            product_id=product.id, quantity=quantity, unit_price_cents=unit_price_cents
        )
        order.lines.append(line)
    line.quantity, line.unit_price_cents = quantity, unit_price_cents
    session.flush()
    return line


def change_status(
    session: Session, actor_id: int, now: datetime, order: PurchaseOrder, status: OrderStatus
) -> None:
    allowed = {
        OrderStatus.DRAFT: {OrderStatus.SENT, OrderStatus.CANCELLED},
        OrderStatus.SENT: {OrderStatus.CLOSED, OrderStatus.CANCELLED},
    }.get(order.status, set())
    if status not in allowed:
        raise InvalidData(_("Cette commande ne peut pas passer à cet état."))
    if status == OrderStatus.SENT and not order.lines:
        raise InvalidData(_("Une commande sans ligne ne s'envoie pas."))
    if status == OrderStatus.CANCELLED and received_by_product(session, order):
        raise InvalidData(_("Des produits sont déjà reçus : clôturez la commande."))
    order.status = status
    if status == OrderStatus.SENT:
        order.sent_at = now
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action=f"order.{status.value}",
        target=f"order:{order.id}",
    )


def receive_against(
    session: Session,
    actor_id: int,
    now: datetime,
    order: PurchaseOrder,
    document_ref: str = "",
) -> Reception:
    """A reception (purchase, from the order's supplier) whose lots count for the order, at
    the site the order is delivered to."""
    if order.status != OrderStatus.SENT:
        raise InvalidData(_("Seule une commande envoyée se réceptionne."))
    reception = Reception(
        origin=LotOrigin.PURCHASE,
        supplier=order.supplier.name,
        document_ref=document_ref.strip()[:80] or None,
        received_at=now,
        received_by_id=actor_id,
        purchase_order_id=order.id,
        site_id=order.site_id,
    )
    session.add(reception)
    session.flush()
    return reception


def received_by_product(session: Session, order: PurchaseOrder) -> dict[int, int]:
    """Product → quantity received by the receptions made against the order."""
    return dict(
        session.execute(
            select(Lot.product_id, func.sum(Lot.quantity))
            .join(Reception, Reception.id == Lot.reception_id)
            .where(Reception.purchase_order_id == order.id)
            .group_by(Lot.product_id)
        ).all()
    )


@dataclass(frozen=True)
class LineProgress:
    product: Product
    ordered: int
    received: int
    unit_price_cents: int
    lots: tuple[Lot, ...]  # received against the order, with their dates

    @property
    def missing(self) -> int:
        return max(self.ordered - self.received, 0)

    @property
    def amount_cents(self) -> int:
        if self.product.unit == StockUnit.KILOGRAM:
            return price_for_grams(self.unit_price_cents, self.ordered)
        return self.unit_price_cents * self.ordered


def progress(session: Session, order: PurchaseOrder) -> list[LineProgress]:
    """Each line: ordered, received (a product received without being ordered shows too)."""
    received = received_by_product(session, order)
    wanted = {line.product_id for line in order.lines} | set(received)
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(wanted)))}
    lots = session.scalars(
        select(Lot)
        .join(Reception, Reception.id == Lot.reception_id)
        .where(Reception.purchase_order_id == order.id)
        .order_by(Lot.id)
    ).all()
    rows = [
        LineProgress(
            products[line.product_id],
            line.quantity,
            received.get(line.product_id, 0),
            line.unit_price_cents,
            tuple(lot for lot in lots if lot.product_id == line.product_id),
        )
        for line in order.lines
    ]
    ordered = {line.product_id for line in order.lines}
    rows += [
        LineProgress(
            products[product_id],
            0,
            quantity,
            0,
            tuple(lot for lot in lots if lot.product_id == product_id),
        )
        for product_id, quantity in received.items()
        if product_id not in ordered
    ]
    return rows


@dataclass(frozen=True)
class PricePaid:
    day: date
    supplier: str
    unit_price_cents: int  # per piece or per kg
    quantity: int


def price_history(session: Session, product_id: int, limit: int = 20) -> list[PricePaid]:
    """The product's prices on the orders sent, newest first."""
    rows = session.execute(
        select(PurchaseOrder.sent_at, Supplier.name, OrderLine.unit_price_cents, OrderLine.quantity)
        .join(OrderLine, OrderLine.order_id == PurchaseOrder.id)
        .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .where(
            OrderLine.product_id == product_id,
            PurchaseOrder.status.in_((OrderStatus.SENT, OrderStatus.CLOSED)),
        )
        .order_by(PurchaseOrder.sent_at.desc())
        .limit(limit)
    )
    return [PricePaid(sent.date(), name, price, quantity) for sent, name, price, quantity in rows]


def stock_value_at(session: Session, moment: datetime) -> list[tuple[str, int, int]]:
    """(category, units or grams left, value) at ``moment``: each lot's quantity on the books
    then (the ledger up to that moment) at its value per unit (the lot's reference value)."""
    left = (
        select(StockMovement.lot_id, func.sum(StockMovement.quantity).label("left"))
        .where(StockMovement.at < moment)
        .group_by(StockMovement.lot_id)
        .subquery()
    )
    by_category: dict[str, list[int]] = {}
    rows = session.execute(
        select(Category.name, Lot.quantity, Lot.reference_value_cents, left.c.left)
        .join(Lot, Lot.id == left.c.lot_id)
        .join(Product, Product.id == Lot.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(left.c.left > 0)
    )
    for category, received, value, quantity in rows:
        figures = by_category.setdefault(category, [0, 0])
        figures[0] += quantity
        figures[1] += round_half_away(value * quantity, received) if received else 0
    return sorted((name, q, v) for name, (q, v) in by_category.items())
