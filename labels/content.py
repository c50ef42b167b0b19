"""What each label says: plain values built from products, lots and items (no drawing here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.money import apply_rate, format_cents
from inventory.models import LotOrigin, Product, RessourcerieItem, StockUnit
from inventory.services.products import price_for_grams, unit_price_cents

ORIGIN_TEXT = {
    LotOrigin.BANQUE_ALIMENTAIRE: "Banque Alimentaire",
    LotOrigin.PURCHASE: "Achat",
    LotOrigin.DONATION: "Don",
    LotOrigin.JARDIN: "Jardin du CCAS",
    LotOrigin.RAMASSE: "Ramasse",
}


@dataclass(frozen=True)
class Barcode:
    symbology: str  # "ean13" or "code128"
    code: str


@dataclass(frozen=True)
class ShelfLabel:
    name: str
    price: str  # "1,09 €" or "3,20 € / kg"
    unit_price: str | None  # "2,18 € / kg"
    participation: str | None  # "Adhérent·es (20 %) : 0,22 €"
    origin: str | None
    barcode: Barcode | None
    kind: str = "shelf"


@dataclass(frozen=True)
class BarcodeSticker:
    name: str
    price: str
    barcode: Barcode
    kind: str = "sticker"


@dataclass(frozen=True)
class WeighedLabel:
    name: str
    net_weight: str  # "1,250 kg" or "85 g"
    price: str
    unit_price: str
    packed_on: str
    date_label: str  # "À consommer jusqu'au" (DLC) or "À consommer de préférence avant" (DDM)
    date: str
    barcode: Barcode
    price_cents: int
    grams: int
    origin: str | None = None
    kind: str = "weighed"


@dataclass(frozen=True)
class ItemTag:
    number: str
    category: str
    description: str
    price: str
    warranty: str
    barcode: Barcode
    kind: str = "item"


@dataclass(frozen=True)
class CardLabel:
    name: str
    validity: str
    barcode: Barcode
    shop: str
    kind: str = "card"


Label = ShelfLabel | BarcodeSticker | WeighedLabel | ItemTag | CardLabel

WARRANTY_TEXT = (
    "Garantie légale de conformité 2 ans (défaut présumé existant pendant 12 mois "
    "pour un bien d'occasion)"
)


def format_weight(grams: int) -> str:
    if grams < 1000:
        return f"{grams} g"
    kilos, rest = divmod(grams, 1000)
    return f"{kilos},{rest:03d} kg"


def _unit_price_text(product: Product) -> str | None:
    per_unit = unit_price_cents(product)
    return f"{format_cents(per_unit[0])} / {per_unit[1]}" if per_unit else None


def product_barcode(product: Product) -> Barcode | None:
    for code in (b.code for b in product.barcodes):
        if code.isdigit() and len(code) == 13:
            return Barcode("ean13", code)
    return None


def shelf_label(
    product: Product, origin: LotOrigin | None = None, participation_rate_bp: int | None = None
) -> ShelfLabel:
    price = format_cents(product.reference_price_cents)
    if product.unit == StockUnit.KILOGRAM:
        price += " / kg"
    participation = None
    if participation_rate_bp is not None:
        paid = apply_rate(product.reference_price_cents, participation_rate_bp)
        participation = f"Adhérent·es ({participation_rate_bp // 100} %) : {format_cents(paid)}" + (
            " / kg" if product.unit == StockUnit.KILOGRAM else ""
        )
    return ShelfLabel(
        product.name,
        price,
        None if product.unit == StockUnit.KILOGRAM else _unit_price_text(product),
        participation,
        ORIGIN_TEXT.get(origin) if origin else None,
        product_barcode(product),
    )


def barcode_sticker(product: Product) -> BarcodeSticker | None:
    code = product_barcode(product)
    if code is None:
        return None
    return BarcodeSticker(product.name, format_cents(product.reference_price_cents), code)


def weighed_label(
    product: Product,
    grams: int,
    code: str,
    packed_on: date,
    use_by: date | None,
    best_before: date | None,
    origin: LotOrigin | None = None,
) -> WeighedLabel:
    price = price_for_grams(product.reference_price_cents, grams)
    label, day = (
        ("À consommer jusqu'au", use_by)
        if use_by
        else ("À consommer de préférence avant", best_before)
    )
    return WeighedLabel(
        product.name,
        format_weight(grams),
        format_cents(price),
        f"{format_cents(product.reference_price_cents)} / kg",
        packed_on.strftime("%d/%m/%Y"),
        label,
        day.strftime("%d/%m/%Y") if day else "—",
        Barcode("ean13", code),
        price,
        grams,
        ORIGIN_TEXT.get(origin) if origin else None,
    )


def item_tag(item: RessourcerieItem) -> ItemTag:
    return ItemTag(
        item.number,
        item.category,
        item.description,
        format_cents(item.price_cents) if item.price_cents is not None else "—",
        WARRANTY_TEXT,
        Barcode("code128", item.number),
    )


def card_label(name: str, code: str, validity: str, shop: str) -> CardLabel:
    """``validity`` comes from the households' own wording (one place for the card page too)."""
    return CardLabel(name, validity, Barcode("ean13", code), shop)
