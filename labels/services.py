"""Which labels to print: chosen products, a reception's lots, the shelf labels whose price
changed, one weighed bag at the jardin scale, ressourcerie items, beneficiary cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.audit.services import record_audit
from app.orm import lock_for_update
from hardware.models import MODELS
from hardware.transport import PrinterConnection, PrinterError, configured_connection, send
from inventory.errors import InvalidData
from inventory.models import Lot, Product, RessourcerieItem, RuleKind, StockUnit
from inventory.nomenclature import _value_digits, embed_value, load_rules
from inventory.services.products import price_for_grams
from labels.content import (
    Label,
    barcode_sticker,
    item_tag,
    shelf_label,
    weighed_label,
)
from labels.models import ShelfLabelPrint
from labels.settings import PRINTER_KIND, PRINTER_MODEL, PRINTER_TARGET
from labels.thermal import render_roll

MAX_LABELS = 2000


class LabelError(InvalidData):
    pass


def _products(session: Session, ids) -> dict[int, Product]:
    return {
        p.id: p
        for p in session.scalars(
            select(Product).where(Product.id.in_(list(ids))).options(selectinload(Product.barcodes))
        )
    }


def product_labels(
    session: Session,
    counts: dict[int, int],
    template: str,
    participation_rate_bp: int | None = None,
) -> list[Label]:
    """``counts``: product id → how many labels. Shelf labels or barcode stickers."""
    if sum(counts.values()) > MAX_LABELS:
        raise LabelError(_("Trop d'étiquettes d'un coup (%(n)d au plus).", n=MAX_LABELS))
    products = _products(session, counts)
    origins = _last_origins(session, products)
    labels: list[Label] = []
    missing = []
    for product_id, count in counts.items():
        product = products.get(product_id)
        if product is None or count <= 0:
            continue
        if template == "sticker":
            sticker = barcode_sticker(product)
            if sticker is None:
                missing.append(product.name)
                continue
            labels.extend([sticker] * count)
        else:
            labels.extend(
                [shelf_label(product, origins.get(product.id), participation_rate_bp)] * count
            )
    if missing:
        raise LabelError(_("Sans code-barres EAN-13 : %(p)s.", p=", ".join(missing)))
    if not labels:
        raise LabelError(_("Choisissez au moins un produit et un nombre d'étiquettes."))
    return labels


def _last_origins(session: Session, product_ids) -> dict[int, object]:
    """Each product's latest lot origin (the shelf label's "Origine"), in one query."""
    rows = session.execute(
        select(Lot.product_id, Lot.origin)
        .where(Lot.product_id.in_(list(product_ids)))
        .order_by(Lot.received_at, Lot.id)
    )
    return dict(rows.all())  # later lots overwrite earlier ones


def reception_counts(session: Session, reception_id: int) -> dict[int, int]:
    """One shelf label per product received, in the reception's order."""
    counts: dict[int, int] = {}
    for product_id in session.scalars(
        select(Lot.product_id).where(Lot.reception_id == reception_id).order_by(Lot.id)
    ):
        counts[product_id] = 1
    return counts


def reprint_queue(session: Session) -> list[Product]:
    """Products whose price changed after their last shelf label (the shelf and the till must
    agree)."""
    last_print = (
        select(ShelfLabelPrint.product_id, func.max(ShelfLabelPrint.printed_at).label("printed_at"))
        .group_by(ShelfLabelPrint.product_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Product)
            .outerjoin(last_print, last_print.c.product_id == Product.id)
            .where(
                Product.is_active,
                Product.price_changed_at.is_not(None),
                (last_print.c.printed_at.is_(None))
                | (last_print.c.printed_at < Product.price_changed_at),
            )
            .order_by(Product.name)
            .options(selectinload(Product.barcodes))
        )
    )


def record_shelf_prints(
    session: Session, product_ids, actor_id: int | None, now: datetime, site_id: int
) -> None:
    """The labels printed for ``site_id``'s shelves (each site has its own: a label printed
    at one does not take a product out of another's reprint queue)."""
    lock_for_update(session)  # labels are rendered without the write lock; it is taken here
    for product in _products(session, set(product_ids)).values():
        session.add(
            ShelfLabelPrint(
                product_id=product.id,
                price_cents=product.reference_price_cents,
                printed_at=now,
                printed_by_id=actor_id,
                site_id=site_id,
            )
        )
    session.flush()


