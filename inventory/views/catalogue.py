"""Catalogue pages: list and search, product sheet, CSV import and export, nomenclature."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.audit.services import record_audit
from app.clock import utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.money import format_cents_plain, format_percent_bp
from app.orm import takes_write_lock_late
from app.sites.context import current_site_id
from app.urls import safe_local_path
from app.users.auth import require_permission
from app.users.models import User
from app.users.roles import Permission
from inventory.errors import InvalidData, InventoryError
from inventory.forms import (
    BarcodeForm,
    CategoryForm,
    ImportForm,
    LossForm,
    ProductForm,
    RuleForm,
)
from inventory.models import BarcodeRule, Lot, Product, StockUnit
from inventory.nomenclature import compile_rule, load_rules, parse_scan
from inventory.purchasing.services import price_history
from inventory.services.ledger import (
    format_quantity,
    movements_of_product,
    stock_by_product,
    stock_on_hand,
)
from inventory.services.losses import LOSS_REASON_LABELS, declare_loss
from inventory.services.product_csv import (
    decode_csv_upload,
    export_products_csv,
    import_products_csv,
)
from inventory.services.products import (
    ProductData,
    add_barcode,
    create_product,
    list_categories,
    search_products,
    update_product,
)
from inventory.views import InvalidQuantity, blueprint, parse_quantity


def _product_form(product: Product | None = None) -> ProductForm:
    form = ProductForm(obj=product)
    form.category_id.choices = [SelectChoice(c.id, c.name) for c in list_categories(db.session)]
    if product is not None and not form.is_submitted():
        form.unit.data = product.unit.value
        form.price.data = format_cents_plain(product.reference_price_cents)
        form.vat.data = format_percent_bp(product.vat_rate_bp)
    return form


def _product_data(form: ProductForm) -> ProductData:
    return ProductData(
        name=form.name.data,
        category_id=form.category_id.data,
        unit=StockUnit(form.unit.data),
        reference_price_cents=form.price.cents,
        vat_rate_bp=form.vat_bp(),
        net_content=form.net_content.data,
        per_visit_limit=form.per_visit_limit.data,
        is_active=form.is_active.data,
        quick_key=form.quick_key.data,
    )


@blueprint.route("/")
@require_permission(Permission.STOCK_MANAGE)
def products():
    query = request.args.get("q", "").strip()
    found = search_products(db.session, query, limit=100, include_inactive=True)
    stock = stock_by_product(db.session, [p.id for p in found], current_site_id())
    return render_template("inventory/products.html", products=found, stock=stock, query=query)


@blueprint.route("/products/new", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def new_product():
    form = _product_form()
    if request.method == "GET" and request.args.get("code"):
        form.barcode.data = request.args["code"]
    if form.validate_on_submit():
        try:
            codes = [form.barcode.data] if form.barcode.data else []
            product = create_product(
                db.session, current_user.id, utcnow(), _product_data(form), codes
            )
        except InventoryError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Produit « %(n)s » créé.", n=product.name), "success")
            return redirect(
                safe_local_path(
                    request.args.get("back"), url_for(".product", product_id=product.id)
                )
            )
    return render_template("inventory/product_form.html", form=form, product=None), (
        422 if form.is_submitted() else 200
    )


@blueprint.route("/products/<int:product_id>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def product(product_id: int):
    item = db.get_or_404(Product, product_id)
    form = _product_form(item)
    if form.validate_on_submit():
        old_price = item.reference_price_cents
        try:
            update_product(db.session, current_user.id, utcnow(), item, _product_data(form))
        except InventoryError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Fiche enregistrée."), "success")
            if item.reference_price_cents != old_price:
                flash(
                    _(
                        "Nouveau prix : l'étiquette du rayon est ajoutée aux étiquettes à "
                        "réimprimer."
                    ),
                    "info",
                )
            return redirect(url_for(".product", product_id=item.id))
    lots = db.session.scalars(
        select(Lot).where(Lot.product_id == item.id).order_by(Lot.received_at.desc())
    ).all()
    movements = movements_of_product(db.session, item.id, 50)
    actors = {m.actor_id for m in movements if m.actor_id}
    return render_template(
        "inventory/product.html",
        product=item,
        form=form,
        barcode_form=BarcodeForm(),
        loss_form=_loss_form(lots),
        lots=lots,
        stock=stock_on_hand(db.session, item.id, current_site_id()),
        movements=movements,
        prices=price_history(db.session, item.id),
        actors=dict(
            db.session.execute(select(User.id, User.display_name).where(User.id.in_(actors))).all()
        ),
    )


def _loss_form(lots) -> LossForm:
    """The lots a loss may come from: those with stock, newest first."""
    form = LossForm()
    form.lot_id.offer(
        (
            lot.id,
            _(
                "Lot n° %(n)d du %(d)s — reste %(q)s",
                n=lot.id,
                d=lot.received_at.strftime("%d/%m/%Y"),
                q=format_quantity(lot.product, lot.remaining_quantity),
            ),
        )
        for lot in lots
        if lot.remaining_quantity > 0
    )
    return form


@blueprint.route("/products/<int:product_id>/perte", methods=["POST"])
@require_permission(Permission.STOCK_MANAGE)
def declare_product_loss(product_id: int):
    """A loss out of one lot of this product, with its reason (see services/losses.py)."""
    item = db.get_or_404(Product, product_id)
    lots = db.session.scalars(select(Lot).where(Lot.product_id == item.id)).all()
    form = _loss_form(lots)
    if submitted(form):

        def change() -> str:
            try:
                quantity = parse_quantity(item, form.quantity.data)
            except InvalidQuantity as error:
                raise InvalidData(f"{form.quantity.label.text} : {error}") from None
            declare_loss(
                db.session,
                current_user.id,
                utcnow(),
                form.lot_id.data,
                quantity,
                form.reason.data,
                form.note.data or "",
            )
            return _(
                "Perte enregistrée : %(q)s de « %(p)s » (%(r)s).",
                q=format_quantity(item, quantity),
                p=item.name,
                r=LOSS_REASON_LABELS[form.reason.data],
            )

        apply_change(change, InventoryError)
    return redirect(url_for(".product", product_id=item.id) + "#pertes")


@blueprint.route("/products/<int:product_id>/barcodes", methods=["POST"])
@require_permission(Permission.STOCK_MANAGE)
def add_product_barcode(product_id: int):
    item = db.get_or_404(Product, product_id)
    form = BarcodeForm()
    if form.validate_on_submit():
        try:
            add_barcode(db.session, item, form.code.data)
        except InventoryError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Code-barres ajouté."), "success")
    return redirect(url_for(".product", product_id=item.id))


@blueprint.route("/products/export.csv")
@require_permission(Permission.STOCK_MANAGE)
def export_products():
    return Response(
        export_products_csv(db.session),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=produits.csv"},
    )


@blueprint.route("/products/import", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
@takes_write_lock_late
def import_products():
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        text, refused = decode_csv_upload(form.file.data.read())
        errors, result = (
            ([refused], None)
            if refused
            else import_products_csv(db.session, current_user.id, utcnow(), text)
        )
        if errors:
            db.session.rollback()
        else:
            db.session.commit()
            flash(
                _(
                    "Import réussi : %(c)d produits créés, %(u)d mis à jour.",
                    c=result.created,
                    u=result.updated,
                ),
                "success",
            )
            return redirect(url_for(".products"))
    return render_template("inventory/import.html", form=form, errors=errors), (
        422 if errors else 200
    )


@blueprint.route("/nomenclature", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def nomenclature():
    form = RuleForm()
    if form.validate_on_submit():
        try:
            compile_rule(form.kind.data, form.name.data, form.pattern.data.strip())
        except InventoryError as error:
            flash(error.message, "error")
        else:
            db.session.add(
                BarcodeRule(
                    sequence=form.sequence.data,
                    name=form.name.data.strip(),
                    kind=form.kind.data,
                    pattern=form.pattern.data.strip(),
                )
            )
            record_audit(
                db.session,
                actor_id=current_user.id,
                now=utcnow(),
                action="nomenclature.changed",
                details={"added": form.pattern.data.strip(), "kind": form.kind.data},
            )
            db.session.commit()
            flash(_("Règle ajoutée."), "success")
            return redirect(url_for(".nomenclature"))
    tried = request.args.get("essai", "").strip()
    result = error = None
    if tried:
        try:
            result = parse_scan(db.session, tried, load_rules(db.session))
        except InventoryError as exc:
            error = exc.message
    rules = db.session.scalars(select(BarcodeRule).order_by(BarcodeRule.sequence)).all()
    return render_template(
        "inventory/nomenclature.html",
        rules=rules,
        form=form,
        delete_form=EmptyForm(),
        tried=tried,
        result=result,
        error=error,
    )


@blueprint.route("/nomenclature/<int:rule_id>/delete", methods=["POST"])
@require_permission(Permission.STOCK_MANAGE)
def delete_rule(rule_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    rule = db.get_or_404(BarcodeRule, rule_id)
    db.session.delete(rule)
    record_audit(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="nomenclature.changed",
        details={"removed": rule.pattern},
    )
    db.session.commit()
    flash(_("Règle supprimée."), "success")
    return redirect(url_for(".nomenclature"))


@blueprint.route("/categories", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def categories():
    """Create, rename and merge product categories."""
    from inventory.models import Category
    from inventory.services import categories as service

    if request.method == "POST":
        action = request.form.get("action", "")
        if action not in ("create", "rename", "merge", "family"):
            abort(400)
        form = CategoryForm()
        if not submitted(form):
            return redirect(url_for(".categories"))
        now = utcnow()

        def change() -> str:
            if action == "create":
                made = service.create_category(db.session, current_user.id, now, form.name.data)
                return _("Catégorie « %(c)s » créée.", c=made.name)
            category = db.get_or_404(Category, form.category_id.data or 0)
            if action == "rename":
                service.rename_category(db.session, current_user.id, now, category, form.name.data)
                return _("Catégorie renommée : « %(c)s ».", c=category.name)
            if action == "family":
                service.set_food_family(
                    db.session, current_user.id, now, category, form.food_family.data
                )
                return _("« %(c)s » : famille enregistrée.", c=category.name)
            target = db.get_or_404(Category, form.into.data or 0)
            moved = service.merge_categories(db.session, current_user.id, now, category, target)
            return _("%(n)d produit(s) rangé(s) dans « %(c)s ».", n=moved, c=target.name)

        apply_change(change, InventoryError)
        return redirect(url_for(".categories"))
    return render_template(
        "inventory/categories.html",
        form=EmptyForm(),
        rows=service.category_counts(db.session),
        families=service.FOOD_FAMILY_LABELS,
    )
