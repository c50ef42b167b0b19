"""The ateliers' forms (WTForms): each value through the shared parsers, with its bounds and a
French message naming the field. Rules between values and with the database (a seat free in
the atelier, an account of the right role) stay in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from app.forms import DateField, EnumSelectField, IdSelectField, IntegerField, Required
from app.values import InvalidValue, format_duration, parse_duration
from participants.ateliers.common import WEEKDAYS, format_clock, parse_clock
from participants.ateliers.contracts import ContractData, SlotData
from participants.ateliers.exits import ACTION_LABELS, EXIT_LABELS
from participants.ateliers.people import STATUS_LABELS, ParticipantData
from participants.households.forms import BODY_LABELS
from participants.models import ActionKind, ExitType, ParticipantStatus, ReferringBody

SLOT_ROWS = 8


class ClockField(StringField):
    """A time of day as typed — "9:00", "9h30", "14" — as minutes after midnight (None when
    empty); shown back as typed, or as "9:00"."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = parse_clock(text[:12]) if text else None
        if text and self.data is None:
            raise ValueError(str(_l("heure invalide (ex. 9:00).")))  # the label goes in front

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_clock(self.data) if self.data is not None else ""


class DurationField(StringField):
    """Hours as typed — "9", "2,5", "9:30", "15 h" — in minutes (``app.values.parse_duration``),
    within ``maximum`` minutes; None when empty."""

    def __init__(self, label=None, validators=None, *, maximum: int = 24 * 60, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = parse_duration(text, str(self.label.text), maximum=self.maximum)
            except InvalidValue as error:
                raise ValueError(error.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_duration(self.data) if self.data is not None else ""


# ---- participants ---------------------------------------------------------------------------
class ParticipantForm(FlaskForm):
    first_name = StringField(_l("Prénom"), validators=[Required(), Length(max=80)])
    last_name = StringField(_l("Nom"), validators=[Required(), Length(max=80)])
    status = EnumSelectField(
        _l("Statut"),
        [Required()],
        enum=ParticipantStatus,
        labels=STATUS_LABELS,
        message=_l("Choisissez un statut dans la liste."),
    )
    referring_body = EnumSelectField(
        _l("Organisme prescripteur"),
        [Required()],
        enum=ReferringBody,
        labels=BODY_LABELS,
        message=_l("Choisissez un organisme prescripteur dans la liste."),
    )
    referrer_name = StringField(
        _l("Prescripteur·rice (nom)"),
        validators=[Required(), Length(max=120)],
    )
    entry_date = DateField(_l("Date d'entrée"), validators=[Required()])
    user_id = IdSelectField(
        _l("Compte de caisse (badge)"),
        message=_l("Le compte lié doit être un compte de caisse (badge)."),
    )

    def participant_data(self) -> ParticipantData:
        return ParticipantData(
            self.first_name.data,
            self.last_name.data,
            self.status.data,
            self.referring_body.data,
            self.referrer_name.data,
            self.entry_date.data,
            self.user_id.data,
        )


# ---- contracts ------------------------------------------------------------------------------
class SlotForm(Form):
    """One row of the week's planning; a row without an atelier is left empty."""

    atelier = IdSelectField(_l("Atelier"), message=_l("Choisissez un atelier dans la liste."))
    day = IdSelectField(_l("Jour"), message=_l("Choisissez un jour du lundi au vendredi."))
    start = ClockField(_l("Début"))
    end = ClockField(_l("Fin"))


class ContractForm(FlaskForm):
    referent_name = StringField(_l("Référent·e"), validators=[Required(), Length(max=120)])
    start_date = DateField(_l("Début"), validators=[Required()])
    end_date = DateField(_l("Fin"), validators=[Required()])
    minimum = DurationField(_l("Minimum d'heures par semaine"), maximum=60 * 60)
    signed_on = DateField(_l("Signé le"), validators=[Optional()])
    slots = FieldList(FormField(SlotForm), min_entries=SLOT_ROWS, max_entries=SLOT_ROWS)

    def offer(self, ateliers) -> ContractForm:
        """The ateliers a slot may name, the five weekdays (0 is Monday), and each row's labels
        with its number."""
        for number, row in enumerate(self.slots, 1):
            row.atelier.offer((a.id, a.name) for a in ateliers)
            row.day.offer(enumerate(WEEKDAYS), blank=None)
            for field in row.form:  # a refusal names its row: « Début du créneau 2 : … »
                field.label.text = _l("%(f)s du créneau %(n)d", f=field.label.text, n=number)
        return self

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for number, row in enumerate(self.slots, 1):
            if row.atelier.data is not None and (row.start.data is None or row.end.data is None):
                row.start.errors = [
                    *row.start.errors,
                    str(
                        _l(
                            "Créneau %(n)d : heures de début et de fin (ex. 9:00, 12:00).",
                            n=number,
                        )
                    ),
                ]
                valid = False
            if row.atelier.data is not None and row.day.data is None:
                row.day.errors = [*row.day.errors, str(_l("Créneau %(n)d : le jour.", n=number))]
                valid = False
        return valid

    def contract_data(self) -> ContractData:
        return ContractData(
            self.referent_name.data,
            self.start_date.data,
            self.end_date.data,
            tuple(
                SlotData(row.atelier.data, row.day.data, row.start.data, row.end.data)
                for row in self.slots
                if row.atelier.data is not None
            ),
            self.minimum.data,
            self.signed_on.data,
        )


class ContractEndForm(FlaskForm):
    ended_on = DateField(_l("Date de fin"), validators=[Required()])
    reason = StringField(_l("Raison"), validators=[Required(), Length(max=200)])


class RenewalForm(FlaskForm):
    end_date = DateField(_l("Nouvelle fin"), validators=[Required()])


class ExitForm(FlaskForm):
    exit_date = DateField(_l("Date de sortie"), validators=[Required()])
    exit_type = EnumSelectField(
        _l("Type de sortie"),
        [Required(_l("Choisissez le type de sortie."))],
        enum=ExitType,
        labels=EXIT_LABELS,
        message=_l("Choisissez le type de sortie."),
        blank=True,
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=300)])


