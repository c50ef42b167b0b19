"""The ressourcerie's forms (WTForms): weights in kilograms, prices in euros, dates and choices
each through the shared parsers with a French message naming the field. What the values mean
together (a category that exists, a net weight above zero, a state that may follow) is the
services' (``items.py``, ``outflows.py``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from app.forms import (
    DateField,
    EnumSelectField,
    IdSelectField,
    IntegerField,
    KilogramsField,
    MoneyField,
    Required,
)
from inventory.errors import InvalidData
from inventory.models import ChoiceKind, DataErasure, ItemState, OutflowChannel
from inventory.ressourcerie.categories import parse_price_grid
from inventory.ressourcerie.items import CHANNEL_LABELS, STATE_LABELS

TARES = (
    ("", "Sans contenant", 0),
    ("bac", "Bac roulant 240 l (12 kg)", 12_000),
    ("caisse", "Caisse plastique (1,5 kg)", 1_500),
    ("palette", "Palette (22 kg)", 22_000),
    ("cage", "Cage grillagée (35 kg)", 35_000),
)
ERASURE_LABELS = {
    DataErasure.DONE: "Fait",
    DataErasure.NOT_APPLICABLE: "Sans objet (pas de données)",
}


class WeighingForm(FlaskForm):
    """The scale's gross weight, and the container's tare (a known one, or typed)."""

    category_id = IdSelectField(_l("Catégorie"), message=_l("Choisissez une catégorie."))
    gross_kg = KilogramsField(_l("Poids brut"), validators=[Required()])
    container = SelectField(
        _l("Contenant"), choices=[SelectChoice(key, label) for key, label, _grams in TARES]
    )
    tare_kg = KilogramsField(_l("Tare"))

    def offer(self, categories, lists: dict | None = None) -> WeighingForm:
        """The categories, and each list the form names (field → its active entries)."""
        self.category_id.offer((c.id, c.name) for c in categories)
        for name, entries in (lists or {}).items():
            getattr(self, name).offer((e.id, e.name) for e in entries)
        return self

    def ids_checked_by_service(self) -> WeighingForm:
        """For the POST: every id field is checked by the service that records (an active
        category, an active entry of the right list), not against lists loaded for nothing."""
        for field in self:
            if isinstance(field, IdSelectField):
                field.check_elsewhere()
        return self

    def validate_category_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(str(_l("Choisissez une catégorie.")))

    @property
    def tare_grams(self) -> int:
        """The tare typed, or the chosen container's."""
        if self.tare_kg.data is not None:
            return self.tare_kg.data
        return dict((key, grams) for key, _label, grams in TARES).get(self.container.data, 0)


class IntakeForm(WeighingForm):
    collection_type_id = IdSelectField(
        _l("Type de collecte"), [Required()], message=_l("Choisissez le type de collecte.")
    )
    area_id = IdSelectField(_l("Origine (commune, quartier)"), message=_l("Origine inconnue."))
    point_id = IdSelectField(_l("Point de collecte"), message=_l("Point inconnu."))
    collected_on = DateField(_l("Date"), validators=[Required()])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    keep = BooleanField(_l("Objet gardé pour le réemploi"))
    serial_number = StringField(_l("N° de série"), validators=[Optional(), Length(max=80)])


class OutflowForm(WeighingForm):
    channel = EnumSelectField(
        _l("Filière"),
        [Required(_l("Choisissez la filière."))],
        enum=OutflowChannel,
        labels=CHANNEL_LABELS,
        message=_l("Choisissez la filière."),
    )
    day = DateField(_l("Date"), validators=[Required()])
    partner = StringField(_l("Partenaire"), validators=[Optional(), Length(max=120)])
    point_id = IdSelectField(_l("Point de collecte"), message=_l("Point inconnu."))


class PriceForm(FlaskForm):
    price = MoneyField(_l("Prix"), validators=[Required()])


class RepairForm(FlaskForm):
    day = DateField(_l("Date"), validators=[Required()])
    minutes = IntegerField(_l("Durée en minutes"), validators=[Optional()], maximum=24 * 60)
    parts = StringField(_l("Pièces"), validators=[Optional(), Length(max=300)])
    parts_cost = MoneyField(_l("Coût des pièces"), validators=[Optional()])
    tests = TextAreaField(_l("Tests"), validators=[Optional(), Length(max=500)])
    all_tested = BooleanField(_l("Toutes les fonctions testées"))
    data_erasure = EnumSelectField(
        _l("Données personnelles"),
        enum=DataErasure,
        labels=ERASURE_LABELS,
        message=_l("Choisissez ce qui a été fait des données."),
        blank=True,
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=500)])


class StateForm(FlaskForm):
    state = EnumSelectField(
        _l("État"),
        [Required(_l("Choix invalide."))],
        enum=ItemState,
        labels=STATE_LABELS,
        message=_l("Choix invalide."),
    )
    channel = EnumSelectField(
        _l("Filière"),
        enum=OutflowChannel,
        labels=CHANNEL_LABELS,
        message=_l("Choix invalide."),
        blank=True,
    )


class PriceGridField(TextAreaField):
    """« Livre de poche : 0,50 », one price per line → ``.data``: the grid's prices."""

    def process_formdata(self, valuelist) -> None:
        self.data = ()
        text = valuelist[0] if valuelist else ""
        if len(text) > 4000:
            raise ValueError(_l("Grille de prix trop longue (30 prix au plus)."))
        try:
            self.data = parse_price_grid(text)
        except InvalidData as error:
            raise ValueError(error.message) from None


class ItemCategoryForm(FlaskForm):
    category_id = IntegerField(validators=[Optional()], minimum=1)
    name = StringField(_l("Nom de catégorie"), validators=[Required()])
    suggested_price = MoneyField(_l("Prix conseillé"), validators=[Optional()])
    price_grid = PriceGridField(_l("Grille de prix (objets sans étiquette)"))
    standard_weight = KilogramsField(_l("Poids standard"), validators=[Optional()])
    electrical = BooleanField(_l("Électrique (DEEE)"))
    archived = BooleanField(_l("Archivée"))


class CorrectionForm(FlaskForm):
    """A weight typed wrong: the right net weight, and why (the record itself stays)."""

    net_kg = KilogramsField(_l("Poids net corrigé"), validators=[Required()])
    reason = StringField(_l("Motif de la correction"), validators=[Required(), Length(max=200)])


class ChoiceForm(FlaskForm):
    """An entry of one of the editable lists: added (no id) or renamed, archived or not."""

    kind = EnumSelectField(
        _l("Liste"),
        [Required(_l("Liste inconnue."))],
        enum=ChoiceKind,
        labels={kind: kind.value for kind in ChoiceKind},
        message=_l("Liste inconnue."),
    )
    choice_id = IntegerField(validators=[Optional()], minimum=1)
    name = StringField(_l("Nom"), validators=[Required(), Length(max=80)])
    archived = BooleanField(_l("Archivé"))
