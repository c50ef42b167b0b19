"""Roll calls: who was present, justified or absent in an atelier on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from participants.ateliers.common import MAX_DAY_MINUTES, format_minutes
from participants.errors import InvalidData
from participants.models import (
    Atelier,
    Attendance,
    AttendanceStatus,
    Participant,
)

# ---- roll call and hours -------------------------------------------------------------------


@dataclass(frozen=True)
class RollCallEntry:
    participant_id: int
    status: AttendanceStatus
    minutes: int


def record_roll_call(
    session: Session,
    actor_id: int,
    now: datetime,
    today: date,
    atelier: Atelier,
    day: date,
    entries: list[RollCallEntry],
) -> int:
    if day > today:
        raise InvalidData(_("L'appel se fait le jour même ou après, pas à l'avance."))
    if day.weekday() > 4:
        raise InvalidData(_("Les ateliers sont fermés le week-end."))
    limit = min(atelier.closes_at - atelier.opens_at, MAX_DAY_MINUTES)
    known = {
        p
        for (p,) in session.execute(
            select(Participant.id).where(Participant.id.in_([e.participant_id for e in entries]))
        )
    }
    for entry in entries:
        if entry.participant_id not in known:
            raise InvalidData(_("Participant·e inconnu·e."))
        if entry.status == AttendanceStatus.PRESENT and not 0 < entry.minutes <= limit:
            raise InvalidData(
                _("Durée de présence invalide (entre 0 h et %(m)s).", m=format_minutes(limit))
            )
    for entry in entries:
        attendance = session.scalar(
            select(Attendance).where(
                Attendance.participant_id == entry.participant_id,
                Attendance.atelier_id == atelier.id,
                Attendance.day == day,
            )
        )
        if attendance is None:
            attendance = Attendance(
                participant_id=entry.participant_id, atelier_id=atelier.id, day=day
            )
            session.add(attendance)
        attendance.status = entry.status
        attendance.minutes = entry.minutes if entry.status == AttendanceStatus.PRESENT else 0
        attendance.recorded_by_id = actor_id
        attendance.recorded_at = now
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="attendance.recorded",
        target=f"atelier:{atelier.code}",
        details={"day": day.isoformat(), "count": len(entries)},
    )
    return len(entries)


def roll_call_of(session: Session, atelier: Atelier, day: date) -> dict[int, Attendance]:
    return {
        a.participant_id: a
        for a in session.scalars(
            select(Attendance).where(Attendance.atelier_id == atelier.id, Attendance.day == day)
        )
    }
