"""What the till's API modules share: the blueprint, the till named in a request, the open
session, the answer for a sale, and recording a document exactly once."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.api import ApiError
from app.clock import shop_date, utcnow
from app.extensions import db
from pos import schemas
from pos.models import SaleKind, Till
from pos.services.documents import replayed_document, ticket_reference
from pos.services.sessions import (
    open_session_of,
    till_by_code,
    usable_session,
)

blueprint = Blueprint("pos_api", __name__)
MAX_ID = 2_147_483_647


def till_from_request() -> Till:
    code = request.args.get("till", "")
    if not code:
        raise ApiError(_("Paramètre « till » obligatoire : le code de la caisse."), 422)
    return till_by_code(db.session, code[:20])


def sale_answer(sale, created: bool, till_code: str | None = None) -> dict:
    """What the till is told of a recorded document (``till_code``: when the caller knows it,
    a replay being checked against its till)."""
    till_code = till_code or db.session.get(Till, sale.till_id).code
    return schemas.SaleOut(
        uuid=sale.uuid,
        ticket=ticket_reference(till_code, sale.number),
        number=sale.number,
        total_cents=sale.total_cents,
        reference_total_cents=sale.reference_total_cents,
        change_cents=sale.change_cents,
        created=created,
    ).model_dump()


def session_in_use(till: Till, allow_stale: bool = False):
    if allow_stale:
        current = open_session_of(db.session, till)
        if current is None:
            raise ApiError(_("La caisse n'est pas ouverte."), 409, "session_problem")
        return current
    return usable_session(db.session, till, shop_date(utcnow()))


def record_once(record, uuid: str, kind: SaleKind, till_code: str, offline_code: str | None = None):
    """Run ``record`` and commit; if a twin request committed the same UUID first, answer
    with that document (exactly once, whatever the retries). ``offline_code``: a sale made
    offline answers under the till's offline series."""
    code = None if offline_code else till_code  # an offline sale may be either: look it up
    try:
        document, created = record()
        answer = sale_answer(document, created, code)  # before the commit expires it
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        document = replayed_document(db.session, uuid, kind, till_code, offline_code)
        created = False
        if document is None:
            raise
        answer = sale_answer(document, created, code)
    return jsonify(answer), 201 if created else 200
