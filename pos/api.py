"""The till's JSON API: catalogue, session, sales, refunds (see /api/openapi.json)."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.api import ApiError, error_response, openapi_document, parse_body
from app.audit.services import record_audit
from app.clock import shop_date, utcnow
from app.extensions import db
from app.users.auth import require_permission
from app.users.roles import Permission
from app.users.services import find_user_by_badge
from inventory.models import BarcodeRule, Product
from pos import schemas
from pos.errors import NotFound, TillError
from pos.models import PaymentMethod, Sale, Till
from pos.services.printing import printer_state, queue_drawer, queue_duplicate
from pos.services.refunds import RefundRequest, find_ticket, record_refund, refunded_quantities
from pos.services.sales import (
    LineRequest,
    PaymentRequest,
    SaleRequest,
    find_sale,
    record_sale,
    ticket_reference,
)
from pos.services.scans import latest_scan_id, scans_after
from pos.services.sessions import (
    close_session,
    open_session,
    open_session_of,
    record_cash_movement,
    till_by_code,
    usable_session,
    x_report,
)

blueprint = Blueprint("pos_api", __name__)


@blueprint.errorhandler(ApiError)
def _api_error(error: ApiError):
    db.session.rollback()
    return error_response(error)


@blueprint.errorhandler(TillError)
def _till_error(error: TillError):
    db.session.rollback()
    return error_response(ApiError(error.message, error.status, **error.details))


def _sale_out(sale, created: bool) -> dict:
    till_code = db.session.get(Till, sale.till_id).code
    return schemas.SaleOut(
        uuid=sale.uuid, ticket=ticket_reference(till_code, sale.number), number=sale.number,
        total_cents=sale.total_cents, reference_total_cents=sale.reference_total_cents,
        change_cents=sale.change_cents, created=created).model_dump()


@blueprint.get("/catalogue")
@require_permission(Permission.TILL_SELL)
def catalogue():
    products = db.session.scalars(
        select(Product).options(selectinload(Product.barcodes)).where(Product.is_active)
        .order_by(Product.id))
    rules = db.session.scalars(select(BarcodeRule).order_by(BarcodeRule.sequence, BarcodeRule.id))
    payload = {
        "products": [{"id": p.id, "name": p.name, "unit": p.unit.value,
                      "price_cents": p.reference_price_cents, "vat_rate_bp": p.vat_rate_bp,
                      "per_visit_limit": p.per_visit_limit,
                      "barcodes": [b.code for b in p.barcodes]} for p in products],
        "rules": [{"kind": r.kind.value, "pattern": r.pattern} for r in rules],
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    version = hashlib.sha256(body.encode()).hexdigest()[:16]
    if request.if_none_match.contains(version):
        return "", 304, {"ETag": f'"{version}"'}
    return body, 200, {"Content-Type": "application/json; charset=utf-8",
                       "ETag": f'"{version}"', "Cache-Control": "no-cache"}


@blueprint.get("/session")
@require_permission(Permission.TILL_SELL)
def session_state():
    till = till_by_code(db.session, request.args.get("till", ""))
    current = open_session_of(db.session, till)
    today = shop_date(utcnow())
    return jsonify(schemas.SessionOut(
        till=till.code, open=current is not None,
        stale=bool(current and current.business_date != today),
        business_date=current.business_date.isoformat() if current else None,
        float_cents=current.float_cents if current else None,
        operator=current_user.display_name).model_dump())


@blueprint.post("/session/open")
@require_permission(Permission.TILL_SELL)
def session_open():
    body = parse_body(schemas.OpenSessionIn)
    cash_session = open_session(db.session, till_by_code(db.session, body.till), current_user,
                                utcnow(), body.float_detail)
    db.session.commit()
    return jsonify({"float_cents": cash_session.float_cents,
                    "business_date": cash_session.business_date.isoformat()})


def _current(till_code: str, allow_stale: bool = False):
    till = till_by_code(db.session, till_code)
    if allow_stale:
        current = open_session_of(db.session, till)
        if current is None:
            raise ApiError(_("La caisse n'est pas ouverte."), 409)
        return current
    return usable_session(db.session, till, shop_date(utcnow()))


@blueprint.post("/session/cash")
@require_permission(Permission.TILL_SELL)
def session_cash():
    body = parse_body(schemas.CashMovementIn)
    record_cash_movement(db.session, _current(body.till), current_user, utcnow(),
                         body.amount_cents, body.reason)
    db.session.commit()
    return jsonify({"ok": True})


@blueprint.get("/session/x")
@require_permission(Permission.TILL_SELL)
def session_x():
    report = x_report(db.session, _current(request.args.get("till", ""), allow_stale=True))
    return jsonify(schemas.XReportOut(**report.__dict__).model_dump())


@blueprint.post("/session/close")
@require_permission(Permission.TILL_SELL)
def session_close():
    body = parse_body(schemas.CloseSessionIn)
    approver = find_user_by_badge(db.session, body.approver_badge or "")
    closed = close_session(db.session, _current(body.till, allow_stale=True), current_user,
                           utcnow(), body.counted.model_dump(), body.reason, approver)
    db.session.commit()
    return jsonify({"difference_cents": closed.difference_cents, "expected": closed.expected,
                    "counted": closed.counted})


@blueprint.post("/sales")
@require_permission(Permission.TILL_SELL)
def create_sale():
    body = parse_body(schemas.SaleIn)
    sale_request = SaleRequest(
        uuid=str(body.uuid), till_code=body.till,
        lines=tuple(LineRequest(line.product_id, line.quantity, line.embedded_price_cents,
                                line.manual_unit_price_cents, line.price_reason)
                    for line in body.lines),
        payments=tuple(PaymentRequest(PaymentMethod(p.method), p.amount_cents)
                       for p in body.payments),
        expected_total_cents=body.expected_total_cents, card_code=body.card_code,
        receipt_requested=body.receipt_requested, override_badge=body.override_badge,
        items=tuple(number.strip().upper() for number in body.items),
    )
    now = utcnow()
    return _record_once(
        lambda: record_sale(db.session, current_user, now, shop_date(now), sale_request),
        str(body.uuid))


def _record_once(record, uuid: str):
    """Run ``record`` and commit; if a twin request committed the same UUID first, answer
    with that document (exactly once, whatever the retries)."""
    try:
        document, created = record()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        document, created = find_sale(db.session, uuid), False
        if document is None:
            raise
    return jsonify(_sale_out(document, created)), 201 if created else 200


@blueprint.get("/objets/<number>")
@require_permission(Permission.TILL_SELL)
def ressourcerie_item(number: str):
    """A scanned ressourcerie tag: what the till adds, or why it cannot be sold."""
    from inventory.models import ItemState, RessourcerieItem
    from inventory.services.ressourcerie import STATE_LABELS

    item = db.session.scalar(select(RessourcerieItem).where(
        RessourcerieItem.number == number.strip().upper()))
    if item is None:
        raise NotFound(_("Objet %(n)s inconnu.", n=number))
    sellable = item.state == ItemState.READY and item.price_cents is not None
    return jsonify(schemas.ItemOut(
        number=item.number, label=f"{item.description} (n° {item.number})",
        price_cents=item.price_cents, state=item.state.value, sellable=sellable,
        message="" if sellable else _("L'objet %(n)s n'est pas en vente (%(s)s).",
                                      n=item.number, s=STATE_LABELS[item.state].lower()),
    ).model_dump())


@blueprint.get("/tickets/<reference>")
@require_permission(Permission.TILL_SELL)
def ticket(reference: str):
    sale = find_ticket(db.session, reference)
    already = refunded_quantities(db.session, sale)
    return jsonify({
        "ticket": reference, "total_cents": sale.total_cents, "created_at":
        sale.created_at.isoformat(), "lines": [
            {"line_id": line.id, "label": line.label, "quantity": line.quantity,
             "refundable": line.quantity - already.get(line.id, 0),
             "amount_cents": line.amount_cents} for line in sale.lines]})


@blueprint.post("/refunds")
@require_permission(Permission.TILL_SELL)
def create_refund():
    body = parse_body(schemas.RefundIn)
    now = utcnow()
    refund_request = RefundRequest(
        uuid=str(body.uuid), till_code=body.till, ticket=body.ticket,
        lines=tuple((line.line_id, line.quantity) for line in body.lines),
        restock=body.restock, approver_badge=body.approver_badge,
        method=PaymentMethod(body.method))
    return _record_once(
        lambda: record_refund(db.session, current_user, now, shop_date(now), refund_request),
        str(body.uuid))


@blueprint.get("/scans")
@require_permission(Permission.TILL_SELL)
def serial_scans():
    """Codes read by the till's serial scanner since ``after`` (the page polls)."""
    after = request.args.get("after", default=0, type=int)
    till_code = request.args.get("till", "")
    if after < 0:  # a page that just opened: start after the newest scan
        return jsonify({"scans": [], "last": latest_scan_id(db.session, till_code)})
    scans = scans_after(db.session, till_code, after)
    return jsonify({"scans": [{"id": s.id, "code": s.code} for s in scans],
                    "last": scans[-1].id if scans else after})


