"""Settings are declared by the package that owns them; ``app`` only collects them.

A package lists its settings in its ``settings.py`` as typed specs (key, French label and help,
default, bounds) grouped under one heading, and reads them through the spec:
``EXPIRY_WARNING_DAYS.get(session)`` is an ``int`` within its bounds, whatever is stored. The
settings page (Administration → Paramètres) is built from the same specs: one parser per kind
of value (``app/values.py``), the same bounds for the page, for ``set`` and for what is read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.money import (
    InvalidAmount,
    format_cents,
    format_cents_plain,
    format_percent_bp,
    parse_cents,
    parse_percent_bp,
)
from app.settings.models import Setting
from app.values import InvalidValue, format_duration, parse_duration, parse_integer, parse_text

T = TypeVar("T")
logger = logging.getLogger(__name__)


_VALUES = "settings.values"  # the stored values, as read once in this transaction
_ALL_VALUES = select(Setting.key, Setting.value)  # built once: read at every ticket


def _stored_values(session: Session) -> dict[str, Any]:
    """Every stored value, read in one query the first time a transaction asks for one (a
    few dozen rows at most): a sale reads settings several times, never one query each."""
    values = session.info.get(_VALUES)
    if values is None:
        values = {key: value for key, value in session.execute(_ALL_VALUES)}
        session.info[_VALUES] = values
    return values


@event.listens_for(Session, "after_transaction_end")
def _forget_stored_values(session: Session, transaction) -> None:
    session.info.pop(_VALUES, None)  # the next transaction (or savepoint) reads them again


_MISSING = object()


@dataclass(frozen=True, kw_only=True)
class SettingSpec(Generic[T]):
    key: str
    label: str
    default: T
    help: str = ""
    # The page that edits it when it is not the settings page (its own checks live there):
    # an endpoint, or "" for a setting no page edits (set by a command).
    edited_on: str | None = None
    edited_where: str = ""  # that page, as the menu names it

    def of_site(self, site_id: int) -> SettingSpec[T]:
        """The same setting, one value per site (a site's label printer): the first site's is
        the setting itself (as before there were sites), another's is stored apart, with no
        fallback to the first's."""
        from app.sites.models import FIRST_SITE_ID

        return self if site_id == FIRST_SITE_ID else replace(self, key=f"{self.key}@{site_id}")

    # ---- reading and writing ---------------------------------------------------------------
    def get(self, session: Session) -> T:
        stored = _stored_values(session).get(self.key, _MISSING)
        if stored is _MISSING:
            return self.default
        try:
            return self.accept(stored)
        except InvalidValue:
            logger.warning("setting %s: stored value refused, default used", self.key)
            return self.default

    def set(self, session: Session, value: Any, now: datetime) -> None:
        value = self.accept(value)
        session.info.pop(_VALUES, None)
        stored = session.get(Setting, self.key)
        if stored is None:
            session.add(Setting(key=self.key, value=value, updated_at=now))
        else:
            stored.value = value
            stored.updated_at = now
        session.flush()

    # ---- what each kind defines -------------------------------------------------------------
    def accept(self, value: Any) -> T:
        """A value from code or from the database, checked (``InvalidValue`` otherwise)."""
        raise NotImplementedError

    def parse(self, text: str | None) -> T:
        """What a person typed → the value, or ``InvalidValue`` with a French message."""
        raise NotImplementedError

    def parse_form(self, form: Mapping[str, Any]) -> T | None:
        """The value posted by the settings page; None when the form does not carry it."""
        if self.key not in form:
            return None
        return self.parse(form.get(self.key))

    def shown(self, value: T) -> str:
        """The text in the page's field."""
        return str(value)

    def described(self, value: T) -> str:
        """The value in a sentence (the audit log, « par défaut : … »)."""
        return self.shown(value)

    @property
    def widget(self) -> str:
        return type(self).__name__.removesuffix("Setting").lower()


def _refused(spec: SettingSpec, value: Any) -> InvalidValue:
    return InvalidValue(f"{spec.label} : valeur refusée ({value!r}).")


@dataclass(frozen=True, kw_only=True)
class BoundedIntegerSetting(SettingSpec[int]):
    """An integer within bounds, however it is typed (a count, cents, basis points, minutes)."""

    minimum: int
    maximum: int

    def accept(self, value: Any) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.minimum <= value <= self.maximum
        ):
            raise _refused(self, value)
        return value


@dataclass(frozen=True, kw_only=True)
class IntegerSetting(BoundedIntegerSetting):
    unit: str = ""

    def parse(self, text: str | None) -> int:
        return parse_integer(text, self.label, minimum=self.minimum, maximum=self.maximum)

    def described(self, value: int) -> str:
        return f"{value} {self.unit}".strip()


@dataclass(frozen=True, kw_only=True)
class MoneySetting(BoundedIntegerSetting):
    """Cents, typed in euros ("20", "12,50")."""

    minimum: int = 0
    maximum: int = 100_000_00

    def parse(self, text: str | None) -> int:
        return self._parse(text, self.label)

    def _parse(self, text: str | None, field_name: str) -> int:
        try:
            cents = parse_cents(text or "")
        except InvalidAmount as error:
            raise InvalidValue(f"{field_name} : {error}") from None
        if not self.minimum <= cents <= self.maximum:
            raise InvalidValue(
                f"{field_name} : entre {format_cents(self.minimum)} et "
                f"{format_cents(self.maximum)}."
            )
        return cents

    def shown(self, value: int) -> str:
        return format_cents_plain(value)

    def described(self, value: int) -> str:
        return format_cents(value)


