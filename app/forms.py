"""Form pieces shared by every package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField as _DateField
from wtforms import IntegerField as _IntegerField
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from app.money import InvalidAmount, parse_cents
from app.quantities import InvalidQuantity, parse_kilograms
from app.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_INTEGER,
    InvalidValue,
    parse_date,
    parse_integer,
)


class Required:
    """WTForms' ``DataRequired`` for our fields: empty is "obligatoire", but a value typed and
    refused by its parser keeps its own message ("« abc » n'est pas un nombre entier"), where
    ``DataRequired`` would replace it by "obligatoire". Zero is a value."""

    field_flags = {"required": True}

    def __init__(self, message=None) -> None:
        self.message = message  # by default "<the field's label> : à remplir." (as parse_text)

    def __call__(self, form, field) -> None:
        if field.process_errors:
            raise StopValidation()  # the parser's message stays
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()):
            label = field.label.text if field.label else ""
            message = self.message or (
                _l("%(f)s : à remplir.", f=label) if label else _l("Ce champ est obligatoire.")
            )
            raise StopValidation(str(message))


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


class KilogramsField(StringField):
    """A weight typed in kilograms ("1,250") → ``.data`` in grams (``app.quantities``), None
    when empty; shown back as typed."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = parse_kilograms(text[:40])
            except InvalidQuantity as error:
                raise ValueError(f"{self.label.text} : {error}") from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data // 1000},{self.data % 1000:03d}" if self.data is not None else ""


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


def submitted(form) -> bool:
    """The form was posted with its CSRF token and every value read; otherwise each refusal is
    shown (each names its field) and nothing is written."""
    from app.extensions import db

    if form.validate_on_submit():
        return True
    db.session.rollback()
    flash_errors(form)
    return False


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


def choice_field(label, pairs, message, **kwargs) -> SelectField:
    """A <select> of fixed (value, label) pairs; a value not offered is ``message`` (French)."""
    return SelectField(
        label,
        choices=[SelectChoice(value, text) for value, text in pairs],
        invalid_choice_message=message,
        **kwargs,
    )


def _optional_id(value) -> int | None:
    """A <select>'s value as a number (a database id, a weekday): "" → None; digits → int;
    anything else ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return parse_integer(str(value), "")
    except InvalidValue:
        raise ValueError(value) from None


class IdSelectField(SelectField):
    """A <select> of database ids or other numbers (choices set by the view): ``.data`` is one
    of them, or None for the empty choice; a forged value is ``message`` (in French), never a
    500."""

    def __init__(self, label=None, validators=None, *, message, **kwargs) -> None:
        kwargs.setdefault("choices", [])
        super().__init__(label, validators, coerce=_optional_id, validate_choice=False, **kwargs)
        self.message = message
        self.checked_elsewhere = False

    def offer(self, pairs, *, blank: str | None = "—") -> None:
        """The choices, as (number, label) pairs; ``blank`` labels the empty one (None: no
        empty choice)."""
        empty = [SelectChoice("", blank)] if blank is not None else []
        self.choices = empty + [SelectChoice(value, label) for value, label in pairs]

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            try:
                self.data = _optional_id(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(str(self.message)) from None

    def check_elsewhere(self) -> None:
        """A posted id the service checks itself (it exists, is active, is of the right kind):
        the POST does not load every choice the page offers only to compare it."""
        self.checked_elsewhere = True

    def pre_validate(self, form) -> None:
        if self.checked_elsewhere:
            return
        allowed = {_optional_id(choice.value) for choice in self.choices}
        if self.data is not None and self.data not in allowed:
            raise ValidationError(str(self.message))


def _member(enum, value):
    try:
        return enum(value)
    except ValueError:
        return None


class EnumSelectField(SelectField):
    """A <select> of an enum's values, labelled in French: ``.data`` is the member (None when
    nothing was chosen); a forged value is ``message``."""

    def __init__(self, label=None, validators=None, *, enum, labels, message, **kwargs) -> None:
        choices = [SelectChoice(member.value, text) for member, text in labels.items()]
        if kwargs.pop("blank", False):
            choices.insert(0, SelectChoice("", "—"))
        super().__init__(
            label,
            validators,
            choices=choices,
            coerce=lambda value: _member(enum, value),
            validate_choice=False,
            **kwargs,
        )
        self.enum, self.message = enum, message

    def process_formdata(self, valuelist) -> None:
        if not valuelist or valuelist[0] == "":
            self.data = None
            return
        try:
            self.data = self.enum(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(str(self.message)) from None

    def _value(self):
        return self.data.value if isinstance(self.data, self.enum) else ""


def error_messages(form) -> list[str]:
    """A form's refusals, each naming its field ("Surface (m²) : entre 1 et 100000."): WTForms'
    own messages ("Le champ ne peut pas contenir plus de 80 caractères.") get the label in
    front; sub-forms and field lists are walked."""
    messages = []
    for field in form:
        if hasattr(field, "entries"):  # a FieldList of sub-forms
            for entry in field.entries:
                messages += error_messages(entry.form) if hasattr(entry, "form") else []
            continue
        if hasattr(field, "form") and field.type == "FormField":
            messages += error_messages(field.form)
            continue
        label = str(field.label.text) if field.label and field.label.text else ""
        for error in field.errors:
            text = str(error)
            messages.append(text if not label or text.startswith(label) else f"{label} : {text}")
    return list(dict.fromkeys(messages))


def flash_errors(form) -> None:
    """Each refusal of a submitted form at the top of the page."""
    from flask import flash

    for message in error_messages(form):
        flash(message, "error")