@blueprint.get("/printer")
@require_permission(Permission.TILL_SELL)
def printer():
    state = printer_state(db.session, till_by_code(db.session, request.args.get("till", "")))
    return jsonify(schemas.PrinterStateOut(**state.__dict__).model_dump())


@blueprint.post("/printer/reprint")
@require_permission(Permission.TILL_SELL)
def reprint():
    body = parse_body(schemas.ReprintIn)
    till = till_by_code(db.session, body.till)
    if body.ticket:
        sale = find_ticket(db.session, body.ticket)
    else:
        sale = db.session.scalar(select(Sale).where(Sale.till_id == till.id)
                                 .order_by(Sale.number.desc()).limit(1))
        if sale is None:
            raise ApiError(_("Aucun ticket à réimprimer sur cette caisse."), 404)
    job = queue_duplicate(db.session, sale, utcnow())
    record_audit(db.session, actor_id=current_user.id, now=utcnow(), action="till.duplicate",
                 target=f"sale:{sale.uuid}", details={"job": job.id})
    db.session.commit()
    return jsonify({"ticket": ticket_reference(till.code, sale.number), "queued": True})


@blueprint.post("/printer/drawer")
@require_permission(Permission.TILL_SELL)
def open_drawer():
    till = till_by_code(db.session, parse_body(schemas.TillIn).till)
    queue_drawer(db.session, till, utcnow())
    record_audit(db.session, actor_id=current_user.id, now=utcnow(), action="till.drawer",
                 target=f"till:{till.code}")
    db.session.commit()
    return jsonify({"queued": True})


