"""Form pieces shared by every package."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from app.money import InvalidAmount, parse_cents


class MoneyField(StringField):
    """Typed as ``12,50``; ``.cents`` holds the integer after validation."""

    cents: int | None = None

    def pre_validate(self, form) -> None:
        self.cents = None
        if self.data:
            try:
                self.cents = parse_cents(self.data)
            except InvalidAmount as error:
                raise ValidationError(str(error)) from None


class EmptyForm(FlaskForm):
    """A CSRF-only form for one-button actions."""
