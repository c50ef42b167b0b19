"""Sales and refunds (a refund is a new sale of kind refund, linked to the original)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from app.sites.models import derived_site_column


class SaleKind(enum.StrEnum):
    SALE = "sale"
    REFUND = "refund"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    CHEQUE = "cheque"

    @property
    def label(self) -> str:
        """The one French name of the method: receipts, reports, the till's buttons."""
        return PAYMENT_METHOD_LABELS[self]


PAYMENT_METHOD_LABELS = {
    PaymentMethod.CASH: "Espèces",
    PaymentMethod.CARD: "Carte bancaire",
    PaymentMethod.CHEQUE: "Chèque",
}


class Sale(Base):
    __tablename__ = "sales"
    __table_args__ = (UniqueConstraint("till_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = derived_site_column()
    # Made by the till before submitting: the same UUID twice is the same sale.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[SaleKind] = mapped_column(string_enum(SaleKind, "sale_kind"))
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    number: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[int] = mapped_column(ForeignKey("cash_sessions.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The pseudonymous card, never the household's identity (RGPD; see participants).
    card_code: Mapped[str | None] = mapped_column(String(20), index=True)
    participation_rate_bp: Mapped[int | None] = mapped_column(Integer)
    reference_total_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)  # what the customer pays (− for refunds)
    change_cents: Mapped[int] = mapped_column(Integer, default=0)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    override_reason: Mapped[str | None] = mapped_column(String(200))
    receipt_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    restocked: Mapped[bool | None] = mapped_column(Boolean)
    # A sale made while the till had no server: when it was made (``created_at`` is when the
    # server received it: its journal period).
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lines: Mapped[list[SaleLine]] = relationship(order_by="SaleLine.id", back_populates="sale")
    payments: Mapped[list[SalePayment]] = relationship(order_by="SalePayment.id")


class SaleLine(Base):
    __tablename__ = "sale_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    # A product line, a ressourcerie item (unique: sold once, its ticket on the item), or
    # untagged ressourcerie objects sold by category, with their weight (the reuse tonnage).
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_items.id"), index=True)
    item_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_categories.id"), index=True
    )
    weight_grams: Mapped[int | None] = mapped_column(Integer)  # untagged: − for refunds
    label: Mapped[str] = mapped_column(String(160))
    quantity: Mapped[int] = mapped_column(Integer)  # pieces or grams (− for refunds)
    unit_price_cents: Mapped[int] = mapped_column(Integer)  # per piece or per kg
    reference_amount_cents: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)  # after the participation rate
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    refund_of_line_id: Mapped[int | None] = mapped_column(ForeignKey("sale_lines.id"))
    # Its sale's (row-level security checks a line's own column: a report over millions of
    # lines is not slowed by a lookup of each line's sale).
    site_id: Mapped[int] = derived_site_column(index=False)

    sale: Mapped[Sale] = relationship(back_populates="lines")


class SalePayment(Base):
    __tablename__ = "sale_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(string_enum(PaymentMethod, "payment_method"))
    amount_cents: Mapped[int] = mapped_column(Integer)  # applied to the sale (cash: net of change)
    tendered_cents: Mapped[int] = mapped_column(Integer)  # handed over
    site_id: Mapped[int] = derived_site_column(index=False)  # its sale's


class AbandonedSale(Base):
    """A sale the till sent but never saw acknowledged, given up by an encadrant·e: its UUID
    can never be recorded afterwards, so a late resend cannot turn it into a sale."""

    __tablename__ = "abandoned_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    abandoned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int] = derived_site_column()  # its till's


class FlagKind(enum.StrEnum):
    ALLOWANCE = "allowance"  # the month's amount overrun
    LIMITS = "limits"  # per-visit limits overrun
    CARD = "card"  # a card refused meanwhile (revoked, expired, unknown)
    PRICE = "price"  # a price different from the catalogue's (changed meanwhile, or by hand)
    STOCK = "stock"  # stock that went negative, or only past its date
    ITEM = "item"  # a ressourcerie item sold twice
    TOTAL = "total"  # what was paid does not match the server's total
    NUMBER = "number"  # the offline ticket number was taken: renumbered
    SESSION = "session"  # the till's session was closed when the sale arrived
    APPROVAL = "approval"  # an encadrant·e's approval given offline, to check
    CLOCK = "clock"  # the till's clock was ahead of the server's


class SaleFlag(Base):
    """A rule the server could not apply while the till was offline, broken by a sale made
    then: recorded with the sale (nothing is refused after the customer has left), listed
    for an encadrant·e to review."""

    __tablename__ = "sale_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    kind: Mapped[FlagKind] = mapped_column(string_enum(FlagKind, "flag_kind"))
    message: Mapped[str] = mapped_column(String(300))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
