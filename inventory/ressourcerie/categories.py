"""The ressourcerie's categories: a name (unique), a suggested price, electrical or not, archived
or in use. A category archived keeps its objects and figures; it is no longer offered."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.errors import InvalidData
from inventory.models import ItemCategory


@dataclass(frozen=True)
class ItemCategoryData:
    name: str
    suggested_price_cents: int | None = None
    electrical: bool = False
    is_active: bool = True


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
    category.name = name
    category.suggested_price_cents = data.suggested_price_cents
    category.electrical = data.electrical
    category.is_active = data.is_active
    session.add(category)
    session.flush()
    return category
