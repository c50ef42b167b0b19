"""Hours done against hours planned. Hours done in a week = the roll calls' present minutes,
plus, where no roll call was taken that day in that atelier, the automatic hours: cash sessions
opened and closed by the participant's ``caissier`` account count for the atelier "quatre
saisons" (their real duration), and jardin deliveries listing the participant count for
"jardinage" (the planned jardinage minutes of that day, or the ``ateliers.harvest_minutes``
setting). The till and the jardin answer through participants.ports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from participants.ateliers.common import (
    GARDEN_ATELIER,
    MAX_DAY_MINUTES,
    TILL_ATELIER,
    days_between,
    monday_of,
)
from participants.ateliers.contracts import current_contract
from participants.models import (
    Atelier,
    Attendance,
    AttendanceStatus,
    Contract,
    Participant,
)
from participants.ports import HARVEST_DAYS, TILL_MINUTES
from participants.settings import HARVEST_MINUTES


def planned_minutes(contracts: list[Contract], first: date, last: date) -> int:
    """Minutes planned from ``first`` to ``last`` inclusive, day by day (a contract starting on
    a Wednesday plans nothing on that week's Monday and Tuesday)."""
    total = 0
    for contract in contracts:
        for day in days_between(max(first, contract.start_date), min(last, contract.last_day)):
            total += sum(s.minutes for s in contract.slots if s.weekday == day.weekday())
    return total


def _planned_in(contracts: list[Contract], atelier_id: int, day: date) -> int:
    return sum(
        s.minutes
        for c in contracts
        if c.start_date <= day <= c.last_day
        for s in c.slots
        if s.atelier_id == atelier_id and s.weekday == day.weekday()
    )


def done_minutes(
    session: Session, participant: Participant, first: date, last: date
) -> dict[str, int]:
    """Minutes done in [first, last], by source: roll calls, the till, the jardin."""
    ateliers = {
        a.code: a
        for a in session.scalars(
            select(Atelier).where(Atelier.code.in_((TILL_ATELIER, GARDEN_ATELIER)))
        )
    }
    calls = session.scalars(
        select(Attendance).where(
            Attendance.participant_id == participant.id,
            Attendance.day >= first,
            Attendance.day <= last,
        )
    ).all()
    called = {(a.atelier_id, a.day) for a in calls}
    done = {
        "appel": sum(a.minutes for a in calls if a.status == AttendanceStatus.PRESENT),
        "caisse": 0,
        "jardin": 0,
    }
    till = ateliers.get(TILL_ATELIER)
    if till is not None and participant.user_id is not None:
        by_day = TILL_MINUTES(session, participant.user_id, first, last)
        done["caisse"] = sum(
            min(minutes, MAX_DAY_MINUTES)
            for day, minutes in by_day.items()
            if (till.id, day) not in called
        )
    garden = ateliers.get(GARDEN_ATELIER)
    if garden is not None:
        days = HARVEST_DAYS(session, participant.id, first, last)
        default = HARVEST_MINUTES.get(session)
        done["jardin"] = sum(
            _planned_in(participant.contracts, garden.id, day) or default
            for day in days
            if (garden.id, day) not in called
        )
    return done


@dataclass(frozen=True)
class WeekHours:
    monday: date
    planned_minutes: int  # the whole week, as the contract plans it
    planned_to_date_minutes: int  # what is already due in the week in progress
    done_minutes: int
    by_source: dict[str, int]
    minimum_minutes: int

    @property
    def alert(self) -> bool:
        return self.done_minutes < self.planned_to_date_minutes

    @property
    def missing_minutes(self) -> int:
        return max(self.planned_to_date_minutes - self.done_minutes, 0)


def weekly_hours(
    session: Session, participant: Participant, first_monday: date, weeks: int, today: date
) -> list[WeekHours]:
    # Today is due once its roll call is taken (an absence shows at once); else from tomorrow.
    called_today = session.scalar(
        select(Attendance.id)
        .where(Attendance.participant_id == participant.id, Attendance.day == today)
        .limit(1)
    )
    due_until = today if called_today is not None else today - timedelta(days=1)
    result = []
    for index in range(weeks):
        monday = first_monday + timedelta(weeks=index)
        sunday = monday + timedelta(days=6)
        contracts = [
            c for c in participant.contracts if c.start_date <= sunday and c.last_day >= monday
        ]
        by_source = done_minutes(session, participant, monday, sunday)
        minimum = max((c.min_weekly_minutes for c in contracts), default=0)
        result.append(
            WeekHours(
                monday,
                planned_minutes(contracts, monday, sunday),
                planned_minutes(contracts, monday, min(sunday, due_until))
                if monday <= due_until
                else 0,
                sum(by_source.values()),
                by_source,
                minimum,
            )
        )
    return result


def hours_alerts(session: Session, today: date) -> list[tuple[Participant, WeekHours]]:
    """Participants under their planned hours this week so far (or last week)."""
    alerts = []
    monday = monday_of(today)
    for participant in session.scalars(
        select(Participant)
        .where(Participant.exit_date.is_(None), Participant.anonymised_at.is_(None))
        .order_by(Participant.first_name)
    ):
        if current_contract(participant, today) is None and not any(
            c.last_day >= monday - timedelta(days=7) for c in participant.contracts
        ):
            continue
        weeks = weekly_hours(session, participant, monday - timedelta(weeks=1), 2, today)
        late = [w for w in weeks if w.alert]
        if late:
            alerts.append((participant, late[-1]))
    return alerts
