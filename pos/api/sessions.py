"""The till's session: its state, opening, approvals by an encadrant·e's badge, cash in and out,
the X report and the closing."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import ApiError, error_response, parse_body
from app.clock import shop_date, utcnow
from app.extensions import db
from app.users.approvals import grant_approval
from app.users.auth import require_permission
from app.users.errors import ApprovalRefused
from app.users.models import User
from app.users.roles import Permission
from pos import schemas
from pos.api.common import blueprint, session_in_use, till_from_request
from pos.models import Till
from pos.services.printing import queue_session_report
from pos.services.sessions import (
    close_session,
    open_session,
    open_session_of,
    record_cash_movement,
    till_by_code,
    x_report,
)


@blueprint.get("/session")
@require_permission(Permission.TILL_SELL)
def session_state():
    till = till_from_request()
    current = open_session_of(db.session, till)
    today = shop_date(utcnow())
    return jsonify(
        schemas.SessionOut(
            till=till.code,
            open=current is not None,
            stale=bool(current and current.business_date != today),
            business_date=current.business_date.isoformat() if current else None,
            float_cents=current.float_cents if current else None,
            operator=current_user.display_name,
        ).model_dump()
    )


@blueprint.post("/session/open")
@require_permission(Permission.TILL_SELL)
def session_open():
    body = parse_body(schemas.OpenSessionIn)
    cash_session = open_session(
        db.session, till_by_code(db.session, body.till), current_user, utcnow(), body.float_detail
    )
    db.session.commit()
    return jsonify(
        {
            "float_cents": cash_session.float_cents,
            "business_date": cash_session.business_date.isoformat(),
        }
    )


@blueprint.post("/approvals")
@require_permission(Permission.TILL_SELL)
def approve():
    """An encadrant·e's badge and PIN for one action: a single-use token, or a refusal that
    counts towards the lock-out like a failed login (committed before answering)."""
    body = parse_body(schemas.ApprovalIn)
    till = till_by_code(db.session, body.till)
    now = utcnow()
    try:
        approval = grant_approval(
            db.session,
            badge=body.badge,
            pin=body.pin,
            action=body.action,
            scope=f"till:{till.code}",
            requested_by=current_user,
            now=now,
            subject=body.subject.model_dump(exclude_none=True, mode="json")
            if body.subject
            else None,
            remote_addr=request.remote_addr,
        )
    except ApprovalRefused as error:
        db.session.commit()  # the failure and its audit line are kept
        return error_response(ApiError(error.message, error.status, error.code))
    approver_name = db.session.get(User, approval.approver_id).display_name
    db.session.commit()
    return jsonify(
        schemas.ApprovalOut(
            token=approval.token,
            action=approval.action,
            approver=approver_name,
            expires_at=approval.expires_at.isoformat(),
        ).model_dump()
    )


@blueprint.post("/session/cash")
@require_permission(Permission.TILL_SELL)
def session_cash():
    body = parse_body(schemas.CashMovementIn)
    cash_session = session_in_use(till_by_code(db.session, body.till))
    record_cash_movement(
        db.session,
        cash_session,
        current_user,
        utcnow(),
        body.amount_cents,
        body.reason,
        body.approval_token,
        str(body.uuid),
    )
    expected = x_report(db.session, cash_session).expected["cash"]
    db.session.commit()
    return jsonify(schemas.CashMovementOut(ok=True, expected_cash_cents=expected).model_dump())


@blueprint.get("/session/x")
@require_permission(Permission.TILL_SELL)
def session_x():
    report = x_report(db.session, session_in_use(till_from_request(), allow_stale=True))
    return jsonify(schemas.XReportOut(**report.__dict__).model_dump())


@blueprint.post("/session/x/print")
@require_permission(Permission.TILL_SELL)
def print_session_x():
    """The X report on the till's printer (the day so far; nothing is closed)."""
    till = till_by_code(db.session, parse_body(schemas.TillIn).till)
    if till.printer_kind == "none":
        raise ApiError(_("Aucune imprimante n'est réglée pour cette caisse."), 409, "no_printer")
    queue_session_report(
        db.session, session_in_use(till, allow_stale=True), utcnow(), current_user.display_name
    )
    db.session.commit()
    return jsonify({"queued": True})


@blueprint.post("/session/close")
@require_permission(Permission.TILL_SELL)
def session_close():
    body = parse_body(schemas.CloseSessionIn)
    closed = close_session(
        db.session,
        session_in_use(till_by_code(db.session, body.till), allow_stale=True),
        current_user,
        utcnow(),
        body.counted.model_dump(),
        body.reason,
        body.approval_token,
    )
    till = db.session.get(Till, closed.till_id)
    if till.printer_kind != "none":  # the Z report comes out with the closing
        queue_session_report(db.session, closed, utcnow(), current_user.display_name)
    db.session.commit()
    return jsonify(
        schemas.SessionClosedOut(
            difference_cents=closed.difference_cents,
            expected=closed.expected,
            counted=closed.counted,
        ).model_dump()
    )
