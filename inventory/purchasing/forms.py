"""The purchasing pages' forms (WTForms, through the shared parsers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from app.forms import DateField, EnumSelectField, IdSelectField, MoneyField, Required
from inventory.models import SupplierKind

SUPPLIER_KIND_LABELS = {
    SupplierKind.BANQUE_ALIMENTAIRE: _l("Banque Alimentaire"),
    SupplierKind.ANDES: _l("ANDES / Uniterres"),
    SupplierKind.SHOP: _l("Magasin, grossiste"),
    SupplierKind.PRODUCER: _l("Producteur"),
    SupplierKind.OTHER: _l("Autre"),
}


class SupplierForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[Required(), Length(max=120)])
    kind = EnumSelectField(
        _l("Type"),
        [Required()],
        enum=SupplierKind,
        labels=SUPPLIER_KIND_LABELS,
        message=_l("Choisissez le type dans la liste."),
    )
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=40)])
    email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            Length(max=120),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("E-mail : adresse invalide.")),
        ],
    )
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=500)])
    archived = BooleanField(_l("Archivé (plus proposé pour une commande)"))


class OrderForm(FlaskForm):
    supplier_id = IdSelectField(
        _l("Fournisseur"), [Required()], message=_l("Choisissez le fournisseur.")
    )
    expected_on = DateField(_l("Livraison attendue le"), validators=[Optional()])


class OrderLineForm(FlaskForm):
    """A product (its barcode, or words of its name), a quantity, the expected price."""

    product = StringField(
        _l("Produit (code-barres ou nom)"), validators=[Required(), Length(max=120)]
    )
    quantity = StringField(
        _l("Quantité (pièces, ou kg au poids)"), validators=[Required(), Length(max=40)]
    )
    unit_price = MoneyField(_l("Prix attendu (€ la pièce, ou le kg)"), validators=[Required()])


class ReceiveForm(FlaskForm):
    document_ref = StringField(
        _l("N° de bon de livraison"), validators=[Optional(), Length(max=80)]
    )
