"""Login and user-management forms (CSRF-protected through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, Length, Optional, Regexp

from app.forms import EnumSelectField, Required
from app.users.roles import ROLE_LABELS, Role

_REQUIRED = _l("Ce champ est obligatoire.")


class LoginForm(FlaskForm):
    username = StringField(_l("Identifiant"), validators=[Required(_REQUIRED)])
    password = PasswordField(_l("Mot de passe"), validators=[Required(_REQUIRED)])


class BadgeLoginForm(FlaskForm):
    badge = StringField(_l("Badge"), validators=[Required(_l("Scannez votre badge."))])
    pin = PasswordField(
        _l("Code PIN"),
        validators=[
            Required(_l("Tapez votre code PIN.")),
            Regexp(r"^\d{4,6}$", message=_l("Le code PIN compte 4 à 6 chiffres.")),
        ],
    )


class NewUserForm(FlaskForm):
    display_name = StringField(_l("Nom affiché"), validators=[Required(_REQUIRED), Length(max=120)])
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
            Required(_REQUIRED),
            Regexp(r"^\d{4,6}$", message=_l("Le code PIN compte 4 à 6 chiffres.")),
        ],
    )


class RoleForm(FlaskForm):
    role = EnumSelectField(
        _l("Rôle"),
        [Required(_l("Rôle inconnu."))],
        enum=Role,
        labels=ROLE_LABELS,
        message=_l("Rôle inconnu."),
    )


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe"), validators=[Required(_REQUIRED), Length(max=200)]
    )


class SecretChangeForm(FlaskForm):
    """One's own password (staff) or PIN (badge): the current one, the new one twice. The rules
    of a good secret are ``accounts.change_own_secret``'s."""

    current = PasswordField(_l("Actuel"), validators=[Required(_REQUIRED), Length(max=200)])
    new = PasswordField(_l("Nouveau"), validators=[Required(_REQUIRED), Length(max=200)])
    again = PasswordField(
        _l("Nouveau, encore"),
        validators=[
            Required(_REQUIRED),
            EqualTo("new", message=_l("Les deux saisies ne sont pas identiques.")),
        ],
    )
