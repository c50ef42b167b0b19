"""Expiry control, stocktakes and recalls."""

from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record_read
from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, submitted
from app.quantities import InvalidQuantity
from app.sites.context import current_site_id
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import form_ids
from inventory.errors import InventoryError
from inventory.forms import CountForm, DisposeForm, ScanForm, StocktakeForm
from inventory.models import Lot, MovementKind, Product, Stocktake, StocktakeStatus
from inventory.nomenclature import parse_scan
from inventory.ports import RECALL_BUYERS, TICKETS_BY_UUID
from inventory.services.expiry import dispose_lots, expiry_report
from inventory.services.recall import recall_report
from inventory.services.stocktakes import (
    add_count,
    list_stocktakes,
    set_count,
    start_stocktake,
    validate_stocktake,
    variance_report,
)
from inventory.views import blueprint, parse_quantity


@blueprint.route("/dates", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def expiry():
    form = DisposeForm()
    if form.validate_on_submit():
        lot_ids = form_ids("lot_ids")
        try:
            count = dispose_lots(
                db.session,
                current_user.id,
                utcnow(),
                lot_ids,
                MovementKind(form.action.data),
                form.reason.data or None,
            )
        except InventoryError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(n)d lot(s) sorti(s) du stock.", n=count), "success")
            return redirect(url_for(".expiry"))
    report = expiry_report(db.session, shop_date(utcnow()))
    return render_template("inventory/expiry.html", report=report, form=form)


@blueprint.route("/inventaires", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def stocktakes():
    form = StocktakeForm()
    if form.validate_on_submit():
        stocktake = start_stocktake(
            db.session, current_user.id, utcnow(), form.label.data, current_site_id()
        )
        db.session.commit()
        return redirect(url_for(".stocktake", stocktake_id=stocktake.id))
    return render_template(
        "inventory/stocktakes.html", form=form, stocktakes=list_stocktakes(db.session)
    )


@blueprint.route("/inventaires/<int:stocktake_id>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def stocktake(stocktake_id: int):
    """Each scan counts one more piece; a typed total corrects a line."""
    item = db.get_or_404(Stocktake, stocktake_id)
    # A scan counts: it changes data, so it is a POST with its CSRF token, like a typed total.
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    scan_form = ScanForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and "code" not in request.form:
        count = CountForm()
        if submitted(count):
            product = db.get_or_404(Product, count.product_id.data)
            try:
                set_count(db.session, item, product, parse_quantity(product, count.quantity.data))
            except (InventoryError, InvalidQuantity) as error:
                db.session.rollback()
                flash(getattr(error, "message", str(error)), "error")
            else:
                db.session.commit()
        return redirect(url_for(".stocktake", stocktake_id=item.id))
    if request.method == "POST" and scan_form.code.data and item.status == StocktakeStatus.OPEN:
        try:
            result = parse_scan(db.session, scan_form.code.data)
            if result.product is None:
                raise InventoryError(_("Ce code n'est pas celui d'un produit."))
            if result.quantity is None and result.product.sold_by_weight:
                set_count(db.session, item, result.product, 0)
                db.session.commit()
                flash(
                    _(
                        "« %(p)s » se vend au poids : pesez et tapez le total en kg dans la liste.",
                        p=result.product.name,
                    ),
                    "info",
                )
            else:
                total = add_count(db.session, item, result.product, result.quantity or 1)
                db.session.commit()
                flash(_("%(p)s : %(n)s compté(s).", p=result.product.name, n=total), "success")
        except InventoryError as error:
            db.session.rollback()
            flash(error.message, "error")
        return redirect(url_for(".stocktake", stocktake_id=item.id))
    return render_template(
        "inventory/stocktake.html",
        stocktake=item,
        scan_form=ScanForm(),
        lines=variance_report(db.session, item),
        action_form=EmptyForm(),
        is_open=item.status == StocktakeStatus.OPEN,
    )


@blueprint.route("/inventaires/<int:stocktake_id>/valider", methods=["POST"])
@require_permission(Permission.STOCK_MANAGE)
def validate(stocktake_id: int):
    item = db.get_or_404(Stocktake, stocktake_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        count = validate_stocktake(db.session, current_user.id, utcnow(), item, shop_date(utcnow()))
    except InventoryError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Inventaire validé : %(n)d produit(s) ajusté(s).", n=count), "success")
    return redirect(url_for(".stocktake", stocktake_id=stocktake_id))


@blueprint.route("/rappel/<int:product_id>")
@require_permission(Permission.STOCK_MANAGE, Permission.HOUSEHOLDS_MANAGE)
def recall(product_id: int):
    """The lots, where they came from, where they went (tickets); for a référent·e, also the
    households who bought them, to call (their read is logged)."""
    product = db.get_or_404(Product, product_id)
    lot = None
    if request.args.get("lot", type=int):
        lot = db.get_or_404(Lot, request.args.get("lot", type=int))
        if lot.product_id != product.id:
            abort(404)
    report = recall_report(db.session, product, lot)
    # Sales are named by their ticket number (and link to it), not by "sale:<uuid>".
    uuids = {m.reference[5:] for m in report.outgoing if (m.reference or "").startswith("sale:")}
    tickets = TICKETS_BY_UUID(db.session, uuids) if uuids else {}
    buyers = others = None
    if current_user.can(Permission.HOUSEHOLDS_MANAGE):
        every = RECALL_BUYERS(db.session, current_user, uuids)
        # The households the référent·e follows, by name; the others counted, with who follows
        # them (so that the recall reaches them too).
        buyers = [buyer for buyer in every if buyer.visible]
        others = Counter(buyer.referent for buyer in every if not buyer.visible)
        record_read(
            db.session,
            actor_id=current_user.id,
            now=utcnow(),
            action="household.recall_listed",
            target=f"product:{product.id}" + (f":lot:{lot.id}" if lot else ""),
            details={"households": [buyer.household_id for buyer in buyers]},
            remote_addr=request.remote_addr,
        )
    return render_template(
        "inventory/recall.html",
        report=report,
        lot=lot,
        tickets=tickets,
        buyers=buyers,
        others=others,
        card_sales=sum(1 for m in report.outgoing if (m.reference or "").startswith("sale:")),
        recall_url=request.url,
    )
