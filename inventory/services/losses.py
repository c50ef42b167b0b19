"""Losses declared outside a stocktake: a jar broken, a pack damaged, goods stolen, food past
its date destroyed, food given to another association. Each is one movement out of the very
lot concerned (not first-expired-first-out), with who declared it, its reason and a note; the
food-aid report counts them (« Casse et pertes », « Périmés »)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orm import lock_for_update
from app.values import InvalidValue, parse_text
from inventory.errors import InsufficientStock, InvalidData
from inventory.models import Lot, MovementKind, StockMovement
from inventory.services.ledger import MovementContext, append_movement, format_quantity


class LossReason(enum.StrEnum):
    BREAKAGE = "casse"
    DAMAGED = "abime"
    THEFT = "vol"
    EXPIRED = "perime"
    GIVEN = "don"


LOSS_REASON_LABELS = {
    LossReason.BREAKAGE: _l("Casse"),
    LossReason.DAMAGED: _l("Abîmé, invendable"),
    LossReason.THEFT: _l("Vol"),
    LossReason.EXPIRED: _l("Périmé, détruit"),
    LossReason.GIVEN: _l("Donné à une autre association"),
}
# The ledger's kind for each reason (the report's lines): casse et pertes, périmés, dons.
KIND_OF_REASON = {
    LossReason.BREAKAGE: MovementKind.LOSS,
    LossReason.DAMAGED: MovementKind.LOSS,
    LossReason.THEFT: MovementKind.LOSS,
    LossReason.EXPIRED: MovementKind.EXPIRED_DESTROYED,
    LossReason.GIVEN: MovementKind.GIVEN_AWAY,
}
REFERENCE_PREFIX = "perte:"  # the movement's reference: "perte:casse"…


def declare_loss(
    session: Session,
    actor_id: int,
    now: datetime,
    lot_id: int,
    quantity: int,
    reason: LossReason,
    note: str = "",
) -> StockMovement:
    """``quantity`` (pieces, or grams for a weighed product) leaves the lot for ``reason``."""
    lock_for_update(session)
    lot = session.scalar(
        select(Lot)
        .where(Lot.id == lot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if lot is None:
        raise InvalidData(_("Ce lot n'existe pas : rechargez la page."))
    if quantity <= 0:
        raise InvalidData(_("La quantité perdue doit être positive."))
    if quantity > lot.remaining_quantity:
        raise InsufficientStock(
            _(
                "Ce lot n'a plus que %(n)s en stock : déclarez au plus cette quantité (un "
                "inventaire corrige un stock faux).",
                n=format_quantity(lot.product, max(lot.remaining_quantity, 0)),
            )
        )
    try:
        detail = parse_text(note, _("Précision"), max_length=150)
    except InvalidValue as error:
        raise InvalidData(error.message) from None
    label = str(LOSS_REASON_LABELS[reason])
    context = MovementContext(
        actor_id,
        now,
        reference=REFERENCE_PREFIX + reason.value,
        reason=f"{label} — {detail}" if detail else label,
    )
    return append_movement(session, lot, KIND_OF_REASON[reason], -quantity, context)
