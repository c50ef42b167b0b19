"""Catalogue and stock records: categories, products, barcodes, lots, ressourcerie items."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from app.sites.models import derived_site_column, site_column
from app.text import fold_for_search


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
    TRANSFER = "transfer"  # came from another site of the installation


class MovementKind(enum.StrEnum):
    RECEIVE = "receive"
    SALE = "sale"
    REFUND = "refund"
    LOSS = "loss"  # breakage, theft, damaged
    EXPIRED_DESTROYED = "expired_destroyed"
    GIVEN_AWAY = "given_away"
    STOCKTAKE = "stocktake"
    TRANSFER_OUT = "transfer_out"  # sent to another site
    TRANSFER_IN = "transfer_in"  # received from another site


class RuleKind(enum.StrEnum):
    PRODUCT = "product"
    WEIGHT = "weight"
    PRICE = "price"
    PRICE_TO_WEIGHT = "price_to_weight"
    BENEFICIARY_CARD = "beneficiary_card"
    STAFF_BADGE = "staff_badge"


class StocktakeStatus(enum.StrEnum):
    OPEN = "open"
    VALIDATED = "validated"
    CANCELLED = "cancelled"


class FoodFamily(enum.StrEnum):
    """The product families the Banque Alimentaire and ANDES ask figures in."""

    FRUITS_VEGETABLES = "fruits_legumes"
    DAIRY = "laitiers"
    MEAT_FISH_EGGS = "viandes_poissons_oeufs"
    STARCHES = "feculents"
    SAVOURY = "epicerie_salee"
    SWEET = "epicerie_sucree"
    FATS = "matieres_grasses"
    DRINKS = "boissons"
    READY_MEALS = "plats_prepares"
    BABY = "bebe"
    HYGIENE = "hygiene_entretien"
    OTHER = "autres"


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # The food bank's family its products count in (None: « Non classé » in its figures).
    food_family: Mapped[FoodFamily | None] = mapped_column(string_enum(FoodFamily, "food_family"))


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("reference_price_cents >= 0", name="price_not_negative"),
        CheckConstraint("vat_rate_bp >= 0", name="vat_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    # Folded name ("pates" for "Pâtes"), kept in step by an ORM event, for accent-blind search.
    search_name: Mapped[str] = mapped_column(String(160), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    unit: Mapped[StockUnit] = mapped_column(string_enum(StockUnit, "stock_unit"))
    # Price of one piece, or of one kilogram for products sold by weight.
    reference_price_cents: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=550)  # 5,5 % = 550
    # Net content of one piece (grams or millilitres) to print the unit price per kg or litre.
    net_content: Mapped[int | None] = mapped_column(Integer)
    per_visit_limit: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A big button at the till (loose goods without a barcode), in its category's group.
    quick_key: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the price last changed: shelf labels printed before it must be reprinted.
    price_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    category: Mapped[Category] = relationship()
    barcodes: Mapped[list[ProductBarcode]] = relationship(
        back_populates="product", order_by="ProductBarcode.id"
    )

    @property
    def sold_by_weight(self) -> bool:
        return self.unit == StockUnit.KILOGRAM


@event.listens_for(Product.name, "set")
def _fold_product_name(target: Product, value: str, oldvalue, initiator) -> None:
    target.search_name = fold_for_search(value or "")


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
        Index("ix_lots_product_remaining", "product_id", "remaining_quantity"),
        Index("ix_lots_use_by", "use_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = site_column()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # Quantity received (pieces, or grams for weighed products).
    quantity: Mapped[int] = mapped_column(Integer)
    # What is left, maintained by the database itself from the movements (trigger on insert):
    # never written by the application, so it cannot disagree with the ledger.
    remaining_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reception_id: Mapped[int | None] = mapped_column(ForeignKey("receptions.id"), index=True)
    use_by: Mapped[date | None] = mapped_column(Date)  # DLC
    best_before: Mapped[date | None] = mapped_column(Date)  # DDM
    origin: Mapped[LotOrigin] = mapped_column(string_enum(LotOrigin, "lot_origin"))
    reference_value_cents: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    product: Mapped[Product] = relationship()

    @property
    def expiry_date(self) -> date | None:
        return self.use_by or self.best_before


class Reception(Base):
    """A delivery: Banque Alimentaire pick-up, purchase, donation, ramasse or jardin harvest."""

    __tablename__ = "receptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = site_column()
    origin: Mapped[LotOrigin] = mapped_column(string_enum(LotOrigin, "lot_origin"))
    supplier: Mapped[str | None] = mapped_column(String(120))  # donor, shop, BA entrepôt
    document_ref: Mapped[str | None] = mapped_column(String(80))  # delivery note number
    # Banque Alimentaire pick-ups record the total weight written on their slip.
    declared_weight_grams: Mapped[int | None] = mapped_column(Integer)
    temperature_tenths_c: Mapped[int | None] = mapped_column(Integer)  # cold chain, −180 = −18 °C
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(String(500))
    # A purchase received against an order (received vs ordered on the order's page).
    purchase_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_orders.id"), index=True
    )

    lots: Mapped[list[Lot]] = relationship(order_by="Lot.id")


class StockMovement(Base):
    """One line of the append-only stock ledger (UPDATE and DELETE are refused by triggers)."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_stock_movements_product_at", "product_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = derived_site_column()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(string_enum(MovementKind, "movement_kind"))
    quantity: Mapped[int] = mapped_column(Integer)  # signed: + in, − out
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    # What caused it: "reception:12", "sale:<uuid>", "stocktake:3"…
    reference: Mapped[str | None] = mapped_column(String(80), index=True)

    lot: Mapped[Lot] = relationship()


