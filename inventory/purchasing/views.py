"""Purchasing pages (menu Stock): suppliers, orders and their lines, receiving against an order
(received vs ordered, with the lots' dates), and the stock's value at a date."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import SHOP_TIMEZONE, shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.sites.context import current_site_id
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import arg_date
from inventory.errors import InvalidData, InventoryError, UnknownBarcode
from inventory.models import OrderStatus, Product, PurchaseOrder, Supplier
from inventory.nomenclature import parse_scan
from inventory.purchasing.forms import (
    SUPPLIER_KIND_LABELS,
    OrderForm,
    OrderLineForm,
    ReceiveForm,
    SupplierForm,
)
from inventory.purchasing.services import (
    SupplierData,
    change_status,
    create_order,
    progress,
    receive_against,
    save_supplier,
    set_line,
    stock_value_at,
)
from inventory.services.products import search_products
from inventory.views import InvalidQuantity, blueprint, parse_quantity

STATUS_LABELS = {
    OrderStatus.DRAFT: "En préparation",
    OrderStatus.SENT: "Envoyée",
    OrderStatus.CLOSED: "Close",
    OrderStatus.CANCELLED: "Annulée",
}
STATUS_ACTIONS = {
    "envoyer": OrderStatus.SENT,
    "clore": OrderStatus.CLOSED,
    "annuler": OrderStatus.CANCELLED,
}


@blueprint.route("/fournisseurs", methods=["GET", "POST"])
@blueprint.route("/fournisseurs/<int:supplier_id>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def suppliers(supplier_id: int | None = None):
    editing = db.get_or_404(Supplier, supplier_id) if supplier_id else None
    form = SupplierForm(obj=editing) if request.method == "GET" and editing else SupplierForm()
    if editing and request.method == "GET":
        form.archived.data = not editing.is_active
    if request.method == "POST" and submitted(form):

        def change() -> str:
            saved = save_supplier(
                db.session,
                current_user.id,
                utcnow(),
                editing,
                SupplierData(
                    form.name.data,
                    form.kind.data,
                    form.contact.data or "",
                    form.phone.data or "",
                    form.email.data or "",
                    form.notes.data or "",
                    not form.archived.data,
                ),
            )
            return _("Fournisseur « %(n)s » enregistré.", n=saved.name)

        if apply_change(change, InventoryError):
            return redirect(url_for(".suppliers"))
    return render_template(
        "inventory/purchasing/suppliers.html",
        form=form,
        editing=editing,
        suppliers=db.session.scalars(select(Supplier).order_by(Supplier.name)).all(),
        kinds=SUPPLIER_KIND_LABELS,
    )


@blueprint.route("/commandes", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def orders():
    form = OrderForm()
    form.supplier_id.offer(
        (s.id, s.name)
        for s in db.session.scalars(
            select(Supplier).where(Supplier.is_active).order_by(Supplier.name)
        )
    )
    if request.method == "POST" and submitted(form):
        made = None

        def change() -> str:
            nonlocal made
            supplier = db.session.get(Supplier, form.supplier_id.data)
            made = create_order(
                db.session,
                current_user.id,
                utcnow(),
                supplier,
                form.expected_on.data,
                current_site_id(),
            )
            return _("Commande n° %(n)d commencée : ajoutez ses lignes.", n=made.id)

        if apply_change(change, InventoryError):
            return redirect(url_for(".order", order_id=made.id))
    return render_template(
        "inventory/purchasing/orders.html",
        form=form,
        orders=db.session.scalars(
            select(PurchaseOrder).order_by(PurchaseOrder.id.desc()).limit(100)
        ).all(),
        labels=STATUS_LABELS,
    )


def _product_named(text: str) -> Product:
    """A barcode, or words of one product's name."""
    try:
        result = parse_scan(db.session, text)
        if result.product is not None:
            return result.product
    except (UnknownBarcode, InventoryError):
        pass
    found = search_products(db.session, text, limit=6)
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidData(_("Aucun produit pour « %(t)s ».", t=text[:40]))
    raise InvalidData(
        _("Plusieurs produits : %(p)s… précisez.", p=", ".join(p.name for p in found[:5]))
    )


@blueprint.route("/commandes/<int:order_id>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def order(order_id: int):
    item = db.get_or_404(PurchaseOrder, order_id)
    line_form = OrderLineForm()
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "ligne" and submitted(line_form):

            def change() -> str:
                product = _product_named(line_form.product.data)
                try:
                    quantity = parse_quantity(product, line_form.quantity.data)
                except InvalidQuantity as error:
                    raise InvalidData(f"{line_form.quantity.label.text} : {error}") from None
                set_line(db.session, item, product, quantity, line_form.unit_price.cents)
                return _("« %(p)s » : ligne enregistrée.", p=product.name)

            apply_change(change, InventoryError)
        elif action == "retirer" and submitted(EmptyForm()):
            product = db.get_or_404(Product, request.form.get("product_id", 0, type=int))

            def remove() -> None:
                set_line(db.session, item, product, 0, 0)

            apply_change(remove, InventoryError)
        elif action in STATUS_ACTIONS and submitted(EmptyForm()):
            status = STATUS_ACTIONS[action]

            def move() -> str:
                change_status(db.session, current_user.id, utcnow(), item, status)
                return _("Commande n° %(n)d : %(s)s.", n=item.id, s=STATUS_LABELS[status].lower())

            apply_change(move, InventoryError)
        elif action == "recevoir":
            form = ReceiveForm()
            if submitted(form):
                made = None

                def receive() -> None:
                    nonlocal made
                    made = receive_against(
                        db.session,
                        current_user.id,
                        utcnow(),
                        item,
                        form.document_ref.data or "",
                    )

                if apply_change(receive, InventoryError):
                    return redirect(url_for(".reception", reception_id=made.id))
        elif action not in ("ligne", "retirer", "recevoir", *STATUS_ACTIONS):
            abort(400)
        return redirect(url_for(".order", order_id=item.id))
    return render_template(
        "inventory/purchasing/order.html",
        order=item,
        rows=progress(db.session, item),
        line_form=line_form,
        receive_form=ReceiveForm(),
        form=EmptyForm(),
        labels=STATUS_LABELS,
    )


@blueprint.route("/valeur")
@require_permission(Permission.STOCK_MANAGE, Permission.REPORTS_VIEW)
def stock_value():
    """The stock on the books at the end of a day, valued at each lot's reference value."""
    today = shop_date(utcnow())
    day = arg_date("date", _("Date"), today)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHOP_TIMEZONE)
    rows = stock_value_at(db.session, end)
    return render_template(
        "inventory/purchasing/value.html",
        day=day,
        rows=rows,
        total=sum(value for *_, value in rows),
    )
