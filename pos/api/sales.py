"""Selling at the till: the catalogue, sales (exactly once by UUID), abandoned sales, the
ressourcerie's objects, stock left, tickets and refunds."""

from __future__ import annotations

import hashlib
import json

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import parse_body
from app.clock import shop_date, utcnow
from app.extensions import db
from app.sites.context import current_site_id
from app.users.auth import require_permission
from app.users.roles import Permission
from inventory.models import BarcodeRule, Product
from inventory.services.ledger import products_with_stock_past_date
from pos import schemas
from pos.api.common import blueprint, record_once, sale_answer
from pos.errors import NotFound
from pos.models import PaymentMethod, SaleKind, Till
from pos.services.abandons import AbandonRequest, abandon_sale
from pos.services.basket import LineRequest, PaymentRequest, SaleRequest
from pos.services.documents import OFFLINE_SUFFIX, ticket_reference
from pos.services.offline import OfflineInfo, record_offline_sale
from pos.services.refunds import RefundRequest, find_ticket, record_refund, refunded_quantities
from pos.services.sales import record_sale
from pos.services.untagged import UntaggedRequest, untagged_catalogue


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
    # Products with stock past its date: the till checks their stock at the scan (the others
    # are added at once; the server checks every line again when the sale is validated). The
    # flag is in the body, so the catalogue's ETag changes with it.
    past_date = products_with_stock_past_date(db.session, shop_date(utcnow()), current_site_id())
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
                "check_stock": p.id in past_date,
            }
            for p in products
        ],
        "rules": [{"kind": r.kind.value, "pattern": r.pattern} for r in rules],
        "ressourcerie": untagged_catalogue(db.session),
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
        untagged=tuple(UntaggedRequest(**line.model_dump()) for line in body.untagged),
    )
    now = utcnow()
    if body.offline is not None:  # made without the server: recorded as made, flagged
        offline = OfflineInfo(
            made_at=body.offline.made_at,
            number=body.offline.number,
            rate_bp=body.offline.rate_bp,
            unit_prices=tuple(body.offline.unit_prices),
            printed=body.offline.printed,
            approved_by_badge=body.offline.approved_by_badge,
        )
        return record_once(
            lambda: record_offline_sale(
                db.session, current_user, now, shop_date(now), sale_request, offline
            ),
            str(body.uuid),
            SaleKind.SALE,
            body.till,
            offline_code=f"{body.till}{OFFLINE_SUFFIX}",
        )
    return record_once(
        lambda: record_sale(db.session, current_user, now, shop_date(now), sale_request),
        str(body.uuid),
        SaleKind.SALE,
        body.till,
    )


@blueprint.get("/offline")
@require_permission(Permission.TILL_SELL)
def offline_state():
    """What the till keeps to sell without the server: its offline series and next number,
    the time allowed offline, the badges that may approve beyond it."""
    from app.settings.core import SHOP_NAME
    from app.users.models import User
    from app.users.roles import Role, role_allows
    from pos.services.documents import offline_badge_digest, offline_series
    from pos.services.sessions import till_by_code
    from pos.settings import OFFLINE_BROWSER_RECEIPT, OFFLINE_MAX_HOURS

    code = request.args.get("till", "")[:20]
    till = till_by_code(db.session, code)
    if till.offline_of_id is not None:
        raise NotFound(_("Caisse « %(c)s » inconnue.", c=code))
    series = offline_series(db.session, till)
    db.session.commit()
    supervisors = [role for role in Role if role_allows(role, Permission.TILL_SUPERVISE)]
    badges = db.session.scalars(
        select(User.badge_code).where(
            User.is_enabled, User.badge_code.is_not(None), User.role.in_(supervisors)
        )
    ).all()
    return jsonify(
        schemas.OfflineStateOut(
            till=till.code,
            series=series.code,
            next_number=series.last_ticket_number + 1,
            max_offline_hours=OFFLINE_MAX_HOURS.get(db.session),
            browser_receipt=OFFLINE_BROWSER_RECEIPT.get(db.session),
            shop_name=SHOP_NAME.get(db.session),
            supervisor_badges=sorted(offline_badge_digest(code) for code in badges),
            server_time=utcnow().isoformat(),
        ).model_dump()
    )


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
                uuid=sale.uuid, abandoned=False, sale=schemas.SaleOut(**sale_answer(sale, False))
            ).model_dump()
        )
    return jsonify(schemas.AbandonOut(uuid=tombstone.uuid, abandoned=True).model_dump())


@blueprint.get("/objets/<number>")
@require_permission(Permission.TILL_SELL)
def ressourcerie_item(number: str):
    """A scanned ressourcerie tag: what the till adds, or why it cannot be sold."""
    from inventory.models import ItemState, RessourcerieItem
    from inventory.ressourcerie.items import STATE_LABELS

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
    sellable, expired = sellable_stock(
        db.session, product_id, shop_date(utcnow()), current_site_id()
    )
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
    return record_once(
        lambda: record_refund(db.session, current_user, now, shop_date(now), refund_request),
        str(body.uuid),
        SaleKind.REFUND,
        body.till,
    )
