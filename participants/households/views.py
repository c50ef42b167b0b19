"""A social worker's pages: the households they follow, their rights and cards."""

from __future__ import annotations

import base64
import io
import json

from barcode import EAN13
from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.api import error_payload
from app.audit.services import record_read
from app.clock import shop_date, utcnow
from app.extensions import db
from app.money import format_cents_plain
from app.users.auth import require_permission
from app.users.roles import Permission
from participants.errors import CardRefused, NotAllowed, ParticipantsError
from participants.households.forms import (
    BODY_LABELS,
    KINSHIP_LABELS,
    SEX_LABELS,
    DecisionForm,
    HouseholdForm,
    ReissueForm,
    RightForm,
)
from participants.households.privacy import (
    export_household,
    open_household_file,
    search_households,
)
from participants.households.records import (
    HouseholdData,
    MemberData,
    consumption_units_tenths,
    create_household,
    household_rav_cents,
    reissue_card,
    update_household,
)
from participants.households.rights import (
    RightRequest,
    card_validity,
    default_allowance_cents,
    end_right,
    household_for_till,
    request_right,
    right_on,
)
from participants.households.schemas import TillCardOut
from participants.models import Household, Kinship, ReferringBody, Sex
from participants.ports import HOUSEHOLD_SPENDING, HOUSEHOLD_VISITS
from participants.settings import DEFAULT_RATE_BP, RAV_THRESHOLD_CENTS, RIGHT_DEFAULT_MONTHS
from participants.web import blueprint


def _household_data(form: HouseholdForm) -> HouseholdData:
    members = tuple(
        MemberData(
            entry.first_name.data,
            entry.birth_year.data or 0,
            Sex(entry.sex.data),
            Kinship(entry.kinship.data),
        )
        for entry in form.members
        if (entry.first_name.data or "").strip()
    )
    return HouseholdData(
        display_name=form.display_name.data,
        referring_body=ReferringBody(form.referring_body.data),
        referrer_name=form.referrer_name.data,
        monthly_resources_cents=form.resources.cents,
        monthly_charges_cents=form.charges.cents,
        notes=form.notes.data,
        members=members,
    )


def _file(household_id: int) -> Household:
    try:
        return open_household_file(
            db.session, current_user, household_id, utcnow(), request.remote_addr
        )
    except NotAllowed:
        abort(403)


def _read_only_file(household_id: int) -> Household:
    """For pages that only show the file (its read is logged when the page is done)."""
    return _file(household_id)


@blueprint.route("/foyers/")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def households():
    query = request.args.get("q", "")
    found = search_households(db.session, current_user, query)
    record_read(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="household.list_viewed",
        details={"count": len(found)},
        remote_addr=request.remote_addr,
    )
    today = shop_date(utcnow())
    return render_template(
        "participants/households.html",
        households=found,
        query=query,
        rights={h.id: right_on(h, today) for h in found},
        today=today,
    )