def scale_code(session: Session, product: Product, grams: int) -> str:
    """The product's in-store code (prefix 2) with this bag's weight, or its price, embedded
    by the nomenclature: the till reads it back to the same weight and price."""
    rules = [r for r in load_rules(session) if r.kind in (RuleKind.WEIGHT, RuleKind.PRICE)]
    rules.sort(key=lambda r: r.kind != RuleKind.WEIGHT)  # a weight code when both exist
    for rule in rules:
        for code in (b.code for b in product.barcodes):
            if rule.regex.match(code) and len(code) == 13 and _value_digits(rule, code) == 0:
                value = (
                    grams
                    if rule.kind == RuleKind.WEIGHT
                    else price_for_grams(product.reference_price_cents, grams)
                )
                return embed_value(rule, code, value)
    raise LabelError(
        _(
            "« %(p)s » n'a pas de code balance (préfixe 2) : ajoutez-en un dans "
            "Stock → Produits, par exemple 2100005000000.",
            p=product.name,
        )
    )


@dataclass(frozen=True)
class WeighedRequest:
    product_id: int
    grams: int
    packed_on: date
    use_by: date | None = None
    best_before: date | None = None


def weighed_labels(session: Session, request: WeighedRequest, copies: int = 1) -> list[Label]:
    product = session.get(Product, request.product_id)
    if product is None or product.unit != StockUnit.KILOGRAM:
        raise LabelError(_("Choisissez un produit vendu au poids."))
    if not 1 <= request.grams <= 99_999:
        raise LabelError(_("Poids entre 1 g et 99,999 kg."))
    if request.use_by and request.best_before:
        raise LabelError(_("Une DLC ou une DDM, pas les deux."))
    for day in (request.use_by, request.best_before):
        if day is not None and day < request.packed_on:
            raise LabelError(_("La date limite précède la date d'emballage."))
    code = scale_code(session, product, request.grams)
    return [
        weighed_label(
            product,
            request.grams,
            code,
            request.packed_on,
            request.use_by,
            request.best_before,
            _last_origins(session, [product.id]).get(product.id),
        )
    ] * max(1, min(copies, 50))


def item_labels(session: Session, item_ids) -> list[Label]:
    items = list(
        session.scalars(
            select(RessourcerieItem)
            .where(RessourcerieItem.id.in_(list(item_ids)))
            .order_by(RessourcerieItem.number)
        )
    )
    if not items:
        raise LabelError(_("Choisissez au moins un objet."))
    return [item_tag(item) for item in items]


def label_printer(session: Session, site_id: int) -> tuple[str, str, str]:
    """The site's thermal label printer: (kind, target, model). Each site has its own (a
    site without one set has none: its labels never come out of another site's printer)."""
    return (
        PRINTER_KIND.of_site(site_id).get(session),
        PRINTER_TARGET.of_site(site_id).get(session),
        PRINTER_MODEL.of_site(site_id).get(session),
    )


def has_thermal_printer(session: Session, site_id: int) -> bool:
    return PRINTER_KIND.of_site(site_id).get(session) != "none"


def thermal_connection(session: Session, site_id: int) -> tuple[PrinterConnection, object]:
    kind, target, model = label_printer(session, site_id)
    from flask import current_app

    return configured_connection(kind, target, current_app.config), MODELS[model]


def print_on_roll(session: Session, labels: list[Label], site_id: int) -> int:
    """Send to the site's thermal label printer now; a French message if it fails."""
    connection, model = thermal_connection(session, site_id)
    if connection.kind == "none":
        raise LabelError(
            _(
                "Aucune imprimante d'étiquettes thermique n'est réglée : "
                "imprimez la planche A4, ou réglez l'imprimante (Étiquettes → "
                "Imprimante)."
            )
        )
    try:
        send(connection, render_roll(labels, model))
    except PrinterError as error:
        raise LabelError(error.message) from None
    return len(labels)


def set_label_printer(
    session: Session,
    actor_id: int,
    now: datetime,
    kind: str,
    target: str,
    model: str,
    site_id: int,
) -> None:
    """The site's label printer (``target`` already checked by
    ``hardware.targets.check_printer``)."""
    PRINTER_KIND.of_site(site_id).set(session, kind, now)
    PRINTER_TARGET.of_site(site_id).set(session, target, now)
    PRINTER_MODEL.of_site(site_id).set(session, model, now)
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="labels.printer_changed",
        target="labels:printer",
        details={"kind": kind, "model": model, "site": site_id},
    )
