"""Untagged ressourcerie objects (books, dishes, clothes…) sold by category: a price from the
category's grid or typed by the cashier (the ressourcerie's practice: no approval), and a weight
from the scale, typed, or the category's standard weight — the weight the reuse tonnage counts.
« Par lot »: a bag at one flat price, weighed as a whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.models import ItemCategory
from inventory.ressourcerie.categories import MAX_GRID_PRICE_CENTS, grid_prices
from pos.errors import InvalidRequest, NotFound, PriceMismatch
from pos.models import Sale, SaleLine

MAX_UNTAGGED_LINES = 200
MAX_PIECES = 1000
MAX_WEIGHT_GRAMS = 1_000_000  # a tonne on one line


@dataclass(frozen=True, kw_only=True)
class UntaggedRequest:
    category_id: int
    grid_entry: int | None = None  # which price of the category's grid (its label, its price)
    price_cents: int | None = None  # typed by the cashier, per piece (or the lot's price)
    quantity: int = 1  # pieces (a lot is one)
    weight_grams: int | None = None  # weighed or typed, the whole line; else the standard
    lot: bool = False


@dataclass(frozen=True)
class UntaggedLine:
    category: ItemCategory
    label: str
    quantity: int
    unit_price_cents: int
    amount_cents: int  # no participation rate: the ressourcerie's own price
    weight_grams: int


def untagged_lines(session: Session, requests: tuple[UntaggedRequest, ...]) -> list[UntaggedLine]:
    """Each request priced and weighed on the server from the category as it is now."""
    if len(requests) > MAX_UNTAGGED_LINES:
        raise InvalidRequest(
            _("Trop d'objets sans étiquette sur un ticket (%(n)d au plus).", n=MAX_UNTAGGED_LINES)
        )
    if not requests:
        return []
    wanted = {r.category_id for r in requests}
    categories = {
        c.id: c for c in session.scalars(select(ItemCategory).where(ItemCategory.id.in_(wanted)))
    }
    return [_line(r, categories.get(r.category_id)) for r in requests]


def _line(request: UntaggedRequest, category: ItemCategory | None) -> UntaggedLine:
    if category is None or not category.is_active:
        raise NotFound(
            _("Catégorie de la ressourcerie n° %(n)d inconnue ou archivée.", n=request.category_id)
        )
    name = category.name
    if not 0 < request.quantity <= MAX_PIECES or (request.lot and request.quantity != 1):
        raise InvalidRequest(
            _(
                "« %(c)s » : de 1 à %(n)d objets par ligne (un lot compte pour un).",
                c=name,
                n=MAX_PIECES,
            )
        )
    entry = None
    if request.grid_entry is not None:
        grid = grid_prices(category)
        if not 0 <= request.grid_entry < len(grid):  # the grid changed since the till loaded it
            raise PriceMismatch(
                _(
                    "« %(c)s » : la grille de prix a changé. Rechargez la page, le panier est "
                    "conservé.",
                    c=name,
                )
            )
        entry = grid[request.grid_entry]
    price = request.price_cents
    if price is None:
        price = entry.price_cents if entry else category.suggested_price_cents
    if price is None or not 0 <= price <= MAX_GRID_PRICE_CENTS:
        raise InvalidRequest(_("« %(c)s » : tapez le prix de l'objet.", c=name))
    weight = request.weight_grams
    if weight is None and category.standard_weight_grams:
        weight = category.standard_weight_grams * request.quantity
    if weight is None or not 0 < weight <= MAX_WEIGHT_GRAMS:
        raise InvalidRequest(
            _("« %(c)s » : pesez l'objet ou tapez son poids (une tonne au plus).", c=name)
        )
    label = _("%(c)s (lot)", c=name) if request.lot else name
    if entry is not None and entry.label:
        label = f"{label} — {entry.label}"
    return UntaggedLine(
        category, label[:160], request.quantity, price, price * request.quantity, weight
    )


def untagged_catalogue(session: Session) -> list[dict]:
    """The categories the till offers for untagged objects: their grid, their suggested price,
    their standard weight (the catalogue's ``ressourcerie``)."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "price_cents": c.suggested_price_cents,
            "standard_weight_grams": c.standard_weight_grams,
            "grid": [{"label": p.label, "price_cents": p.price_cents} for p in grid_prices(c)],
        }
        for c in session.scalars(
            select(ItemCategory).where(ItemCategory.is_active).order_by(ItemCategory.name)
        )
    ]


def untagged_reused(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    """Grams of untagged objects sold by category from ``start`` to before ``end``, refunds
    deducted (answers ``inventory.ports.UNTAGGED_REUSED``)."""
    rows = session.execute(
        select(SaleLine.item_category_id, func.sum(SaleLine.weight_grams))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.item_category_id.is_not(None),
            Sale.created_at >= start,
            Sale.created_at < end,
        )
        .group_by(SaleLine.item_category_id)
    )
    return {category_id: int(grams or 0) for category_id, grams in rows}
