"""Prices at the till: reference value and what a household pays, line by line.

Rounding (``app.money``): a weighed line's value is price per kg × grams / 1000, to the nearest
cent (halves away from zero); the household pays ``apply_rate(value, rate)`` on each line, to
the nearest cent. The sale's totals are the sums of the lines, so the receipt adds up.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.money import apply_rate
from inventory.models import Product, StockUnit
from inventory.services.products import price_for_grams


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: int
    unit_price_cents: int
    reference_amount_cents: int
    amount_cents: int


def reference_amount(
    product: Product,
    quantity: int,
    embedded_price_cents: int | None,
    unit_price_cents: int | None = None,
) -> int:
    if embedded_price_cents is not None:
        return embedded_price_cents  # a price-embedded label: the scale computed it
    unit_price = product.reference_price_cents if unit_price_cents is None else unit_price_cents
    if product.unit == StockUnit.KILOGRAM:
        return price_for_grams(unit_price, quantity)
    return unit_price * quantity


def price_line(
    product: Product,
    quantity: int,
    rate_bp: int | None,
    embedded_price_cents: int | None = None,
    manual_unit_price_cents: int | None = None,
) -> PricedLine:
    """``manual_unit_price_cents`` replaces the product's price for this line only."""
    reference = reference_amount(product, quantity, embedded_price_cents, manual_unit_price_cents)
    paid = reference if rate_bp is None else apply_rate(reference, rate_bp)
    unit_price = (
        product.reference_price_cents
        if manual_unit_price_cents is None
        else manual_unit_price_cents
    )
    return PricedLine(product, quantity, unit_price, reference, paid)
