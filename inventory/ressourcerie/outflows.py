"""What leaves the ressourcerie other than by a sale: recycling channels and the déchèterie,
weighed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.sites.models import FIRST_SITE_ID
from inventory.errors import InvalidData
from inventory.models import (
    ChoiceKind,
    Outflow,
    OutflowChannel,
)
from inventory.ressourcerie.choices import checked_references
from inventory.ressourcerie.items import net_grams


@dataclass(frozen=True)
class OutflowData:
    category_id: int
    channel: OutflowChannel
    day: date
    gross_grams: int
    tare_grams: int = 0
    partner: str = ""
    point_id: int | None = None  # the collection point it left from
    site_id: int = FIRST_SITE_ID


def record_outflow(
    session: Session, actor_id: int, now: datetime, today: date, data: OutflowData
) -> Outflow:
    checked_references(session, data.category_id, {ChoiceKind.POINT: (data.point_id, False)})
    net = net_grams(data.gross_grams, data.tare_grams)
    if data.day > today:
        raise InvalidData(_("La date ne peut pas être dans le futur."))
    if data.channel == OutflowChannel.PARTNER and not data.partner.strip():
        raise InvalidData(_("Nommez l'association partenaire."))
    outflow = Outflow(
        category_id=data.category_id,
        channel=data.channel,
        day=data.day,
        gross_grams=data.gross_grams,
        tare_grams=data.tare_grams,
        net_grams=net,
        partner=data.partner.strip()[:120] or None,
        point_id=data.point_id,
        site_id=data.site_id,
        recorded_by_id=actor_id,
        recorded_at=now,
    )
    session.add(outflow)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="ressourcerie.outflow",
        target=f"outflow:{outflow.id}",
        details={"net_grams": net, "channel": data.channel.value},
    )
    return outflow
