"""The access committee (anonymous files) and archiving of inactive files, for management."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.users.auth import require_permission
from app.users.roles import Permission
from participants.errors import ParticipantsError
from participants.households.forms import DecisionForm
from participants.households.privacy import anonymise_household, committee_view, inactive_files
from participants.households.rights import (
    decide_right,
    households_holding_a_place,
    offer_next_place,
    pending_rights,
    waiting_list,
)
from participants.models import AccessRight, Household, RightStatus
from participants.settings import CAPACITY
from participants.web import blueprint


@blueprint.route("/commission")
@require_permission(Permission.HOUSEHOLDS_COMMITTEE)
def committee():
    year = shop_date(utcnow()).year
    files = [(right, committee_view(right.household, year)) for right in pending_rights(db.session)]
    capacity = CAPACITY.get(db.session)
    return render_template(
        "participants/committee.html",
        files=files,
        form=DecisionForm(),
        waiting=waiting_list(db.session),
        capacity=capacity,
        holding=households_holding_a_place(db.session, shop_date(utcnow())),
        offer_form=EmptyForm(),
    )


@blueprint.route("/commission/place", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_COMMITTEE)
def offer_place():
    """A place is free: the first household in line gets it (never another one)."""
    if submitted(EmptyForm()):

        def change() -> str:
            right = offer_next_place(db.session, current_user.id, utcnow())
            return _(
                "Place donnée au dossier n° %(n)d : son droit commence le %(d)s.",
                n=right.household_id,
                d=right.starts_on.strftime("%d/%m/%Y"),
            )

        apply_change(change, ParticipantsError)
    return redirect(url_for(".committee"))


@blueprint.route("/commission/<int:right_id>/<decision>", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_COMMITTEE)
def decide(right_id: int, decision: str):
    if decision not in ("accorder", "refuser"):
        abort(404)
    right = db.get_or_404(AccessRight, right_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decide_right(
                db.session,
                current_user.id,
                utcnow(),
                right,
                grant=decision == "accorder",
                note=form.note.data,
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            outcome = {
                RightStatus.GRANTED: _("accordé"),
                RightStatus.REFUSED: _("refusé"),
                RightStatus.WAITING: _("accordé, en liste d'attente (l'épicerie est complète)"),
            }[right.status]
            flash(_("Dossier n° %(n)d : droit %(d)s.", n=right.household_id, d=outcome), "success")
    return redirect(url_for(".committee"))


@blueprint.route("/foyers/archives")
@require_permission(Permission.HOUSEHOLDS_COMMITTEE)
def archives():
    return render_template(
        "participants/archives.html", files=inactive_files(db.session, utcnow()), form=EmptyForm()
    )


@blueprint.route("/foyers/archives/<int:household_id>", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_COMMITTEE)
def anonymise(household_id: int):
    household = db.get_or_404(Household, household_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if household_id not in {f.household_id for f in inactive_files(db.session, utcnow())}:
        flash(_("Ce dossier a eu un contact récent : il reste actif."), "error")
        return redirect(url_for(".archives"))
    anonymise_household(db.session, current_user.id, utcnow(), household)
    db.session.commit()
    flash(_("Dossier n° %(n)d anonymisé.", n=household_id), "success")
    return redirect(url_for(".archives"))
