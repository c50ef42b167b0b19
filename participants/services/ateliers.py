"""Services over people records; the till and the stock reach them only through these."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from participants.models import Participant


def participant_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "First L.") of atelier participants, for attendance lists such as jardin deliveries."""
    rows = session.execute(
        select(Participant.id, Participant.first_name, Participant.last_name)
        .order_by(Participant.first_name, Participant.last_name)
    )
    return [(pid, f"{first} {last[:1]}.") for pid, first, last in rows]
