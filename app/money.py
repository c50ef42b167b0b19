"""Money as integer cents: parsing what people type, rounding rates, formatting in French.

Rounding rule (used everywhere a rate applies, e.g. a participation rate on a reference price):
the exact result ``cents * basis_points / 10000`` is rounded to the nearest cent, halves away
from zero ("arrondi commercial"). It is computed in integers, never through floats.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

BASIS_POINTS_PER_UNIT = 10_000
_AMOUNT_PATTERN = re.compile(
    r"^(?P<sign>-?)(?P<units>[0-9]{1,12})(?:[.,](?P<decimals>[0-9]{1,2}))?$"
)
# Far beyond any amount of the shop, well within a database integer.
MAX_CENTS = 1_000_000_000


class InvalidAmount(ValueError):
    """Raised with a French message that can be shown to the person who typed the amount."""


def parse_cents(text: str, *, allow_negative: bool = False) -> int:
    """Turn ``"12,50"``, ``"12.5"``, ``"1 234,56 €"`` or ``"3"`` into cents."""
    cleaned = (
        text.strip().replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    )
    match = _AMOUNT_PATTERN.match(cleaned)
    if not match:
        raise InvalidAmount(f"« {text.strip()} » n'est pas un montant valide (exemple : 12,50).")
    decimals = (match["decimals"] or "").ljust(2, "0")
    cents = int(match["units"]) * 100 + int(decimals or "0")
    if cents > MAX_CENTS:
        raise InvalidAmount("Montant trop grand : 10 000 000 € au plus.")
    if match["sign"]:
        if not allow_negative:
            raise InvalidAmount("Le montant ne peut pas être négatif.")
        cents = -cents
    return cents


def round_half_away(numerator: int, denominator: int) -> int:
    """Integer division rounded to nearest, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def apply_rate(cents: int, basis_points: int) -> int:
    """Share of an amount, e.g. ``apply_rate(1240, 2000)`` (20 % of 12,40 €) → 248."""
    return round_half_away(cents * basis_points, BASIS_POINTS_PER_UNIT)


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def format_cents(cents: int, locale: str = "fr_FR") -> str:
    """``1250`` → ``12,50 €`` (with the French non-breaking space)."""
    return format_currency(cents_to_decimal(cents), "EUR", locale=locale)


def format_cents_plain(cents: int, locale: str = "fr_FR") -> str:
    """``1250`` → ``12,50`` for input fields and receipts' columns."""
    return format_decimal(cents_to_decimal(cents), format="#,##0.00", locale=locale)


def parse_percent_bp(text: str) -> int:
    """``"5,5"`` or ``"5,5 %"`` → 550 basis points."""
    cleaned = text.replace("%", "").strip()
    try:
        return parse_cents(cleaned)  # two decimals of a percent are basis points
    except InvalidAmount:
        raise InvalidAmount(
            f"« {text.strip()} » n'est pas un taux valide (exemple : 5,5)."
        ) from None


def format_percent_bp(basis_points: int) -> str:
    """550 → ``5,5`` (no trailing zeros)."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}" if rest == 0 else f"{whole},{rest:02d}".rstrip("0")
