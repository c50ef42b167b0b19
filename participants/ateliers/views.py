"""The ateliers' pages: the list with their hours and staff, the week's planning, the roll
call, the evaluation grid, transversal actions, the exits table and the retention archive."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, require_csrf, submitted
from app.users.auth import require_permission
from app.users.models import User
from app.users.roles import Permission, Role
from app.values import (
    arg_year,
    form_ids,
)
from participants.ateliers.attendance import RollCallEntry, record_roll_call, roll_call_of
from participants.ateliers.common import (
    WEEKDAYS,
    monday_of,
)
from participants.ateliers.contracts import (
    expected_on,
    week_planning,
)
from participants.ateliers.evaluations import (
    SCORE_LABELS,
    active_criteria,
    add_criterion,
    record_evaluation,
    retire_criterion,
)
from participants.ateliers.exits import (
    ACTION_LABELS,
    EXIT_LABELS,
    create_action,
    exits_table,
)
from participants.ateliers.forms import (
    ActionForm,
    AtelierForm,
    CriterionForm,
    evaluation_form,
    roll_call_form,
)
from participants.ateliers.hours import hours_alerts
from participants.ateliers.pages import (
    ATTENDANCE_LABELS,
    PEOPLE,
    apply,
    atelier_or_404,
    day_arg,
    participant_or_404,
)
from participants.ateliers.people import (
    anonymise_participant,
    participant_choices,
    participants_to_anonymise,
)
from participants.errors import InvalidData
from participants.models import (
    POSITIVE_EXITS,
    Atelier,
    TransversalAction,
)
from participants.web import blueprint


@blueprint.route("/ateliers/")
@require_permission(*PEOPLE)
def ateliers():
    today = shop_date(utcnow())
    rows = db.session.scalars(select(Atelier).order_by(Atelier.name)).all()
    encadrants = {u.id: u.display_name for u in db.session.scalars(select(User))}
    return render_template(
        "participants/ateliers/index.html",
        ateliers=rows,
        encadrants=encadrants,
        today=today,
        expected={a.id: len(expected_on(db.session, a, today)) for a in rows},
        alerts=hours_alerts(db.session, today),
        staff=_staff(),
    )


@blueprint.route("/ateliers/<code>/modifier", methods=["POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def edit_atelier(code: str):
    atelier = atelier_or_404(code)
    form = AtelierForm()
    form.encadrant_id.offer((user.id, user.display_name) for user in _staff())
    if submitted(form):
        atelier.capacity = form.capacity.data
        atelier.opens_at, atelier.closes_at = form.opens_at.data, form.closes_at.data
        atelier.encadrant_id = form.encadrant_id.data
        db.session.commit()
        flash(_("Atelier « %(a)s » enregistré.", a=atelier.name), "success")
    return redirect(url_for(".ateliers"))


def _staff() -> list[User]:
    """Who may lead an atelier: the enabled encadrant·es."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.ENCADRANT, User.is_enabled)
            .order_by(User.display_name)
        )
    )


# ---- planning, roll call ------------------------------------------------------------------


@blueprint.route("/ateliers/<code>/planning")
@require_permission(Permission.ATELIERS_MANAGE)
def planning(code: str):
    atelier = atelier_or_404(code)
    monday = monday_of(day_arg("semaine", shop_date(utcnow())))
    return render_template(
        "participants/ateliers/planning.html",
        atelier=atelier,
        monday=monday,
        days=week_planning(db.session, atelier, monday),
        weekdays=WEEKDAYS,
        timedelta=timedelta,
    )


