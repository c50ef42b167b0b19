"""The till's JSON API: catalogue, session, sales, refunds, approvals (see /api/openapi.json).

Every answer is JSON; a refusal is ``{code, message}`` with a stable ``code`` the till acts on
and a French ``message`` it shows. Prices, totals and identities are derived here, never taken
from the client."""

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
from app.users.approvals import grant_approval
from app.users.auth import require_permission
from app.users.errors import ApprovalRefused
from app.users.models import User
from app.users.roles import Permission
from inventory.models import BarcodeRule, Product
from pos import schemas
from pos.errors import NotFound
from pos.models import PaymentMethod, Sale, SaleKind, Till
from pos.services.printing import (
    printer_state,
    queue_drawer,
    queue_duplicate,
    queue_session_report,
)
from pos.services.refunds import RefundRequest, find_ticket, record_refund, refunded_quantities
from pos.services.sales import (
    AbandonRequest,
    LineRequest,
    PaymentRequest,
    SaleRequest,
    abandon_sale,
    record_sale,
    replayed_document,
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
MAX_ID = 2_147_483_647


def _till_param() -> Till:
    code = request.args.get("till", "")
    if not code:
        raise ApiError(_("Paramètre « till » obligatoire : le code de la caisse."), 422)
    return till_by_code(db.session, code[:20])


def _sale_out(sale, created: bool) -> dict:
    till_code = db.session.get(Till, sale.till_id).code
    return schemas.SaleOut(
        uuid=sale.uuid,
        ticket=ticket_reference(till_code, sale.number),
        number=sale.number,
        total_cents=sale.total_cents,
        reference_total_cents=sale.reference_total_cents,
        change_cents=sale.change_cents,
        created=created,
    ).model_dump()


@blueprint.get("/catalogue")
@require_permission(Permission.TILL_SELL)
def catalogue():
    products = db.session.scalars(
        select(Product)
        .options(selectinload(Product.barcodes), selectinload(Product.category))
        .where(Product.is_active)
        .order_by(Product.id)
    )
    rules = db.session.scalars(select(BarcodeRule).order_by(BarcodeRule.sequence, BarcodeRule.id))
    payload = {
        "products": [
            {
                "id": p.id,
                "name": p.name,
                "unit": p.unit.value,
                "price_cents": p.reference_price_cents,
                "vat_rate_bp": p.vat_rate_bp,
                "per_visit_limit": p.per_visit_limit,
                "barcodes": [b.code for b in p.barcodes],
                "category": p.category.name,
                "search": p.search_name,
                "quick_key": p.quick_key,
            }
            for p in products
        ],
        "rules": [{"kind": r.kind.value, "pattern": r.pattern} for r in rules],
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    version = hashlib.sha256(body.encode()).hexdigest()[:16]
    if request.if_none_match.contains(version):
        return "", 304, {"ETag": f'"{version}"'}
    return (
        body,
        200,
        {
            "Content-Type": "application/json; charset=utf-8",
            "ETag": f'"{version}"',
            "Cache-Control": "no-cache",
        },
    )


@blueprint.get("/session")
@require_permission(Permission.TILL_SELL)
def session_state():
    till = _till_param()
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


def _current(till: Till, allow_stale: bool = False):
    if allow_stale:
        current = open_session_of(db.session, till)
        if current is None:
            raise ApiError(_("La caisse n'est pas ouverte."), 409, "session_problem")
        return current
    return usable_session(db.session, till, shop_date(utcnow()))


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
    cash_session = _current(till_by_code(db.session, body.till))
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
    report = x_report(db.session, _current(_till_param(), allow_stale=True))
    return jsonify(schemas.XReportOut(**report.__dict__).model_dump())


@blueprint.post("/session/x/print")
@require_permission(Permission.TILL_SELL)
def print_session_x():
    """The X report on the till's printer (the day so far; nothing is closed)."""
    till = till_by_code(db.session, parse_body(schemas.TillIn).till)
    if till.printer_kind == "none":
        raise ApiError(_("Aucune imprimante n'est réglée pour cette caisse."), 409, "no_printer")
    queue_session_report(
        db.session, _current(till, allow_stale=True), utcnow(), current_user.display_name
    )
    db.session.commit()
    return jsonify({"queued": True})


@blueprint.post("/session/close")
@require_permission(Permission.TILL_SELL)
def session_close():
    body = parse_body(schemas.CloseSessionIn)
    closed = close_session(
        db.session,
        _current(till_by_code(db.session, body.till), allow_stale=True),
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


@blueprint.post("/sales")
@require_permission(Permission.TILL_SELL)
def create_sale():
    body = parse_body(schemas.SaleIn)
    sale_request = SaleRequest(
        uuid=str(body.uuid),
        till_code=body.till,
        lines=tuple(
            LineRequest(
                code=line.code,
                product_id=line.product_id,
                quantity=line.quantity,
                manual_unit_price_cents=line.manual_unit_price_cents,
                price_reason=line.price_reason,
                approval_token=line.approval_token,
            )
            for line in body.lines
        ),
        payments=tuple(
            PaymentRequest(PaymentMethod(p.method), p.amount_cents) for p in body.payments
        ),
        expected_total_cents=body.expected_total_cents,
        card_code=body.card_code,
        receipt_requested=body.receipt_requested,
        approval_token=body.approval_token,
        items=tuple(number.strip().upper() for number in body.items),
    )
    now = utcnow()
    return _record_once(
        lambda: record_sale(db.session, current_user, now, shop_date(now), sale_request),
        str(body.uuid),
        SaleKind.SALE,
        body.till,
    )


def _record_once(record, uuid: str, kind: SaleKind, till_code: str):
    """Run ``record`` and commit; if a twin request committed the same UUID first, answer
    with that document (exactly once, whatever the retries)."""
    try:
        document, created = record()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        document, created = replayed_document(db.session, uuid, kind, till_code), False
        if document is None:
            raise
    return jsonify(_sale_out(document, created)), 201 if created else 200


@blueprint.post("/sales/abandon")
@require_permission(Permission.TILL_SELL)
def abandon():
    """Give up a sale the till never saw acknowledged (an encadrant·e approves): its UUID can
    never be recorded afterwards. If it had been recorded, the answer gives its ticket."""
    body = parse_body(schemas.AbandonIn)
    tombstone, sale = abandon_sale(
        db.session,
        current_user,
        utcnow(),
        AbandonRequest(
            uuid=str(body.uuid),
            till_code=body.till,
            reason=body.reason,
            approval_token=body.approval_token,
        ),
    )
    db.session.commit()
    if sale is not None:
        return jsonify(
            schemas.AbandonOut(
                uuid=sale.uuid, abandoned=False, sale=schemas.SaleOut(**_sale_out(sale, False))
            ).model_dump()
        )
    return jsonify(schemas.AbandonOut(uuid=tombstone.uuid, abandoned=True).model_dump())


@blueprint.get("/objets/<number>")
@require_permission(Permission.TILL_SELL)
def ressourcerie_item(number: str):
    """A scanned ressourcerie tag: what the till adds, or why it cannot be sold."""
    from inventory.models import ItemState, RessourcerieItem
    from inventory.services.ressourcerie import STATE_LABELS

    item = db.session.scalar(
        select(RessourcerieItem).where(RessourcerieItem.number == number.strip().upper()[:20])
    )
    if item is None:
        raise NotFound(_("Objet %(n)s inconnu.", n=number[:20]))
    sellable = item.state == ItemState.READY and item.price_cents is not None
    return jsonify(
        schemas.ItemOut(
            number=item.number,
            label=f"{item.description} (n° {item.number})",
            price_cents=item.price_cents,
            state=item.state.value,
            sellable=sellable,
            message=""
            if sellable
            else _(
                "L'objet %(n)s n'est pas en vente (%(s)s).",
                n=item.number,
                s=STATE_LABELS[item.state].lower(),
            ),
        ).model_dump()
    )


@blueprint.get("/stock/<int:product_id>")
@require_permission(Permission.TILL_SELL)
def product_stock(product_id: int):
    """What the till checks when a product is scanned: how much is sellable (in its dates) and
    how much is past them, so an expired-only product is refused at the scan."""
    from inventory.models import Product
    from inventory.services.ledger import sellable_stock

    if db.session.get(Product, product_id) is None:
        raise NotFound(_("Produit inconnu."))
    sellable, expired = sellable_stock(db.session, product_id, shop_date(utcnow()))
    return jsonify(
        schemas.StockOut(product_id=product_id, sellable=sellable, expired=expired).model_dump()
    )


@blueprint.get("/tickets/<reference>")
@require_permission(Permission.TILL_SELL)
def ticket(reference: str):
    from inventory.models import Product
    from pos.services.refunds import refundable_by_method

    sale = find_ticket(db.session, reference)
    already = refunded_quantities(db.session, sale)
    units = dict(
        db.session.execute(
            select(Product.id, Product.unit).where(
                Product.id.in_({line.product_id for line in sale.lines if line.product_id})
            )
        ).all()
    )
    return jsonify(
        schemas.TicketOut(
            ticket=ticket_reference(db.session.get(Till, sale.till_id).code, sale.number),
            total_cents=sale.total_cents,
            created_at=sale.created_at.isoformat(),
            lines=[
                schemas.TicketLineOut(
                    line_id=line.id,
                    label=line.label,
                    quantity=line.quantity,
                    unit="item" if line.item_id else str(units.get(line.product_id, "piece")),
                    refundable=line.quantity - already.get(line.id, 0),
                    amount_cents=line.amount_cents,
                )
                for line in sale.lines
            ],
            refundable_by_method={
                method.value: amount
                for method, amount in refundable_by_method(db.session, sale).items()
            },
        ).model_dump()
    )


@blueprint.post("/refunds")
@require_permission(Permission.TILL_SELL)
def create_refund():
    body = parse_body(schemas.RefundIn)
    now = utcnow()
    refund_request = RefundRequest(
        uuid=str(body.uuid),
        till_code=body.till,
        ticket=body.ticket,
        lines=tuple((line.line_id, line.quantity) for line in body.lines),
        restock=body.restock,
        approval_token=body.approval_token,
        method=PaymentMethod(body.method),
    )
    return _record_once(
        lambda: record_refund(db.session, current_user, now, shop_date(now), refund_request),
        str(body.uuid),
        SaleKind.REFUND,
        body.till,
    )


@blueprint.get("/scans")
@require_permission(Permission.TILL_SELL)
def serial_scans():
    """Codes read by the till's serial scanner since ``after`` (the page polls)."""
    till = _till_param()
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


@blueprint.get("/printer")
@require_permission(Permission.TILL_SELL)
def printer():
    state = printer_state(db.session, _till_param())
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
    )
    db.session.commit()
    return jsonify({"queued": True})


TILL_QUERY = {
    "name": "till",
    "in": "query",
    "required": True,
    "description": "code de la caisse (C1…)",
    "schema": {"type": "string", "minLength": 1, "maxLength": 20},
}
CREATED = {"201": "Enregistré", "200": "Déjà enregistré avec ce même UUID : le même document"}
OPERATIONS = [
    {
        "path": "/api/pos/catalogue",
        "method": "get",
        "summary": "Produits et nomenclature",
        "response": schemas.CatalogueOut,
        "success": {"200": "OK", "304": "Inchangé (ETag)"},
    },
    {
        "path": "/api/pos/session",
        "method": "get",
        "summary": "État de la session d'une caisse",
        "response": schemas.SessionOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/session/open",
        "method": "post",
        "summary": "Ouvrir avec le fond",
        "body": schemas.OpenSessionIn,
        "response": schemas.SessionOpenedOut,
    },
    {
        "path": "/api/pos/approvals",
        "method": "post",
        "summary": "Validation d'un·e encadrant·e (badge et PIN) : jeton à usage unique",
        "body": schemas.ApprovalIn,
        "response": schemas.ApprovalOut,
    },
    {
        "path": "/api/pos/session/cash",
        "method": "post",
        "summary": "Entrée ou sortie d'espèces",
        "body": schemas.CashMovementIn,
        "response": schemas.CashMovementOut,
    },
    {
        "path": "/api/pos/session/x",
        "method": "get",
        "summary": "Rapport X",
        "response": schemas.XReportOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/session/x/print",
        "method": "post",
        "summary": "Imprimer le rapport X sur l'imprimante de la caisse",
        "body": schemas.TillIn,
        "response": schemas.QueuedOut,
    },
    {
        "path": "/api/pos/session/close",
        "method": "post",
        "summary": "Clôture et comptage",
        "body": schemas.CloseSessionIn,
        "response": schemas.SessionClosedOut,
    },
    {
        "path": "/api/pos/sales",
        "method": "post",
        "summary": "Valider une vente (une seule fois par UUID)",
        "body": schemas.SaleIn,
        "response": schemas.SaleOut,
        "success": CREATED,
    },
    {
        "path": "/api/pos/sales/abandon",
        "method": "post",
        "summary": "Abandonner une vente jamais confirmée (validation d'encadrant·e)",
        "body": schemas.AbandonIn,
        "response": schemas.AbandonOut,
    },
    {
        "path": "/api/pos/objets/{number}",
        "method": "get",
        "summary": "Objet de la ressourcerie scanné",
        "response": schemas.ItemOut,
        "parameters": [
            {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
    },
    {
        "path": "/api/pos/stock/{product_id}",
        "method": "get",
        "summary": "Stock vendable et périmé d'un produit scanné",
        "response": schemas.StockOut,
        "parameters": [
            {
                "name": "product_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
            }
        ],
    },
    {
        "path": "/api/pos/tickets/{reference}",
        "method": "get",
        "summary": "Lignes d'un ticket",
        "response": schemas.TicketOut,
        "parameters": [
            {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
    },
    {
        "path": "/api/pos/refunds",
        "method": "post",
        "summary": "Rembourser des lignes",
        "body": schemas.RefundIn,
        "response": schemas.SaleOut,
        "success": CREATED,
    },
    {
        "path": "/api/pos/scans",
        "method": "get",
        "summary": "Codes lus par la douchette série",
        "response": schemas.ScansOut,
        "parameters": [
            TILL_QUERY,
            {"name": "after", "in": "query", "required": False, "schema": {"type": "integer"}},
        ],
    },
    {
        "path": "/api/pos/printer",
        "method": "get",
        "summary": "État de l'imprimante",
        "response": schemas.PrinterStateOut,
        "parameters": [TILL_QUERY],
    },
    {
        "path": "/api/pos/printer/reprint",
        "method": "post",
        "summary": "Duplicata d'un ticket",
        "body": schemas.ReprintIn,
        "response": schemas.ReprintOut,
    },
    {
        "path": "/api/pos/printer/drawer",
        "method": "post",
        "summary": "Ouvrir le tiroir",
        "body": schemas.TillIn,
        "response": schemas.QueuedOut,
    },
]


def openapi():
    """The till's whole API, with the household card and the scale it also calls."""
    from app.scale import OPERATIONS as SCALE_OPERATIONS
    from app.scale import SCHEMAS as SCALE_SCHEMAS
    from participants.views.households import CARD_OPERATIONS, CARD_SCHEMAS

    return openapi_document(
        "Caisse Solidaire — API de la caisse",
        OPERATIONS + CARD_OPERATIONS + SCALE_OPERATIONS,
        schemas.API_MODELS + CARD_SCHEMAS + SCALE_SCHEMAS,
    )
