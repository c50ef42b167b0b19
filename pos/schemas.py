"""Request and response schemas of the till's JSON API (they validate and document it)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_ID = 2_147_483_647  # a database id (32-bit integer)
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = 10_000_000
MAX_CASH_MOVEMENT = 1_000_000  # 10 000 €: an entry or exit of cash beyond is a typing error
Method = Literal["cash", "card", "cheque"]
ApprovalAction = Literal["sale", "price", "refund", "close", "cash", "abandon"]
TOKEN = Field(
    default=None,
    min_length=1,
    max_length=64,
    description="jeton rendu par POST /api/pos/approvals (badge et PIN d'un·e "
    "encadrant·e), à usage unique",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LineIn(Strict):
    """One line: the code scanned (the server reads weight or price from a weighed label
    with the nomenclature), or a product and a quantity. Prices always come from the server."""

    code: str | None = Field(
        default=None, min_length=1, max_length=32, description="code-barres scanné tel quel"
    )
    product_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    quantity: int | None = Field(
        default=None, gt=0, le=MAX_QUANTITY, description="pièces, ou grammes (sauf étiquette pesée)"
    )
    manual_unit_price_cents: int | None = Field(
        default=None,
        ge=0,
        le=MAX_AMOUNT,
        description="prix unitaire (pièce ou kg) changé à la main : badge d'encadrant·e requis, "
        "l'ancien et le nouveau prix vont au journal",
    )
    price_reason: str | None = Field(default=None, max_length=100)
    approval_token: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="prix changé à la main : jeton d'une validation « price » pour ce produit "
        "à ce prix",
    )


class UntaggedIn(Strict):
    """Untagged ressourcerie objects sold by category: the price from the category's grid or
    typed (per piece, or the lot's price), the weight weighed or typed for the whole line, or
    the category's standard weight per piece when none is given."""

    category_id: int = Field(gt=0, le=MAX_ID, description="catégorie de la ressourcerie")
    grid_entry: int | None = Field(
        default=None, ge=0, lt=30, description="rang du prix dans la grille de la catégorie"
    )
    price_cents: int | None = Field(
        default=None, ge=0, le=1_000_000, description="prix tapé (sinon celui de la grille)"
    )
    quantity: int = Field(default=1, gt=0, le=1000, description="objets (un lot compte pour un)")
    weight_grams: int | None = Field(
        default=None, gt=0, le=1_000_000, description="pesé ou tapé ; sinon le poids standard"
    )
    lot: bool = Field(default=False, description="« par lot » : un prix pour le tout, pesé")


class PaymentIn(Strict):
    method: Method
    amount_cents: int = Field(gt=0, le=MAX_AMOUNT, description="espèces : montant remis")


class OfflineIn(Strict):
    """A sale made while the till could not reach the server: recorded as it was made, never
    refused for a rule it could not check then (flagged for review instead)."""

    made_at: AwareDatetime = Field(description="quand la vente a été faite (heure de la caisse)")
    number: int | None = Field(
        default=None, gt=0, le=MAX_ID, description="numéro donné dans la série hors ligne"
    )
    rate_bp: int | None = Field(
        default=None, ge=0, le=10_000, description="taux de participation appliqué (carte)"
    )
    unit_prices: list[int | None] = Field(
        default_factory=list,
        max_length=500,
        description="prix unitaire appliqué par ligne de « lines » (null : étiquette pesée)",
    )
    printed: bool = Field(default=False, description="ticket imprimé par le navigateur")
    approved_by_badge: str | None = Field(
        default=None, min_length=1, max_length=32, description="hors ligne trop longtemps"
    )


class SaleIn(Strict):
    uuid: UUID
    till: str = Field(min_length=1, max_length=20)
    lines: list[LineIn] = Field(default_factory=list, max_length=500)
    items: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="numéros des objets de la ressourcerie (R00012)",
    )
    untagged: list[UntaggedIn] = Field(default_factory=list, max_length=200)
    payments: list[PaymentIn] = Field(default_factory=list, max_length=10)
    expected_total_cents: int = Field(ge=0, le=MAX_AMOUNT)
    card_code: str | None = Field(default=None, max_length=20)
    receipt_requested: bool = False
    approval_token: str | None = TOKEN
    offline: OfflineIn | None = None


class ItemOut(BaseModel):
    number: str
    label: str
    price_cents: int | None
    state: str
    sellable: bool
    message: str


class StockOut(BaseModel):
    product_id: int
    sellable: int = Field(description="en stock et dans ses dates (pièces ou grammes)")
    expired: int = Field(description="en stock mais au-delà de sa DLC (ou DDM si interdit)")


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
    float_detail: dict[str, int] = Field(
        max_length=20,
        description="nombre de billets et pièces par valeur en centimes (« 2000 » : 20 €)",
    )


