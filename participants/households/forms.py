"""Forms of the household pages."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.clock import SHOP_TIMEZONE
from app.forms import DateField, IntegerField, MoneyField, Required
from app.values import InvalidValue, parse_date
from participants.models import Kinship, ReferringBody, Sex

REQUIRED = _l("Ce champ est obligatoire.")
BODY_LABELS = {
    ReferringBody.CONSEIL_DEPARTEMENTAL: _l("Conseil départemental"),
    ReferringBody.CCAS: _l("CCAS"),
    ReferringBody.MISSION_LOCALE: _l("Mission Locale"),
    ReferringBody.FRANCE_TRAVAIL: _l("France Travail"),
    ReferringBody.OTHER: _l("Autre"),
}
# "Non renseigné" first and by default: a sex is never guessed (it feeds the food-aid figures).
SEX_LABELS = {
    Sex.UNSPECIFIED: _l("Non renseigné"),
    Sex.FEMALE: _l("Femme"),
    Sex.MALE: _l("Homme"),
}
MEMBER_ROWS = 6  # empty rows offered; « Ajouter des lignes » offers three more, without limit
MAX_MEMBERS = 40
KINSHIP_LABELS = {
    Kinship.REFERENCE: _l("Personne de référence"),
    Kinship.SPOUSE: _l("Conjoint·e"),
    Kinship.CHILD: _l("Enfant"),
    Kinship.OTHER: _l("Autre"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class MemberForm(FlaskForm):
    class Meta:
        csrf = False  # a part of the household form, which carries the token

    first_name = StringField(_l("Prénom"), validators=[Optional(), Length(max=80)])
    birth_year = IntegerField(
        _l("Année de naissance"), validators=[Optional()], minimum=1900, maximum=2100
    )
    sex = SelectField(_l("Sexe"), choices=_choices(SEX_LABELS), default=Sex.UNSPECIFIED.value)
    kinship = SelectField(_l("Lien"), choices=_choices(KINSHIP_LABELS))


class HouseholdForm(FlaskForm):
    display_name = StringField(_l("Nom du foyer"), validators=[Required(REQUIRED), Length(max=120)])
    referring_body = SelectField(_l("Organisme prescripteur"), choices=_choices(BODY_LABELS))
    referrer_name = StringField(
        _l("Prescripteur·rice (nom)"), validators=[Required(REQUIRED), Length(max=120)]
    )
    resources = MoneyField(_l("Ressources mensuelles (€)"), validators=[Required(REQUIRED)])
    charges = MoneyField(_l("Charges fixes mensuelles (€)"), validators=[Required(REQUIRED)])
    notes = TextAreaField(
        _l("Remarques factuelles (500 caractères, pas de données de santé)"),
        validators=[Optional(), Length(max=500)],
    )
    members = FieldList(FormField(MemberForm), min_entries=MEMBER_ROWS, max_entries=MAX_MEMBERS)

    def offer_rows(self, filled: int, more: int = 0) -> None:
        """Room for every member and a few empty rows (``more`` when asked for)."""
        wanted = min(max(filled + 2, MEMBER_ROWS) + more, MAX_MEMBERS)
        while len(self.members) < wanted:
            self.members.append_entry()
            self.members[-1].kinship.data = Kinship.CHILD.value


class RightForm(FlaskForm):
    starts_on = DateField(_l("Début"), validators=[Required(REQUIRED)])
    months = IntegerField(
        _l("Durée (mois)"), validators=[Required(REQUIRED), NumberRange(min=1, max=6)]
    )
    rate = IntegerField(
        _l("Taux de participation (%)"),
        validators=[Required(REQUIRED), NumberRange(min=10, max=30)],
    )
    allowance = MoneyField(_l("Montant mensuel (€)"), validators=[Required(REQUIRED)])
    project = StringField(_l("Projet personnel"), validators=[Required(REQUIRED), Length(max=300)])


class DecisionForm(FlaskForm):
    note = StringField(_l("Motif ou remarque"), validators=[Optional(), Length(max=300)])


class ReissueForm(FlaskForm):
    reason = StringField(_l("Motif"), validators=[Optional(), Length(max=120)])


class BookingForm(FlaskForm):
    """A slot chosen on the booking page (``slot``: « 2026-12-01T14:20 », shop time)."""

    slot = StringField(_l("Créneau"), validators=[Required(_l("Choisissez un créneau."))])
    replacing = IntegerField(validators=[Optional()], minimum=1)
    note = StringField(_l("Note (facultatif)"), validators=[Optional(), Length(max=200)])

    def validate_slot(self, field) -> None:
        try:
            self.starts_at()
        except InvalidValue as error:
            raise ValidationError(error.message) from None

    def starts_at(self) -> datetime:
        day_text, _sep, clock = (self.slot.data or "").strip().partition("T")
        day = parse_date(day_text, str(_l("Créneau")))
        hours, _sep, minutes = clock.partition(":")
        if not (len(hours) == 2 and len(minutes) == 2 and (hours + minutes).isdigit()):
            raise InvalidValue(str(_l("Créneau : choisissez-en un dans la liste.")))
        if int(hours) > 23 or int(minutes) > 59:
            raise InvalidValue(str(_l("Créneau : choisissez-en un dans la liste.")))
        return datetime.combine(day, time(int(hours), int(minutes)), tzinfo=SHOP_TIMEZONE)
