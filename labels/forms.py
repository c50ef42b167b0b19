"""The label pages' forms (WTForms): the printer of labels, and what a print asks for (the
sheet, where to start, where it goes, and for each kind of label its own values). Every number
and date goes through the shared parsers, with bounds and a French message naming the field."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.forms import DateField, IntegerField, choice_field
from app.quantities import MAX_GRAMS
from hardware.models import MODELS
from hardware.targets import KINDS
from labels.layouts import DEFAULT_LAYOUT, LAYOUTS
from labels.services import MAX_LABELS, LabelError, WeighedRequest

OUTPUTS = ("preview", "pdf", "thermal")
KINDS_OF_LABEL = ("shelf", "sticker", "weighed", "item", "card")


class LabelPrinterForm(FlaskForm):
    kind = choice_field(
        _l("Imprimante"), KINDS, _l("Choisissez le type d'imprimante dans la liste.")
    )
    model = choice_field(
        _l("Modèle"),
        ((model.key, model.label) for model in MODELS.values()),
        _l("Modèle d'imprimante inconnu."),
    )
    target = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])


class LabelRequestForm(FlaskForm):
    """What every print carries; the product counts (``count-<id>``) are read by ``counts``."""

    kind = SelectField(
        choices=[SelectChoice(kind) for kind in KINDS_OF_LABEL],
        default="shelf",
        invalid_choice_message=_l("Type d'étiquette inconnu."),
    )
    layout = SelectField(
        _l("Planche A4"),
        choices=[SelectChoice(layout.key, layout.label) for layout in LAYOUTS.values()],
        default=DEFAULT_LAYOUT,
        invalid_choice_message=_l("Planche inconnue : choisissez-en une dans la liste."),
    )
    start = IntegerField(
        _l("Commencer à l'étiquette n°"), validators=[Optional()], minimum=1, maximum=200
    )
    output = SelectField(
        choices=[SelectChoice(output) for output in OUTPUTS],
        default="preview",
        invalid_choice_message=_l("Sortie inconnue."),
    )
    back = StringField(validators=[Optional(), Length(max=500)])
    participation = BooleanField()
    # A weighed product's label (the jardin's pesée).
    product_id = IntegerField(_l("Produit"), validators=[Optional()], minimum=1)
    grams = IntegerField(
        _l("Poids en grammes"), validators=[Optional()], minimum=1, maximum=MAX_GRAMS
    )
    copies = IntegerField(
        _l("Nombre d'étiquettes"), validators=[Optional()], minimum=1, maximum=MAX_LABELS
    )
    packed_on = DateField(_l("Emballé le"), validators=[Optional()])
    keep_days = IntegerField(
        _l("À consommer dans (jours)"), validators=[Optional()], minimum=0, maximum=365
    )
    use_by = DateField(_l("DLC"), validators=[Optional()])
    best_before = DateField(_l("DDM"), validators=[Optional()])

    def validate_start(self, field) -> None:
        layout = LAYOUTS.get(self.layout.data)
        if layout is not None and field.data is not None and field.data > layout.per_sheet:
            field.errors.append(str(_l("Position de départ entre 1 et %(n)d.", n=layout.per_sheet)))

    def weighed_request(self, today: date) -> WeighedRequest:
        """The pesée label's values: packed today unless told, the DLC typed or counted in
        days from packing."""
        if self.grams.data is None:
            raise LabelError(str(_l("Poids en grammes : obligatoire.")))
        packed = self.packed_on.data or today
        keep = self.keep_days.data or 0
        use_by = self.use_by.data or (packed + timedelta(days=keep) if keep else None)
        return WeighedRequest(
            self.product_id.data or 0, self.grams.data or 0, packed, use_by, self.best_before.data
        )