@blueprint.route("/foyers/nouveau", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def new_household():
    form = HouseholdForm()
    if not form.is_submitted():
        form.members[0].kinship.data = Kinship.REFERENCE.value
        for entry in form.members[1:]:
            entry.kinship.data = Kinship.CHILD.value
    form.offer_rows(len(form.members) - 2, more=3 if _more_rows_asked() else 0)
    if not _more_rows_asked() and form.validate_on_submit():
        try:
            household = create_household(
                db.session, current_user.id, utcnow(), _household_data(form)
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Dossier créé pour %(n)s.", n=household.display_name), "success")
            return redirect(url_for(".household", household_id=household.id))
    return render_template(
        "participants/household_form.html",
        form=form,
        household=None,
        labels=(BODY_LABELS, SEX_LABELS, KINSHIP_LABELS),
    ), (422 if form.is_submitted() and not _more_rows_asked() else 200)


def _more_rows_asked() -> bool:
    """« Ajouter des lignes »: the form comes back with three more empty rows, nothing saved."""
    return request.method == "POST" and "more" in request.form


@blueprint.route("/foyers/<int:household_id>/modifier", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def edit_household(household_id: int):
    household = _file(household_id)
    form = HouseholdForm(obj=household)
    if not form.is_submitted():
        form.referring_body.data = household.referring_body.value
        form.resources.data = format_cents_plain(household.monthly_resources_cents)
        form.charges.data = format_cents_plain(household.monthly_charges_cents)
        form.offer_rows(len(household.members))
        for entry, person in zip(form.members, household.members, strict=False):
            entry.first_name.data = person.first_name
            entry.birth_year.data = person.birth_year
            entry.sex.data = person.sex.value
            entry.kinship.data = person.kinship.value
    else:
        form.offer_rows(len(form.members) - 2, more=3 if _more_rows_asked() else 0)
    if not _more_rows_asked() and form.validate_on_submit():
        try:
            update_household(
                db.session, current_user.id, utcnow(), household, _household_data(form)
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Dossier enregistré."), "success")
            return redirect(url_for(".household", household_id=household.id))
    else:
        db.session.commit()  # the logged read
    return render_template("participants/household_form.html", form=form, household=household)


@blueprint.route("/foyers/<int:household_id>", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def household(household_id: int):
    item = _file(household_id)
    today = shop_date(utcnow())
    form = RightForm()
    if not form.is_submitted():
        form.starts_on.data = today
        form.months.data = RIGHT_DEFAULT_MONTHS.get(db.session)
        form.rate.data = DEFAULT_RATE_BP.get(db.session) // 100
        form.allowance.data = format_cents_plain(
            default_allowance_cents(db.session, len(item.members))
        )
    if form.validate_on_submit():
        try:
            request_right(
                db.session,
                current_user.id,
                utcnow(),
                item,
                RightRequest(
                    form.starts_on.data,
                    form.months.data,
                    form.rate.data * 100,
                    form.allowance.cents,
                    form.project.data,
                ),
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Demande transmise à la commission d'accès."), "success")
            return redirect(url_for(".household", household_id=item.id))
    db.session.commit()  # keep the logged read even when the form is refused
    year = today.year
    visits = [
        v for code in {c.code for c in item.cards} for v in HOUSEHOLD_VISITS(db.session, code)
    ]
    return render_template(
        "participants/household.html",
        household=item,
        form=form,
        reissue_form=ReissueForm(),
        rav_cents=household_rav_cents(item),
        rav_threshold=RAV_THRESHOLD_CENTS.get(db.session),
        units=consumption_units_tenths([p.birth_year for p in item.members], year),
        year=year,
        current=right_on(item, today),
        labels=(BODY_LABELS, SEX_LABELS, KINSHIP_LABELS),
        visits=sorted(visits, key=lambda v: v.month, reverse=True),
        end_form=DecisionForm(),
    )


@blueprint.route("/foyers/<int:household_id>/droits/<int:right_id>/clore", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def close_right(household_id: int, right_id: int):
    item = _file(household_id)
    right = next((r for r in item.rights if r.id == right_id), None)
    if right is None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            end_right(
                db.session,
                current_user.id,
                utcnow(),
                right,
                shop_date(utcnow()),
                form.note.data or _("clos par le ou la référent·e"),
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Droit clos à la date d'aujourd'hui."), "success")
    return redirect(url_for(".household", household_id=item.id))


@blueprint.route("/foyers/<int:household_id>/carte")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def card(household_id: int):
    item = _read_only_file(household_id)
    svg = io.BytesIO()
    EAN13(item.card_code[:12]).write(
        svg,
        options={
            "module_width": 0.33,
            "module_height": 12,
            "quiet_zone": 6.5,
            "font_size": 8,
            "text_distance": 3,
        },
    )
    today = shop_date(utcnow())
    return render_template(
        "participants/card.html",
        household=item,
        reissue_form=ReissueForm(),
        barcode=base64.b64encode(svg.getvalue()).decode(),
        current=right_on(item, today),
        validity=card_validity(item, today),
    )


@blueprint.route("/foyers/<int:household_id>/carte/remplacer", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def replace_card(household_id: int):
    item = _file(household_id)
    form = ReissueForm()
    if form.validate_on_submit():
        reissue_card(db.session, current_user.id, utcnow(), item, form.reason.data or "")
        db.session.commit()
        flash(_("Nouvelle carte émise : l'ancienne est refusée en caisse."), "success")
    return redirect(url_for(".card", household_id=item.id))


@blueprint.route("/foyers/<int:household_id>/export.json")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def export_json(household_id: int):
    item = _read_only_file(household_id)
    data = export_household(item, shop_date(utcnow()).year)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=foyer-{item.id}.json"},
    )


@blueprint.route("/foyers/<int:household_id>/export")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def export_page(household_id: int):
    item = _read_only_file(household_id)
    year = shop_date(utcnow()).year
    # The printable copy for the person: French words and amounts, nothing of the JSON's keys.
    return render_template(
        "participants/export.html",
        household=item,
        labels=(BODY_LABELS, SEX_LABELS, KINSHIP_LABELS),
        statuses={
            "pending": "demande en attente",
            "granted": "accordé",
            "refused": "refusé",
            "ended": "clos avant terme",
        },
        rav_cents=household_rav_cents(item),
        units=consumption_units_tenths([p.birth_year for p in item.members], year),
        today=shop_date(utcnow()),
    )


@blueprint.route("/api/caisse/carte/<code>")
@require_permission(Permission.TILL_SELL)
def till_card(code: str):
    """The till's answer for a card: name, right, rate, allowance left; nothing else."""
    from app.barcodes import repair_azerty_digits

    try:
        answer = household_for_till(
            db.session,
            repair_azerty_digits(code)[:32],
            shop_date(utcnow()),
            spent=HOUSEHOLD_SPENDING,
        )
    except CardRefused as error:
        return jsonify(error_payload(404, error.message, "card_refused")), 404
    record_read(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="household.card_checked",
        target=f"card:{answer.card_code}",
        remote_addr=request.remote_addr,
    )
    return jsonify(
        TillCardOut(
            card_code=answer.card_code,
            display_name=answer.display_name,
            right_valid=answer.right_valid,
            message=answer.message,
            right_ends_on=answer.right_ends_on.isoformat() if answer.right_ends_on else None,
            participation_rate_bp=answer.participation_rate_bp,
            monthly_allowance_cents=answer.monthly_allowance_cents,
            spent_this_month_cents=answer.spent_this_month_cents,
            remaining_this_month_cents=answer.remaining_this_month_cents,
        ).model_dump()
    )


CARD_SCHEMAS = [TillCardOut]
CARD_OPERATIONS = [
    {
        "path": "/api/caisse/carte/{code}",
        "method": "get",
        "summary": "Carte d'un foyer à la caisse : nom, droit, taux, reste du mois",
        "response": TillCardOut,
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
    },
]
