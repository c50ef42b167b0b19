"""A household's card and what leaves the file: the printed card, its replacement, the RGPD
exports, and the till's answer to a card (name, validity, rate, what is left — nothing more)."""

from __future__ import annotations

import base64
import io
import json

from barcode import EAN13
from flask import (
    Response,
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
from app.sites.context import current_site_id
from app.users.auth import require_permission
from app.users.roles import Permission
from participants.errors import CardRefused
from participants.households.forms import (
    BODY_LABELS,
    KINSHIP_LABELS,
    SEX_LABELS,
    ReissueForm,
)
from participants.households.pages import open_file, read_only_file
from participants.households.privacy import (
    export_household,
)
from participants.households.records import (
    consumption_units_tenths,
    household_rav_cents,
    reissue_card,
)
from participants.households.rights import (
    card_validity,
    household_for_till,
    right_on,
)
from participants.households.schemas import TillCardOut
from participants.ports import HOUSEHOLD_SPENDING
from participants.web import blueprint


@blueprint.route("/foyers/<int:household_id>/carte")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def card(household_id: int):
    item = read_only_file(household_id)
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
    item = open_file(household_id)
    form = ReissueForm()
    if form.validate_on_submit():
        reissue_card(db.session, current_user.id, utcnow(), item, form.reason.data or "")
        db.session.commit()
        flash(_("Nouvelle carte émise : l'ancienne est refusée en caisse."), "success")
    return redirect(url_for(".card", household_id=item.id))


@blueprint.route("/foyers/<int:household_id>/export.json")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def export_json(household_id: int):
    item = read_only_file(household_id)
    data = export_household(item, shop_date(utcnow()).year)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=foyer-{item.id}.json"},
    )


@blueprint.route("/foyers/<int:household_id>/export")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def export_page(household_id: int):
    item = read_only_file(household_id)
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


def _card_out(answer) -> dict:
    return TillCardOut(
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


@blueprint.route("/api/caisse/cartes")
@require_permission(Permission.TILL_SELL)
def till_cards():
    """Every card's till answer (name, validity, rate, allowance left — nothing else), kept
    by the till to serve the households when the server cannot be reached. The read is
    logged; the till forgets them at logout."""
    from sqlalchemy import select

    from participants.models import Household

    today, site_id = shop_date(utcnow()), current_site_id()
    answers = []
    for code in db.session.scalars(
        select(Household.card_code).where(Household.anonymised_at.is_(None))
    ):
        try:
            answers.append(
                _card_out(
                    household_for_till(
                        db.session, code, today, spent=HOUSEHOLD_SPENDING, site_id=site_id
                    )
                )
            )
        except CardRefused:
            continue
    record_read(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="household.cards_cached",
        target=f"cards:{len(answers)}",
        remote_addr=request.remote_addr,
    )
    return jsonify({"cards": answers, "at": utcnow().isoformat()})


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
            site_id=current_site_id(),
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
    return jsonify(_card_out(answer))


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
