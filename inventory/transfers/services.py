"""Sending and receiving stock between sites. Sending withdraws from the sending site's lots
(first expired first out, never more than the books hold); receiving makes one lot per line at
the receiving site, with the dates the goods had, for what actually arrived. Each side is one
ledger movement per lot, referenced ``transfer:<id>``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.sites.models import Site
from inventory.errors import InvalidData
from inventory.models import Lot, LotOrigin, MovementKind, Product
from inventory.services.ledger import MovementContext, append_movement, withdraw_many
from inventory.transfers.models import StockTransfer, StockTransferLine, TransferStatus


@dataclass(frozen=True)
class TransferRequest:
    from_site_id: int
    to_site_id: int
    items: tuple[tuple[int, int], ...]  # (product id, quantity in pieces or grams)
    note: str = ""


def send_transfer(
    session: Session, actor_id: int, now: datetime, today: date, request: TransferRequest
) -> StockTransfer:
    """The goods leave the sending site now: in transit until received."""
    if request.from_site_id == request.to_site_id:
        raise InvalidData(_("Choisissez un autre site que celui d'où part la marchandise."))
    destination = session.get(Site, request.to_site_id)
    if destination is None or not destination.is_active:
        raise InvalidData(_("Site de destination inconnu."))
    if not request.items:
        raise InvalidData(_("Ajoutez au moins un produit au transfert."))
    wanted: dict[int, int] = {}
    for product_id, quantity in request.items:
        if quantity <= 0:
            raise InvalidData(_("La quantité doit être positive."))
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    products = {
        p.id: p for p in session.scalars(select(Product).where(Product.id.in_(list(wanted))))
    }
    if len(products) != len(wanted):
        raise InvalidData(_("Produit inconnu : rechargez la page."))
    transfer = StockTransfer(
        from_site_id=request.from_site_id,
        to_site_id=request.to_site_id,
        status=TransferStatus.IN_TRANSIT,
        sent_at=now,
        sent_by_id=actor_id,
        note=request.note.strip()[:200] or None,
    )
    session.add(transfer)
    session.flush()
    context = MovementContext(
        actor_id,
        now,
        f"transfer:{transfer.id}",
        _("vers %(s)s", s=destination.name),
        site_id=request.from_site_id,
    )
    taken = withdraw_many(
        session,
        [(products[product_id], quantity) for product_id, quantity in wanted.items()],
        MovementKind.TRANSFER_OUT,
        context,
        today,
    )
    lots = {
        lot.id: lot
        for lot in session.scalars(select(Lot).where(Lot.id.in_([t.lot_id for t in taken])))
    }
    for part in taken:
        lot = lots[part.lot_id]
        session.add(
            StockTransferLine(
                transfer_id=transfer.id,
                product_id=part.product_id,
                source_lot_id=lot.id,
                quantity=-part.quantity,
                use_by=lot.use_by,
                best_before=lot.best_before,
                reference_value_cents=lot.reference_value_cents * -part.quantity // lot.quantity,
            )
        )
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="stock.transfer_sent",
        target=f"transfer:{transfer.id}",
        details={"to_site": destination.code or destination.name, "lines": len(taken)},
        site_id=request.from_site_id,
    )
    return transfer


def receive_transfer(
    session: Session,
    actor_id: int,
    now: datetime,
    transfer: StockTransfer,
    received: dict[int, int],
) -> list[tuple[StockTransferLine, int]]:
    """What arrived of each line (line id → quantity; a line not said arrived whole): one lot
    per line at the receiving site. Returns the lines that differ, with their difference."""
    if transfer.status != TransferStatus.IN_TRANSIT:
        raise InvalidData(_("Ce transfert a déjà été reçu."))
    unknown = set(received) - {line.id for line in transfer.lines}
    if unknown:
        raise InvalidData(_("Ligne inconnue : rechargez la page."))
    context = MovementContext(actor_id, now, f"transfer:{transfer.id}", site_id=transfer.to_site_id)
    differences = []
    for line in transfer.lines:
        arrived = received.get(line.id, line.quantity)
        if not 0 <= arrived <= line.quantity:
            raise InvalidData(
                _(
                    "Ligne %(n)d : reçu entre 0 et %(q)d (ce qui a été envoyé).",
                    n=transfer.lines.index(line) + 1,
                    q=line.quantity,
                )
            )
        line.received_quantity = arrived
        if arrived:
            lot = Lot(
                product_id=line.product_id,
                quantity=arrived,
                use_by=line.use_by,
                best_before=line.best_before,
                origin=LotOrigin.TRANSFER,
                reference_value_cents=line.reference_value_cents * arrived // line.quantity,
                received_at=now,
                site_id=transfer.to_site_id,
            )
            session.add(lot)
            session.flush()
            append_movement(session, lot, MovementKind.TRANSFER_IN, arrived, context)
            line.received_lot_id = lot.id
        if arrived != line.quantity:
            differences.append((line, arrived - line.quantity))
    transfer.status = TransferStatus.RECEIVED
    transfer.received_at = now
    transfer.received_by_id = actor_id
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="stock.transfer_received",
        target=f"transfer:{transfer.id}",
        details={"differences": {str(line.id): gap for line, gap in differences}},
        site_id=transfer.to_site_id,
    )
    return differences


def transfers_of(session: Session, site_ids) -> list[StockTransfer]:
    """The transfers sent from or to one of these sites (a person's), newest first."""
    sites = list(site_ids)
    return list(
        session.scalars(
            select(StockTransfer)
            .where(or_(StockTransfer.from_site_id.in_(sites), StockTransfer.to_site_id.in_(sites)))
            .order_by(StockTransfer.id.desc())
            .limit(200)
        )
    )


def transfer_of(session: Session, transfer_id: int, site_ids) -> StockTransfer | None:
    """The transfer, if one of these sites sent or receives it."""
    transfer = session.get(StockTransfer, transfer_id)
    if transfer is None or not ({transfer.from_site_id, transfer.to_site_id} & set(site_ids)):
        return None
    return transfer
