"""Stock → Transferts: send goods to another site of the installation, receive what another
site sent (saying what arrived), and see both sides' transfers. A person sees the transfers of
their sites only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, require_csrf
from app.quantities import InvalidQuantity
from app.sites.context import current_site_id, user_site_ids
from app.sites.models import Site
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import InvalidValue, parse_integer
from inventory.errors import InvalidData, InventoryError
from inventory.models import Lot, Product
from inventory.transfers.services import (
    TransferRequest,
    receive_transfer,
    send_transfer,
    transfer_of,
    transfers_of,
)
from inventory.views import blueprint, parse_quantity

LINES = 6  # rows of the sending form


def _products_in_stock(site_id: int) -> list[Product]:
    in_stock = (
        select(Lot.product_id)
        .where(Lot.site_id == site_id)
        .group_by(Lot.product_id)
        .having(func.sum(Lot.remaining_quantity) > 0)
    )
    return list(
        db.session.scalars(select(Product).where(Product.id.in_(in_stock)).order_by(Product.name))
    )


def _posted_items(products: dict[int, Product]) -> list[tuple[int, int]]:
    items = []
    for row in range(LINES):
        chosen = request.form.get(f"product_{row}", "").strip()
        typed = request.form.get(f"quantity_{row}", "").strip()
        if not chosen and not typed:
            continue
        try:
            product = products.get(parse_integer(chosen, _("Produit"), minimum=1))
        except InvalidValue as error:
            raise InvalidData(error.message) from None
        if product is None:
            raise InvalidData(_("Ligne %(n)d : choisissez un produit.", n=row + 1))
        try:
            items.append((product.id, parse_quantity(product, typed)))
        except InvalidQuantity as error:
            raise InvalidData(f"{product.name} : {error}") from None
    return items


@blueprint.route("/transferts", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def transfers():
    here = current_site_id()
    sites = {s.id: s for s in db.session.scalars(select(Site).order_by(Site.name))}
    destinations = [s for s in sites.values() if s.id != here and s.is_active]
    products = _products_in_stock(here)
    if request.method == "POST":
        require_csrf()
        try:
            destination = parse_integer(request.form.get("to_site", ""), _("Site"), minimum=1)
            transfer = send_transfer(
                db.session,
                current_user.id,
                utcnow(),
                shop_date(utcnow()),
                TransferRequest(
                    here,
                    destination,
                    tuple(_posted_items({p.id: p for p in products})),
                    request.form.get("note", "")[:200],
                ),
            )
        except (InventoryError, InvalidValue) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".transfers"))
        db.session.commit()
        flash(_("Transfert n° %(n)d envoyé : en transit.", n=transfer.id), "success")
        return redirect(url_for(".transfer", transfer_id=transfer.id))
    return render_template(
        "inventory/transfers.html",
        form=EmptyForm(),
        here=sites[here],
        sites=sites,
        destinations=destinations,
        products=products,
        lines=range(LINES),
        transfers=transfers_of(db.session, user_site_ids()),
    )


@blueprint.route("/transferts/<int:transfer_id>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def transfer(transfer_id: int):
    found = transfer_of(db.session, transfer_id, user_site_ids())
    if found is None:
        abort(404)
    receiving = found.to_site_id == current_site_id()
    products = {
        p.id: p
        for p in db.session.scalars(
            select(Product).where(Product.id.in_([line.product_id for line in found.lines]))
        )
    }
    if request.method == "POST":
        require_csrf()
        if not receiving:
            abort(403)
        try:
            received = {}
            for line in found.lines:
                typed = request.form.get(f"received_{line.id}", "").strip()
                if typed:
                    received[line.id] = parse_quantity(products[line.product_id], typed)
            differences = receive_transfer(db.session, current_user.id, utcnow(), found, received)
        except (InventoryError, InvalidQuantity) as error:
            db.session.rollback()
            flash(getattr(error, "message", str(error)), "error")
            return redirect(url_for(".transfer", transfer_id=transfer_id))
        db.session.commit()
        flash(
            _("Transfert reçu, avec %(n)d écart(s).", n=len(differences))
            if differences
            else _("Transfert reçu, sans écart."),
            "success",
        )
        return redirect(url_for(".transfer", transfer_id=transfer_id))
    return render_template(
        "inventory/transfer.html",
        form=EmptyForm(),
        transfer=found,
        products=products,
        sites={s.id: s for s in db.session.scalars(select(Site))},
        receiving=receiving,
    )
