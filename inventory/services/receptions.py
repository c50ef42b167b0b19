"""Receiving deliveries into lots, and the jardin atelier's harvests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.sites.models import FIRST_SITE_ID
from inventory.errors import InvalidData
from inventory.models import Harvest, Lot, LotOrigin, Product, Reception, StockUnit
from inventory.services.ledger import MovementContext, receive_into_lot
from inventory.services.parcels import grown_parcel
from inventory.settings import DONATION_MIN_HOURS_BEFORE_DLC

MAX_LINE_QUANTITY = 1_000_000
DONATION_ORIGINS = (LotOrigin.DONATION, LotOrigin.RAMASSE)


@dataclass(frozen=True)
class ReceptionData:
    origin: LotOrigin
    supplier: str | None = None
    document_ref: str | None = None
    declared_weight_grams: int | None = None
    temperature_tenths_c: int | None = None
    notes: str | None = None
    site_id: int = FIRST_SITE_ID  # where the goods come in


@dataclass(frozen=True)
class LotData:
    quantity: int  # pieces, or grams for products sold by weight
    use_by: date | None = None
    best_before: date | None = None
    reference_value_cents: int | None = None  # default: the product's price


def start_reception(
    session: Session, actor_id: int, now: datetime, data: ReceptionData
) -> Reception:
    if data.declared_weight_grams is not None and data.declared_weight_grams <= 0:
        raise InvalidData(_("Le poids total doit être positif."))
    if data.origin == LotOrigin.BANQUE_ALIMENTAIRE and not data.declared_weight_grams:
        raise InvalidData(_("Un enlèvement Banque Alimentaire enregistre son poids total (en kg)."))
    reception = Reception(**data.__dict__, received_at=now, received_by_id=actor_id)
    session.add(reception)
    session.flush()
    return reception


def default_value_cents(product: Product, quantity: int) -> int:
    if product.unit == StockUnit.KILOGRAM:
        return product.reference_price_cents * quantity // 1000
    return product.reference_price_cents * quantity


def _check_lot(
    session: Session, product: Product, data: LotData, origin: LotOrigin, now: datetime
) -> None:
    if not 0 < data.quantity <= MAX_LINE_QUANTITY:
        unit = _("grammes") if product.unit == StockUnit.KILOGRAM else _("pièces")
        raise InvalidData(_("Quantité entre 1 et 1 000 000 %(u)s.", u=unit))
    if data.use_by and data.best_before:
        raise InvalidData(_("Un lot a une DLC ou une DDM, pas les deux."))
    if data.reference_value_cents is not None and data.reference_value_cents < 0:
        raise InvalidData(_("La valeur ne peut pas être négative."))
    today = now.astimezone(SHOP_TIMEZONE).date()
    if data.use_by and data.use_by < today:
        raise InvalidData(_("DLC déjà dépassée : ce lot ne peut pas entrer en stock."))
    if data.use_by and origin in DONATION_ORIGINS:
        hours = DONATION_MIN_HOURS_BEFORE_DLC.get(session)
        # The DLC is the last day: the product is good until the end of that day.
        end_of_dlc = datetime.combine(
            data.use_by + timedelta(days=1), datetime.min.time(), tzinfo=SHOP_TIMEZONE
        )
        if end_of_dlc - now < timedelta(hours=hours):
            raise InvalidData(
                _("Don refusé : moins de %(h)d h avant la DLC (règle des dons).", h=hours)
            )


def receive_line(
    session: Session,
    actor_id: int,
    now: datetime,
    reception: Reception,
    product: Product,
    data: LotData,
) -> Lot:
    _check_lot(session, product, data, reception.origin, now)
    lot = Lot(
        product_id=product.id,
        quantity=data.quantity,
        use_by=data.use_by,
        best_before=data.best_before,
        origin=reception.origin,
        reference_value_cents=(
            data.reference_value_cents
            if data.reference_value_cents is not None
            else default_value_cents(product, data.quantity)
        ),
        received_at=now,
        reception_id=reception.id,
        site_id=reception.site_id,
    )
    receive_into_lot(
        session,
        lot,
        MovementContext(actor_id, now, f"reception:{reception.id}", site_id=reception.site_id),
    )
    return lot


def recent_receptions(session: Session, limit: int = 50) -> list[Reception]:
    return list(session.scalars(select(Reception).order_by(Reception.id.desc()).limit(limit)))


@dataclass(frozen=True)
class HarvestData:
    parcel_number: int
    product_id: int
    weight_grams: int
    harvested_on: date
    participant_ids: tuple[int, ...] = ()
    best_before: date | None = None
    site_id: int = FIRST_SITE_ID  # where the vegetables come into stock


def record_harvest(session: Session, actor_id: int, now: datetime, data: HarvestData) -> Harvest:
    """A jardin delivery: a reception of origin jardin, one lot, and the harvest record."""
    grown_parcel(session, data.parcel_number)
    product = session.get(Product, data.product_id)
    if product is None or product.unit != StockUnit.KILOGRAM:
        raise InvalidData(_("Choisissez un légume vendu au poids."))
    if not 0 < data.weight_grams <= 500_000:
        raise InvalidData(_("Poids entre 1 g et 500 kg."))
    if data.harvested_on > now.astimezone(SHOP_TIMEZONE).date():
        raise InvalidData(_("La date de récolte ne peut pas être dans le futur."))
    reception = start_reception(
        session,
        actor_id,
        now,
        ReceptionData(
            origin=LotOrigin.JARDIN,
            supplier=_("Jardin — parcelle %(n)d", n=data.parcel_number),
            site_id=data.site_id,
        ),
    )
    lot = receive_line(
        session,
        actor_id,
        now,
        reception,
        product,
        LotData(quantity=data.weight_grams, best_before=data.best_before),
    )
    harvest = Harvest(
        parcel_number=data.parcel_number,
        product_id=product.id,
        weight_grams=data.weight_grams,
        harvested_on=data.harvested_on,
        lot_id=lot.id,
        site_id=lot.site_id,
        recorded_by_id=actor_id,
        participant_ids=list(data.participant_ids),
    )
    session.add(harvest)
    session.flush()
    return harvest


def harvest_table(session: Session, year: int) -> tuple[list[str], dict[str, dict[int, int]]]:
    """Grams per vegetable (rows) and parcel (columns) for one year."""
    rows = session.execute(
        select(Product.name, Harvest.parcel_number, func.sum(Harvest.weight_grams))
        .join(Product, Product.id == Harvest.product_id)
        .where(extract("year", Harvest.harvested_on) == year)
        .group_by(Product.name, Harvest.parcel_number)
    )
    table: dict[str, dict[int, int]] = {}
    for name, parcel, grams in rows:
        table.setdefault(name, {})[parcel] = int(grams)
    return sorted(table), table


def harvest_days(session: Session, participant_id: int, first: date, last: date) -> set[date]:
    """Days of the deliveries this atelier participant took part in (their jardin hours)."""
    return {
        harvest.harvested_on
        for harvest in session.scalars(
            select(Harvest).where(Harvest.harvested_on >= first, Harvest.harvested_on <= last)
        )
        if participant_id in (harvest.participant_ids or [])
    }


def recent_harvests(session: Session, limit: int = 30) -> list[Harvest]:
    return list(
        session.scalars(
            select(Harvest).order_by(Harvest.harvested_on.desc(), Harvest.id.desc()).limit(limit)
        )
    )
