"""The till's devices: serial scans, the receipt printer (state, reprint) and the cash drawer;
and the day's expected visits."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.api import ApiError, parse_body
from app.audit.services import record_audit
from app.clock import shop_date, utcnow
from app.extensions import db
from app.users.auth import require_permission
from app.users.roles import Permission
from participants.households.appointments import expected_today
from pos import schemas
from pos.api.common import MAX_ID, blueprint, till_from_request
from pos.models import Sale, Till
from pos.services.documents import ticket_reference
from pos.services.print_queue import printer_state
from pos.services.printing import queue_drawer, queue_duplicate
from pos.services.refunds import find_ticket
from pos.services.scans import latest_scan_id, scans_after
from pos.services.sessions import (
    till_by_code,
)


@blueprint.get("/scans")
@require_permission(Permission.TILL_SELL)
def serial_scans():
    """Codes read by the till's serial scanner since ``after`` (the page polls)."""
    till = till_from_request()
    after = request.args.get("after", default=0, type=int)
    if after < 0:  # a page that just opened: start after the newest scan
        return jsonify({"scans": [], "last": latest_scan_id(db.session, till.code)})
    after = min(after, MAX_ID)
    scans = scans_after(db.session, till.code, after)
    return jsonify(
        {
            "scans": [{"id": s.id, "code": s.code} for s in scans],
            "last": scans[-1].id if scans else after,
        }
    )


@blueprint.get("/appointments")
@require_permission(Permission.TILL_SELL)
def expected_visits():
    """The households expected today (time, name, came or not): the till's « Attendus
    aujourd'hui » list; nothing else of their file."""
    till_from_request()
    visits = expected_today(db.session, shop_date(utcnow()))
    return jsonify(
        schemas.ExpectedOut(
            visits=[{"time": t, "name": n, "status": s} for t, n, s in visits]
        ).model_dump()
    )


@blueprint.get("/printer")
@require_permission(Permission.TILL_SELL)
def printer():
    state = printer_state(db.session, till_from_request())
    return jsonify(schemas.PrinterStateOut(**state.__dict__).model_dump())


@blueprint.post("/printer/reprint")
@require_permission(Permission.TILL_SELL)
def reprint():
    body = parse_body(schemas.ReprintIn)
    till = till_by_code(db.session, body.till)
    if body.ticket:
        sale = find_ticket(db.session, body.ticket)
    else:
        sale = db.session.scalar(
            select(Sale).where(Sale.till_id == till.id).order_by(Sale.number.desc()).limit(1)
        )
        if sale is None:
            raise ApiError(_("Aucun ticket à réimprimer sur cette caisse."), 404)
    job = queue_duplicate(db.session, sale, utcnow())
    record_audit(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="till.duplicate",
        target=f"sale:{sale.uuid}",
        details={"job": job.id},
        site_id=sale.site_id,
    )
    reference = ticket_reference(db.session.get(Till, sale.till_id).code, sale.number)
    db.session.commit()
    return jsonify({"ticket": reference, "queued": True})


@blueprint.post("/printer/drawer")
@require_permission(Permission.TILL_SELL)
def open_drawer():
    till = till_by_code(db.session, parse_body(schemas.TillIn).till)
    queue_drawer(db.session, till, utcnow())
    record_audit(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="till.drawer",
        target=f"till:{till.code}",
        site_id=till.site_id,
    )
    db.session.commit()
    return jsonify({"queued": True})
