"""Ateliers d'insertion pages: participants and their contracts (encadrants and référents),
weekly planning, roll call, evaluations and transversal actions (encadrants), exits."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record_read
from app.charts import line_chart
from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, require_csrf
from app.settings.core import SHOP_ADDRESS, SHOP_NAME
from app.users.auth import require_permission
from app.users.models import User
from app.users.roles import Permission, Role
from app.values import (
    InvalidValue,
    arg_date,
    arg_year,
    form_date,
    form_ids,
    parse_integer,
)
from participants.errors import InvalidData
from participants.forms import BODY_LABELS
from participants.models import (
    ActionKind,
    Atelier,
    AttendanceStatus,
    Contract,
    ExitType,
    Participant,
    ParticipantStatus,
    ReferringBody,
    TransversalAction,
)
from participants.services import ateliers as service
from participants.settings import MIN_WEEKLY_MINUTES
from participants.views import blueprint

PEOPLE = (Permission.CONTRACTS_MANAGE, Permission.ATELIERS_MANAGE)
STATUS_LABELS = service.STATUS_LABELS
ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: "Présent·e",
    AttendanceStatus.JUSTIFIED: "Absence justifiée",
    AttendanceStatus.UNJUSTIFIED: "Absence non justifiée",
}
SOURCE_LABELS = {"appel": "appel", "caisse": "caisse", "jardin": "jardin"}
SLOT_ROWS = 8


def _date(name: str, label: str, required: bool = True) -> date | None:
    try:
        return form_date(name, label, required=required)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _int(raw: str | None, label: str, maximum: int = 10_000) -> int:
    try:
        return parse_integer(raw, label, maximum=maximum)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _hours(raw: str | None, label: str) -> int:
    """ "9", "2,5", "9:30", "9 h 30" → minutes (integers only), a day at most."""
    text = (raw or "").strip().replace(",", ".")
    whole, dot, fraction = text.partition(".")
    minutes = None
    if (
        whole.isascii()
        and whole.isdigit()
        and dot
        and fraction.isascii()
        and fraction.isdigit()
        and len(whole) <= 2
        and len(fraction) <= 2
    ):
        minutes = int(whole) * 60 + (int(fraction) * 60) // 10 ** len(fraction)
    elif len(text) <= 12:
        minutes = service.parse_clock(text)
    if minutes is None or not 0 <= minutes <= 24 * 60:
        raise InvalidData(_("%(f)s : durée invalide (ex. 9, 9:30 ou 15 h).", f=label))
    return minutes


def _choice(enum, name: str, message: str):
    try:
        return enum(request.form.get(name, ""))
    except ValueError:
        raise InvalidData(message) from None


def _apply(change) -> bool:
    return apply_change(change, InvalidData)


def _participant_or_404(participant_id: int) -> Participant:
    participant = service.open_participant_file(
        db.session, current_user, participant_id, utcnow(), request.remote_addr
    )
    if participant is None:
        abort(404)
    return participant


def _atelier_or_404(code: str) -> Atelier:
    atelier = db.session.scalar(select(Atelier).where(Atelier.code == code))
    if atelier is None:
        abort(404)
    return atelier


def _day_arg(name: str, default: date) -> date:
    return arg_date(name, _("Date"), default)


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
        expected={a.id: len(service.expected_on(db.session, a, today)) for a in rows},
        alerts=service.hours_alerts(db.session, today),
        fmt=service.format_minutes,
        staff=db.session.scalars(
            select(User)
            .where(User.role == Role.ENCADRANT, User.is_enabled)
            .order_by(User.display_name)
        ).all(),
        clock=service.format_clock,
    )


@blueprint.route("/ateliers/<code>/modifier", methods=["POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def edit_atelier(code: str):
    require_csrf()
    atelier = _atelier_or_404(code)
    try:
        capacity = _int(request.form.get("capacity"), _("Capacité"))
        opens = service.parse_clock(request.form.get("opens_at", ""))
        closes = service.parse_clock(request.form.get("closes_at", ""))
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


# ---- participants ----------------------------------------------------------------------


@blueprint.route("/ateliers/participants")
@require_permission(*PEOPLE)
def participants():
    today = shop_date(utcnow())
    people = db.session.scalars(
        select(Participant)
        .where(Participant.anonymised_at.is_(None))
        .order_by(Participant.exit_date.is_not(None), Participant.first_name)
    ).all()
    record_read(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="participant.list_viewed",
        details={"count": len(people)},
        remote_addr=request.remote_addr,
    )
    return render_template(
        "participants/ateliers/participants.html",
        people=people,
        contracts={p.id: service.current_contract(p, today) for p in people},
        statuses=STATUS_LABELS,
        fmt=service.format_minutes,
    )


def _participant_form_data() -> service.ParticipantData:
    try:
        status = ParticipantStatus(request.form.get("status", ""))
        body = ReferringBody(request.form.get("referring_body", ""))
    except ValueError:
        raise InvalidData(_("Choisissez un statut et un organisme prescripteur.")) from None
    user_id = request.form.get("user_id", type=int)
    if user_id:
        user = db.session.get(User, user_id)
        if user is None or user.role != Role.CAISSIER:
            raise InvalidData(_("Le compte lié doit être un compte de caisse (badge)."))
    return service.ParticipantData(
        request.form.get("first_name", ""),
        request.form.get("last_name", ""),
        status,
        body,
        request.form.get("referrer_name", ""),
        _date("entry_date", _("Date d'entrée")),
        user_id or None,
    )


@blueprint.route("/ateliers/participants/nouveau", methods=["GET", "POST"])
@blueprint.route("/ateliers/participants/<int:participant_id>/modifier", methods=["GET", "POST"])
@require_permission(*PEOPLE)
def new_participant(participant_id: int | None = None):
    """The same form creates a participant or corrects their identity and status."""
    person = _participant_or_404(participant_id) if participant_id else None
    if request.method == "POST":
        require_csrf()
        saved = None

        def change() -> str:
            nonlocal saved
            saved = service.save_participant(
                db.session, current_user.id, utcnow(), _participant_form_data(), person
            )
            return (
                _("Fiche enregistrée.")
                if person
                else _("Participant·e enregistré·e. Établissez maintenant son contrat.")
            )

        if _apply(change):
            return redirect(
                url_for(".participant", participant_id=saved.id)
                if person
                else url_for(".new_contract", participant_id=saved.id)
            )
    else:
        db.session.commit()  # the logged read, when editing
    values = (
        request.form
        if request.method == "POST" or person is None
        else {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "status": person.status.value,
            "referring_body": person.referring_body.value,
            "referrer_name": person.referrer_name,
            "entry_date": person.entry_date.isoformat(),
            "user_id": str(person.user_id or ""),
        }
    )
    cashiers = db.session.scalars(
        select(User).where(User.role == Role.CAISSIER).order_by(User.display_name)
    ).all()
    return render_template(
        "participants/ateliers/participant_form.html",
        form=EmptyForm(),
        statuses=STATUS_LABELS,
        bodies=BODY_LABELS,
        cashiers=cashiers,
        today=shop_date(utcnow()),
        values=values,
        person=person,
    )


@blueprint.route("/ateliers/participants/<int:participant_id>")
@require_permission(*PEOPLE)
def participant(participant_id: int):
    person = _participant_or_404(participant_id)
    db.session.commit()  # the logged read
    today = shop_date(utcnow())
    monday = service.monday_of(today)
    weeks = service.weekly_hours(db.session, person, monday - timedelta(weeks=5), 7, today)
    series = service.progress(db.session, person)
    actions = db.session.scalars(
        select(TransversalAction)
        .where(TransversalAction.participants.any(Participant.id == person.id))
        .order_by(TransversalAction.day.desc())
    ).all()
    return render_template(
        "participants/ateliers/participant.html",
        person=person,
        weeks=weeks,
        today=today,
        current=service.current_contract(person, today),
        form=EmptyForm(),
        chart=line_chart(
            {
                name: [(day.strftime("%d/%m/%y"), score) for day, score in points]
                for name, points in series.items()
            },
            1,
            4,
            service.SCORE_LABELS,
            _("Progression de %(p)s", p=person.display_name),
        )
        if series
        else None,
        criteria=service.active_criteria(db.session),
        score_labels=service.SCORE_LABELS,
        actions=actions,
        action_labels=service.ACTION_LABELS,
        exit_labels=service.EXIT_LABELS,
        statuses=STATUS_LABELS,
        bodies=BODY_LABELS,
        fmt=service.format_minutes,
        clock=service.format_clock,
        weekdays=service.WEEKDAYS,
        sources=SOURCE_LABELS,
    )


@blueprint.route("/ateliers/participants/<int:participant_id>/contrat", methods=["GET", "POST"])
@require_permission(*PEOPLE)
def new_contract(participant_id: int):
    person = _participant_or_404(participant_id)
    rows = db.session.scalars(select(Atelier).order_by(Atelier.name)).all()
    if request.method == "POST":
        require_csrf()
        try:
            data = _contract_form_data()
            contract = service.create_contract(db.session, current_user.id, utcnow(), person, data)
        except InvalidData as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Contrat enregistré : %(h)s par semaine.",
                    h=service.format_minutes(contract.planned_weekly_minutes),
                ),
                "success",
            )
            return redirect(url_for(".participant", participant_id=person.id))
    else:
        db.session.commit()
    today = shop_date(utcnow())
    return render_template(
        "participants/ateliers/contract_form.html",
        person=person,
        ateliers=rows,
        form=EmptyForm(),
        weekdays=service.WEEKDAYS,
        rows=SLOT_ROWS,
        values=request.form,
        start=today,
        end=today + timedelta(days=182),
        minimum=service.format_minutes(MIN_WEEKLY_MINUTES.get(db.session)),
    )


def _contract_form_data() -> service.ContractData:
    slots = []
    for index in range(SLOT_ROWS):
        atelier = request.form.get(f"slot-{index}-atelier", "")
        if not atelier:
            continue
        start = service.parse_clock(request.form.get(f"slot-{index}-start", ""))
        end = service.parse_clock(request.form.get(f"slot-{index}-end", ""))
        if start is None or end is None:
            raise InvalidData(
                _("Créneau %(n)d : heures de début et de fin (ex. 9:00, 12:00).", n=index + 1)
            )
        slots.append(
            service.SlotData(
                _int(atelier, _("Atelier")),
                _int(request.form.get(f"slot-{index}-day"), _("Jour")),
                start,
                end,
            )
        )
    minimum = (request.form.get("minimum") or "").strip()
    return service.ContractData(
        request.form.get("referent_name", ""),
        _date("start_date", _("Début")),
        _date("end_date", _("Fin")),
        tuple(slots),
        _hours(minimum, _("Minimum par semaine")) if minimum else None,
        _date("signed_on", _("Date de signature"), required=False),
    )


@blueprint.route("/ateliers/contrats/<int:contract_id>/imprimer")
@require_permission(*PEOPLE)
def print_contract(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    person = _participant_or_404(contract.participant_id)
    db.session.commit()
    return render_template(
        "participants/ateliers/contract_print.html",
        contract=contract,
        person=person,
        shop=SHOP_NAME.get(db.session),
        address=SHOP_ADDRESS.get(db.session),
        fmt=service.format_minutes,
        clock=service.format_clock,
        weekdays=service.WEEKDAYS,
        statuses=STATUS_LABELS,
    )


@blueprint.route("/ateliers/contrats/<int:contract_id>/<action>", methods=["POST"])
@require_permission(*PEOPLE)
def contract_action(contract_id: int, action: str):
    require_csrf()
    contract = db.get_or_404(Contract, contract_id)
    if action not in ("fin", "renouveler"):
        abort(404)

    def change() -> str:
        if action == "fin":
            service.end_contract(
                db.session,
                current_user.id,
                utcnow(),
                contract,
                _date("ended_on", _("Date de fin")),
                request.form.get("reason", ""),
            )
            return _("Contrat terminé.")
        renewal = service.renew_contract(
            db.session, current_user.id, utcnow(), contract, _date("end_date", _("Nouvelle fin"))
        )
        return _(
            "Contrat renouvelé du %(s)s au %(e)s.",
            s=renewal.start_date.strftime("%d/%m/%Y"),
            e=renewal.end_date.strftime("%d/%m/%Y"),
        )

    _apply(change)
    return redirect(url_for(".participant", participant_id=contract.participant_id))


@blueprint.route("/ateliers/participants/<int:participant_id>/sortie", methods=["POST"])
@require_permission(*PEOPLE)
def participant_exit(participant_id: int):
    require_csrf()
    person = _participant_or_404(participant_id)

    def change() -> str:
        service.record_exit(
            db.session,
            current_user.id,
            utcnow(),
            person,
            _date("exit_date", _("Date de sortie")),
            _choice(ExitType, "exit_type", _("Choisissez le type de sortie.")),
            request.form.get("notes", ""),
        )
        return _("Sortie enregistrée.")

    _apply(change)
    return redirect(url_for(".participant", participant_id=participant_id))


@blueprint.route("/ateliers/participants/<int:participant_id>/evaluation", methods=["POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def evaluate(participant_id: int):
    require_csrf()
    person = _participant_or_404(participant_id)

    def change() -> str:
        scores = {
            c.id: _int(request.form.get(f"score-{c.id}"), c.name)
            for c in service.active_criteria(db.session)
        }
        service.record_evaluation(
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


# ---- planning, roll call ------------------------------------------------------------------


@blueprint.route("/ateliers/<code>/planning")
@require_permission(Permission.ATELIERS_MANAGE)
def planning(code: str):
    atelier = _atelier_or_404(code)
    monday = service.monday_of(_day_arg("semaine", shop_date(utcnow())))
    return render_template(
        "participants/ateliers/planning.html",
        atelier=atelier,
        monday=monday,
        days=service.week_planning(db.session, atelier, monday),
        weekdays=service.WEEKDAYS,
        clock=service.format_clock,
        timedelta=timedelta,
    )


@blueprint.route("/ateliers/<code>/appel", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def roll_call(code: str):
    atelier = _atelier_or_404(code)
    today = shop_date(utcnow())
    day = _day_arg("jour", today)
    expected = service.expected_on(db.session, atelier, day)
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
                entries.append(
                    service.RollCallEntry(row.participant.id, AttendanceStatus(status), minutes)
                )
            service.record_roll_call(
                db.session, current_user.id, utcnow(), today, atelier, day, entries
            )
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
        recorded=service.roll_call_of(db.session, atelier, day),
        form=EmptyForm(),
        labels=ATTENDANCE_LABELS,
        clock=service.format_clock,
        fmt=service.format_minutes,
        timedelta=timedelta,
    )


# ---- evaluation grid, actions, exits, retention ----------------------------------------------


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
                service.add_criterion(db.session, request.form.get("name", ""))

        _apply(change)
        return redirect(url_for(".criteria"))
    return render_template(
        "participants/ateliers/criteria.html",
        form=EmptyForm(),
        criteria=service.active_criteria(db.session),
        score_labels=service.SCORE_LABELS,
    )


@blueprint.route("/ateliers/actions", methods=["GET", "POST"])
@require_permission(Permission.ATELIERS_MANAGE)
def actions():
    if request.method == "POST":
        require_csrf()

        def change() -> str:
            service.create_action(
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
        labels=service.ACTION_LABELS,
        actions=db.session.scalars(
            select(TransversalAction).order_by(TransversalAction.day.desc()).limit(100)
        ).all(),
        people=service.participant_choices(db.session),
        today=shop_date(utcnow()),
    )


@blueprint.route("/ateliers/sorties")
@require_permission(Permission.REPORTS_VIEW, *PEOPLE)
def exits():
    """The yearly table of exits: counts only, no names (management may read it)."""
    year = arg_year("annee", shop_date(utcnow()).year)
    return render_template(
        "participants/ateliers/exits.html",
        table=service.exits_table(db.session, year),
        labels=service.EXIT_LABELS,
        positive=service.POSITIVE_EXITS,
    )


@blueprint.route("/ateliers/archives", methods=["GET", "POST"])
@require_permission(*PEOPLE)
def participant_archives():
    today = shop_date(utcnow())
    due = service.participants_to_anonymise(db.session, today)
    if request.method == "POST":
        require_csrf()
        for person in due:
            service.anonymise_participant(db.session, current_user.id, utcnow(), person)
        db.session.commit()
        flash(_("%(n)d dossier(s) anonymisé(s).", n=len(due)), "success")
        return redirect(url_for(".participant_archives"))
    return render_template(
        "participants/ateliers/archives.html",
        due=due,
        form=EmptyForm(),
        exit_labels=service.EXIT_LABELS,
    )
