"""A stock transfer and its lines (re-exported by ``inventory.models``)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum


class TransferStatus(enum.StrEnum):
    IN_TRANSIT = "in_transit"  # sent: out of the sending site's stock, not yet received
    RECEIVED = "received"


class StockTransfer(Base):
    """Goods sent from one site to another. Seen by both sites, by no other."""

    __tablename__ = "stock_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    to_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    status: Mapped[TransferStatus] = mapped_column(string_enum(TransferStatus, "transfer_status"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(200))

    lines: Mapped[list[StockTransferLine]] = relationship(order_by="StockTransferLine.id")


class StockTransferLine(Base):
    """What left one lot of the sending site; what arrived of it (the difference: lost,
    broken or miscounted on the way, kept as said at reception)."""

    __tablename__ = "stock_transfer_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("stock_transfers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    source_lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int] = mapped_column(Integer)  # sent: pieces, or grams
    use_by: Mapped[date | None] = mapped_column(Date)  # the lot's dates travel with it
    best_before: Mapped[date | None] = mapped_column(Date)
    reference_value_cents: Mapped[int] = mapped_column(Integer)
    received_quantity: Mapped[int | None] = mapped_column(Integer)
    received_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))

    @property
    def difference(self) -> int | None:
        """Received − sent (negative: missing on arrival), once received."""
        if self.received_quantity is None:
            return None
        return self.received_quantity - self.quantity
