"""Giving up a sale the till never saw acknowledged (the network died mid-send, the cashier
starts again): an encadrant·e approves, a tombstone keeps the UUID from ever being recorded
later; if the sale had in fact been recorded, the till is told and shows it as done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.orm import lock_key
from app.users.models import User
from pos.errors import InvalidRequest
from pos.models import AbandonedSale, Sale, SaleKind
from pos.services.approvals import require_approval
from pos.services.documents import replayed_document
from pos.services.sessions import till_by_code


@dataclass(frozen=True, kw_only=True)
class AbandonRequest:
    uuid: str
    till_code: str
    reason: str
    approval_token: str


def abandon_sale(
    session: Session, operator: User, now: datetime, request: AbandonRequest
) -> tuple[AbandonedSale | None, Sale | None]:
    """Give up a sale the till never saw acknowledged: (tombstone, None), or (None, sale)
    when it had in fact been recorded (the till then shows it as done)."""
    lock_key(session, f"sale:{request.uuid}")
    till = till_by_code(session, request.till_code)
    existing = (
        replayed_document(session, request.uuid, SaleKind.SALE, request.till_code)
        if not session.scalar(select(AbandonedSale.id).where(AbandonedSale.uuid == request.uuid))
        else None
    )
    if existing is not None:
        return None, existing
    tombstone = session.scalar(select(AbandonedSale).where(AbandonedSale.uuid == request.uuid))
    if tombstone is not None:
        return tombstone, None
    if len(request.reason.strip()) < 3:
        raise InvalidRequest(_("Donnez la raison de l'abandon."))
    approver = require_approval(
        session,
        request.approval_token,
        action="abandon",
        till_code=till.code,
        subject={"sale_uuid": request.uuid},
        used_for=f"abandon:{request.uuid}",
        now=now,
        message=_("Abandonner une vente est validé par un·e encadrant·e."),
    )
    tombstone = AbandonedSale(
        uuid=request.uuid,
        till_id=till.id,
        abandoned_at=now,
        operator_id=operator.id,
        approved_by_id=approver.id,
        reason=request.reason.strip()[:200],
        site_id=till.site_id,
    )
    session.add(tombstone)
    session.flush()
    record_audit(
        session,
        actor_id=approver.id,
        now=now,
        action="till.sale_abandoned",
        target=f"sale:{request.uuid}",
        details={"till": till.code, "operator_id": operator.id, "reason": tombstone.reason},
        site_id=till.site_id,
    )
    return tombstone, None
