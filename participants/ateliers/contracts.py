"""Integration contracts and their weekly planning: capacity of each atelier at every moment,
conflicts between slots, the weekly minimum; renewals and ends; who is expected when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from participants.ateliers.common import WEEKDAYS, format_clock, format_minutes
from participants.errors import InvalidData
from participants.models import (
    Atelier,
    Contract,
    ContractSlot,
    Participant,
)
from participants.settings import MIN_WEEKLY_MINUTES

# ---- contracts and planning -----------------------------------------------------------------


@dataclass(frozen=True)
class SlotData:
    atelier_id: int
    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class ContractData:
    referent_name: str
    start_date: date
    end_date: date
    slots: tuple[SlotData, ...]
    min_weekly_minutes: int | None = None
    signed_on: date | None = None
    renewal_of_id: int | None = None


def _when(weekday: int, start: int, end: int) -> str:
    return _(
        "le %(d)s de %(s)s à %(e)s", d=WEEKDAYS[weekday], s=format_clock(start), e=format_clock(end)
    )


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _active_slots(session: Session, first: date, last: date, exclude_contract: int | None):
    """Slots of the contracts running at some point in [first, last] (not ended before)."""
    contracts = session.scalars(
        select(Contract).where(Contract.start_date <= last, Contract.end_date >= first)
    )
    for contract in contracts:
        if contract.id == exclude_contract or contract.last_day < max(first, contract.start_date):
            continue  # another's, over before [first, last], or cancelled
        yield from ((contract, slot) for slot in contract.slots)


def _peak(intervals: list[tuple[int, int]], start: int, end: int) -> int:
    """The most intervals overlapping at one moment within [start, end)."""
    events = sorted(
        [(max(s, start), 1) for s, e in intervals if _overlaps(s, e, start, end)]
        + [(min(e, end), -1) for s, e in intervals if _overlaps(s, e, start, end)],
        key=lambda event: (event[0], event[1]),
    )
    current = peak = 0
    for _moment, delta in events:
        current += delta
        peak = max(peak, current)
    return peak


def _check_slots(
    session: Session,
    participant: Participant,
    data: ContractData,
    exclude_contract: int | None = None,
) -> None:
    if not data.slots:
        raise InvalidData(_("Le planning est vide : ajoutez au moins un créneau."))
    ateliers = {a.id: a for a in session.scalars(select(Atelier))}
    for index, slot in enumerate(data.slots):
        atelier = ateliers.get(slot.atelier_id)
        if atelier is None:
            raise InvalidData(_("Atelier inconnu."))
        if not 0 <= slot.weekday <= 4:
            raise InvalidData(_("Les ateliers sont ouverts du lundi au vendredi."))
        if slot.start_minute >= slot.end_minute:
            raise InvalidData(
                _(
                    "Créneau %(w)s : l'heure de fin doit suivre l'heure de début.",
                    w=WEEKDAYS[slot.weekday],
                )
            )
        if slot.start_minute < atelier.opens_at or slot.end_minute > atelier.closes_at:
            raise InvalidData(
                _(
                    "%(a)s est ouvert de %(o)s à %(c)s : le créneau %(w)s n'y tient pas.",
                    a=atelier.name,
                    o=format_clock(atelier.opens_at),
                    c=format_clock(atelier.closes_at),
                    w=_when(slot.weekday, slot.start_minute, slot.end_minute),
                )
            )
        for other in data.slots[:index]:
            if other.weekday == slot.weekday and _overlaps(
                other.start_minute, other.end_minute, slot.start_minute, slot.end_minute
            ):
                raise InvalidData(
                    _(
                        "Deux créneaux se chevauchent %(w)s.",
                        w=_when(slot.weekday, slot.start_minute, slot.end_minute),
                    )
                )
    running = list(_active_slots(session, data.start_date, data.end_date, exclude_contract))
    for slot in data.slots:
        atelier = ateliers[slot.atelier_id]
        for contract, other in running:
            if (
                contract.participant_id == participant.id
                and other.weekday == slot.weekday
                and _overlaps(
                    other.start_minute, other.end_minute, slot.start_minute, slot.end_minute
                )
            ):
                raise InvalidData(
                    _(
                        "Conflit de planning : %(p)s est déjà attendu·e %(w)s (%(a)s).",
                        p=participant.display_name,
                        w=_when(other.weekday, other.start_minute, other.end_minute),
                        a=other.atelier.name,
                    )
                )
        others = [
            (o.start_minute, o.end_minute)
            for c, o in running
            if o.atelier_id == slot.atelier_id
            and o.weekday == slot.weekday
            and c.participant_id != participant.id
        ]
        if _peak(others, slot.start_minute, slot.end_minute) + 1 > atelier.capacity:
            raise InvalidData(
                _(
                    "%(a)s est complet %(w)s : %(n)d personnes au plus en même temps.",
                    a=atelier.name,
                    w=_when(slot.weekday, slot.start_minute, slot.end_minute),
                    n=atelier.capacity,
                )
            )


def create_contract(
    session: Session, actor_id: int, now: datetime, participant: Participant, data: ContractData
) -> Contract:
    floor = MIN_WEEKLY_MINUTES.get(session)
    minimum = data.min_weekly_minutes if data.min_weekly_minutes is not None else floor
    if participant.exit_date is not None:
        raise InvalidData(
            _(
                "%(p)s est sorti·e du dispositif : pas de nouveau contrat.",
                p=participant.display_name,
            )
        )
    if not data.referent_name.strip():
        raise InvalidData(_("Indiquez le ou la référent·e du contrat."))
    if data.end_date < data.start_date:
        raise InvalidData(_("La fin du contrat doit suivre son début."))
    if minimum < floor:
        raise InvalidData(
            _(
                "Le minimum d'heures par semaine ne peut pas être inférieur à %(m)s.",
                m=format_minutes(floor),
            )
        )
    planned = sum(s.end_minute - s.start_minute for s in data.slots)
    if data.slots and planned < minimum:
        raise InvalidData(
            _(
                "Le planning prévoit %(p)s par semaine ; le contrat en demande au moins %(m)s.",
                p=format_minutes(planned),
                m=format_minutes(minimum),
            )
        )
    previous = None
    if data.renewal_of_id is not None:
        previous = session.get(Contract, data.renewal_of_id)
        if previous is None or previous.participant_id != participant.id:
            raise InvalidData(_("Contrat à renouveler inconnu."))
    _check_slots(session, participant, data)
    contract = Contract(
        participant_id=participant.id,
        referent_name=data.referent_name.strip()[:120],
        start_date=data.start_date,
        end_date=data.end_date,
        min_weekly_minutes=minimum,
        signed_on=data.signed_on,
        renewal_of_id=data.renewal_of_id,
        created_by_id=actor_id,
        created_at=now,
    )
    contract.slots = [
        ContractSlot(
            atelier_id=s.atelier_id,
            weekday=s.weekday,
            start_minute=s.start_minute,
            end_minute=s.end_minute,
        )
        for s in data.slots
    ]
    session.add(contract)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="contract.created",
        target=f"participant:{participant.id}",
        details={
            "contract": contract.id,
            "planned_minutes": planned,
            "renewal_of": data.renewal_of_id,
        },
    )
    return contract


def renew_contract(
    session: Session,
    actor_id: int,
    now: datetime,
    contract: Contract,
    end_date: date,
    signed_on: date | None = None,
) -> Contract:
    """The same planning, from the day after the current contract's last day."""
    start = contract.last_day + timedelta(days=1)
    slots = tuple(
        SlotData(s.atelier_id, s.weekday, s.start_minute, s.end_minute) for s in contract.slots
    )
    return create_contract(
        session,
        actor_id,
        now,
        contract.participant,
        ContractData(
            contract.referent_name,
            start,
            end_date,
            slots,
            contract.min_weekly_minutes,
            signed_on,
            contract.id,
        ),
    )


