"""Transversal actions (health check-ups, job coaching, outings…) and exits, with the yearly
table of exits for the funders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from participants.errors import InvalidData
from participants.models import (
    POSITIVE_EXITS,
    ActionKind,
    ExitType,
    Participant,
    TransversalAction,
)

# ---- transversal actions and exits ---------------------------------------------------------

ACTION_LABELS = {
    ActionKind.HEALTH_CHECK: "Bilan de santé",
    ActionKind.JOB_COACHING: "Accompagnement à l'emploi (CV, entretiens)",
    ActionKind.OUTING: "Sortie",
    ActionKind.COMPANY_VISIT: "Visite d'entreprise",
    ActionKind.CULTURAL_EVENT: "Événement culturel",
}
EXIT_LABELS = {
    ExitType.CDI: "CDI",
    ExitType.CDD: "CDD",
    ExitType.CONTRAT_AIDE: "Contrat aidé / CUI",
    ExitType.TRAINING: "Entrée en formation",
    ExitType.INTEGRATION_WORKSITE: "Embauche en chantier d'insertion",
    ExitType.ABSENCES: "Absences répétées",
    ExitType.HEALTH: "Raisons de santé",
    ExitType.MOVED: "Déménagement",
    ExitType.NO_SOLUTION: "Sans solution",
}


def create_action(
    session: Session,
    actor_id: int,
    now: datetime,
    kind: ActionKind,
    title: str,
    day: date,
    participant_ids: list[int],
    notes: str = "",
) -> TransversalAction:
    if not title.strip():
        raise InvalidData(_("Donnez un intitulé à l'action."))
    people = list(session.scalars(select(Participant).where(Participant.id.in_(participant_ids))))
    if not people:
        raise InvalidData(_("Cochez au moins un·e participant·e."))
    action = TransversalAction(
        kind=kind,
        title=title.strip()[:160],
        day=day,
        notes=notes.strip()[:500] or None,
        created_by_id=actor_id,
        participants=people,
    )
    session.add(action)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="action.created",
        target=f"action:{action.id}",
        details={"participants": len(people)},
    )
    return action


def record_exit(
    session: Session,
    actor_id: int,
    now: datetime,
    participant: Participant,
    day: date,
    exit_type: ExitType,
    notes: str = "",
) -> None:
    """The exit ends the running contract that day and cancels those still to come (a renewal
    signed ahead, a contract starting later): their planning seats are free again."""
    if participant.exit_date is not None:
        raise InvalidData(_("La sortie de %(p)s est déjà enregistrée.", p=participant.display_name))
    if day < participant.entry_date:
        raise InvalidData(_("La sortie ne peut pas précéder l'entrée."))
    participant.exit_date = day
    participant.exit_type = exit_type
    participant.exit_notes = notes.strip()[:300] or None
    for contract in participant.contracts:
        if contract.last_day <= day:
            continue  # over before the exit
        contract.ended_on = day  # a contract starting later ends before it begins: cancelled
        contract.end_reason = (
            _("Sortie : %(t)s", t=EXIT_LABELS[exit_type])
            if contract.start_date <= day
            else _("Annulé, sortie : %(t)s", t=EXIT_LABELS[exit_type])
        )
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="participant.exit",
        target=f"participant:{participant.id}",
    )


@dataclass(frozen=True)
class ExitsTable:
    year: int
    by_type: dict[ExitType, int]

    @property
    def positive(self) -> int:
        return sum(n for t, n in self.by_type.items() if t in POSITIVE_EXITS)

    @property
    def without_solution(self) -> int:
        return sum(n for t, n in self.by_type.items() if t not in POSITIVE_EXITS)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def exits_table(session: Session, year: int) -> ExitsTable:
    """The yearly table: "sorties positives par type" and "sorties sans solution"."""
    counts = dict.fromkeys(ExitType, 0)
    for exit_type in session.scalars(
        select(Participant.exit_type).where(
            Participant.exit_date >= date(year, 1, 1), Participant.exit_date <= date(year, 12, 31)
        )
    ):
        counts[exit_type] += 1
    return ExitsTable(year, counts)
