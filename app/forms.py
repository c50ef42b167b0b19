"""Form pieces shared by every package."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField as _DateField
from wtforms import IntegerField as _IntegerField
from wtforms import StringField
from wtforms.validators import ValidationError

from app.money import InvalidAmount, parse_cents
from app.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_INTEGER,
    InvalidValue,
    parse_date,
    parse_integer,
)


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


class IntegerField(_IntegerField):
    """WTForms' integer through ``parse_integer``: ASCII digits, within ``minimum``–``maximum``
    (a database integer at most), a French message naming the field."""

    def __init__(
        self, label=None, validators=None, *, minimum: int = 0, maximum: int = MAX_INTEGER, **kwargs
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_integer(
                valuelist[0], str(self.label.text), minimum=self.minimum, maximum=self.maximum
            )
        except InvalidValue as error:
            self.data = None
            raise ValueError(error.message) from None


class DateField(_DateField):
    """WTForms' date through ``parse_date``: between 1900 and 2199 unless told."""

    def __init__(
        self, label=None, validators=None, *, earliest=EARLIEST_DATE, latest=LATEST_DATE, **kwargs
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.earliest, self.latest = earliest, latest

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(
                valuelist[0], str(self.label.text), earliest=self.earliest, latest=self.latest
            )
        except InvalidValue as error:
            self.data = None
            raise ValueError(error.message) from None


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
