"""Catalogue and stock records: categories, products, barcodes, lots, ressourcerie items."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum


class StockUnit(enum.StrEnum):
    PIECE = "piece"
    KILOGRAM = "kg"  # quantities in grams
    LITRE = "litre"  # sold by the piece, unit price per litre


class LotOrigin(enum.StrEnum):
    BANQUE_ALIMENTAIRE = "banque_alimentaire"
    PURCHASE = "purchase"
    DONATION = "donation"
    JARDIN = "jardin"
    RAMASSE = "ramasse"
    OTHER = "other"


class ItemState(enum.StrEnum):
    COLLECTED = "collected"
    IN_REPAIR = "in_repair"
    READY = "ready"
    SOLD = "sold"
    GIVEN = "given"
    RECYCLED = "recycled"
    DISCARDED = "discarded"


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("reference_price_cents >= 0", name="price_not_negative"),
        CheckConstraint("vat_rate_bp >= 0", name="vat_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    unit: Mapped[StockUnit] = mapped_column(string_enum(StockUnit, "stock_unit"))
    # Price of one piece, or of one kilogram for products sold by weight.
    reference_price_cents: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=550)  # 5,5 % = 550
    # Net content of one piece (grams or millilitres) to print the unit price per kg or litre.
    net_content: Mapped[int | None] = mapped_column(Integer)
    per_visit_limit: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    category: Mapped[Category] = relationship()
    barcodes: Mapped[list[ProductBarcode]] = relationship(back_populates="product")


class ProductBarcode(Base):
    __tablename__ = "product_barcodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)

    product: Mapped[Product] = relationship(back_populates="barcodes")


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("use_by IS NULL OR best_before IS NULL", name="one_date_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)  # pieces, or grams for weighed products
    use_by: Mapped[date | None] = mapped_column(Date)  # DLC
    best_before: Mapped[date | None] = mapped_column(Date)  # DDM
    origin: Mapped[LotOrigin] = mapped_column(string_enum(LotOrigin, "lot_origin"))
    reference_value_cents: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    product: Mapped[Product] = relationship()


class RessourcerieItem(Base):
    __tablename__ = "ressourcerie_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200))
    serial_number: Mapped[str | None] = mapped_column(String(80))
    weight_grams: Mapped[int] = mapped_column(Integer)
    state: Mapped[ItemState] = mapped_column(string_enum(ItemState, "item_state"))
    price_cents: Mapped[int | None] = mapped_column(Integer)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())