# ---- ateliers, roll call, evaluation, actions --------------------------------------------------
class AtelierForm(FlaskForm):
    capacity = IntegerField(_l("Capacité"), validators=[Required()], minimum=1, maximum=30)
    opens_at = ClockField(_l("Ouverture"), validators=[Required()])
    closes_at = ClockField(_l("Fermeture"), validators=[Required()])
    encadrant_id = IdSelectField(_l("Encadrant·e"), message=_l("Choisissez un·e encadrant·e."))

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data is not None and field.data is not None:
            if field.data <= self.opens_at.data:
                raise ValidationError(str(_l("Horaires invalides (ex. 9:00 et 17:00).")))


def roll_call_form(expected, statuses) -> FlaskForm:
    """The roll call of a day: for each person expected, present or absent (and why), and the
    hours done. The fields are named after the person (``status-12``, ``hours-12``)."""

    class RollCallForm(FlaskForm):
        pass

    for row in expected:
        person = row.participant
        setattr(
            RollCallForm,
            f"status-{person.id}",
            EnumSelectField(
                person.display_name,
                [Required(_l("Indiquez présent·e ou absent·e pour %(p)s.", p=person.display_name))],
                enum=type(next(iter(statuses))),
                labels=statuses,
                message=_l("Indiquez présent·e ou absent·e pour %(p)s.", p=person.display_name),
            ),
        )
        setattr(
            RollCallForm,
            f"hours-{person.id}",
            DurationField(_l("Heures faites par %(p)s", p=person.display_name)),
        )
    return RollCallForm()


def evaluation_form(criteria, score_labels) -> FlaskForm:
    """One score per criterion of the grid (``score-<id>``), the day and a comment."""

    class EvaluationForm(FlaskForm):
        evaluated_on = DateField(_l("Date"), validators=[Required()])
        comment = TextAreaField(_l("Commentaire"), validators=[Optional(), Length(max=500)])

    for criterion in criteria:
        setattr(
            EvaluationForm,
            f"score-{criterion.id}",
            IntegerField(
                criterion.name,
                validators=[Required()],
                minimum=min(score_labels),
                maximum=max(score_labels),
            ),
        )
    return EvaluationForm()


class CriterionForm(FlaskForm):
    name = StringField(_l("Critère"), validators=[Optional(), Length(max=80)])
    remove = IdSelectField(_l("Critère à retirer"), message=_l("Critère inconnu."))


class ActionForm(FlaskForm):
    kind = EnumSelectField(
        _l("Type d'action"),
        [Required(_l("Choisissez le type d'action."))],
        enum=ActionKind,
        labels=ACTION_LABELS,
        message=_l("Choisissez le type d'action."),
        blank=True,
    )
    title = StringField(_l("Intitulé"), validators=[Required(), Length(max=160)])
    day = DateField(_l("Date"), validators=[Required()])
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=500)])
