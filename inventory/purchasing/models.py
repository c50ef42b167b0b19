"""Suppliers and purchase orders (re-exported by ``inventory.models``)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from app.sites.models import site_column


class SupplierKind(enum.StrEnum):
    BANQUE_ALIMENTAIRE = "banque_alimentaire"
    ANDES = "andes"  # ANDES / Uniterres (fruit and vegetables from producers)
    SHOP = "shop"  # a shop or a wholesaler
    PRODUCER = "producer"
    OTHER = "other"


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[SupplierKind] = mapped_column(string_enum(SupplierKind, "supplier_kind"))
    contact: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class OrderStatus(enum.StrEnum):
    DRAFT = "draft"  # lines are added
    SENT = "sent"  # ordered: receptions follow
    CLOSED = "closed"  # all received, or closed with what came
    CANCELLED = "cancelled"


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(string_enum(OrderStatus, "order_status"))
    expected_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    site_id: Mapped[int] = site_column()  # delivered to (received at) this site

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )


class OrderLine(Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (UniqueConstraint("order_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)  # pieces, or grams for weighed products
    unit_price_cents: Mapped[int] = mapped_column(Integer)  # expected: per piece or per kg

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
