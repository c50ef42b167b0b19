"""Ateliers d'insertion: contracts and their weekly planning (capacity, conflicts, minimum
hours), roll calls, hours done against hours planned, evaluations, transversal actions, exits.

Hours are integer minutes. Hours done in a week = the roll calls' present minutes, plus, where
no roll call was taken that day in that atelier, the automatic hours: cash sessions opened and
closed by the participant's ``caissier`` account count for the atelier "quatre saisons" (their
real duration), and jardin deliveries listing the participant count for "jardinage" (the
planned jardinage minutes of that day, or the ``ateliers.harvest_minutes`` setting).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import forget_audit_details, record_audit, record_read
from participants.errors import InvalidData
from participants.models import (
    POSITIVE_EXITS,
    ActionKind,
    Atelier,
    Attendance,
    AttendanceStatus,
    Contract,
    ContractSlot,
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    ExitType,
    Participant,
    ParticipantStatus,
    ReferringBody,
    TransversalAction,
)
from participants.ports import HARVEST_DAYS, TILL_MINUTES
from participants.settings import HARVEST_MINUTES, INACTIVE_YEARS, MIN_WEEKLY_MINUTES

TILL_ATELIER = "quatre_saisons"
GARDEN_ATELIER = "jardinage"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
MAX_DAY_MINUTES = 10 * 60


def format_minutes(minutes: int) -> str:
    """540 → "9 h", 570 → "9 h 30", -90 → "-1 h 30"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours} h {rest:02d}" if rest else f"{sign}{hours} h"


def format_clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def parse_clock(text: str) -> int | None:
    """ "9:30", "9h30", "09 h", "14" → minutes after midnight; None when unreadable."""
    cleaned = (text or "").strip().lower().replace(" ", "").replace("h", ":").rstrip(":")
    hours, _sep, minutes = cleaned.partition(":")
    if not (hours.isascii() and hours.isdigit() and len(hours) <= 2) or (
        minutes and not (minutes.isascii() and minutes.isdigit() and len(minutes) <= 2)
    ):
        return None
    value = int(hours) * 60 + int(minutes or 0)
    return value if 0 <= int(hours) < 24 and int(minutes or 0) < 60 else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def days_between(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


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
        if contract.id == exclude_contract or contract.last_day < first:
            continue
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


# ---- evaluations ------------------------------------------------------------------------

DEFAULT_CRITERIA = (
    "Ponctualité",
    "Travail en équipe",
    "Autonomie",
    "Sécurité",
    "Respect des consignes",
)
SCORE_LABELS = {1: "Non acquis", 2: "En cours", 3: "Acquis avec aide", 4: "Acquis"}


def active_criteria(session: Session) -> list[EvaluationCriterion]:
    return list(
        session.scalars(
            select(EvaluationCriterion)
            .where(EvaluationCriterion.is_active)
            .order_by(EvaluationCriterion.position, EvaluationCriterion.id)
        )
    )


def add_criterion(session: Session, name: str) -> EvaluationCriterion:
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidData(_("Nom du critère : 1 à 80 caractères."))
    existing = session.scalar(select(EvaluationCriterion).where(EvaluationCriterion.name == name))
    if existing is not None:
        existing.is_active = True
        return existing
    position = len(active_criteria(session))
    criterion = EvaluationCriterion(name=name, position=position, is_active=True)
    session.add(criterion)
    session.flush()
    return criterion


def record_evaluation(
    session: Session,
    actor_id: int,
    now: datetime,
    participant: Participant,
    day: date,
    scores: dict[int, int],
    comment: str = "",
) -> Evaluation:
    criteria = {c.id for c in active_criteria(session)}
    if not scores or set(scores) - criteria:
        raise InvalidData(_("Notez chaque critère de la grille."))
    if any(score not in SCORE_LABELS for score in scores.values()):
        raise InvalidData(_("Chaque note va de 1 (non acquis) à 4 (acquis)."))
    evaluation = Evaluation(
        participant_id=participant.id,
        evaluated_on=day,
        evaluator_id=actor_id,
        comment=comment.strip() or None,
    )
    evaluation.scores = [EvaluationScore(criterion_id=c, score=s) for c, s in scores.items()]
    session.add(evaluation)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="evaluation.recorded",
        target=f"participant:{participant.id}",
    )
    return evaluation


def progress(session: Session, participant: Participant) -> dict[str, list[tuple[date, int]]]:
    """Per criterion, the scores in date order (the chart's series)."""
    series: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for evaluation in session.scalars(
        select(Evaluation)
        .where(Evaluation.participant_id == participant.id)
        .order_by(Evaluation.evaluated_on, Evaluation.id)
    ):
        for score in evaluation.scores:
            series[score.criterion.name].append((evaluation.evaluated_on, score.score))
    return dict(series)


# ---- transversal actions and exits ---------------------------------------------------------

STATUS_LABELS = {
    ParticipantStatus.RSA: "RSA",
    ParticipantStatus.AAH: "AAH",
    ParticipantStatus.JOB_SEEKER: "Demandeur·se d'emploi",
    ParticipantStatus.RETIRED: "Retraité·e",
    ParticipantStatus.OTHER: "Autre",
}
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
    """The exit ends the running contracts that day."""
    if participant.exit_date is not None:
        raise InvalidData(_("La sortie de %(p)s est déjà enregistrée.", p=participant.display_name))
    if day < participant.entry_date:
        raise InvalidData(_("La sortie ne peut pas précéder l'entrée."))
    participant.exit_date = day
    participant.exit_type = exit_type
    participant.exit_notes = notes.strip()[:300] or None
    for contract in participant.contracts:
        if contract.last_day > day and contract.start_date <= day:
            contract.ended_on = day
            contract.end_reason = _("Sortie : %(t)s", t=EXIT_LABELS[exit_type])
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