@dataclass(frozen=True, kw_only=True)
class PercentSetting(BoundedIntegerSetting):
    """Basis points, typed in percent ("20", "5,5")."""

    def parse(self, text: str | None) -> int:
        try:
            basis_points = parse_percent_bp(text or "")
        except InvalidAmount as error:
            raise InvalidValue(f"{self.label} : {error}") from None
        if not self.minimum <= basis_points <= self.maximum:
            raise InvalidValue(
                f"{self.label} : entre {format_percent_bp(self.minimum)} % et "
                f"{format_percent_bp(self.maximum)} %."
            )
        return basis_points

    def shown(self, value: int) -> str:
        return format_percent_bp(value)

    def described(self, value: int) -> str:
        return f"{format_percent_bp(value)} %"


@dataclass(frozen=True, kw_only=True)
class DurationSetting(BoundedIntegerSetting):
    """Minutes, typed in hours ("9", "9 h 30", "9:30")."""

    def parse(self, text: str | None) -> int:
        return parse_duration(text, self.label, minimum=self.minimum, maximum=self.maximum)

    def shown(self, value: int) -> str:
        return format_duration(value)


@dataclass(frozen=True, kw_only=True)
class BooleanSetting(SettingSpec[bool]):
    def accept(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _refused(self, value)
        return value

    def parse(self, text: str | None) -> bool:
        if text not in ("0", "1"):
            raise InvalidValue(f"{self.label} : oui ou non.")
        return text == "1"

    def parse_form(self, form: Mapping[str, Any]) -> bool | None:
        # The page sends a hidden "0" then the box's "1" when it is ticked: the last one wins.
        values = form.getlist(self.key) if hasattr(form, "getlist") else [form.get(self.key)]
        if not values or self.key not in form:
            return None
        return self.parse(values[-1])

    def described(self, value: bool) -> str:
        return "oui" if value else "non"


@dataclass(frozen=True, kw_only=True)
class TextSetting(SettingSpec[str]):
    max_length: int
    multiline: bool = False
    required: bool = False
    # An extra rule for the whole text (a SIRET, a device path): returns the text to store.
    check: Callable[[str], str] | None = None

    def accept(self, value: Any) -> str:
        if not isinstance(value, str):
            raise _refused(self, value)
        return self.parse(value)

    def parse(self, text: str | None) -> str:
        cleaned = parse_text(
            text,
            self.label,
            max_length=self.max_length,
            multiline=self.multiline,
            required=self.required,
        )
        return self.check(cleaned) if self.check is not None else cleaned

    def described(self, value: str) -> str:
        return f"« {value} »" if value else "(vide)"


@dataclass(frozen=True, kw_only=True)
class ChoiceSetting(SettingSpec[str]):
    choices: tuple[tuple[str, str], ...]

    def accept(self, value: Any) -> str:
        if value not in dict(self.choices):
            raise _refused(self, value)
        return value

    def parse(self, text: str | None) -> str:
        if text not in dict(self.choices):
            raise InvalidValue(f"{self.label} : choisissez dans la liste.")
        return text

    def described(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True, kw_only=True)
class MoneyTableSetting(SettingSpec[dict[str, int]]):
    """Amounts in cents by a small count (persons in a household: "1" … "4", the last row
    applies to larger counts too). One field per row on the page."""

    rows: tuple[tuple[str, str], ...]  # (key, French label of the row)
    minimum: int = 1
    maximum: int = 100_000

    def _row_spec(self) -> MoneySetting:
        return MoneySetting(
            key=self.key, label=self.label, default=0, minimum=self.minimum, maximum=self.maximum
        )

    def accept(self, value: Any) -> dict[str, int]:
        if not isinstance(value, dict) or set(value) != {key for key, _label in self.rows}:
            raise _refused(self, value)
        row = self._row_spec()
        return {key: row.accept(value[key]) for key, _label in self.rows}

    def parse(self, text: str | None) -> dict[str, int]:
        raise InvalidValue(f"{self.label} : une valeur par ligne.")

    def parse_form(self, form: Mapping[str, Any]) -> dict[str, int] | None:
        names = [f"{self.key}.{key}" for key, _label in self.rows]
        if not all(name in form for name in names):
            return None
        row = self._row_spec()
        return {
            key: row._parse(form.get(f"{self.key}.{key}"), f"{self.label} ({label})")
            for key, label in self.rows
        }

    def shown(self, value: dict[str, int]) -> str:
        return " ; ".join(f"{label} : {format_cents_plain(value[key])}" for key, label in self.rows)

    def described(self, value: dict[str, int]) -> str:
        return " ; ".join(f"{label} : {format_cents(value[key])}" for key, label in self.rows)

    def cell(self, value: dict[str, int], key: str) -> str:
        return format_cents_plain(value[key])


# ---- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SettingGroup:
    name: str  # the owning package ("inventory", "pos"…) or a part of it
    label: str
    position: int  # where the page shows it (the shop first, the technical last)
    settings: tuple[SettingSpec, ...]
    # Rules between settings of the group: given the values the page would store, a French
    # message when they do not fit together (a default longer than the maximum…).
    checks: tuple[Callable[[Mapping[str, Any]], str | None], ...] = field(default=())


_GROUPS: dict[str, SettingGroup] = {}
_SPECS: dict[str, SettingSpec] = {}


def declare(group: SettingGroup) -> SettingGroup:
    """Called once by the owning package's ``settings.py``, at import."""
    for spec in group.settings:
        known = _SPECS.get(spec.key)
        if known is not None and known is not spec:
            raise RuntimeError(f"setting {spec.key!r} declared twice")
    _GROUPS[group.name] = group
    _SPECS.update((spec.key, spec) for spec in group.settings)
    return group


def groups() -> tuple[SettingGroup, ...]:
    return tuple(sorted(_GROUPS.values(), key=lambda group: group.position))


def spec_for(key: str) -> SettingSpec:
    try:
        return _SPECS[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None
