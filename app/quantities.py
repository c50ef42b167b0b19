"""Quantities as integers: pieces, or grams typed and shown as kilograms in French."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal

_KG_PATTERN = re.compile(r"^([0-9]{1,9})(?:[.,]([0-9]{1,3}))?$")
MAX_GRAMS = 1_000_000_000  # a thousand tonnes
MAX_PIECES = 1_000_000


class InvalidQuantity(ValueError):
    """Raised with a French message."""


def parse_kilograms(text: str) -> int:
    """``"1,25"`` (kg) → 1250 grams; at most three decimals (the gram)."""
    cleaned = text.strip().lower().replace("kg", "").replace(" ", "").replace("\u00a0", "")
    match = _KG_PATTERN.match(cleaned)
    if not match:
        raise InvalidQuantity(f"« {text.strip()} » n'est pas un poids valide (exemple : 1,250).")
    grams = int(match[1]) * 1000 + int((match[2] or "").ljust(3, "0") or 0)
    if grams > MAX_GRAMS:
        raise InvalidQuantity("Poids trop grand : 1 000 tonnes au plus.")
    return grams


def parse_pieces(text: str) -> int:
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 9:
        raise InvalidQuantity(f"« {cleaned[:30]} » n'est pas un nombre de pièces (exemple : 12).")
    if int(cleaned) > MAX_PIECES:
        raise InvalidQuantity("Nombre de pièces trop grand : 1 000 000 au plus.")
    return int(cleaned)


def format_grams(grams: int, locale: str = "fr_FR") -> str:
    """1250 → ``1,25 kg``; 800 → ``0,8 kg``."""
    return format_decimal(Decimal(grams).scaleb(-3), format="#,##0.###", locale=locale) + "\u00a0kg"
