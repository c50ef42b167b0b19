"""Request and response schemas of the till's JSON API (they validate and document it)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

MAX_QUANTITY = 1_000_000
MAX_AMOUNT = 10_000_000
Method = Literal["cash", "card", "cheque"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LineIn(Strict):
    product_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=MAX_QUANTITY, description="pièces, ou grammes")
    embedded_price_cents: int | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    manual_unit_price_cents: int | None = Field(
        default=None, ge=0, le=MAX_AMOUNT,
        description="prix unitaire (pièce ou kg) changé à la main : badge d'encadrant·e requis, "
                    "l'ancien et le nouveau prix vont au journal")
    price_reason: str | None = Field(default=None, max_length=100)


class PaymentIn(Strict):
    method: Method
    amount_cents: int = Field(gt=0, le=MAX_AMOUNT, description="espèces : montant remis")


class SaleIn(Strict):
    uuid: UUID
    till: str = Field(min_length=1, max_length=20)
    lines: list[LineIn] = Field(default_factory=list, max_length=500)
    items: list[str] = Field(default_factory=list, max_length=50,
                             description="numéros des objets de la ressourcerie (R00012)")
    payments: list[PaymentIn] = Field(default_factory=list, max_length=10)
    expected_total_cents: int = Field(ge=0, le=MAX_AMOUNT)
    card_code: str | None = Field(default=None, max_length=20)
    receipt_requested: bool = False
    override_badge: str | None = Field(default=None, max_length=32)


class ItemOut(BaseModel):
    number: str
    label: str
    price_cents: int | None
    state: str
    sellable: bool
    message: str


class SaleOut(BaseModel):
    uuid: str
    ticket: str
    number: int
    total_cents: int
    reference_total_cents: int
    change_cents: int
    created: bool


class OpenSessionIn(Strict):
    till: str = Field(min_length=1, max_length=20)
    float_detail: dict[str, int] = Field(description="nombre de billets et pièces par valeur "
                                                     "en centimes")


class CashMovementIn(Strict):
    till: str = Field(min_length=1, max_length=20)
    amount_cents: int = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="+ entrée, − sortie")
    reason: str = Field(min_length=1, max_length=200)


class CountedIn(Strict):
    cash: int = Field(ge=0, le=MAX_AMOUNT)
    card: int = Field(ge=0, le=MAX_AMOUNT)
    cheque: int = Field(ge=0, le=MAX_AMOUNT)


class CloseSessionIn(Strict):
    till: str = Field(min_length=1, max_length=20)
    counted: CountedIn
    reason: str | None = Field(default=None, max_length=300)
    approver_badge: str | None = Field(default=None, max_length=32)


class RefundLineIn(Strict):
    line_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=MAX_QUANTITY)


class RefundIn(Strict):
    uuid: UUID
    till: str = Field(min_length=1, max_length=20)
    ticket: str = Field(min_length=3, max_length=30)
    lines: list[RefundLineIn] = Field(min_length=1, max_length=500)
    restock: bool
    approver_badge: str = Field(min_length=1, max_length=32)
    method: Method = "cash"


class SessionOut(BaseModel):
    till: str
    open: bool
    stale: bool = False
    business_date: str | None = None
    float_cents: int | None = None
    operator: str


class XReportOut(BaseModel):
    sales_count: int
    refunds_count: int
    total_cents: int
    by_method: dict[str, int]
    float_cents: int
    cash_movements_cents: int
    expected: dict[str, int]


class TillIn(Strict):
    till: str = Field(min_length=1, max_length=20)


class ReprintIn(Strict):
    till: str = Field(min_length=1, max_length=20)
    ticket: str | None = Field(default=None, max_length=30, description="le dernier sinon")


class PrinterStateOut(BaseModel):
    state: Literal["ok", "offline", "failing", "none"]
    message: str
    waiting: int


API_MODELS = [LineIn, PaymentIn, SaleIn, ItemOut, SaleOut, OpenSessionIn, CashMovementIn, CountedIn,
              CloseSessionIn, RefundLineIn, RefundIn, SessionOut, XReportOut, TillIn, ReprintIn,
              PrinterStateOut]