def end_contract(
    session: Session, actor_id: int, now: datetime, contract: Contract, ended_on: date, reason: str
) -> None:
    if not reason.strip():
        raise InvalidData(_("Indiquez la raison de la fin du contrat."))
    if ended_on < contract.start_date:
        raise InvalidData(_("Le contrat ne peut pas finir avant d'avoir commencé."))
    contract.ended_on = min(ended_on, contract.end_date)
    contract.end_reason = reason.strip()[:200]
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="contract.ended",
        target=f"participant:{contract.participant_id}",
        details={"contract": contract.id},
    )


def current_contract(participant: Participant, day: date) -> Contract | None:
    running = [c for c in participant.contracts if c.start_date <= day <= c.last_day]
    return running[-1] if running else None


@dataclass(frozen=True)
class Expected:
    participant: Participant
    start_minute: int
    end_minute: int

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute


def expected_on(session: Session, atelier: Atelier, day: date) -> list[Expected]:
    """Who is planned in this atelier on this day (by the contracts running that day)."""
    rows = []
    for contract, slot in _active_slots(session, day, day, None):
        if (
            slot.atelier_id == atelier.id
            and slot.weekday == day.weekday()
            and contract.start_date <= day <= contract.last_day
        ):
            rows.append(Expected(contract.participant, slot.start_minute, slot.end_minute))
    return sorted(rows, key=lambda e: (e.start_minute, e.participant.display_name))


def week_planning(session: Session, atelier: Atelier, monday: date) -> list[list[Expected]]:
    return [expected_on(session, atelier, monday + timedelta(days=d)) for d in range(5)]
