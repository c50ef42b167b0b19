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
from app.forms import EmptyForm, require_csrf
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
    parse_clock,
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
)
from participants.ateliers.exits import (
    ACTION_LABELS,
    EXIT_LABELS,
    create_action,
    exits_table,
)
from participants.ateliers.forms import (
    ATTENDANCE_LABELS,
    PEOPLE,
    _apply,
    _atelier_or_404,
    _choice,
    _date,
    _day_arg,
    _hours,
    _int,
    _participant_or_404,
)
from participants.ateliers.hours import hours_alerts
from participants.ateliers.people import (
    anonymise_participant,
    participant_choices,
    participants_to_anonymise,
)
from participants.errors import InvalidData
from participants.models import (
    POSITIVE_EXITS,
    ActionKind,
    Atelier,
    AttendanceStatus,
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
        staff=db.session.scalars(
            select(User)
            .where(User.role == Role.ENCADRANT, User.is_enabled)
            .order_by(User.display_name)
        ).all(),
    )


@blueprint.route("/ateliers/<code>/modifier", methods=["POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def edit_atelier(code: str):
    require_csrf()
    atelier = _atelier_or_404(code)
    try:
        capacity = _int(request.form.get("capacity"), _("Capacité"))
        opens = parse_clock(request.form.get("opens_at", ""))
        closes = parse_clock(request.form.get("closes_at", ""))
        if not 1 <= capacity <= 30:
            raise InvalidData(_("Capacité : de 1 à 30 personnes en même temps."))
        if opens is None or closes is None or opens >= closes:
            raise InvalidData(_("Horaires invalides (ex. 9:00 et 17:00)."))
        encadrant_id = request.form.get("encadrant_id", type=int)
        encadrant = db.session.get(User, encadrant_id) if encadrant_id else None
        if encadrant_id and (encadrant is None or encadrant.role != Role.ENCADRANT):
            raise InvalidData(_("Choisissez un·e encadrant·e."))
    except InvalidData as error:
        flash(error.message, "error")
        return redirect(url_for(".ateliers"))
    atelier.capacity, atelier.opens_at, atelier.closes_at = capacity, opens, closes
    atelier.encadrant_id = encadrant.id if encadrant else None
    db.session.commit()
    flash(_("Atelier « %(a)s » enregistré.", a=atelier.name), "success")
    return redirect(url_for(".ateliers"))


# ---- planning, roll call ------------------------------------------------------------------


@blueprint.route("/ateliers/<code>/planning")
@require_permission(Permission.ATELIERS_MANAGE)
def planning(code: str):
    atelier = _atelier_or_404(code)
    monday = monday_of(_day_arg("semaine", shop_date(utcnow())))
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
    atelier = _atelier_or_404(code)
    today = shop_date(utcnow())
    day = _day_arg("jour", today)
    expected = expected_on(db.session, atelier, day)
    if request.method == "POST":
        require_csrf()
        try:
            entries = []
            for row in expected:
                status = request.form.get(f"status-{row.participant.id}", "")
                if not status:
                    raise InvalidData(
                        _(
                            "Indiquez présent·e ou absent·e pour %(p)s.",
                            p=row.participant.display_name,
                        )
                    )
                minutes = _hours(
                    request.form.get(f"hours-{row.participant.id}") or "0",
                    row.participant.display_name,
                )
                entries.append(RollCallEntry(row.participant.id, AttendanceStatus(status), minutes))
            record_roll_call(db.session, current_user.id, utcnow(), today, atelier, day, entries)
        except (InvalidData, ValueError) as error:
            db.session.rollback()
            flash(getattr(error, "message", _("Réponse invalide.")), "error")
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
        form=EmptyForm(),
        labels=ATTENDANCE_LABELS,
        timedelta=timedelta,
    )


# ---- evaluation grid, actions, exits, retention ----------------------------------------------


@blueprint.route("/ateliers/participants/<int:participant_id>/evaluation", methods=["POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def evaluate(participant_id: int):
    require_csrf()
    person = _participant_or_404(participant_id)

    def change() -> str:
        scores = {
            c.id: _int(request.form.get(f"score-{c.id}"), c.name)
            for c in active_criteria(db.session)
        }
        record_evaluation(
            db.session,
            current_user.id,
            utcnow(),
            person,
            _date("evaluated_on", _("Date")),
            scores,
            request.form.get("comment", ""),
        )
        return _("Évaluation enregistrée.")

    _apply(change)
    return redirect(url_for(".participant", participant_id=participant_id))


@blueprint.route("/ateliers/grille", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def criteria():
    if request.method == "POST":
        require_csrf()
        remove = request.form.get("remove", type=int)

        def change() -> None:
            if remove:
                from participants.models import EvaluationCriterion

                criterion = db.get_or_404(EvaluationCriterion, remove)
                criterion.is_active = False  # past scores keep their criterion
            else:
                add_criterion(db.session, request.form.get("name", ""))

        _apply(change)
        return redirect(url_for(".criteria"))
    return render_template(
        "participants/ateliers/criteria.html",
        form=EmptyForm(),
        criteria=active_criteria(db.session),
        score_labels=SCORE_LABELS,
    )


@blueprint.route("/ateliers/actions", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def actions():
    if request.method == "POST":
        require_csrf()

        def change() -> str:
            create_action(
                db.session,
                current_user.id,
                utcnow(),
                _choice(ActionKind, "kind", _("Choisissez le type d'action.")),
                request.form.get("title", ""),
                _date("day", _("Date")),
                form_ids("participants"),
                request.form.get("notes", ""),
            )
            return _("Action enregistrée.")

        if _apply(change):
            return redirect(url_for(".actions"))
    return render_template(
        "participants/ateliers/actions.html",
        form=EmptyForm(),
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
