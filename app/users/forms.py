"""Login and user-management forms (CSRF-protected through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.users.roles import ROLE_LABELS, Role

_REQUIRED = _l("Ce champ est obligatoire.")


class LoginForm(FlaskForm):
    username = StringField(_l("Identifiant"), validators=[DataRequired(_REQUIRED)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_REQUIRED)])


class BadgeLoginForm(FlaskForm):
    badge = StringField(_l("Badge"), validators=[DataRequired(_l("Scannez votre badge."))])
    pin = PasswordField(
        _l("Code PIN"),
        validators=[
            DataRequired(_l("Tapez votre code PIN.")),
            Regexp(r"^\d{4,6}$", message=_l("Le code PIN compte 4 à 6 chiffres.")),
        ],
    )


class NewUserForm(FlaskForm):
    display_name = StringField(
        _l("Nom affiché"), validators=[DataRequired(_REQUIRED), Length(max=120)]
    )
    role = SelectField(
        _l("Rôle"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    username = StringField(_l("Identifiant (personnel)"), validators=[Optional(), Length(max=80)])
    password = PasswordField(_l("Mot de passe (8 caractères au moins)"), validators=[Optional()])
    badge_code = StringField(
        _l("Numéro de badge (vide : un numéro est créé, badge à imprimer)"),
        validators=[Optional(), Length(max=32)],
    )
    pin = PasswordField(_l("Code PIN (4 à 6 chiffres)"), validators=[Optional()])

    def selected_role(self) -> Role:
        return Role(self.role.data)


class PinResetForm(FlaskForm):
    pin = PasswordField(
        _l("Nouveau code PIN"),
        validators=[
            DataRequired(_REQUIRED),
            Regexp(r"^\d{4,6}$", message=_l("Le code PIN compte 4 à 6 chiffres.")),
        ],
    )
