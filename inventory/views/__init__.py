"""Stock pages: catalogue, receptions, jardin, expiry, stocktakes, recalls, nomenclature."""

from __future__ import annotations

from flask import Blueprint

from app.money import format_cents
from app.quantities import InvalidQuantity, format_grams, parse_kilograms, parse_pieces
from inventory.models import Product, StockUnit

blueprint = Blueprint("inventory", __name__, template_folder="../templates")


@blueprint.app_template_filter("qty")
def format_quantity(quantity: int | None, unit: StockUnit) -> str:
    if quantity is None:
        return ""
    return format_grams(quantity) if unit == StockUnit.KILOGRAM else str(quantity)


@blueprint.app_template_filter("unit_price")
def unit_price(product: Product) -> str:
    """Price per kg or per litre, as shelf labels must show it."""
    from inventory.services.products import unit_price_cents

    per_unit = unit_price_cents(product)
    return f"{format_cents(per_unit[0])} / {per_unit[1]}" if per_unit else ""


@blueprint.context_processor
def inventory_labels() -> dict:
    from inventory.forms import MOVEMENT_LABELS, ORIGIN_LABELS, RULE_KIND_LABELS

    return {
        "movement_labels": MOVEMENT_LABELS,
        "origin_labels": ORIGIN_LABELS,
        "rule_kind_labels": RULE_KIND_LABELS,
        "kilogram": StockUnit.KILOGRAM,
    }


def parse_quantity(product: Product, text: str) -> int:
    """Pieces, or kilograms typed with decimals for products sold by weight."""
    if product.unit == StockUnit.KILOGRAM:
        return parse_kilograms(text)
    return parse_pieces(text)


__all__ = ["InvalidQuantity", "blueprint", "parse_quantity"]

from inventory.purchasing import views as purchasing_views  # noqa: E402,F401  (routes)
from inventory.ressourcerie import views as ressourcerie_views  # noqa: E402,F401  (routes)
from inventory.views import (  # noqa: E402,F401  (routes register on the blueprint)
    catalogue,
    control,
    receptions,
    transfers,
)
