"""The till administration's forms (WTForms): a till's name and service, its printer. The
printer's address is checked against the site's limits by ``hardware.targets.check_printer``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from app.forms import IdSelectField, IntegerField, Required, choice_field
from hardware.models import DEFAULT_MODEL, MODELS
from hardware.targets import KINDS


class TillAddForm(FlaskForm):
    name = StringField(
        _l("Nom de la caisse"),
        validators=[Required(), Length(max=80)],
    )


class TillDetailsForm(TillAddForm):
    till_id = IntegerField(validators=[Required()], minimum=1)
    in_service = BooleanField(_l("En service"), false_values=("", "0", "false"))
    point_id = IdSelectField(_l("Point de vente"), message=_l("Point de vente inconnu."))


class TillPrinterForm(FlaskForm):
    till_id = IntegerField(validators=[Required()], minimum=1)
    printer_kind = choice_field(
        _l("Imprimante"), KINDS, _l("Choisissez le type d'imprimante dans la liste.")
    )
    printer_model = choice_field(
        _l("Modèle"),
        ((model.key, model.label) for model in MODELS.values()),
        _l("Modèle d'imprimante inconnu."),
        default=DEFAULT_MODEL,
    )
    printer_target = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
