"""Product categories: created, renamed and merged from a screen (no more only by the demo or
an import)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.values import InvalidValue, parse_text
from inventory.errors import InvalidData
from inventory.models import Category, FoodFamily, Product


def _name(session: Session, text: str, keep: Category | None = None) -> str:
    try:
        name = parse_text(text, _("Nom de la catégorie"), max_length=80, required=True)
    except InvalidValue as error:
        raise InvalidData(error.message) from None
    # "Épicerie salée" and "épicerie SALÉE" are one category (compared folded, on both
    # databases: SQLite's lower() knows ASCII only).
    clash = next(
        (c for c in session.scalars(select(Category)) if c.name.casefold() == name.casefold()), None
    )
    if clash is not None and clash is not keep:
        raise InvalidData(_("La catégorie « %(c)s » existe déjà.", c=clash.name))
    return name


def create_category(session: Session, actor_id: int, now: datetime, text: str) -> Category:
    category = Category(name=_name(session, text))
    session.add(category)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="category.created",
        target=f"category:{category.id}",
    )
    return category


def rename_category(
    session: Session, actor_id: int, now: datetime, category: Category, text: str
) -> None:
    category.name = _name(session, text, keep=category)
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="category.renamed",
        target=f"category:{category.id}",
    )


def merge_categories(
    session: Session, actor_id: int, now: datetime, source: Category, target: Category
) -> int:
    """Every product of ``source`` moves to ``target``; ``source`` disappears. How many moved."""
    if source.id == target.id:
        raise InvalidData(_("Choisissez une autre catégorie que celle-ci."))
    moved = session.execute(
        update(Product).where(Product.category_id == source.id).values(category_id=target.id)
    ).rowcount
    session.delete(source)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="category.merged",
        target=f"category:{target.id}",
        details={"from": source.id, "products": moved},
    )
    return moved


def category_counts(session: Session) -> list[tuple[Category, int]]:
    counts = dict(
        session.execute(
            select(Product.category_id, func.count(Product.id)).group_by(Product.category_id)
        ).all()
    )
    return [
        (category, counts.get(category.id, 0))
        for category in session.scalars(select(Category).order_by(Category.name))
    ]


FOOD_FAMILY_LABELS = {
    FoodFamily.FRUITS_VEGETABLES: "Fruits et légumes",
    FoodFamily.DAIRY: "Produits laitiers",
    FoodFamily.MEAT_FISH_EGGS: "Viandes, poissons, œufs",
    FoodFamily.STARCHES: "Féculents (pâtes, riz, légumes secs, pain)",
    FoodFamily.SAVOURY: "Épicerie salée, conserves",
    FoodFamily.SWEET: "Épicerie sucrée, petit-déjeuner",
    FoodFamily.FATS: "Matières grasses",
    FoodFamily.DRINKS: "Boissons",
    FoodFamily.READY_MEALS: "Plats préparés",
    FoodFamily.BABY: "Produits pour bébé",
    FoodFamily.HYGIENE: "Hygiène, entretien",
    FoodFamily.OTHER: "Autres",
}


def set_food_family(
    session: Session, actor_id: int, now: datetime, category: Category, family: FoodFamily | None
) -> None:
    """The food bank's family the category's products count in (None: not classed yet)."""
    category.food_family = family
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="category.family_set",
        target=f"category:{category.id}",
        details={"famille": family.value if family else None},
    )
