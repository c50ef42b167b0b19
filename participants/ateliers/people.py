"""Atelier participants: their file (opened as a logged read), the list for attendance forms,
and their anonymisation after the retention period (RGPD)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import forget_audit_details, record_audit, record_read
from app.users.models import User
from app.users.roles import Role
from participants.ateliers.exits import ACTION_LABELS
from participants.errors import InvalidData
from participants.models import (
    Evaluation,
    Participant,
    ParticipantStatus,
    ReferringBody,
    TransversalAction,
)
from participants.settings import INACTIVE_YEARS

# ---- participants -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantData:
    first_name: str
    last_name: str
    status: ParticipantStatus
    referring_body: ReferringBody
    referrer_name: str
    entry_date: date
    user_id: int | None = None


def save_participant(
    session: Session,
    actor_id: int,
    now: datetime,
    data: ParticipantData,
    participant: Participant | None = None,
) -> Participant:
    if not data.first_name.strip() or not data.last_name.strip():
        raise InvalidData(_("Le prénom et le nom sont obligatoires."))
    if data.user_id is not None:
        account = session.get(User, data.user_id)
        if account is None or account.role != Role.CAISSIER:
            raise InvalidData(_("Le compte lié doit être un compte de caisse (badge)."))
        taken = session.scalar(select(Participant.id).where(Participant.user_id == data.user_id))
        if taken is not None and (participant is None or taken != participant.id):
            raise InvalidData(_("Ce compte de caisse est déjà lié à un·e autre participant·e."))
    created = participant is None
    participant = participant or Participant()
    participant.first_name = data.first_name.strip()[:80]
    participant.last_name = data.last_name.strip()[:80]
    participant.status = data.status
    participant.referring_body = data.referring_body
    participant.referrer_name = data.referrer_name.strip()[:120]
    participant.entry_date = data.entry_date
    participant.user_id = data.user_id
    session.add(participant)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="participant.created" if created else "participant.updated",
        target=f"participant:{participant.id}",
    )
    return participant


STATUS_LABELS = {
    ParticipantStatus.RSA: "RSA",
    ParticipantStatus.AAH: "AAH",
    ParticipantStatus.JOB_SEEKER: "Demandeur·se d'emploi",
    ParticipantStatus.RETIRED: "Retraité·e",
    ParticipantStatus.OTHER: "Autre",
}
# ---- privacy ----------------------------------------------------------------------------------


def open_participant_file(
    session: Session, user, participant_id: int, now: datetime, remote_addr: str | None
) -> Participant | None:
    """The file, its read logged (who, when); None if unknown or anonymised."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.anonymised_at is not None:
        return None
    record_read(
        session,
        actor_id=user.id,
        now=now,
        action="participant.viewed",
        target=f"participant:{participant.id}",
        remote_addr=remote_addr,
    )
    return participant


def participants_to_anonymise(session: Session, today: date) -> list[Participant]:
    """Exited more than ``rgpd.inactive_years`` ago (DOMAIN.md: 2 years after the last
    contact)."""
    years = INACTIVE_YEARS.get(session)
    limit = today.replace(year=today.year - years)
    return list(
        session.scalars(
            select(Participant)
            .where(
                Participant.anonymised_at.is_(None),
                Participant.exit_date.is_not(None),
                Participant.exit_date < limit,
            )
            .order_by(Participant.exit_date)
        )
    )


def anonymise_participant(
    session: Session, actor_id: int, now: datetime, participant: Participant
) -> None:
    """Identity and free text go; status, dates, hours and exit type stay for the figures."""
    participant.first_name = "Participant·e"
    participant.last_name = f"n° {participant.id}"
    participant.referrer_name = "—"
    participant.exit_notes = None
    participant.user_id = None
    participant.anonymised_at = now
    for evaluation in session.scalars(
        select(Evaluation).where(Evaluation.participant_id == participant.id)
    ):
        evaluation.comment = None
    for contract in participant.contracts:
        contract.referent_name = "—"
        contract.end_reason = None
    # Group actions keep their date, kind and the number present; what was written about them
    # (a title or notes may name the person) goes.
    for action in session.scalars(
        select(TransversalAction).where(
            TransversalAction.participants.any(Participant.id == participant.id)
        )
    ):
        action.title = ACTION_LABELS.get(action.kind, str(action.kind))
        action.notes = None
    forget_audit_details(session, f"participant:{participant.id}")
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="participant.anonymised",
        target=f"participant:{participant.id}",
    )


def participant_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "First L.") of atelier participants, for attendance lists such as jardin deliveries."""
    rows = session.execute(
        select(Participant.id, Participant.first_name, Participant.last_name)
        .where(Participant.exit_date.is_(None), Participant.anonymised_at.is_(None))
        .order_by(Participant.first_name, Participant.last_name)
    )
    return [(pid, f"{first} {last[:1]}.") for pid, first, last in rows]
