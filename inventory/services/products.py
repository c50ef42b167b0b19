"""The catalogue: creating and changing products, their barcodes, and searching by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.audit.services import record_audit
from app.barcodes import is_valid_gs1, repair_azerty_digits
from app.money import round_half_away
from app.text import fold_for_search
from inventory.errors import InvalidData
from inventory.models import Category, Product, ProductBarcode, StockUnit

MAX_PRICE_CENTS = 10_000_000  # 100 000 €: anything above is a typing error
VAT_RATES_BP = (0, 210, 550, 1000, 2000)


@dataclass(frozen=True)
class ProductData:
    name: str
    category_id: int
    unit: StockUnit
    reference_price_cents: int
    vat_rate_bp: int = 550
    net_content: int | None = None
    per_visit_limit: int | None = None
    is_active: bool = True
    quick_key: bool = False


def normalise_barcode(code: str) -> str:
    """Repair and check a barcode typed or scanned for a product."""
    cleaned = repair_azerty_digits(code)
    if not cleaned:
        raise InvalidData(_("Le code-barres est vide."))
    if not cleaned.isdigit() or len(cleaned) not in (8, 12, 13):
        raise InvalidData(
            _(
                "Code-barres « %(c)s » : 8, 12 ou 13 chiffres attendus (EAN-8, UPC-A, EAN-13).",
                c=cleaned,
            )
        )
    if not is_valid_gs1(cleaned):
        raise InvalidData(_("Code-barres « %(c)s » : chiffre de contrôle faux.", c=cleaned))
    return cleaned


def validate_product_data(session: Session, data: ProductData) -> None:
    if not data.name.strip():
        raise InvalidData(_("Le nom du produit est obligatoire."))
    if session.get(Category, data.category_id) is None:
        raise InvalidData(_("Catégorie inconnue."))
    if not 0 <= data.reference_price_cents <= MAX_PRICE_CENTS:
        raise InvalidData(_("Le prix doit être compris entre 0 et 100 000 €."))
    if data.vat_rate_bp not in VAT_RATES_BP:
        raise InvalidData(_("Taux de TVA possible : 0 ; 2,1 ; 5,5 ; 10 ou 20 %."))
    if data.net_content is not None and data.net_content <= 0:
        raise InvalidData(_("Le contenu net doit être positif."))
    if data.per_visit_limit is not None and data.per_visit_limit <= 0:
        raise InvalidData(_("La limite par passage doit être positive (ou vide)."))


def ensure_barcode_free(session: Session, code: str, product_id: int | None = None) -> None:
    owner = session.scalar(select(Product).join(ProductBarcode).where(ProductBarcode.code == code))
    if owner is not None and owner.id != product_id:
        raise InvalidData(
            _("Le code-barres %(c)s est déjà celui de « %(p)s ».", c=code, p=owner.name)
        )


def create_product(
    session: Session,
    actor_id: int | None,
    now: datetime,
    data: ProductData,
    barcodes: list[str] = (),
) -> Product:
    validate_product_data(session, data)
    codes = [normalise_barcode(code) for code in barcodes]
    if len(set(codes)) != len(codes):
        raise InvalidData(_("Le même code-barres est donné deux fois."))
    for code in codes:
        ensure_barcode_free(session, code)
    product = Product(**{**data.__dict__, "name": data.name.strip()}, created_at=now)
    product.barcodes.extend(ProductBarcode(code=code) for code in codes)
    session.add(product)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="product.created",
        target=f"product:{product.id}",
        details={"name": product.name},
    )
    return product


def update_product(
    session: Session, actor_id: int | None, now: datetime, product: Product, data: ProductData
) -> None:
    validate_product_data(session, data)
    old_price = product.reference_price_cents
    for field, value in data.__dict__.items():
        setattr(product, field, value.strip() if isinstance(value, str) else value)
    session.flush()
    if old_price != product.reference_price_cents:
        product.price_changed_at = now
        record_audit(
            session,
            actor_id=actor_id,
            now=now,
            action="product.price_changed",
            target=f"product:{product.id}",
            details={"old_cents": old_price, "new_cents": product.reference_price_cents},
        )


def add_barcode(session: Session, product: Product, code: str) -> ProductBarcode:
    cleaned = normalise_barcode(code)
    ensure_barcode_free(session, cleaned, product.id)
    if any(b.code == cleaned for b in product.barcodes):
        raise InvalidData(_("Ce produit a déjà ce code-barres."))
    barcode = ProductBarcode(code=cleaned)
    product.barcodes.append(barcode)
    session.flush()
    return barcode


def search_products(
    session: Session, text: str, limit: int = 50, include_inactive: bool = False
) -> list[Product]:
    """Accent- and case-blind search: every word must appear in the name ("pates 500")."""
    query = select(Product).options(selectinload(Product.barcodes)).order_by(Product.search_name)
    for word in fold_for_search(text).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Product.search_name.like(f"%{escaped}%", escape="\\"))
    if not include_inactive:
        query = query.where(Product.is_active)
    return list(session.scalars(query.limit(limit)))


def list_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.name)))


def get_or_create_category(session: Session, name: str) -> Category:
    category = session.scalar(select(Category).where(Category.name == name.strip()))
    if category is None:
        category = Category(name=name.strip())
        session.add(category)
        session.flush()
    return category


def price_for_grams(price_per_kg_cents: int, grams: int) -> int:
    """A weighed quantity's price: per kg × grams / 1000, to the nearest cent (halves away
    from zero). The till, the weighed labels and the scale codes all use this one rule."""
    return round_half_away(price_per_kg_cents * grams, 1000)


def unit_price_cents(product: Product) -> tuple[int, str] | None:
    """The price per unit of measure that shelf labels must show: (cents, "kg" or "l").

    Sold by weight: the price per kg itself. Sold by the piece with a net content (g, or ml for
    ``LITRE`` products): price × 1000 / content, to the nearest cent, halves away from zero
    (1,09 € for 45 g → 24,22 €/kg). Small contents (under 100 g) use the same rule: France shows
    the price per kg or per litre. None when the content is unknown.
    """
    if product.unit == StockUnit.KILOGRAM:
        return product.reference_price_cents, "kg"
    if product.net_content:
        cents = round_half_away(product.reference_price_cents * 1000, product.net_content)
        return cents, "l" if product.unit == StockUnit.LITRE else "kg"
    return None
