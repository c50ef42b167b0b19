"""Forms of the stock pages (CSRF through Flask-WTF; amounts parsed by app.money)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.forms import DateField, EnumSelectField, IdSelectField, IntegerField, MoneyField, Required
from app.money import parse_percent_bp
from inventory.models import FoodFamily, LotOrigin, MovementKind, RuleKind, StockUnit
from inventory.services.categories import FOOD_FAMILY_LABELS
from inventory.services.losses import LOSS_REASON_LABELS, LossReason

REQUIRED = _l("Ce champ est obligatoire.")

UNIT_LABELS = {
    StockUnit.PIECE: _l("à la pièce"),
    StockUnit.KILOGRAM: _l("au poids (kg)"),
    StockUnit.LITRE: _l("à la pièce, prix au litre"),
}
ORIGIN_LABELS = {
    LotOrigin.BANQUE_ALIMENTAIRE: _l("Banque Alimentaire"),
    LotOrigin.PURCHASE: _l("Achat"),
    LotOrigin.DONATION: _l("Don"),
    LotOrigin.JARDIN: _l("Jardin"),
    LotOrigin.RAMASSE: _l("Ramasse (grandes surfaces)"),
    LotOrigin.OTHER: _l("Autre"),
    LotOrigin.TRANSFER: _l("Transfert d'un autre site"),
}
MOVEMENT_LABELS = {
    MovementKind.RECEIVE: _l("Réception"),
    MovementKind.SALE: _l("Vente"),
    MovementKind.REFUND: _l("Retour client"),
    MovementKind.LOSS: _l("Perte, casse"),
    MovementKind.EXPIRED_DESTROYED: _l("Détruit (date dépassée)"),
    MovementKind.GIVEN_AWAY: _l("Donné"),
    MovementKind.STOCKTAKE: _l("Ajustement d'inventaire"),
    MovementKind.TRANSFER_OUT: _l("Transfert vers un autre site"),
    MovementKind.TRANSFER_IN: _l("Transfert reçu d'un autre site"),
}
RULE_KIND_LABELS = {
    RuleKind.PRODUCT: _l("Produit"),
    RuleKind.WEIGHT: _l("Poids"),
    RuleKind.PRICE: _l("Prix"),
    RuleKind.PRICE_TO_WEIGHT: _l("Prix pour poids"),
    RuleKind.BENEFICIARY_CARD: _l("Carte bénéficiaire"),
    RuleKind.STAFF_BADGE: _l("Badge"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class ProductForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[Required(REQUIRED), Length(max=160)])
    category_id = SelectField(_l("Catégorie"), coerce=int)
    unit = SelectField(_l("Vendu"), choices=_choices(UNIT_LABELS))
    price = MoneyField(
        _l("Prix de référence (€, au kg pour le poids)"), validators=[Required(REQUIRED)]
    )
    vat = SelectField(
        _l("TVA"), choices=[SelectChoice(v, v + " %") for v in ("5,5", "10", "20", "2,1", "0")]
    )
    net_content = IntegerField(
        _l("Contenu net (g ou ml, pour le prix au kg ou au litre)"),
        validators=[Optional(), NumberRange(min=1)],
        maximum=1_000_000,
    )
    per_visit_limit = IntegerField(
        _l("Limite par passage (bénéficiaires)"),
        validators=[Optional(), NumberRange(min=1)],
        maximum=1000,
    )
    is_active = BooleanField(_l("En vente"), default=True)
    quick_key = BooleanField(
        _l("Touche rapide à la caisse (produit sans code-barres : légumes du jardin, pain, vrac)")
    )
    barcode = StringField(_l("Code-barres"), validators=[Optional(), Length(max=32)])

    def vat_bp(self) -> int:
        return parse_percent_bp(self.vat.data)


class BarcodeForm(FlaskForm):
    code = StringField(_l("Ajouter un code-barres"), validators=[Required(REQUIRED)])


class ReceptionForm(FlaskForm):
    origin = SelectField(
        _l("Provenance"),
        choices=_choices({k: v for k, v in ORIGIN_LABELS.items() if k != LotOrigin.JARDIN}),
    )
    supplier = StringField(_l("Fournisseur ou donateur"), validators=[Optional(), Length(max=120)])
    document_ref = StringField(
        _l("N° de bon de livraison"), validators=[Optional(), Length(max=80)]
    )
    declared_weight = StringField(
        _l("Poids total (kg, obligatoire pour la Banque Alimentaire)"), validators=[Optional()]
    )
    temperature = StringField(
        _l("Température à réception (°C, produits frais)"), validators=[Optional()]
    )


class ScanForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only looks a code up

    code = StringField(_l("Scannez ou tapez un code-barres"), validators=[Required(REQUIRED)])


class LotForm(FlaskForm):
    product_id = HiddenField()
    quantity = StringField(_l("Quantité"), validators=[Required(REQUIRED)])
    date_kind = SelectField(
        _l("Date"),
        choices=[
            SelectChoice("use_by", _l("DLC (à consommer jusqu'au)")),
            SelectChoice("best_before", _l("DDM (de préférence avant)")),
            SelectChoice("none", _l("Sans date")),
        ],
    )
    expiry = DateField(_l("Date limite"), validators=[Optional()])


class HarvestForm(FlaskForm):
    parcel_number = SelectField(_l("Parcelle"), coerce=int)  # the parcels grown (the view)
    product_id = SelectField(_l("Légume"), coerce=int)
    weight = StringField(_l("Poids (kg)"), validators=[Required(REQUIRED)])
    harvested_on = DateField(_l("Date de récolte"), validators=[Required(REQUIRED)])
    participant_ids = SelectMultipleField(_l("Participant·es présent·es"), coerce=int)


class DisposeForm(FlaskForm):
    action = SelectField(
        choices=[
            SelectChoice("expired_destroyed", _l("Détruire")),
            SelectChoice("given_away", _l("Donner")),
        ]
    )
    reason = StringField(_l("Motif (facultatif)"), validators=[Optional(), Length(max=200)])


class StocktakeForm(FlaskForm):
    label = StringField(_l("Nom de l'inventaire"), validators=[Required(REQUIRED), Length(max=120)])


class CountForm(FlaskForm):
    """A total typed for one product of a stocktake (pieces, or kg for a weighed product: read
    by ``parse_quantity`` once the product is known)."""

    product_id = IntegerField(_l("Produit"), validators=[Required()], minimum=1)
    quantity = StringField(_l("Total compté"), validators=[Required(REQUIRED), Length(max=40)])


class RuleForm(FlaskForm):
    sequence = IntegerField(_l("Ordre"), validators=[Required(REQUIRED)], maximum=10_000)
    name = StringField(_l("Nom"), validators=[Required(REQUIRED), Length(max=80)])
    kind = SelectField(_l("Type"), choices=_choices(RULE_KIND_LABELS))
    pattern = StringField(_l("Motif"), validators=[Required(REQUIRED), Length(max=40)])


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier CSV (séparateur ;)"), validators=[FileRequired(REQUIRED)])


class ParcelForm(FlaskForm):
    """A garden parcel added (no number yet) or edited (its number, and whether it is grown)."""

    number = IntegerField(validators=[Optional()], minimum=1, maximum=10_000)
    name = StringField(
        _l("Nom de la parcelle"),
        validators=[Required(_l("Nom de la parcelle : obligatoire.")), Length(max=80)],
    )
    area = IntegerField(
        _l("Surface (m²)"),
        validators=[Required(_l("Surface (m²) : obligatoire."))],
        minimum=1,
        maximum=100_000,
    )
    grown = BooleanField(_l("Cultivée"), false_values=("", "0", "false"))


class CategoryForm(FlaskForm):
    """A product category created, renamed, merged into another, or given its food family."""

    category_id = IntegerField(validators=[Optional()], minimum=1)
    name = StringField(_l("Nom de la catégorie"), validators=[Optional(), Length(max=80)])
    into = IntegerField(validators=[Optional()], minimum=1)
    food_family = EnumSelectField(
        _l("Famille (Banque Alimentaire)"),
        enum=FoodFamily,
        labels=FOOD_FAMILY_LABELS,
        message=_l("Choisissez la famille dans la liste."),
        blank=True,
    )


class LossForm(FlaskForm):
    """A loss declared on a product's page: the lot, how much, why (``services/losses.py``)."""

    lot_id = IdSelectField(_l("Lot"), message=_l("Choisissez le lot dans la liste."))
    quantity = StringField(
        _l("Quantité perdue"), validators=[Required(REQUIRED), Length(max=40)]
    )  # pieces, or kg for a weighed product: read by parse_quantity once the product is known
    reason = EnumSelectField(
        _l("Motif"),
        [Required(_l("Choisissez le motif."))],
        enum=LossReason,
        labels=LOSS_REASON_LABELS,
        message=_l("Choisissez le motif dans la liste."),
        blank=True,
    )
    note = StringField(_l("Précision (facultatif)"), validators=[Optional(), Length(max=150)])

    def validate_lot_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(str(_l("Choisissez le lot dans la liste.")))
