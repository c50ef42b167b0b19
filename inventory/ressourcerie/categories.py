"""The ressourcerie's categories: a name (unique), a suggested price, electrical or not, archived
or in use, and for the objects sold untagged at the till a price grid and a standard weight. A
category archived keeps its objects and figures; it is no longer offered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.money import InvalidAmount, format_cents_plain, parse_cents
from inventory.errors import InvalidData
from inventory.models import ItemCategory

MAX_GRID_PRICES = 30
MAX_GRID_PRICE_CENTS = 1_000_000  # 10 000 €: beyond, an object is tagged and priced alone
MAX_STANDARD_WEIGHT_GRAMS = 1_000_000  # a tonne


@dataclass(frozen=True)
class GridPrice:
    label: str  # "Livre de poche" (may be empty: the price alone)
    price_cents: int


_GRID_LINE = re.compile(r"^(?:(?P<label>.*?)\s*[:;=]\s*)?(?P<price>[^:;=]*)$")


def parse_price_grid(text: str | None) -> tuple[GridPrice, ...]:
    """One price per line, « Livre de poche : 0,50 » (or the price alone): the prices the till
    offers for the category's untagged objects. Raises ``InvalidData`` naming the line."""
    prices = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _GRID_LINE.match(line)
        label = (match["label"] or "").strip() if match else ""
        try:
            if match is None:
                raise InvalidAmount("")
            cents = parse_cents(match["price"])
        except InvalidAmount:
            raise InvalidData(
                _(
                    "Grille de prix, ligne %(n)d : « %(l)s » — écrivez « nom : prix » "
                    "(exemple : Livre de poche : 0,50).",
                    n=number,
                    l=line[:60],
                )
            ) from None
        if len(label) > 60 or cents > MAX_GRID_PRICE_CENTS:
            raise InvalidData(
                _(
                    "Grille de prix, ligne %(n)d : nom de 60 caractères et prix de "
                    "10 000 € au plus.",
                    n=number,
                )
            )
        prices.append(GridPrice(label, cents))
    if len(prices) > MAX_GRID_PRICES:
        raise InvalidData(_("Grille de prix : %(n)d prix au plus.", n=MAX_GRID_PRICES))
    return tuple(prices)


def grid_prices(category: ItemCategory) -> tuple[GridPrice, ...]:
    return tuple(GridPrice(p["label"], p["price_cents"]) for p in category.price_grid or ())


def grid_text(category: ItemCategory) -> str:
    """The grid as typed back in the category's form."""
    return "\n".join(
        f"{p.label} : {format_cents_plain(p.price_cents)}"
        if p.label
        else format_cents_plain(p.price_cents)
        for p in grid_prices(category)
    )


@dataclass(frozen=True)
class ItemCategoryData:
    name: str
    suggested_price_cents: int | None = None
    electrical: bool = False
    is_active: bool = True
    price_grid: tuple[GridPrice, ...] = field(default=())
    standard_weight_grams: int | None = None


def save_item_category(
    session: Session, category_id: int | None, data: ItemCategoryData
) -> ItemCategory:
    """A new category (``category_id`` None) or the one named, corrected."""
    category = session.get(ItemCategory, category_id) if category_id else ItemCategory()
    if category is None:
        raise InvalidData(_("Cette catégorie n'existe plus : rechargez la page."))
    name = data.name.strip()
    if not name or len(name) > 60:
        raise InvalidData(_("Nom de catégorie : 1 à 60 caractères."))
    clash = session.scalar(select(ItemCategory.id).where(ItemCategory.name == name))
    if clash is not None and clash != category.id:
        raise InvalidData(_("Cette catégorie existe déjà."))
    if data.suggested_price_cents is not None and data.suggested_price_cents < 0:
        raise InvalidData(_("Le prix conseillé ne peut pas être négatif."))
    weight = data.standard_weight_grams
    if weight is not None and not 0 < weight <= MAX_STANDARD_WEIGHT_GRAMS:
        raise InvalidData(_("Poids standard : plus de 0 et une tonne au plus."))
    if len(data.price_grid) > MAX_GRID_PRICES:
        raise InvalidData(_("Grille de prix : %(n)d prix au plus.", n=MAX_GRID_PRICES))
    category.name = name
    category.suggested_price_cents = data.suggested_price_cents
    category.electrical = data.electrical
    category.is_active = data.is_active
    category.price_grid = [
        {"label": p.label, "price_cents": p.price_cents} for p in data.price_grid
    ] or None
    category.standard_weight_grams = weight
    session.add(category)
    session.flush()
    return category
