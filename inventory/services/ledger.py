"""The append-only stock ledger: receiving into lots, withdrawing first-expired-first-out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, inspect, select
from sqlalchemy.orm import Session

from app.orm import lock_for_update
from inventory.errors import InsufficientStock, InvalidData, NotSellable
from inventory.models import Lot, MovementKind, Product, StockMovement
from inventory.settings import SELL_PAST_DDM

INCOMING_OR_BOTH = {MovementKind.RECEIVE, MovementKind.REFUND, MovementKind.STOCKTAKE}
OUTGOING_KINDS = frozenset(MovementKind) - INCOMING_OR_BOTH - {MovementKind.TRANSFER_IN}  # < 0


@dataclass(frozen=True)
class MovementContext:
    """Who, when and where, for every movement a service appends: a withdrawal takes from the
    lots of ``site_id`` only (a movement on a given lot is at that lot's site)."""

    actor_id: int | None
    now: datetime
    reference: str | None = None
    reason: str | None = None
    site_id: int | None = field(default=None, kw_only=True)


def append_movement(
    session: Session, lot: Lot, kind: MovementKind, quantity: int, context: MovementContext
) -> StockMovement:
    """Append one movement; the database applies it to ``lot.remaining_quantity``."""
    if quantity == 0:
        raise InvalidData(_("Une quantité nulle ne fait pas de mouvement."))
    if kind in OUTGOING_KINDS and quantity > 0:
        raise ValueError("outgoing movements are negative")
    movement = _new_movement(lot, kind, quantity, context)
    session.add(movement)
    session.flush()
    session.expire(lot, ["remaining_quantity"])  # the trigger changed it
    return movement


def _movement_row(lot: Lot, kind: MovementKind, quantity: int, context: MovementContext) -> dict:
    return {
        "product_id": lot.product_id,
        "lot_id": lot.id,
        "site_id": getattr(lot, "site_id", None) or context.site_id,  # the lot's site
        "kind": kind,
        "quantity": quantity,
        "at": context.now,
        "actor_id": context.actor_id,
        "reason": context.reason,
        "reference": context.reference,
    }


def _new_movement(
    lot: Lot, kind: MovementKind, quantity: int, context: MovementContext
) -> StockMovement:
    return StockMovement(**_movement_row(lot, kind, quantity, context))


def stock_on_hand(session: Session, product_id: int, site_id: int) -> int:
    """What the books hold of a product at a site."""
    return session.scalar(
        select(func.coalesce(func.sum(Lot.remaining_quantity), 0)).where(
            Lot.product_id == product_id, Lot.site_id == site_id
        )
    )


def stock_by_product(session: Session, product_ids: list[int], site_id: int) -> dict[int, int]:
    rows = session.execute(
        select(Lot.product_id, func.sum(Lot.remaining_quantity))
        .where(Lot.product_id.in_(product_ids), Lot.site_id == site_id)
        .group_by(Lot.product_id)
    )
    totals = dict.fromkeys(product_ids, 0)
    totals.update({product_id: int(total) for product_id, total in rows})
    return totals


def _fefo_order():
    expiry = func.coalesce(Lot.use_by, Lot.best_before)
    return (expiry.is_(None), expiry, Lot.received_at, Lot.id)


def format_quantity(product: Product, quantity: int) -> str:
    from app.quantities import format_grams

    return format_grams(quantity) if product.unit.value == "kg" else str(quantity)


def lot_is_sellable(lot: Lot, today: date, sell_past_ddm: bool) -> bool:
    if lot.use_by is not None and lot.use_by < today:
        return False
    return not (lot.best_before is not None and lot.best_before < today and not sell_past_ddm)


def sellable_stock(session: Session, product_id: int, today: date, site_id: int) -> tuple[int, int]:
    """(sellable, past its date) units of a product at a site: the till refuses at the scan a
    product whose stock is past its DLC, not after payment."""
    sell_past_ddm = SELL_PAST_DDM.get(session)
    sellable = expired = 0
    for lot in session.scalars(
        select(Lot).where(
            Lot.product_id == product_id, Lot.site_id == site_id, Lot.remaining_quantity > 0
        )
    ):
        if lot_is_sellable(lot, today, sell_past_ddm):
            sellable += lot.remaining_quantity
        else:
            expired += lot.remaining_quantity
    return sellable, expired


def products_with_stock_past_date(session: Session, today: date, site_id: int) -> set[int]:
    """Products with units on the books that may not be sold today (past their DLC, or their DDM
    when the setting forbids it): the till asks their stock at the scan, and only theirs."""
    past = Lot.use_by < today
    if not SELL_PAST_DDM.get(session):
        past = past | (Lot.best_before < today)
    return set(
        session.scalars(
            select(Lot.product_id)
            .where(Lot.site_id == site_id, Lot.remaining_quantity > 0, past)
            .distinct()
        )
    )


class _LotStock(NamedTuple):
    id: int
    product_id: int
    remaining_quantity: int
    use_by: date | None
    best_before: date | None


class Taken(NamedTuple):
    """One movement a withdrawal wrote: the lot and its quantity as in the ledger (< 0)."""

    product_id: int
    lot_id: int
    quantity: int


# Built once (a statement built at each sale costs more than its SQL).
_INSERT_MOVEMENTS = insert(StockMovement.__table__)
_LOTS_WITH_STOCK = (
    select(Lot.id, Lot.product_id, Lot.remaining_quantity, Lot.use_by, Lot.best_before)
    .where(
        Lot.product_id.in_(bindparam("product_ids", expanding=True)),
        Lot.site_id == bindparam("site_id"),
        Lot.remaining_quantity > 0,
    )
    .order_by(Lot.product_id, *_fefo_order())
    .with_for_update()
)


def _locked_lots_with_stock(
    session: Session, product_ids: list[int], site_id: int
) -> dict[int, list[_LotStock]]:
    """Lots with stock, locked, grouped by product in FEFO order (plain rows: the trigger on
    the movements keeps the lots' quantities, nothing here changes a lot).

    Rows are locked in one consistent order (product, then FEFO), so two tills selling the
    same products wait for each other instead of deadlocking.
    """
    lock_for_update(session)
    rows = session.execute(_LOTS_WITH_STOCK, {"product_ids": product_ids, "site_id": site_id})
    grouped: dict[int, list[_LotStock]] = {product_id: [] for product_id in product_ids}
    for row in rows:
        grouped[row.product_id].append(_LotStock(*row))
    return grouped


def _latest_lot(
    session: Session, product: Product, left_in_lot: dict[int, int], site_id: int
) -> list:
    """The product's latest lot at the site, whatever its stock (an offline sale books on it)."""
    row = session.execute(
        select(Lot.id, Lot.product_id, Lot.remaining_quantity, Lot.use_by, Lot.best_before)
        .where(Lot.product_id == product.id, Lot.site_id == site_id)
        .order_by(Lot.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if row is None:
        return []
    left_in_lot[row.id] = row.remaining_quantity
    return [_LotStock(*row)]


def withdraw(
    session: Session,
    product: Product,
    quantity: int,
    kind: MovementKind,
    context: MovementContext,
    today: date,
) -> list[Taken]:
    """Take ``quantity`` of one product out of stock (see ``withdraw_many``)."""
    return withdraw_many(session, [(product, quantity)], kind, context, today)


def _sellable_lots(
    product: Product,
    quantity: int,
    lots: list[_LotStock],
    left_in_lot: dict[int, int],
    today: date,
    sell_past_ddm: bool,
) -> list[_LotStock]:
    """The lots a sale may take from (never past DLC; past DDM only when allowed)."""
    sellable = [lot for lot in lots if lot_is_sellable(lot, today, sell_past_ddm)]
    if not sellable:
        if lots:
            raise NotSellable(
                _(
                    "« %(p)s » : le stock restant a dépassé sa date limite ; il ne peut "
                    "pas être vendu.",
                    p=product.name,
                )
            )
        raise NotSellable(
            _(
                "« %(p)s » n'a aucun lot en stock : faites d'abord une réception.",
                p=product.name,
            )
        )
    in_date = sum(max(left_in_lot[lot.id], 0) for lot in sellable)
    if quantity > in_date and len(sellable) < len(lots):
        # Units past their date are still on the books: those in the basket may be them. The
        # books never go negative on a good lot while that is possible.
        raise NotSellable(
            _(
                "« %(p)s » : %(n)s vendable(s) en stock, le reste a dépassé sa date "
                "limite. Vérifiez la date des articles du panier et retirez ceux qui "
                "sont périmés.",
                p=product.name,
                n=format_quantity(product, in_date),
            )
        )
    return sellable


def _lots_to_take(
    session: Session,
    product: Product,
    quantity: int,
    kind: MovementKind,
    lots: list[_LotStock],
    left_in_lot: dict[int, int],
    when: tuple[date, bool],
    notes: list[str] | None,
    site_id: int,
) -> list[_LotStock]:
    """The lots a withdrawal takes from, in order (see ``withdraw_many``); none: nothing to
    book (an offline sale of a product that never had a lot, noted)."""
    if kind != MovementKind.SALE:
        available = sum(max(left_in_lot[lot.id], 0) for lot in lots)
        if available < quantity:
            raise InsufficientStock(
                _(
                    "Stock insuffisant pour « %(p)s » : %(n)d en stock.",
                    p=product.name,
                    n=available,
                )
            )
        return lots
    try:
        return _sellable_lots(product, quantity, lots, left_in_lot, *when)
    except NotSellable as refusal:
        if notes is None:
            raise
        notes.append(refusal.message)
    lots = lots or _latest_lot(session, product, left_in_lot, site_id)
    if not lots:
        notes.append(_("« %(p)s » : aucun lot, le stock n'a pas bougé.", p=product.name))
    return lots


def withdraw_many(
    session: Session,
    items: list[tuple[Product, int]],
    kind: MovementKind,
    context: MovementContext,
    today: date,
    notes: list[str] | None = None,
) -> list[Taken]:
    """Take each (product, quantity) out of stock, first-expired-first-out, in one go.

    A sale only takes from sellable lots (never past DLC; past DDM only when the setting
    allows). If the books hold less than what is physically sold, the shortfall is booked on
    the last sellable lot, which goes negative until the next stocktake: the customer has
    the goods in hand, and the till must not lose the sale. Other withdrawals (loss, gift)
    never exceed the stock.

    ``notes`` (a sale made while the till was offline, the customer long gone): a sale the
    rules would refuse (stock only past its date, no stock at all) is booked all the same on
    the product's latest lot, and what was wrong is appended to ``notes``, as is a lot left
    negative.
    """
    if not items:
        return []  # a ticket of ressourcerie items only: no stock to move
    for _product, quantity in items:
        if quantity <= 0:
            raise InvalidData(_("La quantité doit être positive."))
        if quantity > 1_000_000:
            raise InvalidData(_("Quantité invraisemblable (plus d'un million)."))
    if context.site_id is None:
        raise ValueError("a withdrawal says the site whose lots it takes from")
    lots_by_product = _locked_lots_with_stock(
        session, sorted({p.id for p, _ in items}), context.site_id
    )
    sell_past_ddm = kind == MovementKind.SALE and SELL_PAST_DDM.get(session)
    left_in_lot = {
        lot.id: lot.remaining_quantity for lots in lots_by_product.values() for lot in lots
    }
    movements = []
    for product, quantity in items:
        lots = _lots_to_take(
            session,
            product,
            quantity,
            kind,
            lots_by_product[product.id],
            left_in_lot,
            (today, sell_past_ddm),
            notes,
            context.site_id,
        )
        left = quantity
        for index, lot in enumerate(lots):
            is_last = index == len(lots) - 1
            take = left if is_last else min(left, max(left_in_lot[lot.id], 0))
            if take > 0:
                left_in_lot[lot.id] -= take
                movements.append(_movement_row(lot, kind, -take, context))
                left -= take
            if left == 0:
                break
    if notes is not None:
        names = {p.id: p.name for p, _quantity in items}
        taken = {row["lot_id"]: row["product_id"] for row in movements}
        notes.extend(
            _("« %(p)s » : stock négatif (%(n)d).", p=names[product_id], n=left_in_lot[lot_id])
            for lot_id, product_id in taken.items()
            if left_in_lot[lot_id] < 0
        )
    # One executemany INSERT (the database's trigger applies each row to its lot), not the
    # unit of work's row by row: a 30-line sale writes 30 movements.
    if movements:
        session.execute(_INSERT_MOVEMENTS, movements)
    lot_key = inspect(Lot).identity_key_from_primary_key
    for row in movements:  # a lot already loaded in this session reads its new quantity
        lot = session.identity_map.get(lot_key((row["lot_id"],)))
        if lot is not None:
            session.expire(lot, ["remaining_quantity"])
    return [Taken(row["product_id"], row["lot_id"], row["quantity"]) for row in movements]


def receive_into_lot(session: Session, lot: Lot, context: MovementContext) -> StockMovement:
    session.add(lot)
    session.flush()
    return append_movement(session, lot, MovementKind.RECEIVE, lot.quantity, context)


def ledger_discrepancies(session: Session) -> list[tuple[int, int, int]]:
    """Lots whose remaining quantity differs from the sum of their movements (should be none)."""
    totals = (
        select(StockMovement.lot_id, func.sum(StockMovement.quantity).label("total"))
        .group_by(StockMovement.lot_id)
        .subquery()
    )
    rows = session.execute(
        select(Lot.id, Lot.remaining_quantity, func.coalesce(totals.c.total, 0))
        .outerjoin(totals, totals.c.lot_id == Lot.id)
        .where(Lot.remaining_quantity != func.coalesce(totals.c.total, 0))
    )
    return [tuple(row) for row in rows]


def movements_of_product(session: Session, product_id: int, limit: int = 200):
    return list(
        session.scalars(
            select(StockMovement)
            .where(StockMovement.product_id == product_id)
            .order_by(StockMovement.id.desc())
            .limit(limit)
        )
    )
