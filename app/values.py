"""One parser per kind of value, with bounds, for forms, CSV files, URLs and the API alike.

Each parser takes the raw text and the French name of the field, and returns the value or raises
``InvalidValue`` with a French message naming the field. Nothing else in the code turns raw
text into a number or a date: ``int()`` accepts "²"? No — ``isdigit()`` does, ``int()`` does
not, and numbers beyond 2^63 overflow the database; dates before 1900 overflow date arithmetic.
A view may let ``InvalidValue`` go: the error handler answers 422 with its message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from app.domain import DomainError

# Every integer column fits a PostgreSQL INTEGER; ids, quantities and cents alike.
MAX_INTEGER = 2**31 - 1
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
_INTEGER = re.compile(r"^[+-]?[0-9]{1,12}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Bidirectional overrides and isolates reorder what is shown (an invoice "exe.pdf" read as
# "fdp.exe"); zero-width characters hide text. Text fields refuse them.
_INVISIBLE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


class InvalidValue(DomainError, ValueError):
    """A refused value: ``message`` is French and names the field."""


def parse_integer(
    text: str | None, field: str, *, minimum: int = 0, maximum: int = MAX_INTEGER
) -> int:
    """ASCII digits only ("²", "١٢" and "1e9" are not numbers here), within the bounds."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not _INTEGER.match(cleaned):
        raise InvalidValue(
            f"{field} : « {_shown(text)} » n'est pas un nombre entier (exemple : 12)."
        )
    value = int(cleaned)
    if not minimum <= value <= maximum:
        raise InvalidValue(f"{field} : entre {minimum} et {maximum}.")
    return value


def parse_optional_integer(text: str | None, field: str, **bounds) -> int | None:
    return None if not (text or "").strip() else parse_integer(text, field, **bounds)


def parse_date(
    text: str | None, field: str, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE
) -> date:
    """``AAAA-MM-JJ`` (the browsers' date fields), within the bounds."""
    cleaned = (text or "").strip()
    try:
        if not _DATE.match(cleaned):
            raise ValueError
        value = date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidValue(
            f"{field} : « {_shown(text)} » n'est pas une date (AAAA-MM-JJ)."
        ) from None
    if not earliest <= value <= latest:
        raise InvalidValue(
            f"{field} : une date entre le {earliest:%d/%m/%Y} et le {latest:%d/%m/%Y}."
        )
    return value


def parse_optional_date(text: str | None, field: str, **bounds) -> date | None:
    return None if not (text or "").strip() else parse_date(text, field, **bounds)


def parse_year(text: str | None, field: str = "Année") -> int:
    return parse_integer(text, field, minimum=EARLIEST_YEAR, maximum=LATEST_YEAR)


def parse_text(
    text: str | None,
    field: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Trimmed text of at most ``max_length`` characters, without control or invisible
    characters (line breaks only where ``multiline``)."""
    cleaned = (text or "").strip()
    if multiline:
        cleaned = cleaned.replace("\r\n", "\n")
    if required and not cleaned:
        raise InvalidValue(f"{field} : à remplir.")
    if len(cleaned) > max_length:
        raise InvalidValue(f"{field} : {max_length} caractères au plus ({len(cleaned)} tapés).")
    for character in cleaned:
        if character in _INVISIBLE or (
            unicodedata.category(character) in ("Cc", "Cs", "Co")
            and not (multiline and character in "\n\t")
        ):
            raise InvalidValue(
                f"{field} : un caractère invisible ou de contrôle a été "
                f"tapé (U+{ord(character):04X}) ; retapez le texte."
            )
    return cleaned


_DURATION = re.compile(r"^([0-9]{1,3})(?:(?:h|:)([0-9]{2})?)?$")
_DECIMAL_HOURS = re.compile(r"^([0-9]{1,2})[.,]([0-9]{1,2})$")


def parse_duration(
    text: str | None, field: str, *, minimum: int = 0, maximum: int = 24 * 60
) -> int:
    """Hours as people type them — "9", "9 h", "9h30", "9:30", "2,5" — in whole minutes, within
    the bounds (given in minutes)."""
    cleaned = "".join((text or "").lower().split())
    match = _DURATION.match(cleaned)
    decimal = _DECIMAL_HOURS.match(cleaned)
    if decimal:  # "2,5" → 150, "0,75" → 45 (a fraction of an hour, rounded down)
        fraction = decimal[2]
        minutes = int(decimal[1]) * 60 + int(fraction) * 60 // 10 ** len(fraction)
    elif match and int(match[2] or 0) < 60:
        minutes = int(match[1]) * 60 + int(match[2] or 0)
    else:
        raise InvalidValue(f"{field} : « {_shown(text)} » n'est pas une durée (exemple : 9 h 30).")
    if not minimum <= minutes <= maximum:
        raise InvalidValue(
            f"{field} : entre {format_duration(minimum)} et {format_duration(maximum)}."
        )
    return minutes


def format_duration(minutes: int) -> str:
    """540 → "9 h", 570 → "9 h 30" (what ``parse_duration`` reads back)."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def parse_siret(text: str | None) -> str:
    """A SIRET as printed on receipts: 14 digits (spaces allowed when typed), or empty."""
    siret = "".join((text or "").split())
    if siret and not (siret.isascii() and siret.isdigit() and len(siret) == 14):
        raise InvalidValue("SIRET : 14 chiffres.")
    return siret


def _shown(text: str | None) -> str:
    shown = (text or "").strip()
    return shown if len(shown) <= 30 else shown[:30] + "…"


def _lenient_integer(text: str) -> int:
    """For ``request.args.get(name, type=int)``: a bad or out-of-range number is absent."""
    try:
        return parse_integer(text, "", minimum=-MAX_INTEGER)
    except InvalidValue:
        raise ValueError(text) from None


class BoundedParameters(ImmutableMultiDict):
    """Query and form parameters whose ``type=int`` goes through ``parse_integer``: "²" and
    2^70 give the default, as any other non-number does, instead of a crash further on."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, _lenient_integer if type is int else type)

    def getlist(self, key, type=None):
        return super().getlist(key, _lenient_integer if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedParameters


class BoundedIntegerConverter(IntegerConverter):
    """``<int:id>`` in a URL: beyond what a column holds, the page does not exist (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


# ---- From the request: the same parsers, reading a form field or a query parameter. ----------


def form_integer(name: str, field: str, *, default: int | None = None, **bounds) -> int:
    from flask import request

    raw = request.form.get(name, "")
    if not raw.strip() and default is not None:
        return default
    return parse_integer(raw, field, **bounds)


def form_date(name: str, field: str, *, required: bool = True, **bounds) -> date | None:
    from flask import request

    raw = request.form.get(name, "")
    if not raw.strip() and not required:
        return None
    return parse_date(raw, field, **bounds)


def form_text(name: str, field: str, **rules) -> str:
    from flask import request

    return parse_text(request.form.get(name, ""), field, **rules)


def form_ids(name: str) -> list[int]:
    """Checked boxes carrying ids: the ones that are ids (a forged value is ignored)."""
    from flask import request

    return [value for value in request.form.getlist(name, type=int) if value > 0]


def arg_date(name: str, field: str, default: date, **bounds) -> date:
    """A date in the URL (``?date=2026-11-30``): absent → ``default``; wrong → 422."""
    from flask import request

    raw = request.args.get(name, "")
    return parse_date(raw, field, **bounds) if raw.strip() else default


def arg_year(name: str, default: int) -> int:
    from flask import request

    raw = request.args.get(name, "")
    return parse_year(raw, "Année") if raw.strip() else default
