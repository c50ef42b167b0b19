"""Ressourcerie pages: intake on the scale, items and their repair log, outflows, categories
and the tonnage report."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.sites.context import current_site_id
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import arg_date, form_ids
from inventory.errors import InvalidData
from inventory.models import (
    ChoiceKind,
    Intake,
    ItemCategory,
    ItemState,
    Outflow,
    RessourcerieItem,
)
from inventory.ressourcerie.categories import ItemCategoryData, grid_text, save_item_category
from inventory.ressourcerie.choices import (
    KIND_LABELS,
    all_choices,
    choices,
    collected_tables,
    save_choice,
)
from inventory.ressourcerie.corrections import correct_weight, corrections_of
from inventory.ressourcerie.forms import (
    TARES,
    ChoiceForm,
    CorrectionForm,
    IntakeForm,
    ItemCategoryForm,
    OutflowForm,
    PriceForm,
    RepairForm,
    StateForm,
)
from inventory.ressourcerie.items import (
    CHANNEL_LABELS,
    RECYCLING,
    STATE_LABELS,
    TRANSITIONS,
    IntakeData,
    RepairData,
    change_state,
    is_electrical,
    log_repair,
    reconditioned,
    record_intake,
    set_price,
)
from inventory.ressourcerie.outflows import OutflowData, record_outflow
from inventory.ressourcerie.tonnage import kilograms, outcomes, percent, tonnage_csv
from inventory.ressourcerie.tonnage import tonnage as tonnage_rows
from inventory.views import blueprint
from inventory.views.receptions import _participant_choices

STATE_ACTIONS = {
    ItemState.IN_REPAIR: "Mettre en réparation",
    ItemState.READY: "Prêt à la vente",
    ItemState.GIVEN: "Donné",
    ItemState.RECYCLED: "Recyclé",
    ItemState.DISCARDED: "Jeté (déchèterie)",
}


def _apply(change) -> bool:
    return apply_change(change, InvalidData)


def _categories(active_only: bool = True) -> list[ItemCategory]:
    query = select(ItemCategory).order_by(ItemCategory.name)
    if active_only:
        query = query.where(ItemCategory.is_active)
    return list(db.session.scalars(query))


@blueprint.route("/ressourcerie/", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def ressourcerie():
    today = shop_date(utcnow())
    created = None
    if request.method == "POST":
        # The ressourcerie's most frequent request: the posted ids are checked by
        # record_intake, the lists the page offers are not loaded.
        form = IntakeForm().ids_checked_by_service()
        if not submitted(form):
            return redirect(url_for(".ressourcerie"))

        def change() -> str:
            nonlocal created
            _intake, created = record_intake(
                db.session,
                current_user.id,
                utcnow(),
                today,
                IntakeData(
                    form.category_id.data,
                    form.collection_type_id.data,
                    form.collected_on.data,
                    form.gross_kg.data,
                    form.tare_grams,
                    form.description.data or "",
                    form.keep.data,
                    form.serial_number.data or "",
                    area_id=form.area_id.data,
                    point_id=form.point_id.data,
                    site_id=current_site_id(),
                ),
            )
            if created:
                return _("Objet %(n)s créé : imprimez son étiquette.", n=created.number)
            return _("Collecte enregistrée : %(k)s kg net.", k=kilograms(_intake.net_grams))

        if _apply(change) and created is not None:
            return redirect(url_for(".item", number=created.number))
        return redirect(url_for(".ressourcerie"))
    categories, lists = _categories(), all_choices(db.session)
    form = IntakeForm().offer(
        categories,
        {
            "collection_type_id": lists[ChoiceKind.COLLECTION_TYPE],
            "area_id": lists[ChoiceKind.AREA],
            "point_id": lists[ChoiceKind.POINT],
        },
    )
    wanted = request.args.get("q", "").strip().upper()
    if wanted:  # an item's number, or the ticket it was sold on
        found = db.session.scalar(
            select(RessourcerieItem.number).where(
                (RessourcerieItem.number == wanted) | (RessourcerieItem.sold_ticket == wanted)
            )
        )
        if found:
            return redirect(url_for(".item", number=found))
        flash(_("Aucun objet pour « %(q)s ».", q=wanted), "error")
    state = request.args.get("etat", "")
    items = select(RessourcerieItem).order_by(RessourcerieItem.number.desc()).limit(200)
    if state in {s.value for s in ItemState}:
        items = items.where(RessourcerieItem.state == ItemState(state))
    else:
        items = items.where(
            RessourcerieItem.state.in_((ItemState.COLLECTED, ItemState.IN_REPAIR, ItemState.READY))
        )
    intakes = db.session.scalars(select(Intake).order_by(Intake.id.desc()).limit(15)).all()
    return render_template(
        "inventory/ressourcerie/index.html",
        form=form,
        categories=categories,
        tares=TARES,
        today=today,
        items=db.session.scalars(items).all(),
        states=STATE_LABELS,
        state=state,
        intakes=intakes,
        corrections=corrections_of(db.session, intakes),
        correction_form=CorrectionForm(formdata=None),
        kg=kilograms,
    )


@blueprint.route("/ressourcerie/objets/<number>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def item(number: str):
    found = db.session.scalar(select(RessourcerieItem).where(RessourcerieItem.number == number))
    if found is None:
        abort(404)
    if request.method == "POST":
        action = request.form.get("action", "")
        if action not in ITEM_ACTIONS:
            abort(400)
        form = ITEM_ACTIONS[action]()
        if submitted(form):
            _apply(lambda: _item_change(found, action, form))
        return redirect(url_for(".item", number=number))
    names = dict(_participant_choices())
    return render_template(
        "inventory/ressourcerie/item.html",
        form=EmptyForm(),
        item=found,
        states=STATE_LABELS,
        actions={s: STATE_ACTIONS[s] for s in TRANSITIONS[found.state]},
        channels={c: CHANNEL_LABELS[c] for c in RECYCLING},
        participants=_participant_choices(),
        names=names,
        today=shop_date(utcnow()),
        electrical=is_electrical(found),
        reconditioned=reconditioned(found),
        kg=kilograms,
    )


ITEM_ACTIONS = {"price": PriceForm, "repair": RepairForm, "state": StateForm}


def _item_change(found: RessourcerieItem, action: str, form) -> str:
    now = utcnow()
    if action == "price":
        set_price(db.session, current_user.id, now, found, form.price.cents)
        return _("Prix enregistré.")
    if action == "repair":
        log_repair(
            db.session,
            current_user.id,
            now,
            found,
            RepairData(
                form.day.data,
                form.minutes.data or 0,
                tuple(form_ids("participants")),
                form.parts.data or "",
                form.parts_cost.cents or 0,
                form.tests.data or "",
                form.all_tested.data,
                form.data_erasure.data,
                form.notes.data or "",
            ),
        )
        return _("Réparation notée.")
    change_state(db.session, current_user.id, now, found, form.state.data, form.channel.data)
    return _("%(n)s : %(s)s.", n=found.number, s=STATE_LABELS[form.state.data])


@blueprint.route("/ressourcerie/sorties", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def outflows():
    today = shop_date(utcnow())
    if request.method == "POST":
        form = OutflowForm().ids_checked_by_service()  # record_outflow checks the ids
        if not submitted(form):
            return redirect(url_for(".outflows"))

        def change() -> str:
            outflow = record_outflow(
                db.session,
                current_user.id,
                utcnow(),
                today,
                OutflowData(
                    form.category_id.data,
                    form.channel.data,
                    form.day.data,
                    form.gross_kg.data,
                    form.tare_grams,
                    form.partner.data or "",
                    form.point_id.data,
                    site_id=current_site_id(),
                ),
            )
            return _("Sortie enregistrée : %(k)s kg net.", k=kilograms(outflow.net_grams))

        _apply(change)
        return redirect(url_for(".outflows"))
    categories, points = _categories(), choices(db.session, ChoiceKind.POINT)
    form = OutflowForm().offer(categories, {"point_id": points})
    outflows = db.session.scalars(select(Outflow).order_by(Outflow.id.desc()).limit(50)).all()
    return render_template(
        "inventory/ressourcerie/outflows.html",
        form=form,
        categories=categories,
        channels=CHANNEL_LABELS,
        tares=TARES,
        today=today,
        kg=kilograms,
        outflows=outflows,
        corrections=corrections_of(db.session, outflows),
        correction_form=CorrectionForm(formdata=None),
    )


@blueprint.route("/ressourcerie/<kind>/<int:record_id>/corriger", methods=["POST"])
@require_permission(Permission.STOCK_MANAGE)
def correct_record(kind: str, record_id: int):
    """A wrong intake (« entrees ») or outflow (« sorties ») weight: a linked correction, the
    record itself untouched; the tonnage takes the corrected weight."""
    model = {"entrees": Intake, "sorties": Outflow}.get(kind)
    if model is None:
        abort(404)
    record = db.get_or_404(model, record_id)
    form = CorrectionForm()
    if submitted(form):

        def change() -> str:
            correct_weight(
                db.session, current_user.id, utcnow(), record, form.net_kg.data, form.reason.data
            )
            return _("Poids corrigé : %(k)s kg net.", k=kilograms(form.net_kg.data))

        _apply(change)
    return redirect(url_for(".ressourcerie" if model is Intake else ".outflows"))


@blueprint.route("/ressourcerie/listes", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def choice_lists():
    """Origins, collection types and collection points: added, renamed, archived."""
    if request.method == "POST":
        form = ChoiceForm()
        if submitted(form):

            def change() -> str:
                saved = save_choice(
                    db.session,
                    form.kind.data,
                    form.choice_id.data,
                    form.name.data,
                    not form.archived.data,
                )
                return _("« %(n)s » enregistré.", n=saved.name)

            _apply(change)
        return redirect(url_for(".choice_lists"))
    return render_template(
        "inventory/ressourcerie/lists.html",
        form=EmptyForm(),
        lists=[
            (kind, label, choices(db.session, kind, active_only=False))
            for kind, label in KIND_LABELS.items()
        ],
    )


@blueprint.route("/ressourcerie/categories", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def item_categories():
    form = ItemCategoryForm()
    if request.method == "POST":
        if submitted(form):

            def change() -> str:
                category = save_item_category(
                    db.session,
                    form.category_id.data,
                    ItemCategoryData(
                        form.name.data,
                        form.suggested_price.cents,
                        form.electrical.data,
                        not form.archived.data,
                        form.price_grid.data or (),
                        form.standard_weight.data,
                    ),
                )
                return _("Catégorie « %(c)s » enregistrée.", c=category.name)

            _apply(change)
        return redirect(url_for(".item_categories"))
    return render_template(
        "inventory/ressourcerie/categories.html",
        form=form,
        categories=_categories(active_only=False),
        grid_text=grid_text,
        kg=kilograms,
    )


@blueprint.route("/ressourcerie/tonnage")
@require_permission(Permission.STOCK_MANAGE, Permission.REPORTS_VIEW)
def tonnage():
    today = shop_date(utcnow())
    first = arg_date("du", _("Du"), today.replace(month=1, day=1))
    last = arg_date("au", _("Au"), today)
    rows = tonnage_rows(db.session, first, max(last, first))
    if request.args.get("format") == "csv":
        return Response(
            tonnage_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="tonnage-{first}-{last}.csv"'},
        )
    return render_template(
        "inventory/ressourcerie/tonnage.html",
        rows=rows,
        by=[(label, grams) for label, grams in collected_tables(db.session, first, last)],
        outcomes=outcomes(db.session, first, max(last, first)),
        first=first,
        last=last,
        kg=kilograms,
        percent=percent,
    )
