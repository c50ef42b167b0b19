"""The jardin atelier's parcels: where each delivery comes from. `caisse init` creates the six
of ../shared/DOMAIN.md; the encadrant·e renames them, gives their area, adds one, retires one
no longer grown (its number is never reused: the yearly figures keep it)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.values import InvalidValue, parse_text
from inventory.errors import InvalidData
from inventory.models import GardenParcel

DEFAULT_PARCELS = 6  # > 3 000 m² in all
DEFAULT_AREA_M2 = 500
MAX_AREA_M2 = 100_000


def default_parcels() -> list[GardenParcel]:
    return [
        GardenParcel(number=number, name=f"Parcelle {number}", area_m2=DEFAULT_AREA_M2)
        for number in range(1, DEFAULT_PARCELS + 1)
    ]


def all_parcels(session: Session) -> list[GardenParcel]:
    return list(session.scalars(select(GardenParcel).order_by(GardenParcel.number)))


def active_parcels(session: Session) -> list[GardenParcel]:
    return [parcel for parcel in all_parcels(session) if parcel.is_active]


def grown_parcel(session: Session, number: int) -> GardenParcel:
    """The parcel a delivery comes from: one that is grown, or ``InvalidData``."""
    parcel = session.scalar(select(GardenParcel).where(GardenParcel.number == number))
    if parcel is None or not parcel.is_active:
        raise InvalidData(_("Choisissez une parcelle cultivée dans la liste."))
    return parcel


def _fields(name: str, area_m2: int) -> tuple[str, int]:
    try:
        label = parse_text(name, _("Nom de la parcelle"), max_length=80, required=True)
    except InvalidValue as error:
        raise InvalidData(error.message) from None
    if not 1 <= area_m2 <= MAX_AREA_M2:
        raise InvalidData(_("Surface (m²) : entre 1 et %(m)d.", m=MAX_AREA_M2))
    return label, area_m2


def add_parcel(
    session: Session, actor_id: int, now: datetime, name: str, area_m2: int
) -> GardenParcel:
    label, area_m2 = _fields(name, area_m2)
    number = (session.scalar(select(func.max(GardenParcel.number))) or 0) + 1
    parcel = GardenParcel(number=number, name=label, area_m2=area_m2)
    session.add(parcel)
    session.flush()
    record_audit(
        session, actor_id=actor_id, now=now, action="parcel.created", target=f"parcel:{number}"
    )
    return parcel


def edit_parcel(
    session: Session,
    actor_id: int,
    now: datetime,
    parcel: GardenParcel,
    name: str,
    area_m2: int,
    grown: bool,
) -> None:
    parcel.name, parcel.area_m2 = _fields(name, area_m2)
    if not grown and parcel.is_active and len(active_parcels(session)) == 1:
        raise InvalidData(_("Gardez au moins une parcelle cultivée."))
    parcel.is_active = grown
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="parcel.changed",
        target=f"parcel:{parcel.number}",
        details={"cultivée": grown},
    )
