"""Ressourcerie pages: intake on the scale, items and their repair log, outflows, categories
and the tonnage report."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, require_csrf
from app.money import InvalidAmount, parse_cents
from app.quantities import InvalidQuantity, parse_kilograms
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import InvalidValue, arg_date, form_date, form_ids, form_integer
from inventory.errors import InvalidData
from inventory.models import (
    DataErasure,
    Intake,
    IntakeSource,
    ItemCategory,
    ItemState,
    Outflow,
    OutflowChannel,
    RessourcerieItem,
)
from inventory.ressourcerie.items import (
    CHANNEL_LABELS,
    RECYCLING,
    SOURCE_LABELS,
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
from inventory.ressourcerie.tonnage import kilograms, percent, tonnage_csv
from inventory.ressourcerie.tonnage import tonnage as tonnage_rows
from inventory.views import blueprint
from inventory.views.receptions import _participant_choices

TARES = (
    ("", "Sans contenant", 0),
    ("bac", "Bac roulant 240 l (12 kg)", 12_000),
    ("caisse", "Caisse plastique (1,5 kg)", 1_500),
    ("palette", "Palette (22 kg)", 22_000),
    ("cage", "Cage grillagée (35 kg)", 35_000),
)
STATE_ACTIONS = {
    ItemState.IN_REPAIR: "Mettre en réparation",
    ItemState.READY: "Prêt à la vente",
    ItemState.GIVEN: "Donné",
    ItemState.RECYCLED: "Recyclé",
    ItemState.DISCARDED: "Jeté (déchèterie)",
}


def _kilograms(name: str, label: str, required: bool = True) -> int:
    raw = request.form.get(name, "").strip()
    if not raw and not required:
        return 0
    try:
        return parse_kilograms(raw)
    except InvalidQuantity as error:
        raise InvalidData(f"{label} : {error}") from None


def _tare() -> int:
    custom = request.form.get("tare_kg", "").strip()
    if custom:
        return _kilograms("tare_kg", _("Tare"))
    return dict((key, grams) for key, _label, grams in TARES).get(
        request.form.get("container", ""), 0
    )


def _day(name: str, label: str = "Date") -> date:
    try:
        return form_date(name, label)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


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
        require_csrf()

        def change() -> str:
            nonlocal created
            try:
                source = IntakeSource(request.form.get("source", ""))
            except ValueError:
                raise InvalidData(_("Choisissez la provenance.")) from None
            _intake, created = record_intake(
                db.session,
                current_user.id,
                utcnow(),
                today,
                IntakeData(
                    request.form.get("category_id", 0, type=int),
                    source,
                    _day("collected_on"),
                    _kilograms("gross_kg", _("Poids brut")),
                    _tare(),
                    request.form.get("description", ""),
                    bool(request.form.get("keep")),
                    request.form.get("serial_number", ""),
                ),
            )
            if created:
                return _("Objet %(n)s créé : imprimez son étiquette.", n=created.number)
            return _("Collecte enregistrée : %(k)s kg net.", k=kilograms(_intake.net_grams))

        if _apply(change) and created is not None:
            return redirect(url_for(".item", number=created.number))
        return redirect(url_for(".ressourcerie"))
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
    return render_template(
        "inventory/ressourcerie.html",
        form=EmptyForm(),
        categories=_categories(),
        sources=SOURCE_LABELS,
        tares=TARES,
        today=today,
        items=db.session.scalars(items).all(),
        states=STATE_LABELS,
        state=state,
        intakes=db.session.scalars(select(Intake).order_by(Intake.id.desc()).limit(15)).all(),
        kg=kilograms,
    )


@blueprint.route("/ressourcerie/objets/<number>", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def item(number: str):
    found = db.session.scalar(select(RessourcerieItem).where(RessourcerieItem.number == number))
    if found is None:
        abort(404)
    if request.method == "POST":
        require_csrf()
        action = request.form.get("action", "")

        def change() -> str:
            now = utcnow()
            if action == "price":
                try:
                    cents = parse_cents(request.form.get("price", ""))
                except InvalidAmount as error:
                    raise InvalidData(str(error)) from None
                set_price(db.session, current_user.id, now, found, cents)
                return _("Prix enregistré.")
            if action == "repair":
                erasure = request.form.get("data_erasure", "")
                log_repair(
                    db.session,
                    current_user.id,
                    now,
                    found,
                    RepairData(
                        _day("day"),
                        _minutes(),
                        tuple(form_ids("participants")),
                        request.form.get("parts", ""),
                        _cents("parts_cost"),
                        request.form.get("tests", ""),
                        bool(request.form.get("all_tested")),
                        DataErasure(erasure) if erasure in {d.value for d in DataErasure} else None,
                        request.form.get("notes", ""),
                    ),
                )
                return _("Réparation notée.")
            if action == "state":
                try:
                    target = ItemState(request.form.get("state", ""))
                    channel_text = request.form.get("channel", "")
                    channel = OutflowChannel(channel_text) if channel_text else None
                except ValueError:
                    raise InvalidData(_("Choix invalide.")) from None
                change_state(db.session, current_user.id, now, found, target, channel)
                return _("%(n)s : %(s)s.", n=found.number, s=STATE_LABELS[target])
            abort(400)

        _apply(change)
        return redirect(url_for(".item", number=number))
    names = dict(_participant_choices())
    return render_template(
        "inventory/ressourcerie_item.html",
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


def _minutes() -> int:
    try:
        return form_integer("minutes", _("Durée en minutes"), default=0, maximum=24 * 60)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _cents(name: str) -> int:
    raw = request.form.get(name, "").strip()
    if not raw:
        return 0
    try:
        return parse_cents(raw)
    except InvalidAmount as error:
        raise InvalidData(str(error)) from None


@blueprint.route("/ressourcerie/sorties", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def outflows():
    today = shop_date(utcnow())
    if request.method == "POST":
        require_csrf()

        def change() -> str:
            try:
                channel = OutflowChannel(request.form.get("channel", ""))
            except ValueError:
                raise InvalidData(_("Choisissez la filière.")) from None
            outflow = record_outflow(
                db.session,
                current_user.id,
                utcnow(),
                today,
                OutflowData(
                    request.form.get("category_id", 0, type=int),
                    channel,
                    _day("day"),
                    _kilograms("gross_kg", _("Poids brut")),
                    _tare(),
                    request.form.get("partner", ""),
                ),
            )
            return _("Sortie enregistrée : %(k)s kg net.", k=kilograms(outflow.net_grams))

        _apply(change)
        return redirect(url_for(".outflows"))
    return render_template(
        "inventory/ressourcerie_outflows.html",
        form=EmptyForm(),
        categories=_categories(),
        channels=CHANNEL_LABELS,
        tares=TARES,
        today=today,
        kg=kilograms,
        outflows=db.session.scalars(select(Outflow).order_by(Outflow.id.desc()).limit(50)).all(),
    )


@blueprint.route("/ressourcerie/categories", methods=["GET", "POST"])
@require_permission(Permission.STOCK_MANAGE)
def item_categories():
    if request.method == "POST":
        require_csrf()

        def change() -> str:
            category_id = request.form.get("category_id", 0, type=int)
            category = db.session.get(ItemCategory, category_id) if category_id else ItemCategory()
            if category is None:
                raise InvalidData(_("Cette catégorie n'existe plus : rechargez la page."))
            name = request.form.get("name", "").strip()
            if not name or len(name) > 60:
                raise InvalidData(_("Nom de catégorie : 1 à 60 caractères."))
            clash = db.session.scalar(select(ItemCategory.id).where(ItemCategory.name == name))
            if clash is not None and clash != category.id:
                raise InvalidData(_("Cette catégorie existe déjà."))
            category.name = name
            price = request.form.get("suggested_price", "").strip()
            category.suggested_price_cents = _cents("suggested_price") if price else None
            category.electrical = bool(request.form.get("electrical"))
            category.is_active = not request.form.get("archived")
            db.session.add(category)
            return _("Catégorie « %(c)s » enregistrée.", c=name)

        _apply(change)
        return redirect(url_for(".item_categories"))
    return render_template(
        "inventory/ressourcerie_categories.html",
        form=EmptyForm(),
        categories=_categories(active_only=False),
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
        "inventory/ressourcerie_tonnage.html",
        rows=rows,
        first=first,
        last=last,
        kg=kilograms,
        percent=percent,
    )
