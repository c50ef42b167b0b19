"""Recalls (RappelConso): every lot, reception and outgoing movement of a product or a lot."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from inventory.models import Lot, MovementKind, Product, Reception, StockMovement

TRACED_OUT = (MovementKind.SALE, MovementKind.GIVEN_AWAY, MovementKind.REFUND)


@dataclass(frozen=True)
class RecallReport:
    product: Product
    lots: list[Lot]
    receptions: list[Reception]
    # Sales and gifts: one step down. ``reference`` names the sale ("sale:<uuid>"); the till
    # maps it to the household's pseudonymous card.
    outgoing: list[StockMovement]

    @property
    def quantity_still_in_stock(self) -> int:
        return sum(max(lot.remaining_quantity, 0) for lot in self.lots)


def recall_report(session: Session, product: Product, lot: Lot | None = None) -> RecallReport:
    lot_filter = Lot.id == lot.id if lot else Lot.product_id == product.id
    lots = session.scalars(select(Lot).where(lot_filter).order_by(Lot.received_at)).all()
    lot_ids = [item.id for item in lots]
    reception_ids = {item.reception_id for item in lots if item.reception_id}
    receptions = session.scalars(
        select(Reception).where(Reception.id.in_(reception_ids)).order_by(Reception.received_at)
    ).all()
    outgoing = session.scalars(
        select(StockMovement)
        .options(joinedload(StockMovement.lot))
        .where(StockMovement.lot_id.in_(lot_ids), StockMovement.kind.in_(TRACED_OUT))
        .order_by(StockMovement.at)
    ).all()
    return RecallReport(product, list(lots), list(receptions), list(outgoing))
