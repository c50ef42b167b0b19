"""Expiry control: what reaches its DLC soon, what is past DLC or DDM, and disposing of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import shop_date
from app.orm import lock_for_update
from inventory.errors import InvalidData
from inventory.models import Lot, LotOrigin, MovementKind, Product, StockUnit
from inventory.services.ledger import MovementContext, append_movement
from inventory.settings import EXPIRY_WARNING_DAYS


@dataclass(frozen=True)
class ExpiringLot:
    """One row of the report (plain values: the report may list thousands of lots)."""

    id: int
    product_id: int
    product_name: str
    unit: StockUnit
    use_by: date | None
    best_before: date | None
    remaining_quantity: int
    origin: LotOrigin


@dataclass(frozen=True)
class ExpiryReport:
    past_use_by: list[ExpiringLot]  # never to be sold or given: destroy
    use_by_soon: list[ExpiringLot]  # within the warning window
    past_best_before: list[ExpiringLot]  # may still be given or sold (setting)
    warning_days: int


def expiry_report(session: Session, today: date) -> ExpiryReport:
    warning_days = EXPIRY_WARNING_DAYS.get(session)
    horizon = today + timedelta(days=warning_days)
    columns = (
        Lot.id,
        Lot.product_id,
        Product.name,
        Product.unit,
        Lot.use_by,
        Lot.best_before,
        Lot.remaining_quantity,
        Lot.origin,
    )
    lots = [
        ExpiringLot(*row)
        for row in session.execute(
            select(*columns)
            .join(Product, Product.id == Lot.product_id)
            .where(
                Lot.remaining_quantity > 0,
                or_(Lot.use_by <= horizon, Lot.best_before < today),
            )
            .order_by(Lot.use_by, Lot.best_before, Lot.id)
        )
    ]
    return ExpiryReport(
        past_use_by=[lot for lot in lots if lot.use_by and lot.use_by < today],
        use_by_soon=[lot for lot in lots if lot.use_by and today <= lot.use_by <= horizon],
        past_best_before=[lot for lot in lots if lot.best_before and lot.best_before < today],
        warning_days=warning_days,
    )


def dispose_lots(
    session: Session,
    actor_id: int,
    now: datetime,
    lot_ids: list[int],
    kind: MovementKind,
    reason: str | None = None,
) -> int:
    """Destroy or give away everything left in the chosen lots; returns how many lots."""
    if kind not in (MovementKind.EXPIRED_DESTROYED, MovementKind.GIVEN_AWAY):
        raise ValueError(kind)
    if not lot_ids:
        raise InvalidData(_("Cochez au moins un lot."))
    lock_for_update(session)
    lots = session.scalars(
        select(Lot)
        .where(Lot.id.in_(lot_ids))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    today = shop_date(now)
    done = 0
    for lot in lots:
        if kind == MovementKind.GIVEN_AWAY and lot.use_by and lot.use_by < today:
            raise InvalidData(
                _("Un lot dont la DLC est dépassée ne peut pas être donné : il doit être détruit.")
            )
        if lot.remaining_quantity > 0:
            append_movement(
                session,
                lot,
                kind,
                -lot.remaining_quantity,
                MovementContext(actor_id, now, f"lot:{lot.id}", reason),
            )
            done += 1
    return done
