"""Label pages: choose → preview → print (A4 sheet PDF or the thermal roll)."""

from __future__ import annotations

import base64

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.orm import takes_write_lock_late
from app.settings.core import SHOP_NAME
from app.settings.services import get_setting
from app.sites.context import current_site_id
from app.urls import safe_local_path
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import InvalidValue, form_ids, parse_integer
from hardware.models import MODELS
from hardware.targets import KINDS, InvalidPrinterTarget, check_printer
from inventory.models import Product, RessourcerieItem, StockUnit
from labels import services
from labels.content import card_label
from labels.forms import LabelPrinterForm, LabelRequestForm
from labels.layouts import DEFAULT_LAYOUT, LAYOUTS
from labels.pdf import LabelDoesNotFit, preview_png, render_sheets
from labels.ports import CARD_LABELS

blueprint = Blueprint("labels", __name__, template_folder="templates")
TEMPLATES = {
    "shelf": "Étiquette de rayon (prix, prix au kg ou au litre)",
    "sticker": "Code-barres du produit",
}


def _counts() -> dict[int, int]:
    counts = {}
    for key, value in request.form.items():
        if key.startswith("count-") and value.strip():
            try:
                product_id = parse_integer(key[6:], _("Produit"), minimum=1)
                counts[product_id] = parse_integer(
                    value, _("Nombre d'étiquettes"), maximum=services.MAX_LABELS
                )
            except InvalidValue as error:
                raise services.LabelError(error.message) from None
    return counts


def _labels_from_form(form: LabelRequestForm):
    kind = form.kind.data
    needed = {"card": Permission.HOUSEHOLDS_MANAGE, "weighed": Permission.LABELS_WEIGHED}
    if not current_user.can(needed.get(kind, Permission.LABELS_PRINT)):
        abort(403)  # a social worker prints cards only, the jardin pesée labels only
    if kind in TEMPLATES:
        rate = (
            get_setting(db.session, "epicerie.default_rate_bp") if form.participation.data else None
        )
        return services.product_labels(db.session, _counts(), kind, rate), kind
    if kind == "weighed":
        return services.weighed_labels(
            db.session, form.weighed_request(shop_date(utcnow())), form.copies.data or 1
        ), kind
    if kind == "item":
        return services.item_labels(db.session, form_ids("items")), kind
    if kind == "card":
        rows = CARD_LABELS(db.session, current_user, form_ids("households"), shop_date(utcnow()))
        if not rows:
            raise services.LabelError(_("Aucune carte à imprimer."))
        shop = SHOP_NAME.get(db.session)
        return [card_label(name, code, validity, shop) for name, code, validity in rows], kind
    abort(400)


@blueprint.route("/imprimer", methods=["POST"])
@require_permission(
    Permission.LABELS_PRINT, Permission.LABELS_WEIGHED, Permission.HOUSEHOLDS_MANAGE
)
@takes_write_lock_late
def render():
    """The one place labels leave: preview (PNG in the page), PDF, or thermal roll. Rendering
    and printing hold no write lock (SQLite): the tills keep selling meanwhile."""
    form = LabelRequestForm()
    back = safe_local_path(
        form.back.data,
        url_for(".choose" if current_user.can(Permission.LABELS_PRINT) else ".weighed"),
    )
    if not submitted(form):
        return redirect(back)
    layout, start, output = LAYOUTS[form.layout.data], form.start.data or 1, form.output.data
    try:
        labels, kind = _labels_from_form(form)
        if output == "thermal":
            count = services.print_on_roll(db.session, labels, current_site_id())
            if kind == "shelf":
                services.record_shelf_prints(
                    db.session, _counts(), current_user.id, utcnow(), current_site_id()
                )
            db.session.commit()
            flash(_("%(n)d étiquette(s) envoyée(s) à l'imprimante thermique.", n=count), "success")
            return redirect(back)
        pdf = render_sheets(labels, layout, start)
    except services.LabelError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    except LabelDoesNotFit:
        flash(
            _(
                "Ces étiquettes ne tiennent pas dans ce format : choisissez une planche aux "
                "étiquettes plus grandes."
            ),
            "error",
        )
        return redirect(back)
    if output == "pdf":
        if kind == "shelf":
            services.record_shelf_prints(
                db.session, _counts(), current_user.id, utcnow(), current_site_id()
            )
            db.session.commit()
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={"Content-Disposition": 'inline; filename="etiquettes.pdf"'},
        )
    pages = (len(labels) + start - 2) // layout.per_sheet + 1
    return render_template(
        "labels/preview.html",
        form=EmptyForm(),
        fields=request.form.items(multi=True),
        image=base64.b64encode(preview_png(pdf)).decode(),
        count=len(labels),
        pages=pages,
        layout=layout,
        back=back,
    )


