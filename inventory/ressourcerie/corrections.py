"""Corrections of a weight typed wrong (an intake or an outflow): a linked record saying who,
when, why, the net weight before and after. The original is never edited; the figures (the
tonnage report, its exports) take the latest correction of each record."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.values import InvalidValue, parse_text
from inventory.errors import InvalidData
from inventory.models import Intake, Outflow, WeightCorrection

MAX_GRAMS = 100_000_000  # a hundred tonnes: anything above is a typing error


def effective_net(session: Session, record: Intake | Outflow) -> int:
    """The net weight the figures use: the latest correction's, or the record's own."""
    column = (
        WeightCorrection.intake_id if isinstance(record, Intake) else WeightCorrection.outflow_id
    )
    latest = session.scalar(
        select(WeightCorrection.new_net_grams)
        .where(column == record.id)
        .order_by(WeightCorrection.id.desc())
        .limit(1)
    )
    return latest if latest is not None else record.net_grams


def correct_weight(
    session: Session,
    actor_id: int,
    now: datetime,
    record: Intake | Outflow,
    new_net_grams: int,
    reason: str,
) -> WeightCorrection:
    try:
        why = parse_text(reason, _("Motif de la correction"), max_length=200, required=True)
    except InvalidValue as error:
        raise InvalidData(error.message) from None
    if not 0 < new_net_grams <= MAX_GRAMS:
        raise InvalidData(_("Le poids net corrigé doit être positif (cent tonnes au plus)."))
    before = effective_net(session, record)
    if new_net_grams == before:
        raise InvalidData(_("C'est déjà le poids enregistré : rien à corriger."))
    correction = WeightCorrection(
        intake_id=record.id if isinstance(record, Intake) else None,
        outflow_id=record.id if isinstance(record, Outflow) else None,
        old_net_grams=before,
        new_net_grams=new_net_grams,
        reason=why,
        corrected_by_id=actor_id,
        corrected_at=now,
    )
    session.add(correction)
    session.flush()
    kind = "intake" if isinstance(record, Intake) else "outflow"
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="ressourcerie.weight_corrected",
        target=f"{kind}:{record.id}",
        details={"avant": before, "après": new_net_grams},
    )
    return correction


def latest_corrections(column):
    """A subquery (record id ``rid``, corrected net ``net``) of each record's latest
    correction, for ``WeightCorrection.intake_id`` or ``WeightCorrection.outflow_id``."""
    latest_ids = select(func.max(WeightCorrection.id)).where(column.is_not(None)).group_by(column)
    return (
        select(column.label("rid"), WeightCorrection.new_net_grams.label("net"))
        .where(WeightCorrection.id.in_(latest_ids))
        .subquery()
    )


def corrections_of(session: Session, records) -> dict[tuple[str, int], WeightCorrection]:
    """The latest correction of each record shown on a page: ("intake"|"outflow", id) → it."""
    found: dict[tuple[str, int], WeightCorrection] = {}
    intake_ids = [r.id for r in records if isinstance(r, Intake)]
    outflow_ids = [r.id for r in records if isinstance(r, Outflow)]
    rows = session.scalars(
        select(WeightCorrection)
        .where(
            WeightCorrection.intake_id.in_(intake_ids)
            | WeightCorrection.outflow_id.in_(outflow_ids)
        )
        .order_by(WeightCorrection.id)
    )
    for row in rows:
        key = ("intake", row.intake_id) if row.intake_id else ("outflow", row.outflow_id)
        found[key] = row
    return found