class CashMovementIn(Strict):
    uuid: UUID = Field(description="fait par la caisse : envoyé deux fois, compté une fois")
    till: str = Field(min_length=1, max_length=20)
    amount_cents: int = Field(
        ge=-MAX_CASH_MOVEMENT,
        le=MAX_CASH_MOVEMENT,
        description="+ entrée, − sortie ; au-delà du seuil réglé, validation d'encadrant·e",
    )
    reason: str = Field(min_length=3, max_length=200)
    approval_token: str | None = TOKEN


class CountedIn(Strict):
    cash: int = Field(ge=0, le=MAX_AMOUNT)
    card: int = Field(ge=0, le=MAX_AMOUNT)
    cheque: int = Field(ge=0, le=MAX_AMOUNT)


class CloseSessionIn(Strict):
    till: str = Field(min_length=1, max_length=20)
    counted: CountedIn
    reason: str | None = Field(default=None, max_length=300)
    approval_token: str | None = TOKEN


class RefundLineIn(Strict):
    line_id: int = Field(gt=0, le=MAX_ID)
    quantity: int = Field(gt=0, le=MAX_QUANTITY)


class RefundIn(Strict):
    uuid: UUID
    till: str = Field(min_length=1, max_length=20)
    ticket: str = Field(min_length=3, max_length=30)
    lines: list[RefundLineIn] = Field(min_length=1, max_length=500)
    restock: bool
    approval_token: str = Field(min_length=1, max_length=64, description=TOKEN.description)
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


class ExpectedVisitOut(BaseModel):
    time: str = Field(description="Heure du créneau, « 14:20 »")
    name: str = Field(description="Nom du foyer (rien d'autre du dossier)")
    status: Literal["booked", "came", "no_show"]


class ExpectedOut(BaseModel):
    visits: list[ExpectedVisitOut]


class ApprovalSubject(Strict):
    """Exactly what is approved; the operation must match it. price: product_id and
    unit_price_cents; sale (dépassement): total_cents; refund: ticket; close: counted;
    cash: amount_cents; abandon: sale_uuid."""

    product_id: int | None = Field(default=None, gt=0, le=MAX_ID)
    unit_price_cents: int | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    total_cents: int | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    ticket: str | None = Field(default=None, min_length=3, max_length=30)
    counted: CountedIn | None = None
    amount_cents: int | None = Field(default=None, ge=-MAX_CASH_MOVEMENT, le=MAX_CASH_MOVEMENT)
    sale_uuid: UUID | None = None


class ApprovalIn(Strict):
    till: str = Field(min_length=1, max_length=20)
    action: ApprovalAction
    badge: str = Field(min_length=1, max_length=32)
    pin: str = Field(pattern=r"^[0-9]{4,6}$", description="4 à 6 chiffres")
    subject: ApprovalSubject | None = None


class ApprovalOut(BaseModel):
    token: str
    action: str
    approver: str
    expires_at: str


class AbandonIn(Strict):
    uuid: UUID
    till: str = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=3, max_length=200)
    approval_token: str = Field(min_length=1, max_length=64, description=TOKEN.description)


class AbandonOut(BaseModel):
    uuid: str
    abandoned: bool
    sale: SaleOut | None = Field(default=None, description="si la vente avait été enregistrée")


class SessionOpenedOut(BaseModel):
    float_cents: int
    business_date: str


class CashMovementOut(BaseModel):
    ok: bool
    expected_cash_cents: int


class SessionClosedOut(BaseModel):
    difference_cents: int
    expected: dict[str, int]
    counted: dict[str, int]


class TicketLineOut(BaseModel):
    line_id: int
    label: str
    unit: str = Field(description="piece, kg (quantités en grammes) ou item")
    quantity: int
    refundable: int
    amount_cents: int


class TicketOut(BaseModel):
    ticket: str
    total_cents: int
    created_at: str
    lines: list[TicketLineOut]
    refundable_by_method: dict[str, int] = Field(
        description="ce qui peut encore être rendu par moyen de paiement (centimes)"
    )


class ScanOut(BaseModel):
    id: int
    code: str


class ScansOut(BaseModel):
    scans: list[ScanOut]
    last: int


class ReprintOut(BaseModel):
    ticket: str
    queued: bool


class QueuedOut(BaseModel):
    queued: bool


from pos.schemas_catalogue import CatalogueOut, OfflineStateOut  # noqa: E402 (own module)

API_MODELS = [
    LineIn,
    UntaggedIn,
    OfflineIn,
    PaymentIn,
    SaleIn,
    ItemOut,
    SaleOut,
    OpenSessionIn,
    CashMovementIn,
    CountedIn,
    CloseSessionIn,
    RefundLineIn,
    RefundIn,
    SessionOut,
    XReportOut,
    TillIn,
    ReprintIn,
    PrinterStateOut,
    ExpectedVisitOut,
    ExpectedOut,
    ApprovalSubject,
    ApprovalIn,
    ApprovalOut,
    AbandonIn,
    AbandonOut,
    CatalogueOut,
    SessionOpenedOut,
    CashMovementOut,
    SessionClosedOut,
    TicketOut,
    ScansOut,
    ReprintOut,
    OfflineStateOut,
    QueuedOut,
    StockOut,
]
