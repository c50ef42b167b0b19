"""What was printed on the shelf, so a price change puts the label back in the queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime
from app.sites.models import site_column


class ShelfLabelPrint(Base):
    __tablename__ = "shelf_label_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    price_cents: Mapped[int] = mapped_column(Integer)  # the price the label shows
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    site_id: Mapped[int] = site_column()  # each site has its own shelves