@blueprint.route("/ateliers/<code>/appel", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def roll_call(code: str):
    atelier = atelier_or_404(code)
    today = shop_date(utcnow())
    day = day_arg("jour", today)
    expected = expected_on(db.session, atelier, day)
    form = roll_call_form(expected, ATTENDANCE_LABELS)
    if request.method == "POST" and submitted(form):
        entries = [
            RollCallEntry(
                row.participant.id,
                form[f"status-{row.participant.id}"].data,
                form[f"hours-{row.participant.id}"].data or 0,
            )
            for row in expected
        ]
        try:
            record_roll_call(db.session, current_user.id, utcnow(), today, atelier, day, entries)
        except InvalidData as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Appel enregistré : %(n)d personne(s).", n=len(entries)), "success")
            return redirect(url_for(".roll_call", code=code, jour=day.isoformat()))
    return render_template(
        "participants/ateliers/roll_call.html",
        atelier=atelier,
        day=day,
        expected=expected,
        recorded=roll_call_of(db.session, atelier, day),
        form=form,
        labels=ATTENDANCE_LABELS,
        timedelta=timedelta,
    )


# ---- evaluation grid, actions, exits, retention ----------------------------------------------


@blueprint.route("/ateliers/participants/<int:participant_id>/evaluation", methods=["POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def evaluate(participant_id: int):
    person = participant_or_404(participant_id)
    criteria = active_criteria(db.session)
    form = evaluation_form(criteria, SCORE_LABELS)
    if not submitted(form):
        return redirect(url_for(".participant", participant_id=participant_id))

    def change() -> str:
        record_evaluation(
            db.session,
            current_user.id,
            utcnow(),
            person,
            form.evaluated_on.data,
            {c.id: form[f"score-{c.id}"].data for c in criteria},
            form.comment.data or "",
        )
        return _("Évaluation enregistrée.")

    apply(change)
    return redirect(url_for(".participant", participant_id=participant_id))


@blueprint.route("/ateliers/grille", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def criteria():
    form = CriterionForm()
    form.remove.offer((c.id, c.name) for c in active_criteria(db.session))
    if request.method == "POST":
        if submitted(form):

            def change() -> str:
                if form.remove.data:
                    retire_criterion(db.session, form.remove.data)
                    return _("Critère retiré de la grille (les notes passées le gardent).")
                criterion = add_criterion(db.session, form.name.data or "")
                return _("Critère « %(c)s » ajouté à la grille.", c=criterion.name)

            apply(change)
        return redirect(url_for(".criteria"))
    return render_template(
        "participants/ateliers/criteria.html",
        form=form,
        criteria=active_criteria(db.session),
        score_labels=SCORE_LABELS,
    )


@blueprint.route("/ateliers/actions", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def actions():
    form = ActionForm()
    if request.method == "POST" and submitted(form):

        def change() -> str:
            create_action(
                db.session,
                current_user.id,
                utcnow(),
                form.kind.data,
                form.title.data,
                form.day.data,
                form_ids("participants"),
                form.notes.data or "",
            )
            return _("Action enregistrée.")

        if apply(change):
            return redirect(url_for(".actions"))
    return render_template(
        "participants/ateliers/actions.html",
        form=form,
        labels=ACTION_LABELS,
        actions=db.session.scalars(
            select(TransversalAction).order_by(TransversalAction.day.desc()).limit(100)
        ).all(),
        people=participant_choices(db.session),
        today=shop_date(utcnow()),
    )


@blueprint.route("/ateliers/sorties")
@require_permission(Permission.REPORTS_VIEW, *PEOPLE)
def exits():
    """The yearly table of exits: counts only, no names (management may read it)."""
    year = arg_year("annee", shop_date(utcnow()).year)
    return render_template(
        "participants/ateliers/exits.html",
        table=exits_table(db.session, year),
        labels=EXIT_LABELS,
        positive=POSITIVE_EXITS,
    )


@blueprint.route("/ateliers/archives", methods=["GET", "POST"])
@require_permission(*PEOPLE)
def participant_archives():
    today = shop_date(utcnow())
    due = participants_to_anonymise(db.session, today)
    if request.method == "POST":
        require_csrf()
        for person in due:
            anonymise_participant(db.session, current_user.id, utcnow(), person)
        db.session.commit()
        flash(_("%(n)d dossier(s) anonymisé(s).", n=len(due)), "success")
        return redirect(url_for(".participant_archives"))
    return render_template(
        "participants/ateliers/archives.html",
        due=due,
        form=EmptyForm(),
        exit_labels=EXIT_LABELS,
    )
