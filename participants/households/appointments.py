"""Households come by appointment: slots of the opening hours (``epicerie.opening_hours``,
``epicerie.slot_minutes``), a number of households per slot, one visit a day per household,
booked, moved or cancelled by the référent·e; the day's list for the till (who is expected, who
came); a visit of a day gone that was neither attended nor cancelled counts as a no-show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.clock import SHOP_TIMEZONE, shop_date
from app.orm import lock_key
from participants.errors import InvalidData
from participants.households.models import (
    Appointment,
    AppointmentStatus,
    Household,
    HouseholdCard,
)
from participants.households.opening import parse_opening_hours, slots_of
from participants.households.rights import right_on
from participants.settings import HOUSEHOLDS_PER_SLOT, OPENING_HOURS, SLOT_MINUTES

TAKEN = (AppointmentStatus.BOOKED, AppointmentStatus.CAME, AppointmentStatus.NO_SHOW)
STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Attendu·e",
    AppointmentStatus.CAME: "Venu·e",
    AppointmentStatus.NO_SHOW: "Absent·e",
    AppointmentStatus.CANCELLED: "Annulé",
}


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # shop time
    appointments: tuple[Appointment, ...]  # not cancelled
    places: int

    @property
    def free(self) -> int:
        return max(self.places - len(self.appointments), 0)


def opening_hours(session: Session) -> dict[int, list[tuple[int, int]]]:
    return parse_opening_hours(OPENING_HOURS.get(session))


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHOP_TIMEZONE)
    return start, start + timedelta(days=1)


def appointments_on(session: Session, day: date) -> list[Appointment]:
    start, end = _day_bounds(day)
    return list(
        session.scalars(
            select(Appointment)
            .where(Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def day_slots(session: Session, day: date) -> list[Slot]:
    """The day's slots with who is booked on each (a visit booked outside the hours of today,
    after they changed, keeps its own slot)."""
    places = HOUSEHOLDS_PER_SLOT.get(session)
    booked = [a for a in appointments_on(session, day) if a.status != AppointmentStatus.CANCELLED]
    starts = set(slots_of(day, opening_hours(session), SLOT_MINUTES.get(session)))
    starts |= {a.starts_at.astimezone(SHOP_TIMEZONE) for a in booked}
    return [
        Slot(
            moment,
            tuple(a for a in booked if a.starts_at.astimezone(SHOP_TIMEZONE) == moment),
            places,
        )
        for moment in sorted(starts)
    ]


def book(
    session: Session,
    actor_id: int,
    now: datetime,
    household: Household,
    starts_at: datetime,
    note: str = "",
    replacing: Appointment | None = None,
) -> Appointment:
    """A visit on a slot of the opening hours, with a place left; ``replacing`` (a move)
    is cancelled in the same transaction."""
    local = starts_at.astimezone(SHOP_TIMEZONE)
    day = local.date()
    if day < shop_date(now):
        raise InvalidData(_("Ce jour est passé : choisissez un autre créneau."))
    if local not in slots_of(day, opening_hours(session), SLOT_MINUTES.get(session)):
        raise InvalidData(_("Ce créneau n'est pas dans les horaires d'ouverture."))
    if right_on(household, day) is None:
        raise InvalidData(
            _(
                "%(h)s n'a pas de droit valable le %(d)s.",
                h=household.display_name,
                d=day.strftime("%d/%m/%Y"),
            )
        )
    lock_key(session, f"appointment:{local.isoformat()}")  # two bookings of the last place
    lock_key(session, f"appointment-household:{household.id}")
    same_day = [
        a
        for a in appointments_on(session, day)
        if a.household_id == household.id
        and a.status in TAKEN
        and (replacing is None or a.id != replacing.id)
    ]
    if same_day:
        raise InvalidData(_("%(h)s a déjà un rendez-vous ce jour-là.", h=household.display_name))
    taken = session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.starts_at == local,
            Appointment.status.in_(TAKEN),
            Appointment.id != (replacing.id if replacing else 0),
        )
    )
    if taken >= HOUSEHOLDS_PER_SLOT.get(session):
        raise InvalidData(_("Ce créneau est complet : choisissez-en un autre."))
    if replacing is not None:
        _set_status(session, now, replacing, AppointmentStatus.CANCELLED)
    made = Appointment(
        household_id=household.id,
        starts_at=local,
        status=AppointmentStatus.BOOKED,
        note=(note or "").strip()[:200] or None,
        booked_by_id=actor_id,
        booked_at=now,
    )
    session.add(made)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="appointment.moved" if replacing else "appointment.booked",
        target=f"household:{household.id}",
        details={"le": local.strftime("%d/%m/%Y %H:%M")},
    )
    return made


def _set_status(session: Session, now: datetime, appointment: Appointment, status) -> None:
    appointment.status = status
    appointment.changed_at = now
    session.flush()


def mark(session: Session, actor_id: int, now: datetime, appointment: Appointment, status) -> None:
    """Came, absent, or cancelled (a visit of a day gone cannot be cancelled: it happened or
    not)."""
    if status == AppointmentStatus.CANCELLED and appointment.starts_at.astimezone(
        SHOP_TIMEZONE
    ).date() < shop_date(now):
        raise InvalidData(_("Ce rendez-vous est passé : dites s'il est venu ou non."))
    if status == AppointmentStatus.BOOKED:
        raise InvalidData(_("Choix invalide."))
    _set_status(session, now, appointment, status)
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action=f"appointment.{status.value}",
        target=f"household:{appointment.household_id}",
    )


def came_with_card(session: Session, card_code: str, now: datetime) -> None:
    """A sale with the household's card: today's visit is « venu·e » (answers a pos port)."""
    household_id = session.scalar(
        select(HouseholdCard.household_id).where(HouseholdCard.code == card_code)
    )
    if household_id is None:
        return
    start, end = _day_bounds(shop_date(now))
    for appointment in session.scalars(
        select(Appointment).where(
            Appointment.household_id == household_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW)),
        )
    ):
        _set_status(session, now, appointment, AppointmentStatus.CAME)


def shown_status(appointment: Appointment, today: date) -> AppointmentStatus:
    """What the day's list says: a visit still « booked » on a day gone was a no-show."""
    if (
        appointment.status == AppointmentStatus.BOOKED
        and appointment.starts_at.astimezone(SHOP_TIMEZONE).date() < today
    ):
        return AppointmentStatus.NO_SHOW
    return appointment.status


def no_shows(session: Session, household_id: int, today: date) -> int:
    visits = session.scalars(
        select(Appointment).where(Appointment.household_id == household_id)
    ).all()
    return Counter(shown_status(a, today) for a in visits)[AppointmentStatus.NO_SHOW]


def expected_today(session: Session, today: date) -> list[tuple[str, str, str]]:
    """For the till: (time, household's name, status) of the day's visits, cancelled ones
    left out — nothing else of the household."""
    return [
        (
            a.starts_at.astimezone(SHOP_TIMEZONE).strftime("%H:%M"),
            a.household.display_name,
            shown_status(a, today).value,
        )
        for a in appointments_on(session, today)
        if a.status != AppointmentStatus.CANCELLED
    ]
