"""Evaluation grids: criteria, scores from 1 to 4, each participant's progress."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from participants.errors import InvalidData
from participants.models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    Participant,
)

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


def retire_criterion(session: Session, criterion_id: int) -> None:
    """The criterion leaves the grid; past scores keep it."""
    criterion = session.get(EvaluationCriterion, criterion_id)
    if criterion is None or not criterion.is_active:
        raise InvalidData(_("Ce critère n'est plus dans la grille."))
    criterion.is_active = False
