"""Stocktakes: count by scanning, see the variance, and only validation changes the stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orm import lock_for_update
from inventory.errors import InvalidData, StocktakeClosed
from inventory.models import (
    Lot,
    LotOrigin,
    MovementKind,
    Product,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
)
from inventory.services.ledger import (
    MovementContext,
    append_movement,
    stock_by_product,
    withdraw,
)


def start_stocktake(
    session: Session, actor_id: int, now: datetime, label: str, site_id: int
) -> Stocktake:
    """A stocktake of one site's shelves."""
    if not label.strip():
        raise InvalidData(_("Donnez un nom à l'inventaire (ex. : « Rayon frais, novembre »)."))
    stocktake = Stocktake(
        label=label.strip(),
        status=StocktakeStatus.OPEN,
        started_at=now,
        started_by_id=actor_id,
        site_id=site_id,
    )
    session.add(stocktake)
    session.flush()
    return stocktake


def _line(session: Session, stocktake: Stocktake, product: Product) -> StocktakeLine:
    if stocktake.status != StocktakeStatus.OPEN:
        raise StocktakeClosed(_("Cet inventaire est clos : il ne peut plus changer."))
    line = session.scalar(
        select(StocktakeLine).where(
            StocktakeLine.stocktake_id == stocktake.id, StocktakeLine.product_id == product.id
        )
    )
    if line is None:
        line = StocktakeLine(stocktake_id=stocktake.id, product_id=product.id, counted_quantity=0)
        session.add(line)
    return line


def add_count(session: Session, stocktake: Stocktake, product: Product, quantity: int) -> int:
    """One more scan (or several pieces, or grams on the scale): adds to the count."""
    if not 0 < quantity <= 1_000_000:
        raise InvalidData(_("Quantité comptée entre 1 et 1 000 000."))
    line = _line(session, stocktake, product)
    line.counted_quantity += quantity
    session.flush()
    return line.counted_quantity


def set_count(session: Session, stocktake: Stocktake, product: Product, quantity: int) -> None:
    """Correct a count by typing the total."""
    if not 0 <= quantity <= 1_000_000:
        raise InvalidData(_("Quantité comptée entre 0 et 1 000 000."))
    _line(session, stocktake, product).counted_quantity = quantity
    session.flush()


@dataclass(frozen=True)
class VarianceLine:
    product: Product
    expected: int
    counted: int

    @property
    def variance(self) -> int:
        return self.counted - self.expected


def variance_report(session: Session, stocktake: Stocktake) -> list[VarianceLine]:
    lines = stocktake.lines
    if stocktake.status == StocktakeStatus.VALIDATED:
        return [
            VarianceLine(line.product, line.expected_quantity or 0, line.counted_quantity)
            for line in lines
        ]
    books = stock_by_product(session, [line.product_id for line in lines], stocktake.site_id)
    return [
        VarianceLine(line.product, books[line.product_id], line.counted_quantity) for line in lines
    ]


def validate_stocktake(
    session: Session, actor_id: int, now: datetime, stocktake: Stocktake, today: date
) -> int:
    """Book the variances as ``stocktake`` movements; products not counted stay as they are."""
    if stocktake.status != StocktakeStatus.OPEN:
        raise StocktakeClosed(_("Cet inventaire est déjà clos."))
    lock_for_update(session)
    context = MovementContext(
        actor_id, now, f"stocktake:{stocktake.id}", stocktake.label, site_id=stocktake.site_id
    )
    adjusted = 0
    for line in variance_report(session, stocktake):
        stored = next(s for s in stocktake.lines if s.product_id == line.product.id)
        stored.expected_quantity = line.expected
        if line.variance < 0:
            withdraw(session, line.product, -line.variance, MovementKind.STOCKTAKE, context, today)
        elif line.variance > 0:
            _book_surplus(session, line.product, line.variance, context)
        adjusted += line.variance != 0
    stocktake.status = StocktakeStatus.VALIDATED
    stocktake.validated_at = now
    stocktake.validated_by_id = actor_id
    session.flush()
    return adjusted


def _book_surplus(session: Session, product: Product, surplus: int, context) -> None:
    """Found more than the books: first cancel negative lots, then open a stocktake lot."""
    negative_lots = session.scalars(
        select(Lot)
        .where(
            Lot.product_id == product.id,
            Lot.site_id == context.site_id,
            Lot.remaining_quantity < 0,
        )
        .order_by(Lot.id)
    ).all()
    for lot in negative_lots:
        take = min(surplus, -lot.remaining_quantity)
        append_movement(session, lot, MovementKind.STOCKTAKE, take, context)
        surplus -= take
        if surplus == 0:
            return
    lot = Lot(
        product_id=product.id,
        quantity=surplus,
        origin=LotOrigin.OTHER,
        reference_value_cents=0,
        received_at=context.now,
        site_id=context.site_id,
    )
    session.add(lot)
    session.flush()
    append_movement(session, lot, MovementKind.STOCKTAKE, surplus, context)


def list_stocktakes(session: Session) -> list[Stocktake]:
    return list(session.scalars(select(Stocktake).order_by(Stocktake.id.desc())))
