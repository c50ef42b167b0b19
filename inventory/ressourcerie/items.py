"""The ressourcerie's unique items: intake weighed by category (with container tare), states,
repair logs, prices, the sale at the till and returns under the legal guarantee.

States: collected → in repair → ready for sale → sold (at the till) or given; or → recycled /
discarded, which weighs the item out. An electrical item is "ready" only after a repair log
with every function tested and its data erased (or "not applicable"). A sale is an atomic
conditional update (ready → sold), so two tills can never sell the same item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from app.audit.services import record_audit
from app.clock import SHOP_TIMEZONE
from app.orm import lock_key
from app.sites.models import FIRST_SITE_ID, Site
from inventory.errors import InvalidData
from inventory.models import (
    ChoiceKind,
    DataErasure,
    Intake,
    ItemState,
    Outflow,
    OutflowChannel,
    RepairLog,
    RessourcerieItem,
)
from inventory.ressourcerie.choices import checked_references

STATE_LABELS = {
    ItemState.COLLECTED: "Collecté",
    ItemState.IN_REPAIR: "En réparation",
    ItemState.READY: "Prêt à la vente",
    ItemState.SOLD: "Vendu",
    ItemState.GIVEN: "Donné",
    ItemState.RECYCLED: "Recyclé",
    ItemState.DISCARDED: "Jeté (déchèterie)",
}
CHANNEL_LABELS = {
    OutflowChannel.RECYCLING_DEEE: "Filière DEEE",
    OutflowChannel.RECYCLING_TEXTILE: "Filière textile",
    OutflowChannel.RECYCLING_OTHER: "Autre filière de recyclage",
    OutflowChannel.DECHETERIE: "Déchèterie",
    OutflowChannel.PARTNER: "Association partenaire",
}
RECYCLING = (
    OutflowChannel.RECYCLING_DEEE,
    OutflowChannel.RECYCLING_TEXTILE,
    OutflowChannel.RECYCLING_OTHER,
)
TRANSITIONS = {
    ItemState.COLLECTED: {
        ItemState.IN_REPAIR,
        ItemState.READY,
        ItemState.RECYCLED,
        ItemState.DISCARDED,
    },
    ItemState.IN_REPAIR: {ItemState.READY, ItemState.RECYCLED, ItemState.DISCARDED},
    ItemState.READY: {
        ItemState.IN_REPAIR,
        ItemState.GIVEN,
        ItemState.RECYCLED,
        ItemState.DISCARDED,
    },
    ItemState.SOLD: set(),
    ItemState.GIVEN: set(),
    ItemState.RECYCLED: set(),
    ItemState.DISCARDED: set(),
}
WARRANTY_MENTION = (
    "Garantie légale de conformité : 2 ans (défaut présumé existant pendant "
    "12 mois, bien d'occasion)"
)
MAX_GRAMS = 2_000_000  # 2 t on one weighing


def net_grams(gross: int, tare: int) -> int:
    if not 0 < gross <= MAX_GRAMS:
        raise InvalidData(_("Poids brut entre 1 g et 2 t."))
    if not 0 <= tare < gross:
        raise InvalidData(_("La tare (le contenant) doit peser moins que le poids brut."))
    return gross - tare


def next_item_number(session: Session, site_id: int) -> str:
    """The site's next tag: « R00042 » at the first site, « NORD-R00042 » at site NORD (as its
    tickets). Two intakes at once wait for each other (a real lock on PostgreSQL too)."""
    lock_key(session, f"ressourcerie.item_number:{site_id}")
    code = session.scalar(select(Site.code).where(Site.id == site_id))
    prefix = f"{code}-R" if code else "R"
    last = session.scalar(
        select(func.max(RessourcerieItem.number)).where(
            RessourcerieItem.site_id == site_id, RessourcerieItem.number.like(f"{prefix}%")
        )
    )
    digits = last[len(prefix) :] if last else ""
    number = int(digits) + 1 if digits.isdigit() else 1
    return f"{prefix}{number:05d}"


_INSERT_INTAKE = insert(Intake.__table__).returning(Intake.__table__.c.id)


@dataclass(frozen=True)
class IntakeData:
    category_id: int
    collection_type_id: int  # an entry of the editable list of collection types
    collected_on: date
    gross_grams: int
    tare_grams: int = 0
    description: str = ""
    keep_as_item: bool = False  # an object kept for reuse becomes a unique item
    serial_number: str = ""
    area_id: int | None = None  # where it comes from (commune, quartier)
    point_id: int | None = None  # where it was collected
    site_id: int = FIRST_SITE_ID  # where it is weighed (and the item kept, repaired, sold)


def record_intake(
    session: Session, actor_id: int, now: datetime, today: date, data: IntakeData
) -> tuple[Intake, RessourcerieItem | None]:
    category_name = checked_references(
        session,
        data.category_id,
        {
            ChoiceKind.COLLECTION_TYPE: (data.collection_type_id, True),
            ChoiceKind.AREA: (data.area_id, False),
            ChoiceKind.POINT: (data.point_id, False),
        },
    )
    net = net_grams(data.gross_grams, data.tare_grams)
    if data.collected_on > today:
        raise InvalidData(_("La date de collecte ne peut pas être dans le futur."))
    if data.keep_as_item and not data.description.strip():
        raise InvalidData(_("Décrivez l'objet gardé (ex. « Lave-linge Bosch 7 kg »)."))
    values = {
        "category_id": data.category_id,
        "source": None,
        "collection_type_id": data.collection_type_id,
        "area_id": data.area_id,
        "point_id": data.point_id,
        "collected_on": data.collected_on,
        "gross_grams": data.gross_grams,
        "tare_grams": data.tare_grams,
        "net_grams": net,
        "description": data.description.strip()[:200] or None,
        "recorded_by_id": actor_id,
        "recorded_at": now,
        "site_id": data.site_id,
    }
    # The ressourcerie's most frequent write: one prebuilt INSERT … RETURNING, and the record
    # joins the session as stored (no unit-of-work flush).
    intake = Intake(id=session.scalar(_INSERT_INTAKE, values), **values)
    make_transient_to_detached(intake)
    session.add(intake)
    item = None
    if data.keep_as_item:
        item = RessourcerieItem(
            number=next_item_number(session, data.site_id),
            category=category_name,
            category_id=data.category_id,
            description=data.description.strip()[:200],
            serial_number=data.serial_number.strip()[:80] or None,
            weight_grams=net,
            state=ItemState.COLLECTED,
            collected_at=now,
            intake_id=intake.id,
            state_changed_at=now,
            site_id=data.site_id,
        )
        session.add(item)
        session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="ressourcerie.intake",
        target=f"intake:{intake.id}",
        details={"net_grams": net, "item": item.number if item else None},
    )
    return intake, item


@dataclass(frozen=True)
class RepairData:
    day: date
    minutes: int
    participant_ids: tuple[int, ...] = ()
    parts: str = ""
    parts_cost_cents: int = 0
    tests: str = ""
    all_functions_tested: bool = False
    data_erasure: DataErasure | None = None
    notes: str = ""


def log_repair(
    session: Session, actor_id: int, now: datetime, item: RessourcerieItem, data: RepairData
) -> RepairLog:
    if item.state not in (ItemState.COLLECTED, ItemState.IN_REPAIR, ItemState.READY):
        raise InvalidData(
            _(
                "L'objet %(n)s est %(s)s : plus de réparation à noter.",
                n=item.number,
                s=STATE_LABELS[item.state].lower(),
            )
        )
    if not 0 <= data.minutes <= 24 * 60 or not 0 <= data.parts_cost_cents <= 10_000_000:
        raise InvalidData(_("Durée ou coût des pièces invalide."))
    log = RepairLog(
        item_id=item.id,
        day=data.day,
        participant_ids=list(data.participant_ids),
        minutes=data.minutes,
        parts=data.parts.strip()[:300] or None,
        parts_cost_cents=data.parts_cost_cents,
        tests=data.tests.strip()[:500] or None,
        all_functions_tested=data.all_functions_tested,
        data_erasure=data.data_erasure,
        notes=data.notes.strip()[:500] or None,
        recorded_by_id=actor_id,
        recorded_at=now,
    )
    item.repairs.append(log)
    if item.state == ItemState.COLLECTED:
        item.state, item.state_changed_at = ItemState.IN_REPAIR, now
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="ressourcerie.repair",
        target=f"item:{item.number}",
        details={"minutes": data.minutes},
    )
    return log


def set_price(
    session: Session, actor_id: int, now: datetime, item: RessourcerieItem, price_cents: int
) -> None:
    if item.state in (ItemState.SOLD, ItemState.GIVEN, ItemState.RECYCLED, ItemState.DISCARDED):
        raise InvalidData(_("L'objet %(n)s n'est plus en stock.", n=item.number))
    if not 0 <= price_cents <= 10_000_000:
        raise InvalidData(_("Prix invalide."))
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="ressourcerie.price",
        target=f"item:{item.number}",
        details={"old_cents": item.price_cents, "new_cents": price_cents},
    )
    item.price_cents = price_cents


def is_electrical(item: RessourcerieItem) -> bool:
    return bool(item.item_category and item.item_category.electrical)


def reconditioned(item: RessourcerieItem) -> bool:
    """Every function tested and data erased (or not applicable) in the repair log."""
    return any(log.all_functions_tested for log in item.repairs) and any(
        log.data_erasure is not None for log in item.repairs
    )


def change_state(
    session: Session,
    actor_id: int,
    now: datetime,
    item: RessourcerieItem,
    target: ItemState,
    channel: OutflowChannel | None = None,
    partner: str = "",
) -> None:
    """Move an item by hand (the till alone sells; a return under warranty comes back)."""
    if target not in TRANSITIONS[item.state]:
        raise InvalidData(
            _(
                "%(n)s : passage « %(a)s » → « %(b)s » impossible.",
                n=item.number,
                a=STATE_LABELS[item.state],
                b=STATE_LABELS[target],
            )
        )
    if target == ItemState.READY:
        if item.price_cents is None:
            raise InvalidData(_("Fixez d'abord le prix de %(n)s.", n=item.number))
        if is_electrical(item) and not reconditioned(item):
            raise InvalidData(
                _(
                    "%(n)s est un appareil électrique : notez dans le journal de "
                    "réparation le test de toutes ses fonctions et l'effacement "
                    "des données (ou « sans objet ») avant de le mettre en "
                    "vente.",
                    n=item.number,
                )
            )
    if target in (ItemState.RECYCLED, ItemState.DISCARDED):
        channel = OutflowChannel.DECHETERIE if target == ItemState.DISCARDED else channel
        if target == ItemState.RECYCLED and channel not in RECYCLING:
            raise InvalidData(_("Choisissez la filière de recyclage."))
        session.add(
            Outflow(
                category_id=item.category_id,
                channel=channel,
                day=now.astimezone(SHOP_TIMEZONE).date(),
                gross_grams=item.weight_grams,
                tare_grams=0,
                net_grams=item.weight_grams,
                item_id=item.id,
                site_id=item.site_id,
                partner=None,
                recorded_by_id=actor_id,
                recorded_at=now,
            )
        )
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="ressourcerie.state",
        target=f"item:{item.number}",
        details={"from": item.state.value, "to": target.value, "partner": partner or None},
    )
    item.state, item.state_changed_at = target, now
    session.flush()


class ItemNotForSale(InvalidData):
    pass


def sell_item(session: Session, number: str, ticket: str, now: datetime) -> None:
    """ready → sold in one conditional statement: of two tills, one wins, the other is told.
    The item already in the session (the basket's) takes its new state in memory."""
    sold = session.execute(
        update(RessourcerieItem)
        .where(RessourcerieItem.number == number, RessourcerieItem.state == ItemState.READY)
        .values(
            state=ItemState.SOLD,
            state_changed_at=now,
            sold_ticket=ticket,
            warranty_until=(now.astimezone(SHOP_TIMEZONE).date() + timedelta(days=730)),
        )
        .execution_options(synchronize_session="evaluate")
    )
    if sold.rowcount == 1:
        return
    item = session.scalar(
        select(RessourcerieItem)
        .where(RessourcerieItem.number == number)
        .execution_options(populate_existing=True)
    )
    if item is None:
        raise ItemNotForSale(_("Objet %(n)s inconnu.", n=number))
    raise ItemNotForSale(
        _(
            "L'objet %(n)s n'est pas en vente (%(s)s).",
            n=number,
            s=STATE_LABELS[item.state].lower(),
        )
    )


def return_under_warranty(
    session: Session, actor_id: int, now: datetime, item_id: int, ticket: str
) -> None:
    """A refunded item goes back to the workshop, with a note in its log."""
    item = session.get(RessourcerieItem, item_id)
    if item is None or item.state != ItemState.SOLD:
        return
    item.state, item.state_changed_at = ItemState.IN_REPAIR, now
    item.repairs.append(
        RepairLog(
            day=now.astimezone(SHOP_TIMEZONE).date(),
            participant_ids=[],
            minutes=0,
            notes=_("Retour sous garantie (ticket %(t)s).", t=ticket),
            recorded_by_id=actor_id,
            recorded_at=now,
        )
    )
    session.flush()
