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


def require_csrf() -> None:
    """For hand-parsed forms (plannings, roll calls): the CSRF token, or a 400."""
    from flask import abort

    if not EmptyForm().validate_on_submit():
        abort(400)


def apply_change(change, *refusals: type[Exception]) -> bool:
    """Run ``change`` (which returns a success message or None): commit and flash it; if it
    raises one of ``refusals`` (domain errors carrying a French ``message``), roll back and
    flash the reason — nothing half-written."""
    from flask import flash

    from app.extensions import db

    try:
        message = change()
    except refusals as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    if message:
        flash(message, "success")
    return True
