"""Receiving deliveries by scanning, and the jardin atelier's harvest page."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.quantities import InvalidQuantity, parse_kilograms
from app.sites.context import current_site_id
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import arg_year, parse_integer
from inventory.errors import InventoryError, UnknownBarcode
from inventory.forms import (
    ORIGIN_LABELS,
    HarvestForm,
    LotForm,
    ParcelForm,
    ReceptionForm,
    ScanForm,
)
from inventory.models import (
    GardenParcel,
    LotOrigin,
    Product,
    PurchaseOrder,
    Reception,
    RuleKind,
    StockUnit,
)
from inventory.nomenclature import parse_scan
from inventory.ports import JARDIN_PARTICIPANTS
from inventory.purchasing.services import progress
from inventory.services.ledger import stock_by_product
from inventory.services.parcels import active_parcels, add_parcel, all_parcels, edit_parcel
from inventory.services.receptions import (
    HarvestData,
    LotData,
    ReceptionData,
    harvest_table,
    receive_line,
    recent_harvests,
    recent_receptions,
    record_harvest,
    start_reception,
)
from inventory.views import blueprint, parse_quantity

_TEMPERATURE = re.compile(r"^([+-]?)([0-9]{1,2})(?:\.([0-9]))?$")


def _optional_tenths(text: str | None) -> int | None:
    """ "-18", "3,5 °C" → tenths of a degree, between -40 and +60 °C (a freezer, a hot day)."""
    if not text or not text.strip():
        return None
    cleaned = text.replace(",", ".").replace("°", "").replace("C", "").replace(" ", "").strip()
    match = _TEMPERATURE.match(cleaned)
    if not match:
        raise InvalidQuantity(
            _("Température « %(t)s » illisible (exemple : -18 ou 3,5).", t=text.strip()[:30])
        )
    tenths = int(match[2]) * 10 + int(match[3] or 0)
    tenths = -tenths if match[1] == "-" else tenths
    if not -400 <= tenths <= 600:
        raise InvalidQuantity(_("Température : entre -40 et 60 °C."))
    return tenths


@blueprint.route("/receptions", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def receptions():
    form = ReceptionForm()
    if form.validate_on_submit():
        try:
            weight = (
                parse_kilograms(form.declared_weight.data) if form.declared_weight.data else None
            )
            data = ReceptionData(
                origin=LotOrigin(form.origin.data),
                supplier=form.supplier.data or None,
                document_ref=form.document_ref.data or None,
                declared_weight_grams=weight,
                temperature_tenths_c=_optional_tenths(form.temperature.data),
                site_id=current_site_id(),
            )
            reception = start_reception(db.session, current_user.id, utcnow(), data)
        except (InventoryError, InvalidQuantity) as error:
            db.session.rollback()
            flash(getattr(error, "message", str(error)), "error")
        else:
            db.session.commit()
            return redirect(url_for(".reception", reception_id=reception.id))
    return render_template(
        "inventory/receptions.html",
        form=form,
        receptions=recent_receptions(db.session),
        origins=ORIGIN_LABELS,
    ), (422 if form.is_submitted() else 200)


@blueprint.route("/receptions/<int:reception_id>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def reception(reception_id: int):
    """Scan a product, then type its quantity and date: one lot per line."""
    item = db.get_or_404(Reception, reception_id)
    scan_form = ScanForm(request.args)
    lot_form = LotForm()
    product = unknown_code = None
    if request.method == "POST" and lot_form.validate_on_submit():
        product = db.get_or_404(
            Product, parse_integer(lot_form.product_id.data, _("Produit"), minimum=1)
        )
        try:
            quantity = parse_quantity(product, lot_form.quantity.data)
            data = LotData(
                quantity=quantity,
                use_by=lot_form.expiry.data if lot_form.date_kind.data == "use_by" else None,
                best_before=(
                    lot_form.expiry.data if lot_form.date_kind.data == "best_before" else None
                ),
            )
            if lot_form.date_kind.data != "none" and lot_form.expiry.data is None:
                raise InvalidQuantity(_("Donnez la date limite, ou choisissez « Sans date »."))
            today = shop_date(utcnow())
            if lot_form.expiry.data and not (
                today - timedelta(days=5 * 366)
                <= lot_form.expiry.data
                <= today + timedelta(days=10 * 366)
            ):
                raise InvalidQuantity(
                    _(
                        "Date limite : dans les dix ans qui viennent (une "
                        "DLC ou DDM plus lointaine est une faute de frappe)."
                    )
                )
            receive_line(db.session, current_user.id, utcnow(), item, product, data)
        except (InventoryError, InvalidQuantity) as error:
            db.session.rollback()
            flash(getattr(error, "message", str(error)), "error")
        else:
            db.session.commit()
            flash(_("%(p)s : lot enregistré.", p=product.name), "success")
            return redirect(url_for(".reception", reception_id=item.id))
    elif request.method == "POST":
        # A refused field (a date in 9999, "²" as a quantity) is said, never silently dropped.
        for errors in lot_form.errors.values():
            for message in errors:
                flash(str(message), "error")
    elif scan_form.code.data:
        try:
            result = parse_scan(db.session, scan_form.code.data)
            if result.product is None or result.kind != RuleKind.PRODUCT:
                raise InventoryError(_("Ce code n'est pas celui d'un produit."))
            product = result.product
            lot_form = LotForm(formdata=None, product_id=product.id)
        except UnknownBarcode as error:
            unknown_code = error.barcode
        except InventoryError as error:
            flash(error.message, "error")
    products = [lot.product for lot in item.lots]
    order = (
        db.session.get(PurchaseOrder, item.purchase_order_id) if item.purchase_order_id else None
    )
    return render_template(
        "inventory/reception.html",
        reception=item,
        order=order,
        order_rows=progress(db.session, order) if order else [],
        scan_form=scan_form,
        lot_form=lot_form,
        product=product,
        unknown_code=unknown_code,
        origins=ORIGIN_LABELS,
        stock=stock_by_product(
            db.session,
            [p.id for p in products + ([product] if product else [])],
            current_site_id(),
        ),
    )


def _participant_choices() -> list[tuple[int, str]]:
    """The participants of the jardin atelier, from the participants package (wired in app)."""
    return JARDIN_PARTICIPANTS(db.session)


@blueprint.route("/jardin", methods=["GET", "POST"])
@require_permission(Permission.HARVEST_LOG)
def harvests():
    form = HarvestForm()
    vegetables = db.session.scalars(
        select(Product)
        .where(Product.unit == StockUnit.KILOGRAM, Product.is_active)
        .order_by(Product.search_name)
    ).all()
    form.product_id.choices = [SelectChoice(p.id, p.name) for p in vegetables]
    form.parcel_number.choices = [
        SelectChoice(p.number, p.name) for p in active_parcels(db.session)
    ]
    form.participant_ids.choices = _participant_choices()
    today = shop_date(utcnow())
    if not form.is_submitted():
        form.harvested_on.data = today
    if form.validate_on_submit():
        try:
            data = HarvestData(
                parcel_number=form.parcel_number.data,
                product_id=form.product_id.data,
                weight_grams=parse_kilograms(form.weight.data),
                harvested_on=form.harvested_on.data,
                participant_ids=tuple(form.participant_ids.data or ()),
                site_id=current_site_id(),
            )
            harvest = record_harvest(db.session, current_user.id, utcnow(), data)
        except (InventoryError, InvalidQuantity) as error:
            db.session.rollback()
            flash(getattr(error, "message", str(error)), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Livraison enregistrée : %(p)s, parcelle %(n)d.",
                    p=harvest.product.name,
                    n=harvest.parcel_number,
                ),
                "success",
            )
            return redirect(url_for(".harvests"))
    year = arg_year("annee", today.year)
    names, table = harvest_table(db.session, year)
    grown = {number for row in table.values() for number in row}
    return render_template(
        "inventory/harvests.html",
        form=form,
        year=year,
        names=names,
        table=table,
        recent=recent_harvests(db.session),
        parcels=[p for p in all_parcels(db.session) if p.is_active or p.number in grown],
    )


@blueprint.route("/jardin/parcelles", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def parcels():
    """The jardin's parcels: renamed, measured, added, retired (never deleted)."""
    if request.method == "POST":
        now = utcnow()
        action = request.form.get("action")
        if action not in ("add", "edit"):
            abort(400)
        form = ParcelForm()
        if action == "edit" and (form.number.process_errors or form.number.data is None):
            abort(404)  # no such parcel: never a new one by accident
        if not submitted(form):
            return redirect(url_for(".parcels"))

        def change() -> str:
            if action == "add":
                made = add_parcel(db.session, current_user.id, now, form.name.data, form.area.data)
                return _("Parcelle %(n)d « %(p)s » ajoutée.", n=made.number, p=made.name)
            parcel = db.first_or_404(
                select(GardenParcel).where(GardenParcel.number == (form.number.data or 0))
            )
            edit_parcel(
                db.session,
                current_user.id,
                now,
                parcel,
                form.name.data,
                form.area.data,
                grown=form.grown.data,
            )
            return _("Parcelle %(n)d enregistrée.", n=parcel.number)

        apply_change(change, InventoryError)
        return redirect(url_for(".parcels"))
    return render_template(
        "inventory/parcels.html", form=EmptyForm(), parcels=all_parcels(db.session)
    )
