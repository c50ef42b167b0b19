"""Appointments' pages: the day's agenda (for the accueil and the référent·es), booking or
moving a household's visit from its file, marking who came, and the printable slip with a text
to copy into an SMS or an e-mail."""

from __future__ import annotations

from datetime import datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import SHOP_TIMEZONE, shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.settings.core import SHOP_ADDRESS, SHOP_NAME
from app.urls import safe_local_path
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import arg_date
from participants.errors import InvalidData, ParticipantsError
from participants.households.appointments import (
    STATUS_LABELS,
    book,
    day_slots,
    mark,
    no_shows,
    opening_hours,
    shown_status,
)
from participants.households.forms import BookingForm
from participants.households.opening import next_opening_day
from participants.households.pages import open_file
from participants.households.privacy import households_visible_to
from participants.models import Appointment, AppointmentStatus, Household
from participants.web import blueprint

ACTIONS = {
    "venu": AppointmentStatus.CAME,
    "absent": AppointmentStatus.NO_SHOW,
    "annuler": AppointmentStatus.CANCELLED,
}


def _day(default):
    return arg_date("jour", _("Jour"), default)


@blueprint.route("/foyers/rendez-vous")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def agenda():
    """The day's slots and who is expected; a household the user does not follow shows as
    « Autre foyer » (the setting epicerie.referents_see_all)."""
    today = shop_date(utcnow())
    day = _day(next_opening_day(today, opening_hours(db.session)))
    visible = set(
        db.session.scalars(
            households_visible_to(db.session, current_user).with_only_columns(Household.id)
        )
    )
    return render_template(
        "participants/appointments.html",
        day=day,
        today=today,
        slots=day_slots(db.session, day),
        visible=visible,
        labels=STATUS_LABELS,
        shown=lambda appointment: shown_status(appointment, today),
        form=EmptyForm(),
    )


@blueprint.route("/foyers/<int:household_id>/rendez-vous", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def book_visit(household_id: int):
    """Choose a day, then a slot with a place left; « déplacer » books the new one and cancels
    the old one at once."""
    household = open_file(household_id)
    today = shop_date(utcnow())
    form = BookingForm()
    if request.method == "POST" and submitted(form):
        replacing = None
        if form.replacing.data:
            replacing = db.session.get(Appointment, form.replacing.data)
            if replacing is None or replacing.household_id != household.id:
                abort(404)
        made = None

        def change() -> str:
            nonlocal made
            made = book(
                db.session,
                current_user.id,
                utcnow(),
                household,
                form.starts_at(),
                form.note.data or "",
                replacing,
            )
            return _(
                "Rendez-vous de %(h)s le %(d)s.",
                h=household.display_name,
                d=made.starts_at.astimezone(SHOP_TIMEZONE).strftime("%d/%m/%Y à %H:%M"),
            )

        if apply_change(change, ParticipantsError):
            return redirect(url_for(".visit_slip", appointment_id=made.id))
        return redirect(request.full_path)
    db.session.commit()  # the logged read
    day = _day(next_opening_day(today, opening_hours(db.session)))
    upcoming = db.session.scalars(
        select(Appointment)
        .where(Appointment.household_id == household.id)
        .order_by(Appointment.starts_at.desc())
        .limit(20)
    ).all()
    return render_template(
        "participants/book_visit.html",
        household=household,
        day=day,
        today=today,
        slots=day_slots(db.session, day),
        appointments=upcoming,
        replacing=request.args.get("deplacer", ""),
        no_shows=no_shows(db.session, household.id, today),
        labels=STATUS_LABELS,
        shown=lambda appointment: shown_status(appointment, today),
        form=form,
    )


@blueprint.route("/foyers/rendez-vous/<int:appointment_id>/<action>", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def mark_visit(appointment_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    appointment = db.get_or_404(Appointment, appointment_id)
    open_file(appointment.household_id)  # only a file the user may open
    if submitted(EmptyForm()):

        def change() -> str:
            mark(db.session, current_user.id, utcnow(), appointment, ACTIONS[action])
            return _("Rendez-vous : %(s)s.", s=STATUS_LABELS[ACTIONS[action]])

        apply_change(change, InvalidData)
    day = appointment.starts_at.astimezone(SHOP_TIMEZONE).date()
    return redirect(
        safe_local_path(request.form.get("back"), url_for(".agenda", jour=day.isoformat()))
    )


@blueprint.route("/foyers/rendez-vous/<int:appointment_id>/convocation")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def visit_slip(appointment_id: int):
    """The slip to hand over or print, and the same words to copy into an SMS or an e-mail."""
    appointment = db.get_or_404(Appointment, appointment_id)
    household = open_file(appointment.household_id)
    db.session.commit()  # the logged read
    moment: datetime = appointment.starts_at.astimezone(SHOP_TIMEZONE)
    shop, address = SHOP_NAME.get(db.session), SHOP_ADDRESS.get(db.session)
    when = moment.strftime("%d/%m/%Y à %H:%M")
    message = _(
        "Bonjour, votre rendez-vous à l'épicerie %(s)s est le %(w)s (%(a)s). Pensez à votre "
        "carte. En cas d'empêchement, prévenez-nous.",
        s=shop,
        w=when,
        a=address.replace("\n", ", "),
    )
    return render_template(
        "participants/visit_slip.html",
        appointment=appointment,
        household=household,
        shop=shop,
        address=address,
        when=when,
        message=message,
    )