class BarcodeRule(Base):
    """One rule of the barcode nomenclature; the first rule (by sequence) that matches wins."""

    __tablename__ = "barcode_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[RuleKind] = mapped_column(string_enum(RuleKind, "rule_kind"))
    pattern: Mapped[str] = mapped_column(String(40))


class GardenParcel(Base):
    """A parcel of the jardin atelier: where a delivery comes from. Numbers are never reused;
    a parcel no longer grown is retired (its deliveries stay in the figures)."""

    __tablename__ = "garden_parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(80))
    area_m2: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class Harvest(Base):
    """A delivery of the jardin atelier: one vegetable from one parcel, weighed."""

    __tablename__ = "harvests"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_number: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    weight_grams: Mapped[int] = mapped_column(Integer)
    harvested_on: Mapped[date] = mapped_column(Date, index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), unique=True)
    site_id: Mapped[int] = derived_site_column()  # its lot's
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Atelier participants present (ids in participants): their hours count for the atelier.
    participant_ids: Mapped[list] = mapped_column(JSON, default=list)

    product: Mapped[Product] = relationship()


class Stocktake(Base):
    __tablename__ = "stocktakes"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = site_column()
    label: Mapped[str] = mapped_column(String(120))
    status: Mapped[StocktakeStatus] = mapped_column(
        string_enum(StocktakeStatus, "stocktake_status")
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list[StocktakeLine]] = relationship(order_by="StocktakeLine.id")


class StocktakeLine(Base):
    __tablename__ = "stocktake_lines"
    __table_args__ = (UniqueConstraint("stocktake_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    counted_quantity: Mapped[int] = mapped_column(Integer)
    # Book stock when validated (kept to show the variance afterwards).
    expected_quantity: Mapped[int | None] = mapped_column(Integer)

    product: Mapped[Product] = relationship()


# The ressourcerie's and the purchasing's models live in their subpackages; imported here so
# the metadata (migrations) and ``from inventory.models import …`` know them.
from inventory.purchasing.models import (  # noqa: E402
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    Supplier,
    SupplierKind,
)
from inventory.ressourcerie.models import (  # noqa: E402
    ChoiceKind,
    DataErasure,
    Intake,
    IntakeSource,
    ItemCategory,
    ItemState,
    Outflow,
    OutflowChannel,
    RepairLog,
    RessourcerieChoice,
    RessourcerieItem,
    WeightCorrection,
)
from inventory.transfers.models import (  # noqa: E402
    StockTransfer,
    StockTransferLine,
    TransferStatus,
)

__all__ = [
    "Category",
    "ChoiceKind",
    "DataErasure",
    "Intake",
    "IntakeSource",
    "ItemCategory",
    "ItemState",
    "OrderLine",
    "OrderStatus",
    "Outflow",
    "OutflowChannel",
    "PurchaseOrder",
    "RepairLog",
    "RessourcerieChoice",
    "RessourcerieItem",
    "StockTransfer",
    "StockTransferLine",
    "Supplier",
    "SupplierKind",
    "TransferStatus",
    "WeightCorrection",
]
