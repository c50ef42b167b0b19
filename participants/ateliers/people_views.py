"""A participant's pages: the list, their file, their contract (made, printed, renewed, ended),
their evaluation and their exit."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record_read
from app.charts import line_chart
from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm, submitted
from app.settings.core import SHOP_ADDRESS, SHOP_NAME
from app.users.auth import require_permission
from app.users.models import User
from app.users.roles import Role
from participants.ateliers.common import (
    WEEKDAYS,
    format_minutes,
    monday_of,
)
from participants.ateliers.contracts import (
    create_contract,
    current_contract,
    end_contract,
    renew_contract,
)
from participants.ateliers.evaluations import (
    SCORE_LABELS,
    active_criteria,
    progress,
)
from participants.ateliers.exits import (
    ACTION_LABELS,
    EXIT_LABELS,
    record_exit,
)
from participants.ateliers.forms import (
    ContractEndForm,
    ContractForm,
    ExitForm,
    ParticipantForm,
    RenewalForm,
)
from participants.ateliers.hours import weekly_hours
from participants.ateliers.pages import (
    PEOPLE,
    SOURCE_LABELS,
    apply,
    participant_or_404,
)
from participants.ateliers.people import (
    STATUS_LABELS,
    save_participant,
)
from participants.errors import InvalidData
from participants.households.forms import BODY_LABELS
from participants.models import (
    Atelier,
    Contract,
    Participant,
    TransversalAction,
)
from participants.settings import MIN_WEEKLY_MINUTES
from participants.web import blueprint

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
        contracts={p.id: current_contract(p, today) for p in people},
        statuses=STATUS_LABELS,
    )


@blueprint.route("/ateliers/participants/nouveau", methods=["GET", "POST"])
@blueprint.route("/ateliers/participants/<int:participant_id>/modifier", methods=["GET", "POST"])
@require_permission(*PEOPLE)
def new_participant(participant_id: int | None = None):
    """The same form creates a participant or corrects their identity and status."""
    person = participant_or_404(participant_id) if participant_id else None
    cashiers = db.session.scalars(
        select(User).where(User.role == Role.CAISSIER).order_by(User.display_name)
    ).all()
    form = ParticipantForm()
    form.user_id.offer((user.id, user.display_name) for user in cashiers)
    if request.method == "POST" and submitted(form):
        saved = None

        def change() -> str:
            nonlocal saved
            saved = save_participant(
                db.session, current_user.id, utcnow(), form.participant_data(), person
            )
            return (
                _("Fiche enregistrée.")
                if person
                else _("Participant·e enregistré·e. Établissez maintenant son contrat.")
            )

        if apply(change):
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
    return render_template(
        "participants/ateliers/participant_form.html",
        form=form,
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
    person = participant_or_404(participant_id)
    db.session.commit()  # the logged read
    today = shop_date(utcnow())
    monday = monday_of(today)
    weeks = weekly_hours(db.session, person, monday - timedelta(weeks=5), 7, today)
    series = progress(db.session, person)
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
        current=current_contract(person, today),
        form=EmptyForm(),
        chart=line_chart(
            {
                name: [(day.strftime("%d/%m/%y"), score) for day, score in points]
                for name, points in series.items()
            },
            1,
            4,
            SCORE_LABELS,
            _("Progression de %(p)s", p=person.display_name),
        )
        if series
        else None,
        criteria=active_criteria(db.session),
        score_labels=SCORE_LABELS,
        actions=actions,
        action_labels=ACTION_LABELS,
        exit_labels=EXIT_LABELS,
        statuses=STATUS_LABELS,
        bodies=BODY_LABELS,
        weekdays=WEEKDAYS,
        sources=SOURCE_LABELS,
    )


@blueprint.route("/ateliers/participants/<int:participant_id>/contrat", methods=["GET", "POST"])
@require_permission(*PEOPLE)
def new_contract(participant_id: int):
    person = participant_or_404(participant_id)
    rows = db.session.scalars(select(Atelier).order_by(Atelier.name)).all()
    today = shop_date(utcnow())
    form = ContractForm().offer(rows)
    if request.method == "GET":
        form.referent_name.data = person.referrer_name
        form.start_date.data, form.end_date.data = today, today + timedelta(days=182)
    if request.method == "POST" and submitted(form):
        try:
            contract = create_contract(
                db.session, current_user.id, utcnow(), person, form.contract_data()
            )
        except InvalidData as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Contrat enregistré : %(h)s par semaine.",
                    h=format_minutes(contract.planned_weekly_minutes),
                ),
                "success",
            )
            return redirect(url_for(".participant", participant_id=person.id))
    return render_template(
        "participants/ateliers/contract_form.html",
        person=person,
        ateliers=rows,
        form=form,
        minimum=format_minutes(MIN_WEEKLY_MINUTES.get(db.session)),
    )


@blueprint.route("/ateliers/contrats/<int:contract_id>/imprimer")
@require_permission(*PEOPLE)
def print_contract(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    person = participant_or_404(contract.participant_id)
    db.session.commit()
    return render_template(
        "participants/ateliers/contract_print.html",
        contract=contract,
        person=person,
        shop=SHOP_NAME.get(db.session),
        address=SHOP_ADDRESS.get(db.session),
        weekdays=WEEKDAYS,
        statuses=STATUS_LABELS,
    )


@blueprint.route("/ateliers/contrats/<int:contract_id>/<action>", methods=["POST"])
@require_permission(*PEOPLE)
def contract_action(contract_id: int, action: str):
    contract = db.get_or_404(Contract, contract_id)
    if action not in ("fin", "renouveler"):
        abort(404)
    form = ContractEndForm() if action == "fin" else RenewalForm()
    if not submitted(form):
        return redirect(url_for(".participant", participant_id=contract.participant_id))

    def change() -> str:
        if action == "fin":
            end_contract(
                db.session,
                current_user.id,
                utcnow(),
                contract,
                form.ended_on.data,
                form.reason.data,
            )
            return _("Contrat terminé.")
        renewal = renew_contract(
            db.session, current_user.id, utcnow(), contract, form.end_date.data
        )
        return _(
            "Contrat renouvelé du %(s)s au %(e)s.",
            s=renewal.start_date.strftime("%d/%m/%Y"),
            e=renewal.end_date.strftime("%d/%m/%Y"),
        )

    apply(change)
    return redirect(url_for(".participant", participant_id=contract.participant_id))


@blueprint.route("/ateliers/participants/<int:participant_id>/sortie", methods=["POST"])
@require_permission(*PEOPLE)
def participant_exit(participant_id: int):
    person = participant_or_404(participant_id)
    form = ExitForm()
    if not submitted(form):
        return redirect(url_for(".participant", participant_id=participant_id))

    def change() -> str:
        record_exit(
            db.session,
            current_user.id,
            utcnow(),
            person,
            form.exit_date.data,
            form.exit_type.data,
            form.notes.data or "",
        )
        return _("Sortie enregistrée.")

    apply(change)
    return redirect(url_for(".participant", participant_id=participant_id))