@blueprint.route("/", methods=["GET"])
@require_permission(Permission.LABELS_PRINT)
def choose():
    """Products to label: search, or the ones passed in (a reception, the reprint queue)."""
    query = request.args.get("q", "").strip()
    preset: dict[int, int] = {}
    if request.args.get("reception", type=int):
        preset = services.reception_counts(db.session, request.args.get("reception", type=int))
    products = []
    if preset:
        products = list(
            db.session.scalars(select(Product).where(Product.id.in_(preset)).order_by(Product.name))
        )
    elif query:
        from inventory.services.products import search_products

        products = search_products(db.session, query)[:100]
    return render_template(
        "labels/choose.html",
        form=EmptyForm(),
        products=products,
        preset=preset,
        query=query,
        layouts=LAYOUTS.values(),
        templates=TEMPLATES,
        default_layout=DEFAULT_LAYOUT,
        queue=len(services.reprint_queue(db.session)),
        rate=get_setting(db.session, "epicerie.default_rate_bp") // 100,
        thermal=services.has_thermal_printer(db.session, current_site_id()),
    )


@blueprint.route("/a-reimprimer")
@require_permission(Permission.LABELS_PRINT)
def reprint():
    return render_template(
        "labels/reprint.html",
        form=EmptyForm(),
        products=services.reprint_queue(db.session),
        layouts=LAYOUTS.values(),
        default_layout=DEFAULT_LAYOUT,
        thermal=services.has_thermal_printer(db.session, current_site_id()),
    )


@blueprint.route("/pesee")
@require_permission(Permission.LABELS_WEIGHED)
def weighed():
    products = db.session.scalars(
        select(Product)
        .where(Product.unit == StockUnit.KILOGRAM, Product.is_active)
        .order_by(Product.name)
    ).all()
    return render_template(
        "labels/weighed.html",
        form=EmptyForm(),
        products=products,
        layouts=LAYOUTS.values(),
        default_layout=DEFAULT_LAYOUT,
        today=shop_date(utcnow()),
        thermal=services.has_thermal_printer(db.session, current_site_id()),
    )


@blueprint.route("/ressourcerie")
@require_permission(Permission.LABELS_PRINT)
def items():
    rows = db.session.scalars(
        select(RessourcerieItem).order_by(RessourcerieItem.number.desc()).limit(200)
    ).all()
    return render_template(
        "labels/items.html",
        form=EmptyForm(),
        items=rows,
        layouts=LAYOUTS.values(),
        default_layout=DEFAULT_LAYOUT,
        thermal=services.has_thermal_printer(db.session, current_site_id()),
    )


@blueprint.route("/imprimante", methods=["GET", "POST"])
@require_permission(Permission.PRINTERS_CONFIGURE)
def printer():
    if request.method == "POST":
        form = LabelPrinterForm()
        if submitted(form):

            def change() -> str:
                kind, model = form.kind.data, form.model.data
                target = check_printer(kind, form.target.data or "", model, current_app.config)
                services.set_label_printer(
                    db.session, current_user.id, utcnow(), kind, target, model, current_site_id()
                )
                return _("Imprimante d'étiquettes enregistrée.")

            apply_change(change, InvalidPrinterTarget)
        return redirect(url_for(".printer"))
    kind, target, model = services.label_printer(db.session, current_site_id())
    return render_template(
        "labels/printer.html",
        form=EmptyForm(),
        kinds=KINDS,
        models=MODELS.values(),
        kind=kind,
        target=target,
        model=model,
    )