OPERATIONS = [
    {"path": "/api/pos/catalogue", "method": "get", "summary": "Produits et nomenclature"},
    {"path": "/api/pos/session", "method": "get", "summary": "État de la session d'une caisse",
     "response": schemas.SessionOut,
     "parameters": [{"name": "till", "in": "query", "required": True,
                     "schema": {"type": "string"}}]},
    {"path": "/api/pos/session/open", "method": "post", "summary": "Ouvrir avec le fond",
     "body": schemas.OpenSessionIn},
    {"path": "/api/pos/session/cash", "method": "post", "summary": "Entrée ou sortie d'espèces",
     "body": schemas.CashMovementIn},
    {"path": "/api/pos/session/x", "method": "get", "summary": "Rapport X",
     "response": schemas.XReportOut},
    {"path": "/api/pos/session/close", "method": "post", "summary": "Clôture et comptage",
     "body": schemas.CloseSessionIn},
    {"path": "/api/pos/sales", "method": "post", "summary": "Valider une vente (une seule fois "
     "par UUID)", "body": schemas.SaleIn, "response": schemas.SaleOut},
    {"path": "/api/pos/objets/{number}", "method": "get",
     "summary": "Objet de la ressourcerie scanné", "response": schemas.ItemOut,
     "parameters": [{"name": "number", "in": "path", "required": True,
                     "schema": {"type": "string"}}]},
    {"path": "/api/pos/tickets/{reference}", "method": "get", "summary": "Lignes d'un ticket",
     "parameters": [{"name": "reference", "in": "path", "required": True,
                     "schema": {"type": "string"}}]},
    {"path": "/api/pos/refunds", "method": "post", "summary": "Rembourser des lignes",
     "body": schemas.RefundIn, "response": schemas.SaleOut},
    {"path": "/api/pos/scans", "method": "get", "summary": "Codes lus par la douchette série"},
    {"path": "/api/pos/printer", "method": "get", "summary": "État de l'imprimante",
     "response": schemas.PrinterStateOut},
    {"path": "/api/pos/printer/reprint", "method": "post", "summary": "Duplicata d'un ticket",
     "body": schemas.ReprintIn},
    {"path": "/api/pos/printer/drawer", "method": "post", "summary": "Ouvrir le tiroir",
     "body": schemas.TillIn},
]


def openapi() -> dict:
    return openapi_document("Caisse Solidaire — API de la caisse", OPERATIONS,
                            schemas.API_MODELS)
